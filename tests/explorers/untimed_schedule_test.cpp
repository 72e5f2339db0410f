// Untimed schedules (explorers/untimed_schedule.hpp): every planted bug's first failure in its demo
// campaign that is a safety violation, read as a schedule, fails the same way at the same step and
// is rebuilt as a schedule run that replays exactly (a liveness failure has no untimed verdict); an event left out takes with it what needed it; the causal past of a violation is a
// schedule of its own.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "explorers/seed_runner.hpp"
#include "explorers/untimed_schedule.hpp"
#include "model/assert.hpp"
#include "protocols/registry.hpp"

using namespace corridor;

namespace {

constexpr std::uint64_t untimed_sched_master_seed = 0xC0441D04;  // the demo's

struct UntimedSchedFailure {
  FailingRun run;
  Violation violation;
};

// The first failure of the planted bug's demo campaign, if it finds one.
std::optional<UntimedSchedFailure> untimed_sched_first_failure(const ProtocolEntry& entry, std::uint32_t variant) {
  const SimConfig config = entry.demo_config(variant);
  const CampaignResult r = run_campaign(entry.make, config, {.master_seed = untimed_sched_master_seed, .runs = 2000});
  if (r.failures.empty()) return std::nullopt;
  auto sim = entry.make();
  const std::uint64_t seed = r.failures.front().outcome.seed;
  const RunOutcome out = run_once(*sim, config, seed);
  if (!out.violation) return std::nullopt;
  return UntimedSchedFailure{{config, seed, sim->fault_plan(), sim->choices()}, *out.violation};
}

// A run of `protocol`'s correct variant at `seed` under its default configuration, read as a
// schedule, with the records of that reading (vector clocks for causal_past).
struct UntimedSchedRun {
  std::unique_ptr<Simulation> sim;
  FailingRun run;
  EventSchedule schedule;
  std::vector<EventRecord> records;
};

UntimedSchedRun untimed_sched_run_of(const char* protocol, std::uint64_t seed) {
  const ProtocolEntry* entry = find_protocol(protocol);
  CORRIDOR_ASSERT(entry != nullptr);
  UntimedSchedRun r;
  r.sim = entry->make();
  const SimConfig config = entry->default_config(0);
  run_once(*r.sim, config, seed);
  r.run = {config, seed, r.sim->fault_plan(), r.sim->choices()};
  r.schedule = schedule_of(*r.sim, r.run, /*record=*/true);
  r.records = r.sim->records();
  return r;
}

TEST(UntimedSchedule, EveryPlantedBugsTimedFailureIsTheSameFailureAsASchedule) {
  std::size_t bugs = 0;
  std::size_t liveness_bugs = 0;
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (!entry.make) continue;
    for (std::uint32_t v = 0; v < entry.info.variants.size(); ++v) {
      if (!entry.info.variants[v].planted_bug) continue;
      const std::string name = entry.info.name + " / " + entry.info.variants[v].name;
      const auto found = untimed_sched_first_failure(entry, v);
      ASSERT_TRUE(found) << name << ": the demo campaign finds no failure";
      ++bugs;
      auto sim = entry.make();
      const EventSchedule schedule = schedule_of(*sim, found->run);
      if (found->violation.verdict == Verdict::liveness) {
        // A liveness bound in true time says nothing of an unfair schedule (model/engine.hpp,
        // ignored_when_untimed): the timed passes alone shrink these.
        EXPECT_TRUE(!schedule.violation || schedule.violation->verdict != Verdict::liveness) << name;
        ++liveness_bugs;
        continue;
      }
      ASSERT_TRUE(schedule.violation) << name;
      // The timed run is the schedule firing the earliest due event, event for event.
      EXPECT_EQ(schedule.violation->invariant, found->violation.invariant) << name;
      EXPECT_EQ(schedule.violation->step, found->violation.step) << name;
      // At the same true time, unless found at the end of the run by a history checker: a timed
      // run ends at its time limit, a schedule at its last event.
      if (found->violation.true_ns < found->run.config.time_limit_ns) {
        EXPECT_EQ(schedule.violation->true_ns, found->violation.true_ns) << name;
      } else {
        EXPECT_LE(schedule.violation->true_ns, found->violation.true_ns) << name;
      }
      // Rebuilt as a schedule run, every event is found again, and its log replays it exactly.
      const BuiltSchedule built = build_schedule(*sim, found->run, schedule.events);
      EXPECT_EQ(built.fired.events, schedule.events) << name;
      ASSERT_TRUE(built.fired.violation) << name;
      EXPECT_EQ(built.fired.violation->invariant, found->violation.invariant) << name;
      EXPECT_EQ(built.run.config.explorer, ExplorerKind::schedule);
      const RunOutcome again =
          run_once(*sim, built.run.config, built.run.seed, {.plan = &built.run.plan, .replay = &built.run.choices});
      ASSERT_TRUE(again.violation) << name;
      EXPECT_EQ(again.violation->invariant, found->violation.invariant) << name;
      EXPECT_EQ(again.steps, built.fired.events.size()) << name << ": the schedule ends at its last event";
      EXPECT_EQ(again.replay_divergences, 0u) << name;
    }
  }
  std::printf("[ schedule ] %zu planted bugs, %zu of them liveness failures\n", bugs, liveness_bugs);
  EXPECT_GE(bugs, 30u) << "every planted bug of the registry, not a few";
  EXPECT_LT(liveness_bugs * 4, bugs) << "most planted bugs are safety bugs, which this test holds to the same failure";
}

