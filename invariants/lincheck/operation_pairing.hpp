#pragma once
// Pairs each invocation of a history with its completion: the next ok / fail / info event of the
// same process. An invocation left open at the end is indeterminate, like info.
#include <cstdint>
#include <string>
#include <vector>

#include "invariants/lincheck/operation.hpp"
#include "model/history.hpp"

namespace corridor::lincheck {

struct PairedOperation {
  std::uint32_t call_event = 0;
  std::uint32_t completion_event = no_event;  // the ok / fail / info event; no_event if none
  Outcome outcome = Outcome::unknown;
};

// In call order. Throws InputError "source:line: ..." for a completion without an invocation, or
// an invocation by a process whose previous operation has not completed.
std::vector<PairedOperation> pair_operations(const History& history, const std::string& source,
                                             const std::vector<std::uint32_t>& event_lines);

// "source:line" (or "source, event N" without line numbers): where event `index` came from.
std::string event_location(const std::string& source, const std::vector<std::uint32_t>& event_lines,
                           std::uint32_t index);

}  // namespace corridor::lincheck
