#pragma once
// Traces for the renderer tests: a leader-lease run with every kind of fault the pictures draw
// (crash and restart, pause, partition, clock jump, loss, duplication), two clients' histories,
// two badges added by hand (badge monitors are built elsewhere) and a violation named by hand.
#include <string>

#include "explorers/random_explorer.hpp"
#include "model/sim_config.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace corridor::test {

inline Trace lease_trace(time_ns limit_ns, std::uint64_t seed = 7) {
  const ProtocolEntry* entry = find_protocol("leader-lease");
  SimConfig config = entry->default_config(0);
  config.time_limit_ns = limit_ns;
  apply_fault_spec("loss=0.05,dup=0.1,delay=uniform:1ms:10ms", config);
  config.plan_text =
      "100ms pause n2 for 150ms; 150ms partition n0 | n2 for 200ms; 300ms crash n1 for 250ms; 400ms jump n0 -1s; "
      "500ms loss 0.5 for 50ms";
  auto sim = entry->make();
  const RunOutcome outcome = run_once(*sim, config, seed, {.record = true});
  Trace t;
  t.header.tool = "corridor test";
  t.header.protocol = entry->info.name;
  t.header.variant = "correct";
  t.header.seed = seed;
  t.header.config = config;
  t.header.nodes = sim->node_count();
  t.header.clients = sim->actor_count() - sim->node_count();
  t.header.fault_plan = sim->fault_plan();
  t.header.choices = sim->choices();
  t.events = sim->records();
  t.history = sim->history();
  t.footer.steps = outcome.steps;
  t.footer.end_ns = outcome.end_ns;
  const std::uint64_t middle = t.events[t.events.size() / 2].step;
  const std::uint64_t later = t.events[t.events.size() * 3 / 4].step;
  t.badges.push_back({"COHERENCE_DRIFT", "network", "message-delay", "send/receive", "omniscient", 0, middle,
                      t.events[t.events.size() / 2].true_ns, 0, "delay_exceeded", {{"delay", "12ms"}, {"bound", "10ms"}}});
  t.badges.push_back({"COHERENCE_DRIFT", "clock", "clock-skew", "sync", "node-local", 2, later,
                      t.events[t.events.size() * 3 / 4].true_ns, 0, "skew_exceeded", {{"skew", "1s"}}});
  t.violation = Violation{.invariant = "test-invariant", .step = later,
                          .true_ns = t.events[t.events.size() * 3 / 4].true_ns, .nodes = {0, 2},
                          .message = "nodes 0 and 2 disagree (planted by the test)"};
  return t;
}

}  // namespace corridor::test
