#pragma once
// The protocols corridor knows by name: each registered once (register_protocol) with its variants
// (an enum: the correct one first, then the planted bugs), its defaults and how to make a
// Simulation of it; its invariants are read from what its set-up installs.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "invariants/progress_bound.hpp"
#include "model/assert.hpp"
#include "model/simulation.hpp"

namespace corridor {

// "no_drift_margin" -> "no-drift-margin".
std::string kebab_case(std::string_view identifier);

struct VariantInfo {
  std::uint32_t value = 0;   // the enumerator of the protocol's Variant enum (its position here)
  std::string name;          // "correct", "no-drift-margin": the enumerator's name, '_' as '-'
  bool planted_bug = false;  // false only for correct variants
  std::string description;   // one sentence
  std::string finds;         // planted bugs: the invariant it breaks ("a or b": each is first on some seeds)
};

// One variant of a registration, named by its enumerator (the name is derived from it).
template <class V>
  requires std::is_enum_v<V>
VariantInfo correct_variant(V v, std::string description) {
  return {static_cast<std::uint32_t>(v), kebab_case(enum_name(v)), false, std::move(description), {}};
}
template <class V>
  requires std::is_enum_v<V>
VariantInfo planted_bug(V v, std::string description, std::string finds) {
  return {static_cast<std::uint32_t>(v), kebab_case(enum_name(v)), true, std::move(description), std::move(finds)};
}

struct ProtocolInfo {
  std::string name;          // "leader-lease"
  std::string description;   // one sentence
  std::vector<VariantInfo> variants;     // one per enumerator of P::Variant, in order; variants[0] is correct
  std::vector<std::string> invariants;   // filled by register_protocol from what the set-up installs
  // The states a search must reach (model/witness.hpp): filled by register_protocol from the
  // spec's witnesses (register_model: from the model's), so a name is written once.
  std::vector<WitnessInfo> witnesses;
  std::uint32_t default_nodes = 3;
  std::uint32_t min_nodes = 1;
  std::uint32_t max_nodes = 64;
  std::string default_faults;            // the fault spec of its fault model
  std::string default_clock;             // the clock spec of its fault model
  // The default campaign (`corridor run P` without --nodes or --clock, the demo, the property
  // suites): seeds are spread round-robin over every (size, clock) pair, because a bug may need 5
  // nodes to break a majority, or a clock jump to matter. Empty: {default_nodes} and
  // {default_clock}. check_registration asserts every size is within [min_nodes, max_nodes].
  std::vector<std::uint32_t> campaign_nodes;
  std::vector<std::string> campaign_clocks;
  // The protocol reads its clocks (ctx.now(), ctx.monotonic(), co::now()), not only timers: its
  // campaign must then skew clocks and jump them forward and backward (tests/protocols/
  // campaign_test.cpp checks it), so that now() in place of monotonic() is a different program.
  bool reads_clocks = false;
  time_ns default_time_limit_ns = seconds(10);
  // A protocol with client operations (ctx.start_operation() and a history invoke for each)
  // promises that every one completes (ok, fail or info) within this bound after the later of its
  // invoke and the last fault healing: register_protocol installs that check ("progress-bound",
  // invariants/progress_bound.hpp) for every protocol that sets it, so the one check over the
  // client-operation layer serves them all. 0: the protocol has no client operations.
  time_ns operation_bound_ns = 0;
  // What the demo campaign runs for each planted bug, to show it being found.
  std::string demo_faults;
  std::string demo_clock;
  // The coherence badge monitors its runs carry (assumption, corridor, boundary), for people.
  std::vector<BadgeDeclaration> badge_monitors;
};

// An explore-only model's search (cli/explorable.hpp defines it: what a search hands back
// belongs to explorers/, which protocols/ may not include, DESIGN.md's layering).
struct ExploreOnlyModel;

struct ProtocolEntry {
  ProtocolInfo info;
  // A protocol of the simulated world: how to make a Simulation of it. Empty for an explore-only
  // model (a StateMachine written TLA+ style), which has `explore_only` instead.
  std::function<std::unique_ptr<Simulation>()> make;
  std::shared_ptr<const ExploreOnlyModel> explore_only;
  bool built_in = true;  // false for what a program added as its own (add_protocol)

