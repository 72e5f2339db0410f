#pragma once
// Causal delivery: when a node delivers message m, it has already delivered every message whose
// cast happened before m's cast. The monitor reads the protocol's "cast" and "deliver" notes.
//
// Which "happened before"? Two orders are offered:
//  - CausalOrder::delivered (the default) is the order causal broadcast promises: cast(c) precedes
//    cast(m) when m's origin had cast or delivered c (or something that c preceded) before it
//    cast m. The monitor keeps, per node, how many casts of each origin lie in its causal past.
//  - CausalOrder::engine is the engine's vector clocks: every message receipt counts, also one the
//    protocol holds back and has not delivered yet. Cast c at node o happened before event e iff
//    VC(c)[o] <= VC(e)[o], so the casts of o before m's cast are a prefix of o's cast list, found
//    by binary search on o's own component. This order is stricter than what a hold-back protocol
//    guarantees (a node that receives m1, holds it back and casts m2 makes m1 precede m2), so use
//    it only for protocols that deliver every message when it arrives.
// Per delivery the work is O(origins) (delivered) or O(origins * log casts) (engine).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "invariants/cast_log.hpp"
#include "invariants/delivery_notes.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

enum class CausalOrder : std::uint8_t { delivered, engine };

class CausalDeliveryMonitor final : public RunObserver {
 public:
  explicit CausalDeliveryMonitor(CausalOrder order = CausalOrder::delivered, DeliveryNotes notes = {},
                                 std::string invariant = "causal-delivery")
      : order_(order), notes_(notes), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }
  // Untimed searches branch the world, and this monitor with it.
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<CausalDeliveryMonitor>(*this); }
  bool assign_from(const RunObserver& other) override {
    const auto* same = dynamic_cast<const CausalDeliveryMonitor*>(&other);
    if (same) *this = *same;
    return same != nullptr;
  }

 private:
  void on_cast(const EventView& view);
  void on_deliver(const EventView& view);
  // The number of casts of `origin` that precede `cast` (not counting `cast` itself).
  std::uint32_t preceding(const CastLog::Cast& cast, NodeId origin) const;
  void mark_delivered(NodeId node, const CastLog::Cast& cast);
  std::uint32_t& prefix(NodeId node, NodeId origin) { return prefix_[std::size_t{node} * width_ + origin]; }
  void fail(const EventView& view, std::vector<NodeId> nodes, std::string message);

  CausalOrder order_;
  DeliveryNotes notes_;
  std::string invariant_;
  std::uint32_t width_ = 0;  // actors
  CastLog casts_;
  // CausalOrder::delivered: per node, casts of each origin in its causal past (node x width);
  // per cast, the same vector at its cast (casts x width).
  std::vector<std::uint32_t> past_;
  std::vector<std::uint32_t> cast_past_;
  // Per (node, origin): how many of origin's first casts the node has delivered, without a gap,
  // and which casts it has delivered at all (by cast index into casts_.casts()).
  std::vector<std::uint32_t> prefix_;
  std::vector<std::vector<bool>> delivered_;  // per node, indexed by cast index
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
