#include "invariants/convergence.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace corridor::invariants {

std::string seen_text(const std::vector<std::uint32_t>& seen) { return fmt::format("[{}]", fmt::join(seen, ", ")); }

Violation replicas_differ(std::string_view invariant, std::string_view what, NodeId a, NodeId b,
                          const std::string& state_a, const std::string& state_b,
                          const std::vector<std::uint32_t>& seen_a, const std::vector<std::uint32_t>& seen_b) {
  CORRIDOR_ASSERT(a != b);
  return {.invariant = std::string(invariant), .verdict = Verdict::safety, .step = 0, .true_ns = 0, .nodes = {a, b},
          .operations = {},
          .message = fmt::format("replicas {} and {} {} but differ: replica {} has seen {} and holds {}; replica {} "
                                 "has seen {} and holds {}",
                                 a, b, what, a, seen_text(seen_a), state_a, b, seen_text(seen_b), state_b)};
}

}  // namespace corridor::invariants
