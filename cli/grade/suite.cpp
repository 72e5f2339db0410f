#include "cli/grade/suite.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>
#define XXH_INLINE_ALL  // header-only, as traces/trace.cpp uses it
#include <xxhash.h>

#include "invariants/lincheck/lincheck.hpp"
#include "model/fault_plan.hpp"
#include "model/prng.hpp"
#include "model/sim_config.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"

namespace corridor::grade {

namespace {

constexpr std::size_t scenarios_max = 1000;
constexpr std::uint64_t seeds_max = 1'000'000;
constexpr std::uint32_t nodes_max = 64;

// "2GiB", "512MiB", "64KiB", or a number of bytes (binary units only: a limit is a power of two).
std::optional<std::uint64_t> parse_size_bytes(const std::string& text) {
  static const std::pair<const char*, std::uint64_t> units[] = {{"KiB", 1ULL << 10}, {"MiB", 1ULL << 20}, {"GiB", 1ULL << 30}};
  std::uint64_t factor = 1;
  std::string digits = text;
  for (const auto& [unit, f] : units) {
    if (text.ends_with(unit)) {
      factor = f;
      digits = text.substr(0, text.size() - 3);
    }
  }
  if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(digits) * factor;
}

// One TOML table being read: every key it reads is marked, and what is left over is an unknown
// key, reported with its line.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string where)
      : table_(table), file_(std::move(file)), where_(std::move(where)) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw InputError(fmt::format("{}:{}: {}", file_, node.source().begin.line, what));
  }
  [[noreturn]] void fail_here(const std::string& what) const {
    throw InputError(fmt::format("{}:{}: {}", file_, table_.source().begin.line, what));
  }

  const toml::node* get(std::string_view key) {
    seen_.insert(std::string(key));
    return table_.get(key);
  }

  std::optional<std::string> string(std::string_view key) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    if (!node->is_string()) fail(*node, fmt::format("{}{} must be a string, not {}", where_, key, type_name(*node)));
    return std::string(node->as_string()->get());
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    if (!node->is_integer()) fail(*node, fmt::format("{}{} must be an integer, not {}", where_, key, type_name(*node)));
    const std::int64_t value = node->as_integer()->get();
    if (value < min || value > max) fail(*node, fmt::format("{}{} = {} is not in {}..{}", where_, key, value, min, max));
    return value;
  }

  std::optional<double> number(std::string_view key, double min, double max) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    double value = 0;
    if (node->is_integer()) value = static_cast<double>(node->as_integer()->get());
    else if (node->is_floating_point()) value = node->as_floating_point()->get();
    else fail(*node, fmt::format("{}{} must be a number, not {}", where_, key, type_name(*node)));
    if (!(value >= min && value <= max)) fail(*node, fmt::format("{}{} = {} is not in {}..{}", where_, key, value, min, max));
    return value;
  }

  std::optional<std::uint64_t> bytes(std::string_view key) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    if (node->is_integer() && node->as_integer()->get() > 0) return static_cast<std::uint64_t>(node->as_integer()->get());
    if (node->is_string()) {
      if (const auto value = parse_size_bytes(std::string(node->as_string()->get())); value && *value > 0) return value;
    }
    fail(*node, fmt::format("{}{} must be a size such as \"2GiB\" (KiB, MiB, GiB) or a positive number of bytes", where_, key));
  }

  void no_unknown_keys(std::string_view known) {
    for (auto&& [key, node] : table_) {
      if (!seen_.contains(std::string(key.str()))) {
        fail(node, fmt::format("unknown key '{}{}' (known: {})", where_, key.str(), known));
      }
    }
  }

  static const char* type_name(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a number";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::array: return "an array";
      case toml::node_type::table: return "a table";
      default: return "a date or time";
    }
  }

  const std::string& file() const { return file_; }

 private:
  const toml::table& table_;
  std::string file_;
  std::string where_;
  std::set<std::string> seen_;
};

