#pragma once
// The fault budgets the simulated-world search tests give a protocol's correct variant: one of
// each fault (crash-restart, loss, duplication) that its fault model makes possible.
#include "model/world_model.hpp"

namespace corridor::test_support {

inline WorldLimits one_of_each_fault(const SimConfig& config) {
  WorldLimits limits;
  if (!world_limits_refusal(config, {.crashes = 1})) limits.crashes = 1;
  if (!world_limits_refusal(config, {.losses = 1})) limits.losses = 1;
  if (!world_limits_refusal(config, {.dups = 1})) limits.dups = 1;
  return limits;
}

}  // namespace corridor::test_support
