#pragma once
// Symmetry of the simulated world: which nodes are interchangeable, and how a protocol rewrites
// the node ids inside its own states and messages when the world's nodes are renamed.
//
// A protocol opts in with a nested `Symmetry` in its bundle (everything else about the world,
// node order, in-flight messages' senders and receivers, timers, statuses, is renamed by
// corridor):
//
//   struct Symmetry {
//     // Nodes [first, last) behave the same up to their ids (no decision compares ids).
//     static NodeRange interchangeable(std::uint32_t nodes);
//     // Rewrite every node id held in a node's state or a message (`rename(id)` is the new id).
//     // A protocol that holds no node ids in them writes empty bodies.
//     static void rename(Node& node, const NodeRenaming& rename);
//     static void rename(Message& message, const NodeRenaming& rename);
//     // and, with a Durable: static void rename(Durable& durable, const NodeRenaming& rename);
//     // and, with timers that hold node ids: static void rename(Timer& timer, const NodeRenaming& rename);
//   };
//
// Leave it out when ids break ties (leader-lease: the lower id wins a split election) or when ids
// index bit masks or vectors the protocol would have to permute and you would rather not.
#include <cstdint>
#include <vector>

#include "model/event.hpp"

namespace corridor {

struct NodeRange {
  NodeId first = 0;
  NodeId last = 0;  // one past the end
};

class NodeRenaming {
 public:
  explicit NodeRenaming(std::vector<NodeId> to) : to_(std::move(to)) {}
  // The new id of `id`; ids outside the renamed range (clients, no_node) stay as they are.
  NodeId operator()(NodeId id) const { return id < to_.size() ? to_[id] : id; }

 private:
  std::vector<NodeId> to_;
};

template <class P>
concept HasNodeSymmetry = requires(std::uint32_t n) {
  { P::Symmetry::interchangeable(n) } -> std::same_as<NodeRange>;
};

}  // namespace corridor
