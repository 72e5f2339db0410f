#pragma once
// The protocols corridor knows by name: each with its variants (the correct one first, then the
// planted bugs), its invariants, its defaults and how to make a Simulation of it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/simulation.hpp"

namespace corridor {

struct VariantInfo {
  std::string name;          // "correct", "no-drift-margin", ...
  bool planted_bug = false;  // false only for correct variants
  std::string description;   // one sentence
};

struct ProtocolInfo {
  std::string name;          // "leader-lease"
  std::string description;   // one sentence
  std::vector<VariantInfo> variants;     // variants[0] is the correct one
  std::vector<std::string> invariants;   // names of what is checked
  std::uint32_t default_nodes = 3;
  std::uint32_t min_nodes = 1;
  std::uint32_t max_nodes = 64;
  std::string default_faults;            // the fault spec of its fault model
  std::string default_clock;             // the clock spec of its fault model
  time_ns default_time_limit_ns = seconds(10);
  // What the demo campaign runs for each planted bug, to show it being found.
  std::string demo_faults;
  std::string demo_clock;
  // The coherence badge monitors its runs carry (assumption, corridor, boundary), for people.
  std::vector<BadgeDeclaration> badge_monitors;
};

struct ProtocolEntry {
  ProtocolInfo info;
  std::function<std::unique_ptr<Simulation>()> make;

  // Index of a variant by name; -1 if none.
  int variant_index(std::string_view name) const;
  // A config with this protocol's defaults (its fault model) and `variant`.
  SimConfig default_config(std::uint32_t variant) const;
  // The config the demo uses: the fault model, or for a planted bug the demo's faults and clock.
  SimConfig demo_config(std::uint32_t variant) const;
};

// Every registered protocol, in a fixed order: the built-in ones first, then those a program
// added (register_protocol), sorted by name, so that the order does not depend on the order in
// which the linker runs static initialisers. The first call freezes the registry.
const std::vector<ProtocolEntry>& protocol_registry();
const ProtocolEntry* find_protocol(std::string_view name);

// Adds a protocol of one's own (a corridor_add_tool program's, a test's) to the registry. Call it
// before the first protocol_registry() call, which is what ProtocolRegistrar does:
//
//   static const corridor::ProtocolRegistrar paxos{paxos_entry};  // in the tool's own sources
//
// A name registered twice, or a registration after the registry was frozen, is a defect of the
// program that does it: CORRIDOR_ASSERT stops it at start-up with the name.
void register_protocol(ProtocolEntry entry);

struct ProtocolRegistrar {
  explicit ProtocolRegistrar(ProtocolEntry (*make_entry)()) { register_protocol(make_entry()); }
};

// How many registry entries came from register_protocol (the rest are built in).
std::size_t registered_protocol_count();

}  // namespace corridor
