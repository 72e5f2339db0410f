#pragma once
// External consistency (Spanner, Corbett et al., OSDI 2012, section 4.1.2), read from the client
// history: if transaction T1's ok comes before T2's invoke (in true time, or at the same true time
// in an earlier step), T1's commit timestamp is below T2's. A transaction is an operation named
// `function`; its ok carries its commit timestamp as an integer. Operations that failed or whose
// outcome is unknown (info) have no timestamp and constrain nothing.
//
// At each invoke the monitor remembers the largest timestamp acknowledged so far (and whose it
// was); at that operation's ok it checks its timestamp against it. Per client at most one
// operation is open, as a client history has it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "model/engine.hpp"

namespace corridor::invariants {

class ExternalConsistencyMonitor : public RunObserver {
 public:
  static constexpr std::size_t processes_max = 4096;

  ExternalConsistencyMonitor(std::string function, std::string name)
      : function_(std::move(function)), name_(std::move(name)) {}

  void on_run_start(const RunInfo&) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return name_; }
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<ExternalConsistencyMonitor>(*this); }

 private:
  struct Committed {
    std::uint32_t process = 0;
    std::uint32_t op = 0;  // the process's operation number, from 1
    std::int64_t timestamp_ns = 0;
    time_ns ok_true_ns = 0;
  };
  struct Open {
    std::uint32_t op = 0;
    time_ns invoke_true_ns = 0;
    std::optional<Committed> before;  // the largest timestamp acknowledged before the invoke
  };

  void on_ok(const EventView& view, const HistoryEvent& h);

  std::string function_;
  std::string name_;
  std::map<std::uint32_t, std::uint32_t> invoked_;  // per process: operations invoked
  std::map<std::uint32_t, Open> open_;              // per process
  std::optional<Committed> largest_;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
