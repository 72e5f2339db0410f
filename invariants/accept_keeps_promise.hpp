#pragma once
// An acceptor keeps its promise (Paxos phase 2b): it accepts a ballot only if it has promised no
// higher one. Reads the protocol's ctx.note("accept", ballot, promised) written where an acceptor
// takes a proposal: `promised` is its durable promise as it stood when the proposal arrived. The
// monitor also remembers, per node, the highest ballot it saw that node promise or accept (a
// promise is durable, so it survives restarts): an accept below either is the violation.
//
// No state invariant can see this: after the acceptor takes ballot b below its promise p, its
// state (accepted b, promised p) is also the state of one that accepted b and promised p later.
// Agreement then breaks only when a lower proposer's accept reaches an acceptor its rival's phase
// 1 counted (bench/RESULTS.md, "Mutation check": accepting one ballot below the promise survived
// 46,030 seeds of every other check).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

class AcceptKeepsPromiseMonitor final : public RunObserver {
 public:
  explicit AcceptKeepsPromiseMonitor(std::string_view accept_note = "accept", std::string invariant = "accept-keeps-promise")
      : accept_note_(accept_note), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }
  // Untimed searches branch the world, and this monitor with it.
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<AcceptKeepsPromiseMonitor>(*this); }
  bool assign_from(const RunObserver& other) override {
    const auto* same = dynamic_cast<const AcceptKeepsPromiseMonitor*>(&other);
    if (same) *this = *same;
    return same != nullptr;
  }

 private:
  std::string_view accept_note_;
  std::string invariant_;
  std::vector<std::uint64_t> promised_;  // per node: the highest ballot it promised or accepted
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
