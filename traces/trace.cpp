#include "traces/trace.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <type_traits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "model/assert.hpp"
#include "model/units.hpp"
#include "model/verdict.hpp"

namespace corridor {

// Insertion order keeps lines readable: "step" first, "kind" near the front.
using json = nlohmann::ordered_json;

std::string actor_name(NodeId actor, std::uint32_t nodes) {
  if (actor == no_node) return "net";
  return actor < nodes ? fmt::format("n{}", actor) : fmt::format("c{}", actor - nodes);
}

namespace {

json history_value_json(const HistoryValue& value) {
  return std::visit(
      [](const auto& v) -> json {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) return nullptr;
        else return json(v);
      },
      value);
}

std::optional<HistoryValue> history_value_from(const json& j) {
  if (j.is_null()) return HistoryValue{};
  if (j.is_number_integer()) return HistoryValue{j.get<std::int64_t>()};
  if (j.is_string()) return HistoryValue{j.get<std::string>()};
  if (j.is_array()) {
    const bool all_integers = std::all_of(j.begin(), j.end(), [](const json& item) { return item.is_number_integer(); });
    if (all_integers) return HistoryValue{j.get<std::vector<std::int64_t>>()};
    const bool all_strings = std::all_of(j.begin(), j.end(), [](const json& item) { return item.is_string(); });
    if (all_strings) return HistoryValue{j.get<std::vector<std::string>>()};
  }
  return std::nullopt;
}

std::optional<OpType> op_type_from(std::string_view name) {
  for (OpType t : {OpType::invoke, OpType::ok, OpType::fail, OpType::info}) {
    if (name == to_string(t)) return t;
  }
  return std::nullopt;
}

json event_json(const EventRecord& e, const HistoryEvent* h) {
  json j = json::object();
  j["step"] = e.step;
  j["t"] = e.true_ns;
  j["node"] = e.actor == no_node ? json(nullptr) : json(e.actor);
  if (e.actor != no_node) j["local"] = e.local_ns;
  j["kind"] = to_string(e.kind);
  if (e.source != no_node) j["src"] = e.source;
  if (e.target != no_node) j["dst"] = e.target;
  if (e.message_id != 0) j["msg"] = e.message_id;
  if (!e.summary.empty()) j["summary"] = e.summary;
  if (!e.state.empty()) j["state"] = e.state;
  if (!e.vc.empty()) j["vc"] = e.vc;
  if (h) {
    j["process"] = h->process;
    j["type"] = to_string(h->type);
    j["f"] = h->f;
    if (!h->key.empty()) j["key"] = h->key;
    j["value"] = history_value_json(h->value);
  }
  return j;
}

json config_json(const SimConfig& c) {
  json j{
      {"nodes", c.nodes},
      {"variant_index", c.variant},
      {"faults", c.faults_text},
      {"clock", c.clock_text},
      {"delay", c.link.delay.text()},
      {"loss", c.link.loss},
      {"dup", c.link.dup},
      {"fifo", c.link.fifo},
      {"capacity", c.link.capacity},
      {"links", [&] {
         std::vector<std::string> texts;
         for (const LinkOverride& o : c.links) texts.push_back(o.text);
         return texts;
       }()},
      {"crash", c.faults.crash},
      {"crash_stop", c.faults.crash_stop},
      {"partition", c.faults.partition},
      {"pause", c.faults.pause},
      {"loss_burst", c.faults.loss_burst},
      {"drift_ppm", c.clock.drift_ppm},
      {"skew_ns", c.clock.skew_ns},
      {"jump_ns", c.clock.jump_ns},
      {"jumps", c.clock.jumps},
      {"drift_changes", c.clock.drift_changes},
      {"time_limit_ns", c.time_limit_ns},
      {"max_steps", c.max_steps},
  };
  // Optional (absent in traces without a workload budget, so older traces read the same).
  if (!c.operations_max.empty()) j["operations_max"] = c.operations_max;
  // Optional too: only a run given its own --run-memory writes it.
  if (c.run_bytes_max != SimConfig{}.run_bytes_max) j["run_bytes_max"] = c.run_bytes_max;
  // Untimed explorers only (timed traces stay as they were): who picked the events.
  if (c.explorer != ExplorerKind::timed) {
    j["explorer"] = explorer_name(c.explorer);
    j["pct_depth"] = c.pct_depth;
    j["pct_steps"] = c.pct_steps;
  }
  return j;
}

json violation_json(const Violation& v) {
  return json{{"kind", "violation"}, {"invariant", v.invariant}, {"verdict", to_string(v.verdict)},
              {"step", v.step},      {"t", v.true_ns},           {"nodes", v.nodes},
              {"operations", v.operations}, {"message", v.message}};
}

json badge_json(const Badge& b) {
  json details = json::object();
  for (const auto& [name, value] : b.details) details[name] = value;
  return json{{"kind", "badge"},       {"step", b.step},         {"t", b.true_ns},
              {"node", b.node},        {"local", b.local_ns},    {"type", b.type},
              {"module", b.module},    {"monitor", b.monitor},   {"boundary", b.boundary},
              {"view", b.view},        {"context", b.context},   {"details", std::move(details)}};
}

json header_json(const TraceHeader& h) {
  std::vector<std::string> plan;
  for (const FaultEvent& f : h.fault_plan) plan.push_back(format_fault(f));
  return json{{"corridor_trace", trace_version},
              {"tool", h.tool},
              {"protocol", h.protocol},
              {"variant", h.variant},
              {"seed", h.seed},
              {"config", config_json(h.config)},
              {"actors", {{"nodes", h.nodes}, {"clients", h.clients}}},
              {"fault_plan", plan},
              {"choices", h.choices.encode()}};
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::vector<std::string> event_lines(const std::vector<EventRecord>& events, const History& history) {
  std::vector<std::string> lines;
  lines.reserve(events.size());
  std::size_t next_history = 0;
  for (const EventRecord& e : events) {
    const HistoryEvent* h = nullptr;
    if (e.kind == EventKind::history && next_history < history.size()) h = &history[next_history++];
    lines.push_back(dump(event_json(e, h)));
  }
  return lines;
}

std::string digest_of_lines(const std::vector<std::string>& lines) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const std::string& line : lines) {
    XXH3_64bits_update(state, line.data(), line.size());
    XXH3_64bits_update(state, "\n", 1);
  }
  const XXH64_hash_t hash = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return fmt::format("xxh3:{:016x}", hash);
}

