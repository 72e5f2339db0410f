// corridor list: what corridor knows (protocols, variants, invariants, fault and clock options,
// explorers), for people or, with --json, for tools.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/explorable.hpp"
#include "model/units.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

namespace corridor::cli {

namespace {

// The sizes and clocks `corridor run` spreads a protocol's seeds over (its default campaign).
nlohmann::json campaign_json(const ProtocolEntry& e) {
  std::vector<std::uint32_t> nodes;
  std::vector<std::string> clocks;
  for (const SimConfig& c : e.campaign_configs(0)) {
    if (std::find(nodes.begin(), nodes.end(), c.nodes) == nodes.end()) nodes.push_back(c.nodes);
    const std::string clock = c.clock_text.empty() ? "ideal" : c.clock_text;
    if (std::find(clocks.begin(), clocks.end(), clock) == clocks.end()) clocks.push_back(clock);
  }
  return {{"nodes", nodes}, {"clocks", clocks}, {"reads_clocks", e.info.reads_clocks}};
}

const char* const explorers_text[][2] = {
    {"random", "timed: the earliest due event fires; delays, loss and duplication drawn from the seed (default)"},
};

// The names of the states a search of it must reach (model/witness.hpp).
std::vector<std::string> witness_names(const ProtocolInfo& info) {
  std::vector<std::string> names;
  for (const WitnessInfo& w : info.witnesses) names.push_back(w.name);
  return names;
}

nlohmann::json list_json() {
  nlohmann::json protocols = nlohmann::json::array();
  nlohmann::json models = nlohmann::json::array();
  for (const ProtocolEntry& e : protocol_registry()) {
    nlohmann::json variants = nlohmann::json::array();
    for (const VariantInfo& v : e.info.variants) {
      variants.push_back({{"name", v.name}, {"correct", !v.planted_bug}, {"planted_bug", v.planted_bug},
                          {"description", v.description}});
    }
    if (e.explore_only) {
      models.push_back({{"name", e.info.name}, {"description", e.info.description}, {"variants", variants},
                        {"invariants", e.info.invariants}, {"witnesses", witness_names(e.info)},
                        {"default_nodes", e.info.default_nodes},
                        {"min_nodes", e.info.min_nodes}, {"max_nodes", e.info.max_nodes},
                        {"symmetry", e.explore_only->symmetry}, {"built_in", e.built_in}});
      continue;
    }
    protocols.push_back({{"name", e.info.name}, {"built_in", e.built_in},
                         {"description", e.info.description},
                         {"variants", variants},
                         {"invariants", e.info.invariants},
                         {"witnesses", witness_names(e.info)},
                         {"default_nodes", e.info.default_nodes},
                         {"min_nodes", e.info.min_nodes},
                         {"max_nodes", e.info.max_nodes},
                         {"default_faults", e.info.default_faults},
                         {"default_clock", e.info.default_clock},
                         {"campaign", campaign_json(e)},
                         {"time_limit", format_duration(e.info.default_time_limit_ns)}});
  }
  nlohmann::json explorers = nlohmann::json::array();
  for (const auto& x : explorers_text) explorers.push_back({{"name", x[0]}, {"description", x[1]}});
  return {{"tool", trace_tool_text(trace_tool_name())}, {"protocols", protocols}, {"explore_only_models", models},
          {"explorers", explorers}, {"faults", fault_spec_help}, {"clock", clock_spec_help}};
}

void print_list() {
  fmt::print("Protocols:\n");
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.make) continue;
    fmt::print("\n  {}: {}{}\n", e.info.name, e.built_in ? "" : "[own] ", e.info.description);
    fmt::print("    nodes: {} (from {} to {}), fault model: --faults {} {}\n", e.info.default_nodes, e.info.min_nodes,
               e.info.max_nodes, e.info.default_faults.empty() ? "none" : e.info.default_faults,
               e.info.default_clock.empty() ? "" : "--clock " + e.info.default_clock);
    const nlohmann::json campaign = campaign_json(e);
    fmt::print("    default campaign: seeds spread over nodes {} x clocks {}\n",
               fmt::join(campaign["nodes"].get<std::vector<std::uint32_t>>(), ", "),
               fmt::join(campaign["clocks"].get<std::vector<std::string>>(), " | "));
    for (const VariantInfo& v : e.info.variants) {
      fmt::print("    variant {:<22} {} {}\n", v.name, v.planted_bug ? "[planted bug]" : "[correct]    ", v.description);
    }
    if (!e.info.invariants.empty()) {
      fmt::print("    invariants: ");
      for (std::size_t i = 0; i < e.info.invariants.size(); ++i) fmt::print("{}{}", i ? ", " : "", e.info.invariants[i]);
      fmt::print("\n");
    }
    if (!e.info.witnesses.empty()) fmt::print("    witnesses: {}\n", fmt::join(witness_names(e.info), ", "));
  }
  fmt::print("\nExplore-only models ({} explore NAME; no simulated world to run):\n", trace_tool_name());
  for (const ProtocolEntry& e : protocol_registry()) {
    if (!e.explore_only) continue;
    const ProtocolInfo& m = e.info;
    fmt::print("\n  {}: {}{}\n", m.name, e.built_in ? "" : "[own] ", m.description);
    fmt::print("    nodes: {} (from {} to {}){}\n", m.default_nodes, m.min_nodes, m.max_nodes,
               e.explore_only->symmetry ? ", symmetry" : "");
    for (const VariantInfo& v : m.variants) {
      fmt::print("    variant {:<22} {} {}\n", v.name, v.planted_bug ? "[planted bug]" : "[correct]    ", v.description);
    }
    if (!m.invariants.empty()) fmt::print("    invariants: {}\n", fmt::join(m.invariants, ", "));
    if (!m.witnesses.empty()) fmt::print("    witnesses: {}\n", fmt::join(witness_names(m), ", "));
  }
  fmt::print("\nExplorers:\n");
  for (const auto& x : explorers_text) fmt::print("  {:<10} {}\n", x[0], x[1]);
  fmt::print("\n{}\n\n{}\n", fault_spec_help, clock_spec_help);
}

}  // namespace

void add_list_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("list", "List protocols, variants, invariants, fault and clock options, explorers");
  static bool as_json = false;
  cmd->add_flag("--json", as_json, "Print the same as JSON (each variant marked correct or planted bug)");
  cmd->callback([&exit_code] {
    if (as_json) fmt::print("{}\n", list_json().dump(2));
    else print_list();
    exit_code = 0;
  });
}

}  // namespace corridor::cli
