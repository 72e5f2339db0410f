#include <algorithm>

#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "test_protocols.hpp"

using namespace corridor;
using test_protocols::Blaster;

namespace {

SimConfig config_with(std::string_view faults, std::string_view plan = {}) {
  SimConfig c;
  c.nodes = 2;
  c.time_limit_ns = seconds(5);
  apply_fault_spec(faults, c);
  if (!plan.empty()) c.plan_text = std::string(plan);
  return c;
}

const Blaster::Node& receiver(SimulationOf<Blaster>& sim) { return sim.engine().node(1); }

}  // namespace

TEST(Network, LossRateWithinTolerance) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  std::size_t delivered = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    run_once(sim, config_with("loss=0.2"), seed);
    delivered += receiver(sim).received.size();
  }
  const double rate = 1.0 - static_cast<double>(delivered) / (10.0 * Blaster::count);
  EXPECT_NEAR(rate, 0.2, 0.02);
}

TEST(Network, DuplicationRateWithinTolerance) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  std::size_t delivered = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    run_once(sim, config_with("dup=0.1"), seed);
    delivered += receiver(sim).received.size();
  }
  const double rate = static_cast<double>(delivered) / (10.0 * Blaster::count) - 1.0;
  EXPECT_NEAR(rate, 0.1, 0.015);
}

TEST(Network, RandomDelaysReorderButFifoLinksDoNot) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  run_once(sim, config_with("delay=uniform:1ms:50ms"), 3);
  const auto& reordered = receiver(sim).received;
  ASSERT_EQ(reordered.size(), Blaster::count);
  EXPECT_FALSE(std::is_sorted(reordered.begin(), reordered.end()));
  run_once(sim, config_with("delay=uniform:1ms:50ms,fifo"), 3);
  const auto& ordered = receiver(sim).received;
  ASSERT_EQ(ordered.size(), Blaster::count);
  EXPECT_TRUE(std::is_sorted(ordered.begin(), ordered.end()));
}

TEST(Network, OneWayPartitionDropsOnlyItsDirection) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  run_once(sim, config_with("delay=const:1ms", "0s partition n0 -> n1"), 1);
  EXPECT_TRUE(receiver(sim).received.empty());
  run_once(sim, config_with("delay=const:1ms", "0s partition n1 -> n0"), 1);
  EXPECT_EQ(receiver(sim).received.size(), Blaster::count);
}

TEST(Network, CapacityDropsBeyondTheBound) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  run_once(sim, config_with("delay=const:1ms,capacity=100"), 1);
  EXPECT_EQ(receiver(sim).received.size(), 100u);
}

TEST(Faults, CrashRestartLosesVolatileKeepsDurableAndRecovers) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  run_once(sim, config_with("delay=const:10ms", "5ms crash n1 for 20ms"), 1);
  // Everything was in flight when n1 crashed: delivered while down means dropped.
  EXPECT_TRUE(receiver(sim).received.empty());
  EXPECT_TRUE(receiver(sim).recovered);
  EXPECT_EQ(sim.engine().durable(1).recoveries, 1u);
  // Its timer from on_start died with it.
  EXPECT_TRUE(receiver(sim).timer_fired_mono_ns.empty());
}

TEST(Faults, PausedNodeRunsNothingAndCatchesUpOnResume) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  run_once(sim, config_with("delay=const:10ms", "1ms pause n1 for 500ms"), 1);
  EXPECT_EQ(receiver(sim).received.size(), Blaster::count);
  ASSERT_EQ(receiver(sim).timer_fired_mono_ns.size(), 1u);
  // The timer was due at 100 ms but fired at the resume, 501 ms.
  EXPECT_EQ(receiver(sim).timer_fired_mono_ns[0], ms(501));
}

