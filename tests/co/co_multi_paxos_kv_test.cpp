// The Multi-Paxos kv written as coroutines: it registers the handler version's variants and
// fault model (declared once, protocols/multi_paxos_kv/shared.hpp), its correct variant passes
// seeds of that fault model (crash-restart, partition, loss, duplication, drift), every planted
// bug is found by the default campaign breaking an invariant its registration names, shrunk and
// replayed; and the lock-sequence check catches lost, duplicated and reordered writes.
#include <gtest/gtest.h>

#include "explorers/shrink.hpp"
#include "protocols/co_multi_paxos_kv/co_multi_paxos_kv.hpp"
#include "protocols/co_multi_paxos_kv/lock_sequence.hpp"
#include "tests/protocols/seed_sweep.hpp"

using namespace corridor;
using namespace corridor::test_support;

namespace {

const ProtocolEntry& co_paxos() { return protocol("co-multi-paxos-kv"); }
const ProtocolEntry& handler_paxos() { return protocol("multi-paxos-kv"); }

}  // namespace

TEST(CoMultiPaxosKv, SharesTheHandlerVersionsVariantsFaultModelAndInvariants) {
  const ProtocolInfo& co = co_paxos().info;
  const ProtocolInfo& handler = handler_paxos().info;
  ASSERT_EQ(co.variants.size(), handler.variants.size());
  for (std::size_t i = 0; i < co.variants.size(); ++i) {
    EXPECT_EQ(co.variants[i].name, handler.variants[i].name);
    EXPECT_EQ(co.variants[i].planted_bug, handler.variants[i].planted_bug);
    EXPECT_EQ(co.variants[i].finds, handler.variants[i].finds);
  }
  EXPECT_EQ(co.default_faults, handler.default_faults);
  EXPECT_EQ(co.default_clock, handler.default_clock);
  EXPECT_EQ(co.default_time_limit_ns, handler.default_time_limit_ns);
  // The handler version's invariants, and the workload's own end-state check.
  std::vector<std::string> expected = handler.invariants;
  expected.push_back("lock-sequence");
  std::vector<std::string> got = co.invariants;
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
}

TEST(CoMultiPaxosKv, TheCorrectVariantPassesThreeHundredSeedsOfItsFaultModel) {
  const SimConfig config = config_for(co_paxos(), "correct");
  const Sweep s = sweep(co_paxos(), config, 300);
  EXPECT_FALSE(s.first_failure.has_value())
      << s.first_failure->violation->invariant << ": " << s.first_failure->violation->message;
  EXPECT_EQ(s.runs, 300u);
}

// A sweep that could pass without running the workload would prove nothing: in a run without
// faults every client finishes every round, so the final sequence holds all their tokens.
TEST(CoMultiPaxosKv, WithoutFaultsEveryRoundLandsInTheSequence) {
  SimConfig config = config_for(co_paxos(), "correct");
  config.faults = {};
  config.link = {};
  config.clock = {};
  apply_fault_spec("delay=uniform:1ms:10ms", config);
  auto sim = co_paxos().make();
  const RunOutcome out = run_once(*sim, config, 7);
  ASSERT_FALSE(out.violation.has_value()) << out.violation->message;
  std::size_t longest = 0;
  for (const HistoryEvent& h : sim->history()) {
    if (h.key == "seq" && h.f == "put" && h.type == OpType::ok) {
      longest = std::max<std::size_t>(longest, static_cast<std::size_t>(std::get<std::int64_t>(h.value)));
    }
  }
  EXPECT_EQ(longest, std::size_t{protocols::MultiPaxosKvCo::clients} * protocols::MultiPaxosKvCo::rounds);
}

// --- log truncation: snapshots for lagging, restarted and electing replicas ---

namespace {

using CoEngine = Engine<protocols::MultiPaxosKvCoProtocol>;

const CoEngine& engine_of(Simulation& sim) {
  return dynamic_cast<SimulationOf<protocols::MultiPaxosKvCoProtocol>&>(sim).engine();
}

// The "decide" notes node n wrote: one per slot it applied itself, none for the slots a snapshot
// it installed covers.
std::uint64_t slots_applied_one_by_one(const Simulation& sim, NodeId n, time_ns before_ns = seconds(1000)) {
  std::uint64_t notes = 0;
  for (const EventRecord& r : sim.records()) {
    notes += r.kind == EventKind::note && r.actor == n && r.true_ns < before_ns && r.summary.starts_with("decide ");
  }
  return notes;
}

// A run of the correct variant under an explicit fault plan only (no loss, no generated faults).
SimConfig planned(const char* plan) {
  SimConfig config = config_for(co_paxos(), "correct");
  config.faults = {};
  config.link = {};
  apply_fault_spec("delay=uniform:1ms:10ms", config);
  config.plan_text = plan;
  return config;
}

}  // namespace