std::string read_whole(const std::string& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(fmt::format("{} '{}' is not a file", what, path));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read {} '{}'", what, path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

toml::table parse_toml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
}

bool is_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

std::vector<std::string> string_list(TableReader& r, std::string_view key) {
  const toml::node* node = r.get(key);
  if (!node) return {};
  const toml::array* array = node->as_array();
  if (!array) r.fail(*node, fmt::format("{} must be an array of strings", key));
  std::vector<std::string> out;
  for (const toml::node& item : *array) {
    if (!item.is_string()) r.fail(item, fmt::format("{} must be an array of strings, not hold {}", key, TableReader::type_name(item)));
    out.emplace_back(item.as_string()->get());
  }
  return out;
}

// Checks a fault spec, clock spec or fault plan the way `corridor run` would take it, so that a
// bad one is the suite's error with its line, before any submission is built.
void check_specs(TableReader& r, const toml::table& table, const Scenario& s) {
  SimConfig config;
  try {
    if (s.faults) apply_fault_spec(*s.faults, config);
  } catch (const std::exception& e) {
    r.fail(*table.get("faults"), fmt::format("faults: {}", e.what()));
  }
  try {
    if (s.clock) apply_clock_spec(*s.clock, config);
  } catch (const std::exception& e) {
    r.fail(*table.get("clock"), fmt::format("clock: {}", e.what()));
  }
  try {
    if (s.fault_plan) parse_fault_plan(*s.fault_plan, 4096, "fault_plan");
  } catch (const std::exception& e) {
    r.fail(*table.get("fault_plan"), fmt::format("fault_plan: {}", e.what()));
  }
  if (s.time_limit) {
    const auto ns = parse_duration_ns(*s.time_limit);
    if (!ns || *ns <= 0) r.fail(*table.get("time_limit"), fmt::format("time_limit '{}' is not a positive duration (e.g. 3s)", *s.time_limit));
  }
}

void read_explorer(TableReader& r, const toml::table& table, Scenario& s) {
  const auto text = r.string("explorer");
  if (!text) return;
  if (*text == "random" || *text == "walk") {
    s.explorer = *text;
    return;
  }
  if (text->starts_with("pct")) {
    s.explorer = "pct";
    if (*text == "pct") return;
    if (text->size() > 4 && (*text)[3] == ':') {
      std::uint32_t depth = 0;
      const std::string digits = text->substr(4);
      if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() <= 2) depth = static_cast<std::uint32_t>(std::stoul(digits));
      if (depth >= 1 && depth <= 64) {
        s.pct_depth = depth;
        return;
      }
    }
  }
  r.fail(*table.get("explorer"), fmt::format("explorer '{}' is not one of random, walk, pct, pct:D (D from 1 to 64)", *text));
}

Scenario read_scenario(const toml::table& table, const std::string& path, std::size_t index) {
  TableReader r(table, path, "");
  Scenario s;
  s.line = static_cast<std::uint32_t>(table.source().begin.line);
  const auto id = r.string("id");
  if (!id) r.fail_here(fmt::format("scenario {} has no id", index + 1));
  if (!is_id(*id)) r.fail(*table.get("id"), fmt::format("id '{}' is not a name of a-z, 0-9, '-' and '_'", *id));
  s.id = *id;
  s.points = r.number("points", 0, 1e6).value_or(0);
  if (const toml::node* node = r.get("nodes")) {
    const auto one = [&](const toml::node& item) {
      if (!item.is_integer() || item.as_integer()->get() < 1 || item.as_integer()->get() > nodes_max) {
        r.fail(item, fmt::format("nodes must be node counts from 1 to {}", nodes_max));
      }
      s.nodes.push_back(static_cast<std::uint32_t>(item.as_integer()->get()));
    };
    if (const toml::array* array = node->as_array()) {
      for (const toml::node& item : *array) one(item);
      if (s.nodes.empty()) r.fail(*node, "nodes is empty");
    } else {
      one(*node);
    }
  }
  s.faults = r.string("faults");
  s.fault_plan = r.string("fault_plan");
  s.clock = r.string("clock");
  read_explorer(r, table, s);
  if (const auto n = r.integer("seeds", 1, static_cast<std::int64_t>(seeds_max))) s.seeds = static_cast<std::uint64_t>(*n);
  s.invariants = string_list(r, "invariants");
  s.time_limit = r.string("time_limit");
  if (const auto credit = r.string("credit")) {
    if (*credit != "all" && *credit != "fraction") r.fail(*table.get("credit"), fmt::format("credit '{}' is not \"all\" or \"fraction\"", *credit));
    s.fraction = *credit == "fraction";
  }
  if (const auto v = r.string("visibility")) {
    if (*v != "visible" && *v != "hidden" && *v != "after_due_date" && *v != "after_published") {
      r.fail(*table.get("visibility"), fmt::format("visibility '{}' is not one of visible, hidden, after_due_date, after_published", *v));
    }
    s.visibility = *v;
  }
  s.variant = r.string("variant").value_or("");
  r.no_unknown_keys("id, points, nodes, faults, fault_plan, clock, explorer, seeds, invariants, time_limit, credit, visibility, variant");
  check_specs(r, table, s);
  return s;
}