TEST(Faults, TimersRunOnTheNodesDriftingClock) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  // n1 runs 10% slow: its 100 ms timer takes 111.1 ms of true time, but reads 100 ms locally.
  run_once(sim, config_with("delay=const:10ms", "0s drift n1 -100000ppm"), 1, {.record = true});
  ASSERT_EQ(receiver(sim).timer_fired_mono_ns.size(), 1u);
  EXPECT_EQ(receiver(sim).timer_fired_mono_ns[0], ms(100));
  bool found = false;
  for (const EventRecord& e : sim.records()) {
    if (e.kind == EventKind::timer) {
      EXPECT_NEAR(static_cast<double>(e.true_ns), 111'111'112.0, 2.0);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(Engine, VectorClocksOrderSendBeforeDeliver) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  run_once(sim, config_with("delay=const:1ms"), 1, {.record = true});
  std::map<std::uint64_t, std::vector<std::uint32_t>> sent;
  int checked = 0;
  for (const EventRecord& e : sim.records()) {
    if (e.kind == EventKind::send) sent[e.message_id] = e.vc;
    if (e.kind == EventKind::deliver) {
      const auto& s = sent.at(e.message_id);
      ASSERT_EQ(s.size(), e.vc.size());
      for (std::size_t i = 0; i < s.size(); ++i) EXPECT_LE(s[i], e.vc[i]);
      EXPECT_GT(e.vc[1], s[1]);
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(Blaster::count));
}

TEST(Engine, SameSeedSameEventsAndChoiceLogReplaysWithoutTheSeed) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  const SimConfig config = config_with("loss=0.1,dup=0.1,delay=exp:1ms:5ms", "10ms pause n1 for 30ms");
  run_once(sim, config, 77, {.record = true});
  const auto first = sim.records();
  const ChoiceLog choices = sim.choices();
  const FaultPlan plan = sim.fault_plan();
  run_once(sim, config, 77, {.record = true});
  EXPECT_EQ(first, sim.records());
  run_once(sim, config, 0 /* seed not used */, {.record = true, .plan = &plan, .replay = &choices});
  EXPECT_EQ(first, sim.records());
  EXPECT_EQ(sim.replay_divergences(), 0u);
  run_once(sim, config, 78, {.record = true});
  EXPECT_NE(first, sim.records());
}

TEST(Network, PerLinkSettingsOverrideTheDefault) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  SimConfig c = config_with("delay=const:1ms");
  c.links.push_back(parse_link_override("n0->n1:loss=1", c.link));
  run_once(sim, c, 1);
  EXPECT_TRUE(receiver(sim).received.empty());
  c.links = {parse_link_override("n1->n0:loss=1", c.link)};
  run_once(sim, c, 1);
  EXPECT_EQ(receiver(sim).received.size(), Blaster::count);
  c.links = {parse_link_override("n0<->n1:delay=const:300ms", c.link)};
  run_once(sim, c, 1, {.record = true});
  for (const EventRecord& e : sim.records()) {
    if (e.kind == EventKind::deliver) {
      EXPECT_EQ(e.true_ns, ms(300));
    }
  }
  EXPECT_THROW(parse_link_override("n0-n1:loss=1", c.link), UsageError);
  EXPECT_THROW(parse_link_override("n0->n1:crash=1", c.link), UsageError);
}

TEST(Faults, ClockSettingsApplyBeforeStartAndOtherFaultsAfter) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  // A crash at 0s hits the started node; the timer set in on_start (on the drifting clock) dies.
  run_once(sim, config_with("delay=const:1ms", "0s crash n1 for 1s"), 1, {.record = true});
  EXPECT_TRUE(receiver(sim).recovered);
  EXPECT_TRUE(receiver(sim).timer_fired_mono_ns.empty());
  // An initial offset is already in place when on_start runs.
  run_once(sim, config_with("delay=const:1ms", "0s jump n1 5s"), 1, {.record = true});
  const auto& records = sim.records();
  const auto start = std::find_if(records.begin(), records.end(), [](const EventRecord& e) {
    return e.kind == EventKind::start && e.actor == 1;
  });
  ASSERT_NE(start, records.end());
  EXPECT_EQ(start->local_ns, seconds(5));
}

// Exponential and normal tails are cut at one cap, drawn_delay_ns_max, which the shrinker also
// postpones deliveries to (explorers/shrink.cpp): a delay never exceeds it, and a heavy tail hits it.
TEST(Network, DrawnDelaysStopAtTheOneCap) {
  SimulationOf<Blaster> sim(test_protocols::blaster_spec());
  SimConfig config = config_with("delay=exp:1ms:100000s");
  config.time_limit_ns = 2 * drawn_delay_ns_max;
  run_once(sim, config, 4, {.record = true});
  time_ns latest_ns = 0;
  std::size_t deliveries = 0;
  for (const EventRecord& r : sim.records()) {
    if (r.kind != EventKind::deliver) continue;
    ++deliveries;
    latest_ns = std::max(latest_ns, r.true_ns);  // every message was sent at time 0
  }
  EXPECT_EQ(deliveries, Blaster::count);
  EXPECT_EQ(latest_ns, drawn_delay_ns_max);
}
