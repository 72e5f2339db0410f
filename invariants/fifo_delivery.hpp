#pragma once
// FIFO delivery: a node delivers an origin's messages in the order the origin cast them, without
// skipping one: when it delivers the origin's i-th cast it has delivered casts 0..i-1 of that
// origin. A node's own casts count as delivered at it from the cast on. Delivering a message
// again is not a FIFO matter and is ignored (at-most-once is another property). Reads the same
// "cast" and "deliver" notes as the causal delivery monitor.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "invariants/cast_log.hpp"
#include "invariants/delivery_notes.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

class FifoDeliveryMonitor final : public RunObserver {
 public:
  explicit FifoDeliveryMonitor(DeliveryNotes notes = {}, std::string invariant = "fifo-delivery")
      : notes_(notes), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }
  // Untimed searches branch the world, and this monitor with it.
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<FifoDeliveryMonitor>(*this); }
  bool assign_from(const RunObserver& other) override {
    const auto* same = dynamic_cast<const FifoDeliveryMonitor*>(&other);
    if (same) *this = *same;
    return same != nullptr;
  }

 private:
  // What one node has delivered of one origin's casts: which ones, and how many from the first
  // without a gap.
  struct Delivered {
    std::vector<bool> seen;  // by the origin's cast index
    std::uint32_t prefix = 0;
    void mark(std::uint32_t index);
  };

  void on_deliver(const EventView& view);
  Delivered& delivered(NodeId node, NodeId origin) { return delivered_[std::size_t{node} * width_ + origin]; }

  DeliveryNotes notes_;
  std::string invariant_;
  std::uint32_t width_ = 0;
  CastLog casts_;
  std::vector<Delivered> delivered_;  // node x origin
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
