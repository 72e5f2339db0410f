#include "protocols/crdts/crdts.hpp"

#include <algorithm>
#include <bit>
#include <iterator>
#include <memory>

#include "invariants/badges/badge_observer.hpp"
#include "invariants/badges/replica_divergence.hpp"
#include "invariants/convergence.hpp"
#include "invariants/crdt_reads.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using Ctx = Crdts::Ctx;
using State = Crdts::State;
using Variant = Crdts::Variant;
using invariants::CrdtOp;

template <class T>
std::vector<T> sorted_union(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

template <class T>
void insert_sorted(std::vector<T>& v, const T& x) {
  const auto at = std::lower_bound(v.begin(), v.end(), x);
  if (at == v.end() || *at != x) v.insert(at, x);
}

Crdts::GCounter merge_counter(const Crdts::GCounter& a, const Crdts::GCounter& b, Variant variant) {
  CORRIDOR_ASSERT(a.counts.size() == b.counts.size());
  Crdts::GCounter out = a;
  for (std::size_t i = 0; i < out.counts.size(); ++i) {
    out.counts[i] = variant == Variant::merge_adds_counters ? a.counts[i] + b.counts[i] : std::max(a.counts[i], b.counts[i]);
  }
  return out;
}

void size_replica(Crdts::Durable& d, std::uint32_t nodes) {
  if (!d.seen.empty()) return;
  d.seen.assign(nodes, 0);
  d.state.g.counts.assign(nodes, 0);
  d.state.pn.up.counts.assign(nodes, 0);
  d.state.pn.down.counts.assign(nodes, 0);
}

void note_reads(Ctx& ctx, const State& s) {
  ctx.note("g-read", Crdts::value(s.g));
  ctx.note("pn-read", std::bit_cast<std::uint64_t>(Crdts::value(s.pn)));
  std::uint64_t mask = 0;
  for (std::uint32_t x = 0; x < Crdts::elements; ++x) mask |= std::uint64_t{Crdts::contains(s.set, x)} << x;
  ctx.note("set-read", mask);
}

void arm_update_timer(Ctx& ctx) {
  ctx.set_timer(Crdts::Timer::update, Crdts::update_interval_min_ns, Crdts::update_interval_max_ns);
}
void arm_gossip_timer(Ctx& ctx) {
  ctx.set_timer(Crdts::Timer::gossip, Crdts::gossip_interval_min_ns, Crdts::gossip_interval_max_ns);
}

// A remove tombstones the tags of the element that this replica holds (the adds it observed);
// the planted bug tombstones the value as well, which deletes adds it never saw.
void remove_element(Crdts::OrSet& set, std::uint32_t element, Variant variant) {
  for (const Crdts::TaggedAdd& a : set.adds) {
    if (a.element == element) insert_sorted(set.removed, a.dot);
  }
  if (variant == Variant::or_set_remove_by_value) insert_sorted(set.removed_values, element);
}

void add_element(Crdts::OrSet& set, std::uint32_t element, Crdts::Dot dot) {
  insert_sorted(set.adds, Crdts::TaggedAdd{element, dot});
  // remove-by-value: a local add lifts the value's tombstone here; merges bring it back.
  std::erase(set.removed_values, element);
}

// Applies one update of `op`, tagged `dot`, to the replica's state.
void apply_update(State& s, CrdtOp op, std::uint32_t element, std::uint64_t amount, Crdts::Dot dot, Variant variant) {
  switch (op) {
    case CrdtOp::g_increment: s.g.counts[dot.origin] += amount; break;
    case CrdtOp::pn_increment: s.pn.up.counts[dot.origin] += amount; break;
    case CrdtOp::pn_decrement: s.pn.down.counts[dot.origin] += amount; break;
    case CrdtOp::set_add: add_element(s.set, element, dot); break;
    case CrdtOp::set_remove: remove_element(s.set, element, variant); break;
  }
}

void issue_update(Crdts::Durable& d, Ctx& ctx) {
  const auto op = static_cast<CrdtOp>(ctx.random(5));
  const auto element = static_cast<std::uint32_t>(ctx.random(Crdts::elements));
  const std::uint64_t amount = 1 + ctx.random(Crdts::amount_max);
  const Crdts::Dot dot{ctx.self(), ++d.seen[ctx.self()]};
  apply_update(d.state, op, element, amount, dot, ctx.variant());
  ctx.note("replica-update", static_cast<std::uint64_t>(op), std::uint64_t{element} << 32 | amount);
}

}  // namespace

