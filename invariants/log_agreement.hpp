#pragma once
// Log agreement: replicas never decide different commands for the same log slot. Reads the
// protocol's ctx.note("decide", slot, digest) at each node, digest standing for the command (a
// hash of it); the first decision of a slot is the reference, and every later one, at any node
// (a restarted node deciding again included), must carry the same digest.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model/engine.hpp"

namespace corridor::invariants {

class LogAgreementMonitor final : public RunObserver {
 public:
  explicit LogAgreementMonitor(std::string_view decide_note = "decide", std::string invariant = "log-agreement")
      : decide_note_(decide_note), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

  static constexpr std::size_t slots_max = 10'000'000;

 private:
  struct Decision {
    std::uint64_t digest = 0;
    NodeId node = no_node;
    time_ns true_ns = 0;
  };

  std::string_view decide_note_;
  std::string invariant_;
  std::uint32_t nodes_ = 0;
  std::map<std::uint64_t, Decision> decided_;  // by slot
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