// Ping-pong is one causal chain: each delivery is sent by the one before it, one message in flight.
// Leave out delivery k (n0 -> n1): the reply it caused (k + 1) is not pending and is skipped; the
// message k stays pending and stands in for the next delivery on its link (k + 2), fired when k + 2
// was (later than its own due time), and the exchange goes on from there, two steps short.
TEST(UntimedSchedule, ALeftOutDeliveryTakesItsEffectsAndStaysPendingForTheNextOnItsLink) {
  const UntimedSchedRun ping = untimed_sched_run_of("ping-pong", 7);
  const EventSchedule& schedule = ping.schedule;
  ASSERT_GT(schedule.events.size(), 100u);
  std::size_t k = 4;
  while (k < schedule.events.size() && (schedule.events[k].kind != 1 || schedule.events[k].source != 0)) ++k;
  ASSERT_LT(k + 2, schedule.events.size());
  std::vector<ScheduledEvent> without = schedule.events;
  without.erase(without.begin() + static_cast<std::ptrdiff_t>(k));
  const BuiltSchedule built = build_schedule(*ping.sim, ping.run, without);
  ASSERT_EQ(built.fired.events.size(), schedule.events.size() - 2);
  EXPECT_TRUE(std::equal(schedule.events.begin(), schedule.events.begin() + static_cast<std::ptrdiff_t>(k),
                         built.fired.events.begin()));
  const ScheduledEvent& stand_in = built.fired.events[k];
  EXPECT_EQ(stand_in.kind, 1);
  EXPECT_EQ(stand_in.source, 0u);
  EXPECT_EQ(stand_in.due_ns, schedule.events[k].due_ns) << "message k, delivered where k + 2 was wanted";
  EXPECT_EQ(stand_in.at_ns, schedule.events[k + 2].due_ns) << "and when k + 2 was";
  EXPECT_GT(stand_in.at_ns, stand_in.due_ns);
}

// The causal past of ping-pong's k-th step is its first k steps; of a step of two independent
// chains (lamport-total-order's broadcasts), fewer.
TEST(UntimedSchedule, TheCausalPastOfAStepIsWhatHappenedBeforeIt) {
  const UntimedSchedRun ping = untimed_sched_run_of("ping-pong", 7);
  const std::uint64_t of[] = {40};
  const std::vector<ScheduledEvent> past = causal_past(ping.schedule, ping.records, of);
  ASSERT_EQ(past.size(), 40u);
  EXPECT_TRUE(std::equal(past.begin(), past.end(), ping.schedule.events.begin()));

  const UntimedSchedRun lamport = untimed_sched_run_of("lamport-total-order", 3);
  const EventSchedule& lschedule = lamport.schedule;
  ASSERT_GT(lschedule.events.size(), 20u);
  const std::uint64_t early[] = {12};
  const std::vector<ScheduledEvent> lpast = causal_past(lschedule, lamport.records, early);
  EXPECT_LT(lpast.size(), 12u) << "some of the first 12 steps are concurrent with the 12th";
  EXPECT_GE(lpast.size(), 1u);
}

}  // namespace
