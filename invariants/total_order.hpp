#pragma once
// Total-order agreement: every node delivers the same sequence of messages. The monitor reads the
// protocol's "deliver" notes and keeps one reference sequence, the longest delivered so far; a
// node's k-th delivery must equal the reference's k-th message (so every node's sequence is a
// prefix of one sequence). At the end of a run, with `expect_complete`, every node must have
// delivered the whole sequence (no node left behind once the run is quiet; a liveness verdict). A node delivering the
// same message twice is a violation too: a total order lists each message once.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

class TotalOrderMonitor final : public RunObserver {
 public:
  explicit TotalOrderMonitor(bool expect_complete = true, std::string_view deliver_note = "deliver",
                             std::string invariant = "total-order")
      : expect_complete_(expect_complete), deliver_note_(deliver_note), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

  static constexpr std::size_t deliveries_max = 1'000'000;  // per node

 private:
  void fail(std::uint64_t step, time_ns true_ns, std::vector<NodeId> nodes, std::string message,
            Verdict verdict = Verdict::safety);

  bool expect_complete_;
  std::string_view deliver_note_;
  std::string invariant_;
  std::uint32_t nodes_ = 0;
  std::vector<std::uint64_t> order_;           // the reference sequence
  std::vector<NodeId> first_at_;               // which node first delivered order_[k]
  std::vector<std::uint32_t> count_;           // per node: deliveries so far
  std::vector<std::set<std::uint64_t>> seen_;  // per node: ids delivered
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
