#include "protocols/registry.hpp"

#include <algorithm>

#include "model/assert.hpp"
#include "model/units.hpp"
#include "protocols/causal_broadcast/causal_broadcast.hpp"
#include "protocols/heartbeat_register/heartbeat_register.hpp"
#include "protocols/chandy_lamport/chandy_lamport.hpp"
#include "protocols/co_multi_paxos_kv/co_multi_paxos_kv.hpp"
#include "protocols/co_ping_pong/co_ping_pong.hpp"
#include "protocols/co_token_ring/co_token_ring.hpp"
#include "protocols/crdts/crdts.hpp"
#include "protocols/dvv_kv/dvv_kv.hpp"
#include "protocols/flexible_paxos/flexible_paxos.hpp"
#include "protocols/clock_sync/berkeley.hpp"
#include "protocols/clock_sync/cristian.hpp"
#include "protocols/hlc/hlc.hpp"
#include "protocols/lamport_total_order/lamport_total_order.hpp"
#include "protocols/leader_lease/leader_lease.hpp"
#include "protocols/multi_paxos_kv/multi_paxos_kv.hpp"
#include "protocols/ping_pong/ping_pong.hpp"
#include "protocols/raft_kv/raft_kv.hpp"
#include "protocols/token_ring/token_ring.hpp"
#include "protocols/truetime/truetime.hpp"
#include "protocols/two_phase_commit_actors/two_phase_commit_actors.hpp"
#include "protocols/vc_kv/vc_kv.hpp"

namespace corridor {

std::string kebab_case(std::string_view identifier) {
  std::string out(identifier);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

void check_registration(const ProtocolInfo& info, std::size_t enumerators) {
  CORRIDOR_ASSERT_MSG(!info.variants.empty() && !info.variants[0].planted_bug, "the first variant is the correct one");
  CORRIDOR_ASSERT_MSG(info.variants.size() == enumerators, "one variant per enumerator of the protocol's Variant");
  CORRIDOR_ASSERT(info.campaign_nodes.size() <= 16 && info.campaign_clocks.size() <= 16);
  for (const std::uint32_t nodes : info.campaign_nodes) {
    CORRIDOR_ASSERT_MSG(nodes >= info.min_nodes && nodes <= info.max_nodes, "a campaign size is a size the protocol runs with");
  }
  for (std::size_t i = 0; i < info.variants.size(); ++i) {
    const VariantInfo& v = info.variants[i];
    CORRIDOR_ASSERT_MSG(v.value == i, "variants listed in the order of their enumerators");
    CORRIDOR_ASSERT_MSG(!v.name.empty() && !v.description.empty(), "a variant has a name and a description");
    CORRIDOR_ASSERT_MSG(v.planted_bug == !v.finds.empty(), "a planted bug (and only one) names the invariant it breaks");
    // `finds` names one invariant, or several as "a or b" when the bug breaks each first on some seeds.
    for (std::string_view rest = v.finds; v.planted_bug && !rest.empty();) {
      const std::size_t cut = rest.find(" or ");
      const std::string name(rest.substr(0, cut));
      rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 4);
      const bool installed = std::find(info.invariants.begin(), info.invariants.end(), name) != info.invariants.end();
      CORRIDOR_ASSERT_MSG(installed, "a planted bug breaks an invariant the set-up installs");
    }
  }
}

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

std::vector<SimConfig> ProtocolEntry::campaign_configs(std::uint32_t variant) const {
  const std::vector<std::uint32_t> sizes = info.campaign_nodes.empty() ? std::vector{info.default_nodes} : info.campaign_nodes;
  const std::vector<std::string> clocks = info.campaign_clocks.empty() ? std::vector{info.default_clock} : info.campaign_clocks;
  std::vector<SimConfig> configs;
  for (const std::uint32_t nodes : sizes) {
    for (const std::string& clock : clocks) {
      SimConfig config = default_config(variant);
      config.nodes = nodes;
      config.clock = ClockSpec{};
      config.clock_text.clear();
      if (!clock.empty()) apply_clock_spec(clock, config);
      configs.push_back(std::move(config));
    }
  }
  CORRIDOR_ASSERT(configs.size() == sizes.size() * clocks.size() && !configs.empty());
  return configs;
}

std::vector<SimConfig> ProtocolEntry::demo_campaign(std::uint32_t variant) const {
  if (!info.variants.at(variant).planted_bug) return campaign_configs(variant);
  const SimConfig demo = under_demo_faults(variant);
  std::vector<SimConfig> configs = campaign_configs(variant);
  for (SimConfig& config : configs) {
    const std::uint32_t nodes = config.nodes;
    const bool demo_clock = !info.demo_clock.empty();
    const ClockSpec clock = config.clock;
    const std::string clock_text = config.clock_text;
    config = demo;
    config.nodes = nodes;
    if (!demo_clock) {
      config.clock = clock;
      config.clock_text = clock_text;
    }
  }
  // A demo clock replaces the campaign clocks: the sizes stay, each once.
  if (!info.demo_clock.empty()) {
    configs.erase(std::unique(configs.begin(), configs.end()), configs.end());
  }
  CORRIDOR_ASSERT(!configs.empty());
  return configs;
}

SimConfig ProtocolEntry::demo_config(std::uint32_t variant) const {
  return info.variants.at(variant).planted_bug ? under_demo_faults(variant) : default_config(variant);
}

SimConfig ProtocolEntry::under_demo_faults(std::uint32_t variant) const {
  SimConfig config = default_config(variant);
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
  std::vector<ProtocolEntry> built_in;  // by add_protocol(.., built_in), in call order
  std::vector<ProtocolEntry> own;       // by add_protocol(.., own), in call order
  std::vector<ProtocolEntry> all;       // filled on freeze
  std::size_t own_count = 0;
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
      protocols::token_ring_entry(),
      protocols::co_ping_pong_entry(),
      protocols::co_token_ring_entry(),
      protocols::co_multi_paxos_kv_entry(),
      protocols::hlc_entry(),
      protocols::cristian_entry(),
      protocols::berkeley_entry(),
      protocols::crdts_entry(),
      protocols::vc_kv_entry(),
      protocols::dvv_kv_entry(),
      protocols::flexible_paxos_entry(),
      protocols::truetime_entry(),
      protocols::raft_kv_entry(),
  };
}

