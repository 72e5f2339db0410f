#pragma once
// Conservation in a snapshot: once a snapshot is complete (every node recorded its state and every
// channel between nodes was recorded), the recorded states plus the recorded in-flight amounts
// equal the system's total (money in a bank, tokens in a ring). Reads the "snapshot-state" and
// "snapshot-channel" notes (invariants/snapshot_notes.hpp). A node recording the same state or
// channel twice is a violation; so is, at the end of the run, a snapshot some node began that
// never completed (liveness).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

class SnapshotConservationMonitor final : public RunObserver {
 public:
  // `total` gives the conserved total for a run with that many nodes.
  explicit SnapshotConservationMonitor(std::function<std::int64_t(std::uint32_t nodes)> total,
                                       std::string invariant = "snapshot-conservation")
      : total_(std::move(total)), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

  static constexpr std::size_t snapshots_max = 10'000;

 private:
  struct Snapshot {
    std::vector<bool> state_recorded;    // per node
    std::vector<bool> channel_recorded;  // per (from, to), flat
    std::uint32_t states = 0;
    std::uint32_t channels = 0;
    std::int64_t sum = 0;
    bool checked = false;
  };

  Snapshot& snapshot(std::uint32_t id);
  void on_state(const EventView& view);
  void on_channel(const EventView& view);
  void check_complete(const EventView& view, std::uint32_t id, Snapshot& s);
  void fail(const EventView& view, std::vector<NodeId> nodes, std::string message);

  std::function<std::int64_t(std::uint32_t)> total_;
  std::string invariant_;
  std::uint32_t nodes_ = 0;
  std::int64_t expected_ = 0;
  std::map<std::uint32_t, Snapshot> snapshots_;
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
