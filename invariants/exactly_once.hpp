#pragma once
// Exactly-once execution: a replicated state machine executes each client request in one place of
// its log only, however often the client retried it or the network duplicated it. Reads the
// protocol's ctx.note("execute", request, position) at each node (clients' retries reuse the
// request id; position is the log slot). A replica that re-applies its log after a restart
// executes the request again at the same position, which is fine; the same request executed at
// two positions (by any replicas) is the violation. That every acknowledged request executed at
// least once is what linearizability of the client history already checks.
#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

class ExactlyOnceMonitor final : public RunObserver {
 public:
  explicit ExactlyOnceMonitor(std::string_view execute_note = "execute", std::string invariant = "exactly-once")
      : execute_note_(execute_note), invariant_(std::move(invariant)) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

  static constexpr std::size_t executions_max = 10'000'000;

 private:
  std::string_view execute_note_;
  std::string invariant_;
  struct Execution {
    std::uint64_t position = 0;
    NodeId node = no_node;
  };
  std::uint32_t nodes_ = 0;
  std::map<std::uint64_t, Execution> executed_;  // by request
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