namespace {
std::string& tool_name_storage() {
  static std::string name = "corridor";
  return name;
}
}  // namespace

void set_trace_tool_name(std::string name) {
  CORRIDOR_ASSERT_MSG(!name.empty() && name.find(' ') == std::string::npos, "a tool name is one word");
  tool_name_storage() = std::move(name);
}

const std::string& trace_tool_name() { return tool_name_storage(); }

std::string trace_tool_text(std::string_view tool_name) {
  if (tool_name == "corridor") return fmt::format("corridor {}", CORRIDOR_VERSION);
  return fmt::format("{} (corridor {})", tool_name, CORRIDOR_VERSION);
}

std::string tool_program_of(std::string_view tool_text) {
  return std::string(tool_text.substr(0, tool_text.find(' ')));
}

Trace trace_of_run(std::string protocol, std::string variant, const SimConfig& config, std::uint64_t seed,
                   const Simulation& sim, const std::optional<Violation>& violation, std::uint64_t steps,
                   time_ns end_ns) {
  Trace trace;
  trace.header.tool = trace_tool_text(trace_tool_name());
  trace.header.protocol = std::move(protocol);
  trace.header.variant = std::move(variant);
  trace.header.seed = seed;
  trace.header.config = config;
  trace.header.nodes = sim.node_count();
  trace.header.clients = sim.actor_count() - sim.node_count();
  trace.header.fault_plan = sim.fault_plan();
  trace.header.choices = sim.choices();
  trace.events = sim.records();
  trace.history = sim.history();
  trace.badges = sim.badges();
  trace.violation = violation;
  trace.footer.steps = steps;
  trace.footer.end_ns = end_ns;
  return trace;
}

std::string trace_to_string(const Trace& trace) {
  const auto lines = event_lines(trace.events, trace.history);
  std::string out = dump(header_json(trace.header));
  out += '\n';
  // Each badge goes after the last event line of its step (events are in step order).
  std::size_t next_badge = 0;
  const auto write_badges_through = [&](std::uint64_t step) {
    while (next_badge < trace.badges.size() && trace.badges[next_badge].step <= step) {
      out += dump(badge_json(trace.badges[next_badge++]));
      out += '\n';
    }
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    out += '\n';
    const bool last_of_step = i + 1 == trace.events.size() || trace.events[i + 1].step != trace.events[i].step;
    if (last_of_step) write_badges_through(trace.events[i].step);
  }
  write_badges_through(UINT64_MAX);
  if (trace.violation) {
    out += dump(violation_json(*trace.violation));
    out += '\n';
  }
  const json footer{{"kind", "footer"},
                    {"events", trace.events.size()},
                    {"steps", trace.footer.steps},
                    {"end_ns", trace.footer.end_ns},
                    {"digest", digest_of_lines(lines)}};
  out += dump(footer);
  out += '\n';
  return out;
}