  // Index of a variant by name; -1 if none.
  int variant_index(std::string_view name) const;
  // A config with this protocol's defaults (its fault model) and `variant`.
  SimConfig default_config(std::uint32_t variant) const;
  // The default campaign of `variant`: default_config over every (campaign size, campaign clock)
  // pair, sizes outer; run i of a campaign runs configs[i % size] (explorers/seed_runner.hpp).
  std::vector<SimConfig> campaign_configs(std::uint32_t variant) const;
  // The demo's campaign: campaign_configs, with a planted bug's demo faults and clock (a demo
  // clock replaces the campaign clocks).
  std::vector<SimConfig> demo_campaign(std::uint32_t variant) const;
  // The config the demo uses: the fault model, or for a planted bug the demo's faults and clock.
  SimConfig demo_config(std::uint32_t variant) const;
  // `variant` under the demo's faults and clock, whatever its kind (a correct variant must pass
  // what its planted bugs are found under); demo_config of a planted bug is this.
  SimConfig under_demo_faults(std::uint32_t variant) const;
};

// Checks what the registration of one protocol says about its variants and invariants (the
// variants name the enumerators of its Variant enum in order, the correct one first, and each
// planted bug's `finds` is an invariant the set-up installs); CORRIDOR_ASSERT on a mistake.
void check_registration(const ProtocolInfo& info, std::size_t enumerators);

// `install`, then the check that every client operation completes within bound_ns.
template <class P>
auto with_progress_bound(decltype(SimulationSpec<P>::install) install, time_ns bound_ns) {
  CORRIDOR_ASSERT(bound_ns > 0);
  return [install = std::move(install), bound_ns](Engine<P>& engine, std::vector<std::unique_ptr<RunObserver>>& observers,
                                                   const SimConfig& config) {
    if (install) install(engine, observers, config);
    observers.push_back(std::make_unique<invariants::ProgressBoundMonitor>(bound_ns, "progress-bound"));
  };
}

// The one registration of protocol P: its description, and the spec that builds its runs. The
// protocol concept is checked here (SimulationOf), and the invariant names are read from P's
// set-up, so `info.invariants` is left empty by the caller.
template <class P>
ProtocolEntry register_protocol(ProtocolInfo info, SimulationSpec<P> spec) {
  CORRIDOR_ASSERT_MSG(info.invariants.empty(), "invariant names come from the protocol's set-up");
  ProtocolEntry entry;
  // Overwritten, not asserted empty: a coroutine twin copies its handler version's info.
  info.witnesses = witness_infos(spec.witnesses);
  check_witnesses(info.witnesses);
  if (info.operation_bound_ns > 0) spec.install = with_progress_bound<P>(std::move(spec.install), info.operation_bound_ns);
  entry.make = [spec = std::move(spec)] { return std::make_unique<SimulationOf<P>>(spec); };
  entry.info = std::move(info);
  entry.info.invariants = entry.make()->invariant_names(entry.default_config(0));
  check_registration(entry.info, enum_count<variant_t<P>>());
  return entry;
}

// Every registered protocol, in a fixed order: the built-in ones first, then those a program
// added (add_protocol), sorted by name, so that the order does not depend on the order in which
// the linker runs static initialisers. The first call freezes the registry.
const std::vector<ProtocolEntry>& protocol_registry();
const ProtocolEntry* find_protocol(std::string_view name);

// Adds a protocol of one's own (a corridor_add_tool program's, a test's) to the registry: the
// entry register_protocol<P> (or, for an explore-only model, cli/explorable.hpp's
// register_model<M>) made, so that every name is still written once. Call it before the first
// protocol_registry() call, which is what a static ProtocolRegistrar in the tool's sources does:
//
//   corridor::ProtocolEntry paxos_entry() { return corridor::register_protocol<Paxos>({...}, {...}); }
//   static const corridor::ProtocolRegistrar paxos{paxos_entry};
//
// A name registered twice, or a registration after the registry was frozen, is a defect of the
// program that does it: CORRIDOR_ASSERT stops it at start-up with the name.
enum class ProtocolOrigin { built_in, own };
void add_protocol(ProtocolEntry entry, ProtocolOrigin origin = ProtocolOrigin::own);

struct ProtocolRegistrar {
  explicit ProtocolRegistrar(ProtocolEntry (*make_entry)()) { add_protocol(make_entry()); }
};

// How many registry entries a program added as its own (the rest are built in).
std::size_t registered_protocol_count();

}  // namespace corridor
