#pragma once
// One record for every violated invariant, whichever kind of checker found it.
#include <cstdint>
#include <string>
#include <vector>

#include "model/event.hpp"
#include "model/verdict.hpp"

namespace corridor {

struct Violation {
  std::string invariant;          // e.g. "unique-leader"
  Verdict verdict = Verdict::safety;
  std::uint64_t step = 0;         // the step at which it was detected
  time_ns true_ns = 0;
  std::vector<NodeId> nodes;      // the nodes involved
  std::vector<std::uint64_t> operations;  // history indexes involved, if any
  std::string message;            // a sentence a person can read
  friend bool operator==(const Violation&, const Violation&) = default;
};

}  // namespace corridor
