#pragma once
// Everything a protocol author or a test needs, in one include: the node API and the simulated
// world, the invariants and monitors, the explorers (seed campaigns, PCT, exhaustive search, the
// shrinker), traces and their timeline, and the registry of reference protocols. The test-side
// API (testing/property_suite.hpp, testing/generators.hpp) needs GoogleTest and RapidCheck, so it
// is included on its own.

// The model: node API, world, faults, clocks, histories, assertions.
#include "model/assert.hpp"
#include "model/badge.hpp"
#include "model/engine.hpp"
#include "model/fault_plan.hpp"
#include "model/history.hpp"
#include "model/prng.hpp"
#include "model/sim_config.hpp"
#include "model/simulation.hpp"
#include "model/state_machine.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"
#include "model/violation.hpp"

// Invariants: state invariants, history checkers, event-stream monitors.
#include "invariants/causal_delivery.hpp"
#include "invariants/consistent_cut.hpp"
#include "invariants/exactly_once.hpp"
#include "invariants/fifo_delivery.hpp"
#include "invariants/linearizability.hpp"
#include "invariants/log_agreement.hpp"
#include "invariants/monotonic_token.hpp"
#include "invariants/per_node_monotonic.hpp"
#include "invariants/progress_bound.hpp"
#include "invariants/snapshot_conservation.hpp"
#include "invariants/total_order.hpp"
#include "invariants/unique_leader_per_term.hpp"
#include "invariants/unique_lease_holder.hpp"

// Explorers: who picks the next event, the seed runner, the shrinker.
#include "explorers/exhaustive.hpp"
#include "explorers/pct.hpp"
#include "explorers/random_explorer.hpp"
#include "explorers/seed_runner.hpp"
#include "explorers/shrink.hpp"

// Traces: the file format and the terminal timeline.
#include "traces/timeline.hpp"
#include "traces/trace.hpp"

// The reference protocols, by name.
#include "protocols/registry.hpp"