std::vector<Scenario> read_scenario_array(TableReader& top, const toml::table& root, const std::string& path) {
  std::vector<Scenario> scenarios;
  const toml::node* node = top.get("scenario");
  if (!node) return scenarios;
  const toml::array* array = node->as_array();
  if (!array || !array->is_array_of_tables()) top.fail(*node, "scenario must be an array of tables ([[scenario]])");
  if (array->size() > scenarios_max) top.fail(*node, fmt::format("more than {} scenarios", scenarios_max));
  std::set<std::string> ids;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::table& table = *array->get(i)->as_table();
    Scenario s = read_scenario(table, path, i);
    if (!ids.insert(s.id).second) TableReader(table, path, "").fail(*table.get("id"), fmt::format("scenario id '{}' is used twice", s.id));
    scenarios.push_back(std::move(s));
  }
  (void)root;
  return scenarios;
}

void read_limits(TableReader& top, const std::string& path, Limits& limits) {
  const toml::node* node = top.get("limits");
  if (!node) return;
  const toml::table* table = node->as_table();
  if (!table) top.fail(*node, "limits must be a table ([limits])");
  TableReader r(*table, path, "limits.");
  limits.wall_seconds_per_seed = r.number("wall_seconds_per_seed", 0.1, 86400).value_or(limits.wall_seconds_per_seed);
  limits.cpu_seconds = static_cast<std::uint64_t>(r.integer("cpu_seconds", 1, 86400).value_or(static_cast<std::int64_t>(limits.cpu_seconds)));
  limits.memory_bytes = r.bytes("memory").value_or(limits.memory_bytes);
  limits.output_bytes = r.bytes("output").value_or(limits.output_bytes);
  limits.file_bytes = r.bytes("file_size").value_or(limits.file_bytes);
  limits.open_files = static_cast<std::uint64_t>(r.integer("open_files", 16, 4096).value_or(static_cast<std::int64_t>(limits.open_files)));
  if (const auto steps = r.integer("max_steps", 1, std::int64_t{1} << 40)) limits.max_steps = static_cast<std::uint64_t>(*steps);
  limits.build_seconds = r.number("build_seconds", 1, 86400).value_or(limits.build_seconds);
  limits.shrink_replays = static_cast<std::uint64_t>(r.integer("shrink_replays", 0, 1'000'000).value_or(static_cast<std::int64_t>(limits.shrink_replays)));
  r.no_unknown_keys("wall_seconds_per_seed, cpu_seconds, memory, output, file_size, open_files, max_steps, build_seconds, shrink_replays");
}