void freeze(RegistryState& state) {
  std::vector<ProtocolEntry> all = built_in_protocols();
  for (ProtocolEntry& entry : state.built_in) all.push_back(std::move(entry));
  std::vector<ProtocolEntry> own = std::move(state.own);
  std::sort(own.begin(), own.end(),
            [](const ProtocolEntry& a, const ProtocolEntry& b) { return a.info.name < b.info.name; });
  const std::size_t built_in_count = all.size();
  for (ProtocolEntry& entry : own) all.push_back(std::move(entry));
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i].built_in = i < built_in_count;
    for (std::size_t j = 0; j < i; ++j) {
      CORRIDOR_ASSERT_MSG(all[j].info.name != all[i].info.name, "a protocol name is registered twice");
    }
  }
  state.own_count = own.size();
  state.all = std::move(all);
  state.frozen = true;
}

}  // namespace

void add_protocol(ProtocolEntry entry, ProtocolOrigin origin) {
  RegistryState& state = registry_state();
  CORRIDOR_ASSERT_MSG(!state.frozen, "add_protocol after the registry was first read");
  CORRIDOR_ASSERT_MSG(!entry.info.name.empty(), "a registered protocol needs a name");
  CORRIDOR_ASSERT_MSG(!entry.info.variants.empty(), "a registered protocol needs variants[0], its correct variant");
  CORRIDOR_ASSERT_MSG(static_cast<bool>(entry.make) != static_cast<bool>(entry.explore_only),
                      "a registered protocol is either of the simulated world (`make`) or explore-only");
  CORRIDOR_ASSERT(state.built_in.size() + state.own.size() < 1024);
  (origin == ProtocolOrigin::built_in ? state.built_in : state.own).push_back(std::move(entry));
}

const std::vector<ProtocolEntry>& protocol_registry() {
  RegistryState& state = registry_state();
  if (!state.frozen) freeze(state);
  return state.all;
}

std::size_t registered_protocol_count() {
  protocol_registry();
  return registry_state().own_count;
}

const ProtocolEntry* find_protocol(std::string_view name) {
  for (const ProtocolEntry& entry : protocol_registry()) {
    if (entry.info.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace corridor
