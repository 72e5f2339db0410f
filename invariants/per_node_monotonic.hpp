#pragma once
// Per-node monotonic: the values each node notes under one name never decrease at that node, e.g.
// a replica's ctx.note("applied", version): a replica whose version goes backwards has lost
// writes it already held. (MonotonicTokenMonitor is the same rule over all nodes together.)
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

class PerNodeMonotonicMonitor final : public RunObserver {
 public:
  // `note_name` must outlive the monitor (a string literal).
  PerNodeMonotonicMonitor(std::string_view note_name, std::string invariant)
      : note_name_(note_name), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  std::string_view note_name_;
  std::string invariant_;
  std::vector<std::uint64_t> highest_;  // per actor
  std::vector<time_ns> highest_ns_;     // when it was noted
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