void read_rules(TableReader& top, const std::string& path, Suite& suite) {
  if (const toml::node* node = top.get("failure_tests")) {
    const toml::table* table = node->as_table();
    if (!table) top.fail(*node, "failure_tests must be a table ([failure_tests])");
    TableReader r(*table, path, "failure_tests.");
    suite.failure_tests.present = true;
    suite.failure_tests.points_per_bug = r.number("points_per_bug", 0, 1e6).value_or(0);
    suite.failure_tests.max_points = r.number("max_points", 0, 1e6).value_or(0);
    suite.failure_tests.seeds_max = static_cast<std::uint64_t>(r.integer("seeds_max", 1, 100000).value_or(20));
    r.no_unknown_keys("points_per_bug, max_points, seeds_max");
  }
  if (const toml::node* node = top.get("claims")) {
    const toml::table* table = node->as_table();
    if (!table) top.fail(*node, "claims must be a table ([claims])");
    TableReader r(*table, path, "claims.");
    suite.claims.present = true;
    suite.claims.points_per_claim = r.number("points_per_claim", 0, 1e6).value_or(0);
    suite.claims.max_points = r.number("max_points", 0, 1e6).value_or(0);
    r.no_unknown_keys("points_per_claim, max_points");
  }
}

}  // namespace

// The linearizability model the grader re-checks histories with (cli/grade/recheck.hpp).
void read_history_model(TableReader& top, const std::string& path, Suite& suite) {
  const toml::node* node = top.get("history_model");
  const auto model = top.string("history_model");
  if (!model) return;
  const std::vector<std::string> known = lincheck::model_names();
  if (std::find(known.begin(), known.end(), *model) == known.end()) {
    throw InputError(fmt::format("{}:{}: history_model '{}' is not a linearizability model (known: {})", path,
                                 node->source().begin.line, *model, fmt::join(known, ", ")));
  }
  suite.history_model = *model;
}

Suite read_suite(const std::string& path) {
  Suite suite;
  suite.path = path;
  suite.text = read_whole(path, "suite");
  const toml::table root = parse_toml(suite.text, path);
  TableReader top(root, path, "");
  suite.name = top.string("name").value_or(std::filesystem::path(path).stem().string());
  const auto protocol = top.string("protocol");
  if (!protocol) throw InputError(fmt::format("{}:1: the suite names no protocol (protocol = \"...\", the name submissions register)", path));
  suite.protocol = *protocol;
  const toml::node* seed = top.get("master_seed");
  if (!seed || !seed->is_integer()) {
    throw InputError(fmt::format("{}:{}: the suite needs master_seed = an integer (e.g. 0x5eed)", path, seed ? seed->source().begin.line : 1));
  }
  suite.master_seed = static_cast<std::uint64_t>(seed->as_integer()->get());
  read_limits(top, path, suite.limits);
  suite.scenarios = read_scenario_array(top, root, path);
  suite.staff = top.string("staff").value_or("");
  read_history_model(top, path, suite);
  read_rules(top, path, suite);
  top.no_unknown_keys("name, protocol, master_seed, limits, scenario, staff, history_model, failure_tests, claims");
  if (suite.scenarios.empty()) throw InputError(fmt::format("{}:1: the suite has no [[scenario]]", path));
  for (const Scenario& s : suite.scenarios) {
    if (s.nodes.empty()) throw InputError(fmt::format("{}:{}: scenario '{}' needs nodes = [N, ...]", path, s.line, s.id));
  }
  return suite;
}

std::vector<Scenario> read_scenarios(const std::string& path, std::string* text) {
  const std::string bytes = read_whole(path, "test file");
  if (text) *text = bytes;
  const toml::table root = parse_toml(bytes, path);
  TableReader top(root, path, "");
  std::vector<Scenario> scenarios = read_scenario_array(top, root, path);
  top.no_unknown_keys("scenario");
  return scenarios;
}

std::uint64_t scenario_seed(std::uint64_t master_seed, const std::string& id, std::uint64_t index) {
  const std::uint64_t id_hash = XXH3_64bits(id.data(), id.size());
  return derive_seed(derive_seed(master_seed, id_hash), index);
}

}  // namespace corridor::grade
