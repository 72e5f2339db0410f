// Properties over random configurations and fault plans, on every registered protocol: a run
// never throws out of the engine, is deterministic, and replays from its choice log alone.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "explorers/random_explorer.hpp"
#include "protocols/registry.hpp"
#include "tests/build_budget.hpp"

using namespace corridor;

namespace {

// Each case simulates at most 2 s; a sanitizer build, where a simulated second costs 20-60x the
// CPU, 0.5 s (tests/build_budget.hpp): the fault plans and clocks are drawn the same way.
constexpr time_ns simulated_ns_max = test_support::sanitized_build ? ms(500) : seconds(2);

std::string random_fault_spec() {
  std::string spec = fmt::format("crash={},partition={},pause={},loss-burst={}", *rc::gen::inRange(0, 3),
                                 *rc::gen::inRange(0, 3), *rc::gen::inRange(0, 3), *rc::gen::inRange(0, 2));
  spec += fmt::format(",loss={},dup={}", *rc::gen::inRange(0, 20) / 100.0, *rc::gen::inRange(0, 20) / 100.0);
  const int delay = *rc::gen::inRange(0, 4);
  if (delay == 0) spec += ",delay=const:2ms";
  if (delay == 1) spec += ",delay=uniform:1ms:30ms";
  if (delay == 2) spec += ",delay=exp:1ms:10ms";
  if (delay == 3) spec += ",delay=normal:5ms:3ms";
  if (*rc::gen::arbitrary<bool>()) spec += ",fifo";
  return spec;
}

std::string random_clock_spec() {
  return fmt::format("drift={}ppm,skew={}ms,jump={}ms,jumps={},drift-changes={}", *rc::gen::inRange(0, 100'000),
                     *rc::gen::inRange(0, 50), *rc::gen::inRange(-3000, 3000), *rc::gen::inRange(0, 3),
                     *rc::gen::inRange(0, 3));
}

}  // namespace

RC_GTEST_PROP(RandomPlans, RunsAreDeterministicAndReplayFromTheChoiceLog, ()) {
  const auto& registry = protocol_registry();
  const ProtocolEntry& entry = registry[*rc::gen::inRange<std::size_t>(0, registry.size())];
  SimConfig config = entry.default_config(*rc::gen::inRange<std::uint32_t>(0, static_cast<std::uint32_t>(entry.info.variants.size())));
  config.nodes = *rc::gen::inRange(entry.info.min_nodes, std::min(entry.info.max_nodes, 5u) + 1);
  config.faults = FaultSpec{};
  config.link = SimConfig{}.link;
  apply_fault_spec(random_fault_spec(), config);
  config.clock = ClockSpec{};
  apply_clock_spec(random_clock_spec(), config);
  config.time_limit_ns = std::min(config.time_limit_ns, simulated_ns_max);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();

  auto sim = entry.make();
  const RunOutcome first = run_once(*sim, config, seed, {.record = true});
  RC_ASSERT(first.verdict != Verdict::crashed);  // nothing threw, out of the protocol or the engine
  const auto events = sim->records();
  const ChoiceLog choices = sim->choices();
  const FaultPlan plan = sim->fault_plan();

  const RunOutcome again = run_once(*sim, config, seed, {.record = true});
  RC_ASSERT(again.violation == first.violation);
  RC_ASSERT(sim->records() == events);

  const RunOutcome replayed = run_once(*sim, config, 0, {.record = true, .plan = &plan, .replay = &choices});
  RC_ASSERT(replayed.violation == first.violation);
  RC_ASSERT(sim->records() == events);
  RC_ASSERT(sim->replay_divergences() == 0u);
}