void write_file_whole(const std::string& path, std::string_view text) {
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const std::string temp = path + ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temp));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", temp));
  }
  std::filesystem::rename(temp, target);
}

void write_trace(const std::string& path, const Trace& trace) { write_file_whole(path, trace_to_string(trace)); }

namespace {

template <class T>
struct is_integer_list : std::false_type {};
template <class U>
struct is_integer_list<std::vector<U>> : std::bool_constant<std::is_integral_v<U> && !std::is_same_v<U, bool>> {};

struct TraceParser {
  std::string_view name;
  std::size_t line_no = 0;

  [[noreturn]] void fail(std::string_view what) const {
    throw InputError(fmt::format("{}:{}: {}", name, line_no, what));
  }

  template <class T>
  T field(const json& j, const char* key) const {
    const auto it = j.find(key);
    if (it == j.end()) fail(fmt::format("missing field \"{}\"", key));
    if constexpr (is_integer_list<T>::value) {
      using Item = typename T::value_type;
      const bool all_fit = it->is_array() && std::all_of(it->begin(), it->end(), [](const json& item) { return fits<Item>(item); });
      if (!all_fit) fail(fmt::format("field \"{}\" must be a list of integers from {} to {}", key,
                                     std::numeric_limits<Item>::min(), std::numeric_limits<Item>::max()));
    }
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      // nlohmann converts a real or an out-of-range integer to T with a plain cast, which is
      // undefined for 1e300 and silently wraps -1: a count, a step or a time must be an
      // integer that fits.
      if (!fits<T>(*it)) fail(fmt::format("field \"{}\" must be an integer from {} to {}", key,
                                          std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
    }
    try {
      return it->get<T>();
    } catch (const json::exception&) {
      fail(fmt::format("field \"{}\" has the wrong type", key));
    }
  }

  template <class T>
  static bool fits(const json& value) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>() <= std::uint64_t{std::numeric_limits<T>::max()};
    if (!value.is_number_integer()) return false;
    const std::int64_t v = value.get<std::int64_t>();
    if (v < 0) return std::is_signed_v<T> && v >= std::int64_t{std::numeric_limits<T>::min()};
    return static_cast<std::uint64_t>(v) <= std::uint64_t{std::numeric_limits<T>::max()};
  }

  template <class T>
  T field_or(const json& j, const char* key, T fallback) const {
    return j.contains(key) ? field<T>(j, key) : fallback;
  }

  SimConfig config(const json& j) const {
    SimConfig c;
    c.nodes = field<std::uint32_t>(j, "nodes");
    c.variant = field<std::uint32_t>(j, "variant_index");
    c.faults_text = field<std::string>(j, "faults");
    c.clock_text = field<std::string>(j, "clock");
    const auto delay = parse_delay_spec(field<std::string>(j, "delay"));
    if (!delay) fail("config field \"delay\" is not a delay distribution");
    c.link.delay = *delay;
    c.link.loss = field<double>(j, "loss");
    c.link.dup = field<double>(j, "dup");
    if (!(c.link.loss >= 0 && c.link.loss <= 1 && c.link.dup >= 0 && c.link.dup <= 1)) {
      fail("config fields \"loss\" and \"dup\" must be probabilities from 0 to 1");
    }
    c.link.fifo = field<bool>(j, "fifo");
    c.link.capacity = field<std::uint32_t>(j, "capacity");
    for (const std::string& text : field_or<std::vector<std::string>>(j, "links", {})) {
      try {
        c.links.push_back(parse_link_override(text, c.link));
      } catch (const UsageError& e) {
        fail(fmt::format("config field \"links\": {}", e.what()));
      }
    }
    c.faults.crash = field<std::uint32_t>(j, "crash");
    c.faults.crash_stop = field<std::uint32_t>(j, "crash_stop");
    c.faults.partition = field<std::uint32_t>(j, "partition");
    c.faults.pause = field<std::uint32_t>(j, "pause");
    c.faults.loss_burst = field<std::uint32_t>(j, "loss_burst");
    c.clock.drift_ppm = field<std::int64_t>(j, "drift_ppm");
    c.clock.skew_ns = field<time_ns>(j, "skew_ns");
    c.clock.jump_ns = field<time_ns>(j, "jump_ns");
    c.clock.jumps = field<std::uint32_t>(j, "jumps");
    c.clock.drift_changes = field<std::uint32_t>(j, "drift_changes");
    c.time_limit_ns = field<time_ns>(j, "time_limit_ns");
    c.max_steps = field<std::uint64_t>(j, "max_steps");
    c.operations_max = field_or<std::vector<std::uint32_t>>(j, "operations_max", {});
    c.run_bytes_max = field_or<std::uint64_t>(j, "run_bytes_max", c.run_bytes_max);
    if (c.run_bytes_max == 0) fail("config field \"run_bytes_max\" must be positive");
    if (c.time_limit_ns <= 0) fail("config field \"time_limit_ns\" must be positive");
    const std::string explorer = field_or<std::string>(j, "explorer", "random");
    if (explorer == "pct") c.explorer = ExplorerKind::pct;
    else if (explorer == "walk") c.explorer = ExplorerKind::walk;
    else if (explorer == "schedule") c.explorer = ExplorerKind::schedule;
    else if (explorer != "random") {
      fail(fmt::format("config field \"explorer\" must be random, pct, walk or schedule, not \"{}\"", explorer));
    }
    c.pct_depth = field_or<std::uint32_t>(j, "pct_depth", c.pct_depth);
    c.pct_steps = field_or<std::uint64_t>(j, "pct_steps", c.pct_steps);
    if (c.pct_depth == 0 || c.pct_steps == 0) fail("config fields \"pct_depth\" and \"pct_steps\" must be at least 1");
    return c;
  }

