// The typed node API: timers as the protocol's own values (drawn delays logged as `t` choices,
// printed in traces), the Protocol concept, node sets and quorums, variants by name, notes by
// value and the actor layout by name.
#include <algorithm>
#include <set>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/node_set.hpp"
#include "model/protocol.hpp"
#include "model/simulation.hpp"
#include "protocols/leader_lease/leader_lease.hpp"
#include "protocols/ping_pong/ping_pong.hpp"
#include "protocols/two_phase_commit_actors/two_phase_commit_actors.hpp"

using namespace corridor;

namespace {

// Node 0 sets one jittered and one fixed timer; each records when it fired. Clients note their
// index and id. The helper (last node) notes that it is one.
struct Timed {
  struct Nothing {};
  using Message = std::variant<Nothing>;
  enum class Variant { correct, late };
  struct Jittered { std::uint32_t round = 0; };
  struct Fixed {};
  using Timer = std::variant<Jittered, Fixed>;
  using Ctx = Context<Timed>;
  static constexpr time_ns min_ns = ms(10);
  static constexpr time_ns max_ns = ms(20);

  struct Node {
    std::vector<time_ns> jittered_at_ns;
    std::vector<time_ns> fixed_at_ns;
    void on_start(Ctx& ctx) {
      if (ctx.is_helper(ctx.self())) ctx.note(std::string("helper"), ctx.self());
      if (ctx.self() != 0) return;
      ctx.set_timer(Jittered{1}, min_ns, max_ns);
      ctx.set_timer(Fixed{}, ctx.variant() == Variant::late ? ms(7) : ms(5));
      const TimerId cancelled = ctx.set_timer(Fixed{}, ms(1));
      ctx.cancel_timer(cancelled);
    }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx& ctx, const Timer& t) {
      if (const auto* j = std::get_if<Jittered>(&t)) {
        jittered_at_ns.push_back(ctx.monotonic());
        if (j->round < 20) ctx.set_timer(Jittered{j->round + 1}, min_ns, max_ns);
      } else {
        fixed_at_ns.push_back(ctx.monotonic());
      }
    }
  };
  struct Client {
    void on_start(Ctx& ctx) { ctx.note("client", ctx.client_index(), ctx.client_id(ctx.client_index())); }
    void on_message(Ctx&, NodeId, const Message&) {}
    void on_timer(Ctx&, const Timer&) {}
  };
};

static_assert(Protocol<Timed>);
static_assert(Protocol<protocols::PingPong>);     // no timers: no on_timer needed
static_assert(Protocol<protocols::LeaderLease>);  // on_recover declared, with its signature
static_assert(!has_timers<protocols::PingPong>);
static_assert(std::is_same_v<variant_t<protocols::PingPong>, OnlyVariant>);

SimulationOf<Timed> timed() {
  return SimulationOf<Timed>(SimulationSpec<Timed>{
      .layout = [](const SimConfig&) { return Engine<Timed>::Layout{.nodes = 3, .clients = 2, .helpers = 1}; },
      .targets = [](const SimConfig&) { return FaultTargets{{}, 3}; },
      .install = {},
  });
}

SimConfig timed_config(Timed::Variant variant = Timed::Variant::correct) {
  SimConfig c;
  c.nodes = 3;
  c.variant = static_cast<std::uint32_t>(variant);
  c.time_limit_ns = ms(500);
  return c;
}

}  // namespace

TEST(NodeApi, JitteredTimersDrawTheirDelayThroughTheChooserWithinTheirBounds) {
  SimulationOf<Timed> sim = timed();
  run_once(sim, timed_config(), 7);
  const auto& fired = sim.engine().node(0).jittered_at_ns;
  ASSERT_EQ(fired.size(), 20u);
  std::vector<time_ns> gaps;
  for (std::size_t i = 0; i < fired.size(); ++i) gaps.push_back(fired[i] - (i == 0 ? 0 : fired[i - 1]));
  for (time_ns gap : gaps) {
    EXPECT_GE(gap, Timed::min_ns);
    EXPECT_LE(gap, Timed::max_ns);
  }
  EXPECT_GT(std::set<time_ns>(gaps.begin(), gaps.end()).size(), 1u) << "the delays are drawn, not fixed";
  // One `t` choice per jittered timer, the extra above the minimum; the fixed timers log none.
  std::vector<std::uint64_t> extras;
  for (const Choice& c : sim.choices().entries()) {
    if (c.kind == ChoiceKind::timer) extras.push_back(c.value);
  }
  ASSERT_EQ(extras.size(), 20u);
  for (std::size_t i = 0; i < extras.size(); ++i) EXPECT_EQ(static_cast<time_ns>(extras[i]), gaps[i] - Timed::min_ns);
}

