#pragma once
// Monotonic token (fencing): the tokens a protocol notes under one name never decrease, e.g. a
// storage node's ctx.note("accept", token) for every write it accepts. A write fenced with an
// older token than one already accepted means a deposed leader wrote after its successor.
// Tokens from every node noting that name form one sequence.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "model/engine.hpp"

namespace corridor::invariants {

class MonotonicTokenMonitor final : public RunObserver {
 public:
  // `note_name` must outlive the monitor (a string literal).
  MonotonicTokenMonitor(std::string_view note_name, std::string invariant)
      : note_name_(note_name), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }
  // Untimed searches branch the world, and this monitor with it.
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<MonotonicTokenMonitor>(*this); }
  bool assign_from(const RunObserver& other) override {
    const auto* same = dynamic_cast<const MonotonicTokenMonitor*>(&other);
    if (same) *this = *same;
    return same != nullptr;
  }

 private:
  std::string_view note_name_;
  std::string invariant_;
  bool seen_ = false;
  std::uint64_t highest_ = 0;
  NodeId highest_node_ = no_node;
  time_ns highest_ns_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