State Crdts::merge(const State& a, const State& b, Variant variant) {
  State out;
  out.g = merge_counter(a.g, b.g, variant);
  out.pn.up = merge_counter(a.pn.up, b.pn.up, variant);
  out.pn.down = merge_counter(a.pn.down, b.pn.down, variant);
  out.set.adds = sorted_union(a.set.adds, b.set.adds);
  out.set.removed = sorted_union(a.set.removed, b.set.removed);
  out.set.removed_values = sorted_union(a.set.removed_values, b.set.removed_values);
  return out;
}

std::uint64_t Crdts::value(const GCounter& g) {
  std::uint64_t sum = 0;
  for (const std::uint64_t c : g.counts) sum += c;
  return sum;
}

std::int64_t Crdts::value(const PnCounter& pn) {
  return static_cast<std::int64_t>(value(pn.up)) - static_cast<std::int64_t>(value(pn.down));
}

bool Crdts::contains(const OrSet& set, std::uint32_t element) {
  if (std::binary_search(set.removed_values.begin(), set.removed_values.end(), element)) return false;
  return std::any_of(set.adds.begin(), set.adds.end(), [&](const TaggedAdd& a) {
    return a.element == element && !std::binary_search(set.removed.begin(), set.removed.end(), a.dot);
  });
}

bool Crdts::quiesced(const Engine<Crdts>& world) {
  const NodeId nodes = world.layout_nodes();
  for (NodeId i = 0; i < nodes; ++i) {
    if (!world.is_running(i)) continue;
    const std::vector<std::uint32_t>& seen = world.durable(i).seen;
    if (seen.size() != nodes || !world.durable(i).updates_done) return false;
    if (world.node(i).heard.size() != nodes) return false;
    for (NodeId j = 0; j < nodes; ++j) {
      if (j != i && world.is_running(j) && world.node(i).heard[j] != world.durable(j).seen) return false;
    }
  }
  return true;
}

invariants::ReplicaStates<Engine<Crdts>, State> Crdts::replicas() {
  using E = Engine<Crdts>;
  return {.state = [](const E& w, NodeId n) -> const State& { return w.durable(n).state; },
          .seen = [](const E& w, NodeId n) -> const std::vector<std::uint32_t>& { return w.durable(n).seen; },
          .quiesced = quiesced,
          .update_note = "replica-update",
          .quiesce_bound_ns = quiesce_bound_ns};
}

void Crdts::Node::on_start(Ctx& ctx) {
  CORRIDOR_ASSERT(ctx.node_count() <= nodes_max);
  Durable& d = ctx.durable();
  size_replica(d, ctx.node_count());
  heard.assign(ctx.node_count(), {});
  if (!d.updates_done) arm_update_timer(ctx);
  arm_gossip_timer(ctx);
  note_reads(ctx, d.state);
}

void Crdts::Node::on_timer(Ctx& ctx, const Timer& timer) {
  Durable& d = ctx.durable();
  if (timer == Timer::gossip) {
    ctx.send(ctx.random_peer(), Gossip{d.state, d.seen});
    arm_gossip_timer(ctx);
    return;
  }
  // An operation budget (the shrinker's) ends the updates early: the node counts them as issued.
  if (!ctx.start_operation()) {
    d.updates_done = true;
    return;
  }
  issue_update(d, ctx);
  note_reads(ctx, d.state);
  d.updates_done = d.seen[ctx.self()] >= updates_per_node;
  if (!d.updates_done) arm_update_timer(ctx);
}

void Crdts::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  const Gossip& g = std::get<Gossip>(m);
  Durable& d = ctx.durable();
  CORRIDOR_ASSERT(g.seen.size() == d.seen.size() && from < heard.size());
  heard[from] = g.seen;
  State merged = merge(d.state, g.state, ctx.variant());
  for (std::size_t j = 0; j < d.seen.size(); ++j) d.seen[j] = std::max(d.seen[j], g.seen[j]);
  if (merged == d.state) return;
  d.state = std::move(merged);
  note_reads(ctx, d.state);
}

// --- registry entry ---

