#include "protocols/registry.hpp"

#include <algorithm>

#include "model/assert.hpp"
#include "model/units.hpp"
#include "protocols/causal_broadcast/causal_broadcast.hpp"
#include "protocols/heartbeat_register/heartbeat_register.hpp"
#include "protocols/chandy_lamport/chandy_lamport.hpp"
#include "protocols/lamport_total_order/lamport_total_order.hpp"
#include "protocols/leader_lease/leader_lease.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"
#include "protocols/ping_pong/ping_pong.hpp"
#include "protocols/two_phase_commit_actors/two_phase_commit_actors.hpp"

namespace corridor {

int ProtocolEntry::variant_index(std::string_view name) const {
  for (std::size_t i = 0; i < info.variants.size(); ++i) {
    if (info.variants[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

SimConfig ProtocolEntry::default_config(std::uint32_t variant) const {
  SimConfig config;
  config.nodes = info.default_nodes;
  config.variant = variant;
  config.time_limit_ns = info.default_time_limit_ns;
  if (!info.default_faults.empty()) apply_fault_spec(info.default_faults, config);
  if (!info.default_clock.empty()) apply_clock_spec(info.default_clock, config);
  return config;
}

SimConfig ProtocolEntry::demo_config(std::uint32_t variant) const {
  SimConfig config = default_config(variant);
  if (!info.variants.at(variant).planted_bug) return config;
  const SimConfig fresh;
  if (!info.demo_faults.empty()) {
    config.faults = fresh.faults;
    config.link = fresh.link;
    apply_fault_spec(info.demo_faults, config);
  }
  if (!info.demo_clock.empty()) {
    config.clock = fresh.clock;
    apply_clock_spec(info.demo_clock, config);
  }
  return config;
}

namespace {

// Construct-on-first-use: registrars run during static initialisation, in an order the linker
// picks, possibly before this file's own statics exist.
struct RegistryState {
  std::vector<ProtocolEntry> added;  // by register_protocol, in call order
  std::vector<ProtocolEntry> all;    // built in, then `added` sorted by name; filled on freeze
  bool frozen = false;
};

RegistryState& registry_state() {
  static RegistryState state;
  return state;
}

std::vector<ProtocolEntry> built_in_protocols() {
  return {
      protocols::ping_pong_entry(),
      protocols::leader_lease_entry(),
      protocols::causal_broadcast_entry(),
      protocols::heartbeat_register_entry(),
      protocols::lamport_total_order_entry(),
      protocols::chandy_lamport_entry(),
      protocols::multi_paxos_kv_entry(),
      protocols::two_phase_commit_actors_entry(),
  };
}

void freeze(RegistryState& state) {
  std::vector<ProtocolEntry> all = built_in_protocols();
  std::vector<ProtocolEntry> added = state.added;
  std::sort(added.begin(), added.end(),
            [](const ProtocolEntry& a, const ProtocolEntry& b) { return a.info.name < b.info.name; });
  for (ProtocolEntry& entry : added) {
    for (const ProtocolEntry& known : all) {
      CORRIDOR_ASSERT_MSG(known.info.name != entry.info.name, "a protocol name is registered twice");
    }
    all.push_back(std::move(entry));
  }
  state.all = std::move(all);
  state.frozen = true;
}

}  // namespace

void register_protocol(ProtocolEntry entry) {
  RegistryState& state = registry_state();
  CORRIDOR_ASSERT_MSG(!state.frozen, "register_protocol after the registry was first read");
  CORRIDOR_ASSERT_MSG(!entry.info.name.empty(), "a registered protocol needs a name");
  CORRIDOR_ASSERT_MSG(!entry.info.variants.empty(), "a registered protocol needs variants[0], its correct variant");
  CORRIDOR_ASSERT_MSG(static_cast<bool>(entry.make), "a registered protocol needs `make`");
  CORRIDOR_ASSERT(state.added.size() < 1024);
  state.added.push_back(std::move(entry));
}

const std::vector<ProtocolEntry>& protocol_registry() {
  RegistryState& state = registry_state();
  if (!state.frozen) freeze(state);
  return state.all;
}

std::size_t registered_protocol_count() {
  protocol_registry();
  return registry_state().added.size();
}

const ProtocolEntry* find_protocol(std::string_view name) {
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (entry.info.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace corridor