// While n2 is cut off, n0 and n1 decide more than MP::truncate_every slots and truncate their
// logs past what n2 applied: n2 can only catch up from a snapshot, and it does (it applies as far
// as the others, but writes a "decide" note for fewer slots than it applied).
TEST(CoMultiPaxosKv, APartitionedReplicaCatchesUpFromASnapshot) {
  const SimConfig config = planned("200ms partition n2 | n0,n1 for 1s");
  auto sim = co_paxos().make();
  std::uint32_t from_snapshot = 0;
  for (std::uint64_t i = 0; i < 10; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i), {.record = true});
    ASSERT_FALSE(out.violation) << out.violation->invariant << ": " << out.violation->message;
    const CoEngine& engine = engine_of(*sim);
    const std::uint64_t applied = engine.node(2).user.applied;
    EXPECT_EQ(applied, engine.node(0).user.applied) << "seed index " << i;
    EXPECT_EQ(applied, engine.node(1).user.applied) << "seed index " << i;
    for (NodeId n = 0; n < 3; ++n) EXPECT_GT(engine.durable(n).snapshot.slot, 0u) << "node " << n;
    from_snapshot += slots_applied_one_by_one(*sim, 2) < applied;
  }
  EXPECT_EQ(from_snapshot, 10u);
}

// A crash-restart keeps the snapshot (durable) and loses the rest: the restarted replica starts
// from its snapshot, not from slot 1, and catches up to the others.
TEST(CoMultiPaxosKv, ARestartedReplicaResumesFromItsDurableSnapshot) {
  const SimConfig config = planned("600ms crash n1 for 300ms");
  auto sim = co_paxos().make();
  for (std::uint64_t i = 0; i < 10; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i), {.record = true});
    ASSERT_FALSE(out.violation) << out.violation->invariant << ": " << out.violation->message;
    const CoEngine& engine = engine_of(*sim);
    const std::uint64_t applied = engine.node(1).user.applied;
    EXPECT_EQ(applied, engine.node(0).user.applied) << "seed index " << i;
    // Before the crash n1 applied a snapshot's worth of slots one by one. Started again from slot
    // 1 it would note each of them once more (notes >= applied + truncate_every); from its
    // snapshot it notes at most the slots after that snapshot twice (notes < applied +
    // truncate_every).
    EXPECT_GE(slots_applied_one_by_one(*sim, 1, ms(600)), protocols::MultiPaxosKv::truncate_every) << "seed index " << i;
    EXPECT_LT(slots_applied_one_by_one(*sim, 1), applied + protocols::MultiPaxosKv::truncate_every) << "seed index " << i;
  }
}

// n2 falls behind; at the heal n0 crashes and n1 pauses, so n2 stands for election behind the
// others' snapshots: the promises it gets carry a snapshot, and it leads from there without
// breaking an invariant.
TEST(CoMultiPaxosKv, ACandidateBehindTheOthersSnapshotsRecoversFromAPromisesSnapshot) {
  const SimConfig config = planned("200ms partition n2 | n0,n1 for 1s; 1.2s crash n0 for 1s; 1.2s pause n1 for 400ms");
  auto sim = co_paxos().make();
  std::uint32_t promised_snapshots = 0;
  for (std::uint64_t i = 0; i < 10; ++i) {
    const RunOutcome out = run_once(*sim, config, derive_seed(master_seed, i), {.record = true});
    ASSERT_FALSE(out.violation) << out.violation->invariant << ": " << out.violation->message;
    for (const EventRecord& r : sim->records()) {
      promised_snapshots += r.kind == EventKind::send && r.target == 2 && r.summary.starts_with("Promise{") &&
                            r.summary.find("Snapshot{") != std::string::npos;
    }
  }
  EXPECT_GT(promised_snapshots, 0u);
}

