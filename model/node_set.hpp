#pragma once
// Quorums and sets of nodes, the two things every replicated protocol counts: `majority(n)` and a
// small `NodeSet` (a 64-bit mask) for votes, acknowledgements and suspicions. A protocol that
// writes `mask |= 1 << id` by hand overflows silently at 64 nodes; NodeSet refuses an id past its
// width with CORRIDOR_ASSERT instead, and a protocol declares its node limit from
// NodeSet::capacity.
#include <bit>
#include <cstdint>

#include "model/assert.hpp"
#include "model/event.hpp"

namespace corridor {

// The smallest number of nodes of n that any two such sets share: n / 2 + 1.
constexpr std::uint32_t majority(std::uint32_t n) {
  CORRIDOR_ASSERT(n > 0);
  return n / 2 + 1;
}

// An aggregate of one public field, so that reflection (model/reflect.hpp) hashes, compares and
// prints it inside any state or message; change it through the member functions only.
struct NodeSet {
  static constexpr std::uint32_t capacity = 64;

  std::uint64_t mask = 0;  // bit i: node i is in the set

  // The nodes 0..n-1.
  static constexpr NodeSet first(std::uint32_t n) {
    CORRIDOR_ASSERT(n <= capacity);
    NodeSet s;
    s.mask = n == capacity ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
    return s;
  }
  static constexpr NodeSet of(NodeId id) {
    NodeSet s;
    s.insert(id);
    return s;
  }

  constexpr void insert(NodeId id) { mask |= bit(id); }
  constexpr void erase(NodeId id) { mask &= ~bit(id); }
  constexpr bool contains(NodeId id) const { return (mask & bit(id)) != 0; }
  constexpr std::uint32_t size() const { return static_cast<std::uint32_t>(std::popcount(mask)); }
  constexpr bool empty() const { return mask == 0; }
  constexpr void clear() { mask = 0; }
  // Whether the set holds a majority of n nodes (ids past n are not counted: callers keep them out).
  constexpr bool is_majority_of(std::uint32_t n) const { return size() >= majority(n); }
  constexpr NodeSet without(NodeId id) const {
    NodeSet s = *this;
    s.erase(id);
    return s;
  }
  friend constexpr bool operator==(const NodeSet&, const NodeSet&) = default;

 private:
  static constexpr std::uint64_t bit(NodeId id) {
    CORRIDOR_ASSERT_MSG(id < capacity, "a NodeSet holds node ids 0..63 only");
    return std::uint64_t{1} << id;
  }
};

}  // namespace corridor
