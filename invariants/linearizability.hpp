#pragma once
// The linearizability checker as a history checker at the end of a simulated run: the same
// check_history that `corridor lincheck` runs on recorded files. One thread, so the reported
// violation is the same on every run (the determinism contract).
#include <string>

#include "model/engine.hpp"

namespace corridor::invariants {

struct LinearizabilityOptions {
  std::string model = "register";  // one of lincheck::model_names()
  double time_budget_s = 10.0;     // past it the verdict is unknown: the run counts as hung
  std::size_t memory_budget_bytes = std::size_t{512} << 20;
};

HistoryChecker linearizability(const LinearizabilityOptions& options);

}  // namespace corridor::invariants