TEST(NodeApi, FixedTimersFireAtTheirDelayAndCancelledOnesNever) {
  SimulationOf<Timed> sim = timed();
  run_once(sim, timed_config(), 7);
  EXPECT_EQ(sim.engine().node(0).fixed_at_ns, std::vector<time_ns>{ms(5)});  // the cancelled one (1 ms) never
  run_once(sim, timed_config(Timed::Variant::late), 7);
  EXPECT_EQ(sim.engine().node(0).fixed_at_ns, std::vector<time_ns>{ms(7)})
      << "ctx.variant() is the enumerator the config names";
}

TEST(NodeApi, TraceRecordsPrintTheTimerValue) {
  SimulationOf<Timed> sim = timed();
  run_once(sim, timed_config(), 7, {.record = true});
  std::vector<std::string> timers;
  for (const EventRecord& r : sim.records()) {
    if (r.kind == EventKind::timer) timers.push_back(r.summary);
  }
  ASSERT_GE(timers.size(), 3u);
  EXPECT_EQ(timers[0], "timer Fixed{}");
  EXPECT_EQ(timers[1], "timer Jittered{1}");
  EXPECT_EQ(timers[2], "timer Jittered{2}");
}

TEST(NodeApi, EnumTimersPrintByEnumeratorName) {
  using TPC = protocols::TwoPhaseCommitActors;
  EXPECT_EQ(timer_text(TPC::Timer::choose_abort), "choose_abort");
  EXPECT_EQ(timer_text(static_cast<TPC::Timer>(40)), "40");  // no enumerator: the number
  EXPECT_EQ(timer_text(Timed::Timer{Timed::Jittered{3}}), "Jittered{3}");
}

TEST(NodeApi, ClientsAndHelpersAreNamedByTheLayout) {
  SimulationOf<Timed> sim = timed();
  run_once(sim, timed_config(), 7, {.record = true});
  std::vector<std::string> notes;
  for (const EventRecord& r : sim.records()) {
    if (r.kind == EventKind::note) notes.push_back(r.summary);
  }
  EXPECT_EQ(notes, (std::vector<std::string>{"helper 2 0", "client 0 3", "client 1 4"}));
}

TEST(NodeSet, CountsMembersAndMajorities) {
  EXPECT_EQ(majority(1), 1u);
  EXPECT_EQ(majority(3), 2u);
  EXPECT_EQ(majority(4), 3u);
  EXPECT_EQ(majority(5), 3u);
  NodeSet s = NodeSet::of(2);
  s.insert(0);
  s.insert(2);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.contains(0));
  EXPECT_FALSE(s.contains(1));
  EXPECT_TRUE(s.is_majority_of(3));
  EXPECT_FALSE(s.is_majority_of(4));
  EXPECT_EQ(NodeSet::first(3).without(1), s);
  EXPECT_EQ(NodeSet::first(64).size(), 64u);
  s.erase(2);
  EXPECT_EQ(s, NodeSet::of(0));
  EXPECT_EQ(to_text(s), "NodeSet{1}");
}

TEST(NodeSetDeathTest, RefusesAnIdPastItsWidth) {
  NodeSet s;
  EXPECT_EXIT(s.insert(64), testing::ExitedWithCode(3), "a NodeSet holds node ids 0..63 only");
  EXPECT_EXIT((void)s.contains(100), testing::ExitedWithCode(3), "a NodeSet holds node ids 0..63 only");
}

TEST(Reflect, EnumNamesComeFromTheEnumerators) {
  EXPECT_EQ(enum_name(Timed::Variant::late), "late");
  EXPECT_EQ(enum_name(static_cast<Timed::Variant>(9)), "");
  EXPECT_EQ(enum_count<Timed::Variant>(), 2u);
  EXPECT_EQ(enum_count<OnlyVariant>(), 1u);
}
