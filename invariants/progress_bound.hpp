#pragma once
// Progress with a bound (liveness): every client operation completes (ok, fail or info) within
// `bound` after the later of its invoke and the moment the last fault healed (RunInfo.last_heal_ns).
// Faults may stall a protocol; once they are over it must finish what it was asked within the
// bound. When a fault never heals (last_heal_ns == time_ns_max) nothing is checked. At the end of
// the run, operations still open whose deadline has passed are violations too; those whose
// deadline lies beyond the end are not.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "model/engine.hpp"

namespace corridor::invariants {

class ProgressBoundMonitor final : public RunObserver {
 public:
  explicit ProgressBoundMonitor(time_ns bound_ns, std::string invariant = "progress-bound")
      : bound_ns_(bound_ns), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  struct Open {
    std::uint64_t history_index = 0;  // the invoke's place in the run's history
    time_ns invoke_ns = 0;
    time_ns deadline_ns = 0;
    std::string f;
  };
  static constexpr std::size_t open_max = 100'000;

  void on_history(const EventView& view);
  // Fails on the open operation with the earliest deadline if that deadline is before now_ns.
  void check_deadlines(std::uint64_t step, time_ns now_ns);

  time_ns bound_ns_;
  std::string invariant_;
  bool active_ = false;
  time_ns last_heal_ns_ = 0;
  std::uint64_t history_events_ = 0;
  std::map<std::uint32_t, Open> open_;  // by client process: one open operation each
  // The earliest deadline in open_ (time_ns_max: none), kept on every history event, so that the
  // check on every other event is one compare, not a walk of open_.
  time_ns earliest_deadline_ns_ = time_ns_max;
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
