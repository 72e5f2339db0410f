// crdts (protocols/crdts): the correct variant holds every invariant over many seeds of its fault
// model and reaches quiescence (so convergence is checked, not vacuous); each planted bug is found
// and names an invariant its registration lists; the convergence checker reports replicas made to
// differ by hand; a run whose gossip never arrives fails anti-entropy-quiesces; merge is
// commutative, associative and idempotent for each of the three types, and the planted merge is not.
#include "protocols/crdts/crdts.hpp"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "invariants/convergence.hpp"
#include "model/simulation.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;
using corridor::protocols::Crdts;

namespace {

const ProtocolEntry& crdts() { return protocol("crdts"); }
using E = Engine<Crdts>;

E& engine_of(Simulation& sim) { return dynamic_cast<SimulationOf<Crdts>&>(sim).engine(); }

std::size_t witness_index(const std::string& name) {
  const auto& w = crdts().info.witnesses;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i].name == name) return i;
  }
  throw std::runtime_error("no such witness");
}

}  // namespace

TEST(Crdts, RegistryEntryNamesItsInvariants) {
  const ProtocolInfo& info = crdts().info;
  ASSERT_EQ(info.variants.size(), 3u);
  EXPECT_EQ(info.invariants, (std::vector<std::string>{"strong-eventual-consistency", "convergence",
                                                       "anti-entropy-quiesces", "g-counter-read", "pn-counter-read",
                                                       "or-set-read"}));
  ASSERT_EQ(info.badge_monitors.size(), 1u);
  EXPECT_EQ(info.badge_monitors[0].monitor, "replica-divergence");
}

// Every size of the campaign; most runs quiesce before the end, so convergence is checked.
TEST(Crdts, CorrectPassesItsFaultModelAndQuiesces) {
  for (const std::uint32_t nodes : {2u, 3u, 5u}) {
    SimConfig config = config_for(crdts(), "correct");
    config.nodes = nodes;
    std::unique_ptr<Simulation> sim = crdts().make();
    std::uint64_t quiesced = 0;
    constexpr std::uint64_t runs = 300;
    for (std::uint64_t i = 0; i < runs; ++i) {
      const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i));
      ASSERT_FALSE(out.violation) << nodes << " nodes, seed " << out.seed << ": " << out.violation->invariant << ": "
                                  << out.violation->message;
      quiesced += (sim->witnesses_holding() >> witness_index("quiesced")) & 1;
    }
    EXPECT_GE(quiesced, runs * 9 / 10) << nodes << " nodes: " << quiesced << " of " << runs << " runs quiesced";
    std::printf("%u nodes: %llu of %llu runs quiesced\n", nodes, static_cast<unsigned long long>(quiesced),
                static_cast<unsigned long long>(runs));
  }
}

TEST(Crdts, EachPlantedBugIsFoundWithinTwoHundredSeedsAndNamesItsInvariant) {
  for (const VariantInfo& v : crdts().info.variants) {
    if (!v.planted_bug) continue;
    const Sweep s = sweep(crdts(), config_for(crdts(), v.name, true), 200);
    ASSERT_TRUE(s.first_failure) << v.name << " not found in " << s.runs << " seeds";
    EXPECT_TRUE(is_expected(v.finds, s.first_failure->violation->invariant))
        << v.name << ": " << s.first_failure->violation->invariant << ": " << s.first_failure->violation->message;
  }
}

// A quiesced run's replicas, one of them changed by hand: convergence names both replicas and
// prints their states; strong eventual consistency names them too (they have seen the same).
TEST(Crdts, ConvergenceCheckerReportsReplicasMadeToDiffer) {
  const SimConfig config = config_for(crdts(), "correct");
  std::unique_ptr<Simulation> sim = crdts().make();
  std::uint64_t i = 0;
  for (; i < 20; ++i) {
    ASSERT_FALSE(run_once(*sim, config, derive_seed(master_seed, i)).violation);
    if ((sim->witnesses_holding() >> witness_index("quiesced")) & 1) break;
  }
  ASSERT_LT(i, 20u) << "no run quiesced";
  E& world = engine_of(*sim);
  const auto replicas = Crdts::replicas();
  EXPECT_FALSE(invariants::check_convergence(world, replicas));
  EXPECT_FALSE(invariants::check_strong_eventual_consistency(world, replicas));
  world.durable(2).state.g.counts[0] += 1;
  const auto v = invariants::check_convergence(world, replicas);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->invariant, "convergence");
  EXPECT_EQ(v->nodes, (std::vector<NodeId>{0, 2}));
  EXPECT_NE(v->message.find("replica 2 has seen [24, 24, 24] and holds State{GCounter{["), std::string::npos)
      << v->message;
  const auto sec = invariants::check_strong_eventual_consistency(world, replicas);
  ASSERT_TRUE(sec);
  EXPECT_EQ(sec->invariant, "strong-eventual-consistency");
  EXPECT_EQ(sec->nodes, (std::vector<NodeId>{0, 2}));
}