  TraceHeader header(const json& j) const {
    if (!j.is_object() || !j.contains("corridor_trace")) fail("the first line is not a corridor trace header");
    const int version = field<int>(j, "corridor_trace");
    if (version != trace_version) {
      fail(fmt::format("trace version {} is not supported (this corridor reads version {})", version, trace_version));
    }
    TraceHeader h;
    h.tool = field<std::string>(j, "tool");
    h.protocol = field<std::string>(j, "protocol");
    h.variant = field<std::string>(j, "variant");
    h.seed = field<std::uint64_t>(j, "seed");
    if (!j.contains("config") || !j["config"].is_object()) fail("missing object \"config\"");
    h.config = config(j["config"]);
    if (!j.contains("actors") || !j["actors"].is_object()) fail("missing object \"actors\"");
    h.nodes = field<std::uint32_t>(j["actors"], "nodes");
    h.clients = field<std::uint32_t>(j["actors"], "clients");
    // Each bounded first: their sum could wrap around.
    if (h.nodes == 0 || h.nodes > 4096 || h.clients > 4096 - h.nodes) fail("\"actors\" must hold 1 to 4096 actors");
    std::string plan_text;
    for (const std::string& line : field<std::vector<std::string>>(j, "fault_plan")) plan_text += line + "\n";
    h.fault_plan = parse_fault_plan(plan_text, h.nodes + h.clients, fmt::format("{}:{}: fault_plan entry", name, line_no));
    try {
      h.choices = ChoiceLog::decode(field<std::string>(j, "choices"));
    } catch (const std::invalid_argument& e) {
      fail(fmt::format("field \"choices\": {}", e.what()));
    }
    return h;
  }

  Badge badge(const json& j, std::uint32_t actors) const {
    Badge b;
    b.step = field<std::uint64_t>(j, "step");
    b.true_ns = field<time_ns>(j, "t");
    b.node = field<NodeId>(j, "node");
    if (b.node >= actors) fail(fmt::format("badge node {} is not one of the {} actors", b.node, actors));
    b.local_ns = field<time_ns>(j, "local");
    b.type = field<std::string>(j, "type");
    b.module = field_or<std::string>(j, "module", "");
    b.monitor = field_or<std::string>(j, "monitor", "");
    b.boundary = field_or<std::string>(j, "boundary", "");
    b.view = field_or<std::string>(j, "view", "");
    b.context = field_or<std::string>(j, "context", "");
    const json details = field_or<json>(j, "details", json::object());
    if (!details.is_object()) fail("badge \"details\" must be an object of strings");
    for (const auto& item : details.items()) {
      if (!item.value().is_string()) fail(fmt::format("badge detail \"{}\" must be a string", item.key()));
      b.details.emplace_back(item.key(), item.value().get<std::string>());
    }
    return b;
  }

