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
  // `variant` under the demo's faults and clock, whatever its kind (a correct variant must pass
  // what its planted bugs are found under); demo_config of a planted bug is this.
  SimConfig under_demo_faults(std::uint32_t variant) const;
};

// Every registered protocol, in a fixed order.
const std::vector<ProtocolEntry>& protocol_registry();
const ProtocolEntry* find_protocol(std::string_view name);

}  // namespace corridor
