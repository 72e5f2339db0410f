#pragma once
// A snapshot is a consistent cut: no node's recorded state has seen an event of another node
// that comes after that node's own recording. Checked with the engine's vector clocks. A node
// records its state in the handler of the event that makes it record (a marker's receipt, an
// initiating timer), which changes no state of its own, so the recorded state is the node as it
// was before that step: with V_i node i's vector clock at the end of its last earlier step, the
// cut is consistent iff V_j[i] <= V_i[i] for every pair i, j (a message sent after i recorded and
// received before j recorded would break it; the marker that makes j record is not part of the
// cut). Checked as soon as every node recorded the snapshot.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

class ConsistentCutMonitor final : public RunObserver {
 public:
  explicit ConsistentCutMonitor(std::string invariant = "consistent-cut") : invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

  static constexpr std::size_t snapshots_max = 10'000;

 private:
  struct Cut {
    std::vector<std::uint32_t> vcs;  // node x width: the clock at each node's recording
    std::vector<bool> recorded;
    std::uint32_t count = 0;
  };

  void track(const EventView& view);
  void check(const EventView& view, std::uint32_t id, const Cut& cut);

  std::string invariant_;
  std::uint32_t nodes_ = 0;
  std::uint32_t width_ = 0;
  std::map<std::uint32_t, Cut> cuts_;
  // Per node: the vector clock at the end of its last step before the current one, the latest
  // one, and the step of the latest (node x width, flat).
  std::vector<std::uint32_t> before_;
  std::vector<std::uint32_t> latest_;
  std::vector<std::uint64_t> latest_step_;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