namespace {

using E = Engine<Crdts>;

void install(E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
  using invariants::CrdtReadMonitor;
  invariants::install_convergence(engine, observers, Crdts::replicas());
  for (const auto check : {CrdtReadMonitor::Check::g_counter, CrdtReadMonitor::Check::pn_counter,
                           CrdtReadMonitor::Check::or_set}) {
    observers.push_back(std::make_unique<CrdtReadMonitor>(check));
  }
}

std::vector<std::unique_ptr<invariants::BadgeMonitor>> badge_monitors() {
  std::vector<std::unique_ptr<invariants::BadgeMonitor>> m;
  m.push_back(std::make_unique<invariants::ReplicaDivergenceMonitor>(Crdts::divergence_ns_max));
  return m;
}

void install_badges(E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                    std::vector<Badge>& badges) {
  auto observer = std::make_unique<invariants::BadgeObserver<E>>(engine, badges);
  for (auto& m : badge_monitors()) observer->add(std::move(m));
  observers.push_back(std::move(observer));
}

bool update_merged(const E& w) {
  for (NodeId i = 0; i < w.layout_nodes(); ++i) {
    const std::vector<std::uint32_t>& seen = w.durable(i).seen;
    for (NodeId j = 0; j < seen.size(); ++j) {
      if (j != i && seen[j] > 0) return true;
    }
  }
  return false;
}

// An element with a tombstoned tag and a live one: an add concurrent with (or after) a remove.
bool add_outlived_remove(const E& w) {
  for (NodeId i = 0; i < w.layout_nodes(); ++i) {
    const Crdts::OrSet& set = w.durable(i).state.set;
    for (std::uint32_t x = 0; x < Crdts::elements; ++x) {
      bool removed = false;
      bool live = false;
      for (const Crdts::TaggedAdd& a : set.adds) {
        if (a.element != x) continue;
        const bool tombstoned = std::binary_search(set.removed.begin(), set.removed.end(), a.dot);
        removed = removed || tombstoned;
        live = live || !tombstoned;
      }
      if (removed && live) return true;
    }
  }
  return false;
}

std::vector<Witness<E>> crdts_witnesses() {
  return {{"update-merged", "a replica merged another replica's update from a gossip", update_merged},
          {"add-outlived-remove", "an OR-set holds an element with a removed tag and a live one", add_outlived_remove},
          {"quiesced", "every replica has issued its updates and heard every other's final state", Crdts::quiesced}};
}

}  // namespace

ProtocolEntry crdts_entry() {
  ProtocolEntry entry = register_protocol<Crdts>(
      {
          .name = "crdts",
          .description = "State-based CRDTs (a G-counter, a PN-counter and an OR-set) replicated by gossip of the "
                         "whole replica; checked for strong eventual consistency, convergence and each type's reads.",
          .variants =
              {
                  correct_variant(Variant::correct,
                                  "Merge takes the maximum of each counter entry and the union of the OR-set's tags "
                                  "and tombstones; a remove tombstones the tags it has seen."),
                  planted_bug(Variant::merge_adds_counters,
                              "Merge adds the two replicas' counter entries instead of taking their maximum, so an "
                              "update is counted again at every gossip that carries it back (a read after the merge shows it "
                              "first, or, now and then, two replicas that have seen the same updates).",
                              "pn-counter-read or g-counter-read or strong-eventual-consistency"),
                  planted_bug(Variant::or_set_remove_by_value,
                              "A remove tombstones the element's value, so when it reaches a replica it deletes the "
                              "adds of that element the remover never saw.",
                              "or-set-read"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = Crdts::nodes_max,
          .default_faults = "crash=1,partition=1,pause=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms",
          .default_clock = "skew=20ms,drift=1000ppm",
          .campaign_nodes = {2, 3, 5},
          .default_time_limit_ns = seconds(2),  // updates end by about 1 s, faults heal by 1.4 s
          .demo_faults = "crash=1,partition=1,pause=1,loss=0.02,dup=0.02,delay=uniform:1ms:10ms",
          .demo_clock = "skew=20ms,drift=1000ppm",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install = install,
          .install_badges = install_badges,
          .witnesses = crdts_witnesses(),
      });
  for (const auto& m : badge_monitors()) entry.info.badge_monitors.push_back(m->declaration());
  return entry;
}

}  // namespace corridor::protocols