// Each planted bug under `corridor run`'s defaults: found, breaking an invariant its
// registration names, shrunk to a run that breaks the same invariant, and replayed exactly.
TEST(CoMultiPaxosKv, EachPlantedBugIsFoundShrunkAndReplayed) {
  const std::vector<std::pair<const char*, std::uint64_t>> budgets = {
      {"reply-before-majority", 300}, {"no-dedup", 300}, {"accept-below-promise", 1000}, {"skip-recovery", 300}};
  for (const auto& [variant, budget] : budgets) {
    SCOPED_TRACE(variant);
    const SimConfig config = config_for(co_paxos(), variant);
    const Sweep s = sweep(co_paxos(), config, budget);
    ASSERT_TRUE(s.first_failure) << variant << " not found in " << s.runs << " seeds";
    const Violation& found = *s.first_failure->violation;
    EXPECT_TRUE(is_expected(expected_invariant(co_paxos(), variant), found.invariant))
        << found.invariant << ": " << found.message;

    auto sim = co_paxos().make();
    run_once(*sim, config, s.first_failure->seed, {.record = true});  // its plan and choice log are the shrinker's input
    const FailingRun failing{config, s.first_failure->seed, sim->fault_plan(), sim->choices()};
    const ShrinkResult shrunk = shrink(*sim, failing, {.replays_max = 400, .seconds_max = 20.0});
    EXPECT_EQ(shrunk.violation.invariant, found.invariant);
    EXPECT_LE(shrunk.after.events, shrunk.before.events);

    // The shrunk run's own configuration: the shrinker may have lowered the clients' operation
    // budgets (its operation-budgets pass), now that every client operation is counted.
    auto again = co_paxos().make();
    const RunOutcome replayed = run_once(*again, shrunk.shrunk.config, shrunk.shrunk.seed,
                                         {.record = true, .plan = &shrunk.shrunk.plan, .replay = &shrunk.shrunk.choices});
    ASSERT_TRUE(replayed.violation.has_value());
    EXPECT_EQ(replayed.violation->invariant, found.invariant);
  }
}

// --- the lock-sequence check on histories written by hand ---

namespace {

HistoryEvent event(std::uint32_t client, OpType type, const char* f, HistoryValue value) {
  return HistoryEvent{.process = client, .type = type, .f = f, .key = "seq", .value = std::move(value)};
}

// Client `client` reads `read` and then writes `written`, whose put returns `version`.
void critical_section(History& h, std::uint32_t client, HistoryValue read, std::string written, std::int64_t version) {
  h.push_back(event(client, OpType::invoke, "get", {}));
  h.push_back(event(client, OpType::ok, "get", std::move(read)));
  h.push_back(event(client, OpType::invoke, "put", written));
  h.push_back(event(client, OpType::ok, "put", version));
}

std::optional<Violation> check(const History& h) { return protocols::lock_sequence_checker("seq").check(h); }

}  // namespace

TEST(LockSequence, AGoodSequencePasses) {
  History h;
  critical_section(h, 0, {}, "c0r1", 1);
  critical_section(h, 1, std::string("c0r1"), "c0r1 c1r1", 2);
  critical_section(h, 0, std::string("c0r1 c1r1"), "c0r1 c1r1 c0r2", 3);
  EXPECT_FALSE(check(h).has_value());
}

TEST(LockSequence, ALostWriteBreaksLockSequence) {
  History h;
  critical_section(h, 0, {}, "c0r1", 1);
  critical_section(h, 1, {}, "c1r1", 2);  // read before c0r1 landed: c0r1 is lost
  const auto v = check(h);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "lock-sequence");
  EXPECT_NE(v->message.find("lacks c0r1"), std::string::npos) << v->message;
}

TEST(LockSequence, ADuplicatedWriteBreaksLockSequence) {
  History h;
  critical_section(h, 0, {}, "c0r1", 1);
  critical_section(h, 1, std::string("c0r1"), "c0r1 c1r1", 3);  // version 3 for two tokens
  const auto v = check(h);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "lock-sequence");
  EXPECT_NE(v->message.find("executed twice"), std::string::npos) << v->message;
  History twice;
  critical_section(twice, 0, {}, "c0r1", 1);
  critical_section(twice, 1, std::string("c0r1 c0r1"), "c0r1 c0r1 c1r1", 3);
  ASSERT_TRUE(check(twice).has_value());
  EXPECT_NE(check(twice)->message.find("holds c0r1 twice"), std::string::npos) << check(twice)->message;
}

TEST(LockSequence, AReorderedWriteBreaksLockSequence) {
  History h;
  critical_section(h, 0, {}, "c0r1", 1);
  critical_section(h, 1, std::string("c0r1"), "c0r1 c1r1", 2);
  critical_section(h, 2, std::string("c1r1 c0r1"), "c1r1 c0r1 c2r1", 3);
  const auto v = check(h);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "lock-sequence");
  EXPECT_NE(v->message.find("reordered"), std::string::npos) << v->message;
  History rounds;
  critical_section(rounds, 0, {}, "c0r2 c0r1", 2);
  ASSERT_TRUE(check(rounds).has_value());
  EXPECT_NE(check(rounds)->message.find("reordered"), std::string::npos) << check(rounds)->message;
}

TEST(LockSequence, TextNoClientWritesBreaksLockSequence) {
  History h;
  critical_section(h, 0, {}, "c0r1", 1);
  critical_section(h, 1, std::string("c0r1 c1rx"), "c0r1 c1rx c1r1", 3);
  const auto v = check(h);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "lock-sequence");
  EXPECT_NE(v->message.find("which no client writes"), std::string::npos) << v->message;
}
