#pragma once
// The checker's verdicts in words, for people: why a history is not linearizable (the operation
// that cannot be linearized, the longest linearizable prefix, the concurrent operations), or why
// the verdict is unknown.
#include <string>

#include "invariants/lincheck/lincheck.hpp"

namespace corridor::lincheck {

std::string explain_violation_in_words(const LincheckOptions& options, const LincheckResult& result);
std::string explain_unknown(const LincheckOptions& options, const LincheckResult& result, bool out_of_time);
// "#12 (process 3, cas 1 -> 3, lines 40-45)"
std::string describe_operation(const LincheckOptions& options, const LincheckResult& result, std::uint32_t id);

}  // namespace corridor::lincheck