  EventRecord event(const json& j, std::uint32_t actors, History& history) const {
    EventRecord e;
    e.step = field<std::uint64_t>(j, "step");
    e.true_ns = field<time_ns>(j, "t");
    e.actor = j.contains("node") && !j["node"].is_null() ? field<NodeId>(j, "node") : no_node;
    if (e.actor != no_node && e.actor >= actors) fail(fmt::format("node {} does not exist", e.actor));
    e.local_ns = field_or<time_ns>(j, "local", 0);
    const auto kind = event_kind_from_string(field<std::string>(j, "kind"));
    if (!kind) fail(fmt::format("unknown event kind \"{}\"", field<std::string>(j, "kind")));
    e.kind = *kind;
    e.source = field_or<NodeId>(j, "src", no_node);
    e.target = field_or<NodeId>(j, "dst", no_node);
    for (const NodeId end : {e.source, e.target}) {
      if (end != no_node && end >= actors) fail(fmt::format("node {} in \"src\" or \"dst\" does not exist", end));
    }
    e.message_id = field_or<std::uint64_t>(j, "msg", 0);
    e.summary = field_or<std::string>(j, "summary", "");
    e.state = field_or<std::string>(j, "state", "");
    e.vc = field_or<std::vector<std::uint32_t>>(j, "vc", {});
    if (e.kind == EventKind::history) {
      HistoryEvent h;
      h.process = field<std::uint32_t>(j, "process");
      const auto type = op_type_from(field<std::string>(j, "type"));
      if (!type) fail("field \"type\" must be invoke, ok, fail or info");
      h.type = *type;
      h.f = field<std::string>(j, "f");
      h.key = field_or<std::string>(j, "key", "");
      const auto value = history_value_from(j.contains("value") ? j["value"] : json(nullptr));
      if (!value) fail("field \"value\" must be null, an integer, a string, or a list of integers or of strings");
      h.value = *value;
      h.true_time_ns = e.true_ns;
      h.step = e.step;
      history.push_back(std::move(h));
    }
    return e;
  }
};

}  // namespace

Trace parse_trace(std::string_view text, std::string_view name) {
  Trace trace;
  TraceParser parser{name};
  bool have_footer = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++parser.line_no;
    if (line.empty()) continue;
    if (have_footer) parser.fail("text after the footer line");
    json j;
    try {
      j = json::parse(line);
    } catch (const json::parse_error& e) {
      parser.fail(fmt::format("not valid JSON at column {}", e.byte));
    }
    if (parser.line_no == 1) {
      trace.header = parser.header(j);
      continue;
    }
    if (!j.is_object()) parser.fail("expected a JSON object");
    const std::string kind = parser.field<std::string>(j, "kind");
    if (kind == "footer") {
      trace.footer.events = parser.field<std::uint64_t>(j, "events");
      trace.footer.steps = parser.field<std::uint64_t>(j, "steps");
      trace.footer.end_ns = parser.field<time_ns>(j, "end_ns");
      trace.footer.digest = parser.field<std::string>(j, "digest");
      have_footer = true;
    } else if (kind == "violation") {
      Violation v;
      v.invariant = parser.field<std::string>(j, "invariant");
      const std::string verdict = parser.field<std::string>(j, "verdict");
      bool known = false;
      for (Verdict candidate : {Verdict::safety, Verdict::liveness, Verdict::crashed, Verdict::hung}) {
        if (verdict == to_string(candidate)) { v.verdict = candidate; known = true; }
      }
      if (!known) parser.fail(fmt::format("unknown verdict \"{}\"", verdict));
      v.step = parser.field<std::uint64_t>(j, "step");
      v.true_ns = parser.field<time_ns>(j, "t");
      v.nodes = parser.field_or<std::vector<NodeId>>(j, "nodes", {});
      for (const NodeId n : v.nodes) {
        if (n >= trace.header.nodes + trace.header.clients) parser.fail(fmt::format("violation node {} does not exist", n));
      }
      v.operations = parser.field_or<std::vector<std::uint64_t>>(j, "operations", {});
      v.message = parser.field<std::string>(j, "message");
      trace.violation = std::move(v);
    } else if (kind == "badge") {
      if (trace.badges.size() >= 10'000'000) parser.fail("more than 10 million badges");
      trace.badges.push_back(parser.badge(j, trace.header.nodes + trace.header.clients));
    } else {
      if (trace.events.size() >= 50'000'000) parser.fail("more than 50 million events");
      trace.events.push_back(parser.event(j, trace.header.nodes + trace.header.clients, trace.history));
    }
  }
  if (parser.line_no == 0) throw InputError(fmt::format("{}:1: the file is empty (expected a corridor trace header)", name));
  if (!have_footer) {
    throw InputError(fmt::format("{}:{}: the trace has no footer line (the file was cut short?)", name, parser.line_no));
  }
  if (trace.footer.events != trace.events.size()) {
    throw InputError(fmt::format("{}:{}: the footer counts {} events but the file holds {}", name, parser.line_no,
                                 trace.footer.events, trace.events.size()));
  }
  return trace;
}

Trace read_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the trace file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_trace(buffer.str(), path);
}

}  // namespace corridor