TEST(Crdts, GossipThatNeverArrivesFailsAntiEntropyQuiesces) {
  SimConfig config = config_for(crdts(), "correct");
  apply_fault_spec("loss=1", config);
  const Sweep s = sweep(crdts(), config, 1);
  ASSERT_TRUE(s.first_failure);
  EXPECT_EQ(s.first_failure->violation->invariant, "anti-entropy-quiesces");
  EXPECT_EQ(s.first_failure->violation->verdict, Verdict::liveness);
  EXPECT_NE(s.first_failure->violation->message.find("replica 1 has seen [0, 24, 0]"), std::string::npos)
      << s.first_failure->violation->message;
}

// --- merge laws over random states ---

namespace {

constexpr std::uint32_t law_nodes = 3;

template <class T>
std::vector<T> sorted_unique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

rc::Gen<Crdts::GCounter> gen_counter() {
  return rc::gen::map(rc::gen::container<std::vector<std::uint64_t>>(law_nodes, rc::gen::inRange<std::uint64_t>(0, 50)),
                      [](std::vector<std::uint64_t> counts) { return Crdts::GCounter{std::move(counts)}; });
}

rc::Gen<Crdts::Dot> gen_dot() {
  return rc::gen::map(rc::gen::pair(rc::gen::inRange<std::uint32_t>(0, law_nodes), rc::gen::inRange<std::uint32_t>(1, 8)),
                      [](std::pair<std::uint32_t, std::uint32_t> p) { return Crdts::Dot{p.first, p.second}; });
}

rc::Gen<Crdts::OrSet> gen_set() {
  const auto add = rc::gen::map(rc::gen::pair(rc::gen::inRange<std::uint32_t>(0, Crdts::elements), gen_dot()),
                                [](std::pair<std::uint32_t, Crdts::Dot> p) { return Crdts::TaggedAdd{p.first, p.second}; });
  return rc::gen::map(rc::gen::pair(rc::gen::container<std::vector<Crdts::TaggedAdd>>(add),
                                    rc::gen::container<std::vector<Crdts::Dot>>(gen_dot())),
                      [](std::pair<std::vector<Crdts::TaggedAdd>, std::vector<Crdts::Dot>> p) {
                        return Crdts::OrSet{sorted_unique(std::move(p.first)), sorted_unique(std::move(p.second)), {}};
                      });
}

Crdts::State gen_state() {
  return {*gen_counter(), {*gen_counter(), *gen_counter()}, *gen_set()};
}

Crdts::State merge(const Crdts::State& a, const Crdts::State& b) { return Crdts::merge(a, b, Crdts::Variant::correct); }

}  // namespace

RC_GTEST_PROP(CrdtsMerge, GCounterMergeIsCommutativeAssociativeAndIdempotent, ()) {
  const Crdts::State a = gen_state(), b = gen_state(), c = gen_state();
  RC_ASSERT(merge(a, b).g == merge(b, a).g);
  RC_ASSERT(merge(merge(a, b), c).g == merge(a, merge(b, c)).g);
  RC_ASSERT(merge(a, a).g == a.g);
}

RC_GTEST_PROP(CrdtsMerge, PnCounterMergeIsCommutativeAssociativeAndIdempotent, ()) {
  const Crdts::State a = gen_state(), b = gen_state(), c = gen_state();
  RC_ASSERT(merge(a, b).pn == merge(b, a).pn);
  RC_ASSERT(merge(merge(a, b), c).pn == merge(a, merge(b, c)).pn);
  RC_ASSERT(merge(a, a).pn == a.pn);
}

RC_GTEST_PROP(CrdtsMerge, OrSetMergeIsCommutativeAssociativeAndIdempotent, ()) {
  const Crdts::State a = gen_state(), b = gen_state(), c = gen_state();
  RC_ASSERT(merge(a, b).set == merge(b, a).set);
  RC_ASSERT(merge(merge(a, b), c).set == merge(a, merge(b, c)).set);
  RC_ASSERT(merge(a, a).set == a.set);
}

// The laws are not vacuous: the planted merge that adds counters breaks idempotence whenever a
// counter entry is above zero.
RC_GTEST_PROP(CrdtsMerge, MergeThatAddsCountersIsNotIdempotent, ()) {
  const Crdts::State a = gen_state();
  RC_PRE(Crdts::value(a.g) > 0);
  RC_ASSERT(Crdts::merge(a, a, Crdts::Variant::merge_adds_counters).g != a.g);
}
