#pragma once
// The shrinker's one candidate type: a run as the shrinker sees it, replayed from its fault plan
// and choice log, never from the seed. Every shrink pass (explorers/shrink_passes.hpp) edits
// these fields and nothing else: the plan's entries, the log's decisions and the configuration's
// client-operation budgets (SimConfig::operations_max).
#include <cstdint>

#include "model/chooser.hpp"
#include "model/fault_plan.hpp"
#include "model/sim_config.hpp"

namespace corridor {

struct FailingRun {
  SimConfig config;
  std::uint64_t seed = 0;  // kept for the trace header only
  FaultPlan plan;
  ChoiceLog choices;
};

}  // namespace corridor
