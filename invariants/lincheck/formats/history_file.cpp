#include "invariants/lincheck/formats/history_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include "invariants/lincheck/formats/edn_reader.hpp"
#include "invariants/lincheck/formats/json_reader.hpp"
#include "invariants/lincheck/formats/text_cursor.hpp"
#include "invariants/lincheck/micro_op.hpp"
#include "model/verdict.hpp"

namespace corridor::lincheck {

const char* to_string(HistoryFormat format) {
  switch (format) {
    case HistoryFormat::etcd: return "etcd";
    case HistoryFormat::kv: return "kv";
    case HistoryFormat::edn: return "edn";
    case HistoryFormat::jsonl: return "jsonl";
  }
  return "?";
}

std::optional<HistoryFormat> parse_format_name(std::string_view name) {
  for (const HistoryFormat format : {HistoryFormat::etcd, HistoryFormat::kv, HistoryFormat::edn, HistoryFormat::jsonl}) {
    if (name == to_string(format)) return format;
  }
  return std::nullopt;
}

namespace {

// ---- fields of an event map (EDN keywords or JSON strings) ----

[[noreturn]] void fail_at(const TextCursor& cursor, const Datum& datum, std::string_view expected) {
  cursor.fail_at(datum.line, datum.column, expected);
}

std::string_view name_of(const Datum& datum) {
  return datum.kind == Datum::Kind::keyword || datum.kind == Datum::Kind::string || datum.kind == Datum::Kind::symbol
             ? std::string_view(datum.text)
             : std::string_view();
}

OpType op_type(const TextCursor& cursor, const Datum& datum) {
  const std::string_view name = name_of(datum);
  if (name == "invoke") return OpType::invoke;
  if (name == "ok") return OpType::ok;
  if (name == "fail") return OpType::fail;
  if (name == "info") return OpType::info;
  fail_at(cursor, datum, "a type: invoke, ok, fail or info");
}

bool is_scalar(const Datum& datum) {
  return datum.kind == Datum::Kind::integer || datum.kind == Datum::Kind::string || datum.kind == Datum::Kind::keyword;
}

// The list a list-append read returned, [:r :x [1 2 3]].
std::vector<std::int64_t> integer_list(const TextCursor& cursor, const Datum& list) {
  std::vector<std::int64_t> out;
  for (const Datum& item : list.items) {
    // Named by its kind: the cursor has moved past it, so fail_at's "found" would name what follows.
    if (item.kind != Datum::Kind::integer) {
      throw InputError(fmt::format("{}:{}:{}: expected an integer in the list a micro-operation read, found {}",
                                   cursor.source(), item.line, item.column, kind_name(item.kind)));
    }
    out.push_back(item.integer);
  }
  return out;
}

// One micro-operation [f key value] of a transaction, as micro_op.hpp spells it.
std::string micro_op_of(const TextCursor& cursor, const Datum& datum) {
  constexpr std::string_view expected = "a micro-operation [f key value] such as [:read :x 1]";
  if (datum.kind != Datum::Kind::list || datum.items.size() != 3) fail_at(cursor, datum, expected);
  const Datum& f = datum.items[0];
  const Datum& key = datum.items[1];
  const Datum& value = datum.items[2];
  if (f.kind != Datum::Kind::keyword && f.kind != Datum::Kind::string) fail_at(cursor, f, "a micro-operation name such as :read");
  if (!is_scalar(key)) fail_at(cursor, key, "a register name: a keyword, a string or an integer");
  const std::string key_text = key.kind == Datum::Kind::integer ? std::to_string(key.integer) : key.text;
  if (key_text.empty() || key_text.find_first_of(" \t\n") != std::string::npos) fail_at(cursor, key, "a register name without spaces");
  std::string value_text;
  if (value.kind == Datum::Kind::nil) value_text = "nil";
  else if (value.kind == Datum::Kind::integer) value_text = std::to_string(value.integer);
  else if (value.kind == Datum::Kind::string || value.kind == Datum::Kind::keyword) value_text = '"' + value.text + '"';
  else if (value.kind == Datum::Kind::list) value_text = micro_list_text(integer_list(cursor, value));
  else fail_at(cursor, value, "a micro-operation value: nil, an integer, a string or a list of integers");
  return micro_op_text(f.text, key_text, value_text);
}

HistoryValue history_value(const TextCursor& cursor, const Datum& datum) {
  constexpr std::string_view expected = "a value: nil, an integer, a string, or a list of integers or of strings";
  switch (datum.kind) {
    case Datum::Kind::nil: return std::monostate{};
    case Datum::Kind::integer: return datum.integer;
    case Datum::Kind::string: case Datum::Kind::keyword: return datum.text;
    case Datum::Kind::list: {
      if (!datum.items.empty() && datum.items[0].kind == Datum::Kind::list) {  // a transaction
        std::vector<std::string> micro_ops;
        for (const Datum& item : datum.items) micro_ops.push_back(micro_op_of(cursor, item));
        return micro_ops;
      }
      const bool integers = std::all_of(datum.items.begin(), datum.items.end(),
                                        [](const Datum& d) { return d.kind == Datum::Kind::integer; });
      if (integers) {
        std::vector<std::int64_t> out;
        for (const Datum& item : datum.items) out.push_back(item.integer);
        return out;
      }
      std::vector<std::string> out;
      for (const Datum& item : datum.items) {
        if (item.kind != Datum::Kind::string && item.kind != Datum::Kind::keyword && item.kind != Datum::Kind::nil) {
          fail_at(cursor, item, "a list of integers or of strings");
        }
        out.push_back(item.text);
      }
      return out;
    }
    default: fail_at(cursor, datum, expected);
  }
}

// What a reader learns over a file's events: whether it is a Jepsen `independent` history (every
// value a [key value] tuple), and how many events carry a time.
struct ReadContext {
  bool json = false;
  enum class Tuples : std::uint8_t { undecided, independent, plain } tuples = Tuples::undecided;
  std::uint32_t tuples_line = 0;  // the event that decided
  std::size_t timed_events = 0;
};

// Jepsen's independent checker runs one history per key with values [k v]: the first client
// event with a value decides, by that value: a tuple [k v] with a scalar key, unless it is a plain
// cas [expected new] (a cas of an independent history is [k [expected new]]). JSON Lines name
// their key with "key" instead.
void split_tuple(const TextCursor& cursor, const Datum& map, const Datum* value, ReadContext& context,
                 HistoryEvent& event) {
  if (context.json) return;
  const bool tuple = value && value->kind == Datum::Kind::list && value->items.size() == 2 && is_scalar(value->items[0]);
  if (context.tuples == ReadContext::Tuples::undecided && value) {
    const bool plain_cas = tuple && event.f == "cas" && value->items[1].kind != Datum::Kind::list;
    const bool independent = tuple && !plain_cas && !map.field("key");
    context.tuples = independent ? ReadContext::Tuples::independent : ReadContext::Tuples::plain;
    context.tuples_line = map.line;
  }
  if (context.tuples != ReadContext::Tuples::independent) return;
  if (!tuple) {
    if (event.type != OpType::invoke && (!value || value->kind == Datum::Kind::nil)) return;  // a completion without one
    fail_at(cursor, value ? *value : map,
            fmt::format("a [key value] tuple, as in every event of an independent history (line {} has one)",
                        context.tuples_line));
  }
  const Datum& key = value->items[0];
  event.key = key.kind == Datum::Kind::integer ? std::to_string(key.integer) : key.text;
  event.value = history_value(cursor, value->items[1]);
}

// The event of one map, or nothing for an event of no client (Jepsen's :nemesis).
std::optional<HistoryEvent> event_of(const TextCursor& cursor, const Datum& map, ReadContext& context) {
  const bool json = context.json;
  if (map.kind != Datum::Kind::map) fail_at(cursor, map, json ? "a JSON object" : "a map {:process .. :type .. :f ..}");
  const char* prefix = json ? "" : ":";
  auto required = [&](std::string_view name) -> const Datum& {
    const Datum* field = map.field(name);
    if (!field) fail_at(cursor, map, fmt::format("a field {}{} in this event", prefix, name));
    return *field;
  };
  HistoryEvent event;
  const Datum& process = required("process");
  if (process.kind != Datum::Kind::integer) {
    if (!json && process.kind == Datum::Kind::keyword) return std::nullopt;
    fail_at(cursor, process, "a process number");
  }
  if (process.integer < 0 || process.integer > 0xfffffff0) fail_at(cursor, process, "a process number from 0 to 4294967280");
  event.process = static_cast<std::uint32_t>(process.integer);
  event.type = op_type(cursor, required("type"));
  const Datum& f = required("f");
  if (name_of(f).empty()) fail_at(cursor, f, "a function name");
  event.f = f.text;
  if (const Datum* key = map.field("key")) {
    if (key->kind == Datum::Kind::integer) event.key = std::to_string(key->integer);
    else if (key->kind != Datum::Kind::nil && name_of(*key).empty()) fail_at(cursor, *key, "a key: a string or an integer");
    else event.key = key->text;
  }
  const Datum* value = map.field("value");
  split_tuple(cursor, map, value, context, event);
  if (value && context.tuples != ReadContext::Tuples::independent) event.value = history_value(cursor, *value);
  if (const Datum* time = map.field(json ? "time_ns" : "time")) {
    if (time->kind != Datum::Kind::integer) fail_at(cursor, *time, "a time in integer nanoseconds");
    event.true_time_ns = time->integer;
    context.timed_events++;
  }
  return event;
}

void add_event(ParsedHistory& out, std::optional<HistoryEvent> event, std::uint32_t line) {
  if (!event) return;
  out.events.push_back(std::move(*event));
  out.event_lines.push_back(line);
}

// ---- the three parsers ----

void parse_edn(TextCursor& cursor, ParsedHistory& out, ReadContext& context) {
  for (skip_edn_space(cursor); !cursor.at_end(); skip_edn_space(cursor)) {
    const Datum datum = read_edn(cursor);
    if (datum.kind == Datum::Kind::list) {
      for (const Datum& item : datum.items) add_event(out, event_of(cursor, item, context), item.line);
    } else {
      add_event(out, event_of(cursor, datum, context), datum.line);
    }
  }
}

bool skipped_json_line(const Datum& object) {
  if (object.field("corridor_trace")) return true;
  const Datum* kind = object.field("kind");
  return kind && !(kind->kind == Datum::Kind::string && kind->text == "history");
}

void parse_jsonl(TextCursor& cursor, ParsedHistory& out, ReadContext& context) {
  while (!cursor.at_end()) {
    skip_json_space(cursor);
    if (cursor.peek() == '\n') {
      cursor.next();
      continue;
    }
    if (cursor.at_end()) break;
    if (cursor.peek() != '{') cursor.fail("a JSON object starting the line");
    const Datum object = read_json(cursor);
    skip_json_space(cursor);
    if (!cursor.at_end() && cursor.peek() != '\n') cursor.fail("the end of the line after the object");
    if (!skipped_json_line(object)) add_event(out, event_of(cursor, object, context), object.line);
  }
}

void expect_word(TextCursor& cursor, std::string_view word, std::string_view expected) {
  cursor.skip_blanks();
  for (const char c : word) {
    if (cursor.peek() != c) cursor.fail(expected);
    cursor.next();
  }
  if (cursor.peek() != ' ' && cursor.peek() != '\t') cursor.fail(fmt::format("a space after '{}'", word));
}

void parse_etcd_line(TextCursor& cursor, ParsedHistory& out) {
  constexpr std::string_view prefix = "a log line 'INFO  jepsen.util - <process> <type> <f> <value>'";
  const std::uint32_t line = cursor.line();
  expect_word(cursor, "INFO", prefix);
  expect_word(cursor, "jepsen.util", prefix);
  expect_word(cursor, "-", prefix);
  cursor.skip_blanks();
  const Datum process = read_edn(cursor);
  const bool client = process.kind == Datum::Kind::integer;
  if (!client && process.kind != Datum::Kind::keyword) fail_at(cursor, process, "a process number");
  HistoryEvent event;
  if (client) {
    if (process.integer < 0 || process.integer > 0xfffffff0) fail_at(cursor, process, "a process number");
    event.process = static_cast<std::uint32_t>(process.integer);
  }
  cursor.skip_blanks();
  event.type = op_type(cursor, read_edn(cursor));
  cursor.skip_blanks();
  const Datum f = read_edn(cursor);
  if (f.kind != Datum::Kind::keyword) fail_at(cursor, f, "a function keyword such as :read");
  event.f = f.text;
  cursor.skip_blanks();
  if (!cursor.at_end() && cursor.peek() != '\n') {
    const Datum value = read_edn(cursor);
    // ":timed-out" stands where an indeterminate operation has no value.
    if (!(value.kind == Datum::Kind::keyword && value.text == "timed-out")) event.value = history_value(cursor, value);
  }
  cursor.skip_blanks();
  if (!cursor.at_end() && cursor.peek() != '\n') cursor.fail("the end of the line");
  if (client) add_event(out, std::move(event), line);
}

void parse_etcd(TextCursor& cursor, ParsedHistory& out) {
  while (!cursor.at_end()) {
    cursor.skip_blanks();
    if (cursor.peek() == '\n') {
      cursor.next();
      continue;
    }
    if (cursor.at_end()) break;
    parse_etcd_line(cursor, out);
  }
}

// When every event has a time and the file's order disagrees with it, the events are put in time
// order (stable: equal times keep the file's order), with a warning: the checker takes the
// order of events as their real-time order.
void order_by_time(ParsedHistory& out, const ReadContext& context, const std::string& source) {
  if (out.events.empty() || context.timed_events != out.events.size()) return;
  const auto later = [&](std::size_t a, std::size_t b) { return out.events[a].true_time_ns > out.events[b].true_time_ns; };
  std::size_t first_out_of_order = 0;
  for (std::size_t i = 1; i < out.events.size() && first_out_of_order == 0; ++i) {
    if (later(i - 1, i)) first_out_of_order = i;
  }
  if (first_out_of_order == 0) return;
  std::vector<std::size_t> order(out.events.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return later(b, a); });
  ParsedHistory sorted;
  sorted.format = out.format;
  sorted.warnings = std::move(out.warnings);
  sorted.events.reserve(order.size());
  sorted.event_lines.reserve(order.size());
  for (const std::size_t i : order) {
    sorted.events.push_back(std::move(out.events[i]));
    sorted.event_lines.push_back(out.event_lines[i]);
  }
  sorted.warnings.push_back(fmt::format("{}:{}: events are out of time order (this one is earlier than the one before); "
                                        "checked in time order",
                                        source, out.event_lines[first_out_of_order]));
  out = std::move(sorted);
}

}  // namespace

Semantics semantics_of(HistoryFormat format) {
  Semantics semantics;  // corridor's own, and Porcupine's: fail observed, nil a value
  if (format == HistoryFormat::edn) {
    semantics.fail_means = FailMeans::not_happened;
    semantics.nil_read = NilRead::unknown;
  }
  return semantics;
}

HistoryFormat detect_format(std::string_view text, const std::string& source) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) i++;
  const std::string_view rest = text.substr(i);
  if (rest.starts_with("INFO")) return HistoryFormat::etcd;
  if (rest.starts_with("[") || rest.starts_with("(") || rest.starts_with(";")) return HistoryFormat::edn;
  if (rest.starts_with("{")) {
    std::size_t j = 1;
    while (j < rest.size() && (rest[j] == ' ' || rest[j] == '\t')) j++;
    if (j < rest.size() && (rest[j] == '"' || rest[j] == '}')) return HistoryFormat::jsonl;
    return HistoryFormat::edn;
  }
  if (rest.empty()) return HistoryFormat::jsonl;  // an empty history: any format reads it
  throw InputError(fmt::format("{}:1:1: cannot tell the format (expected an etcd log line 'INFO ...', an EDN map "
                               "'{{:', vector '[' or list '(', or a JSON object '{{\"'); name it with --format",
                               source));
}

ParsedHistory parse_history(std::string_view text, const std::string& source, std::optional<HistoryFormat> format) {
  ParsedHistory out;
  out.format = format ? *format : detect_format(text, source);
  TextCursor cursor(text, source);
  out.events.reserve(text.size() / 48);
  out.event_lines.reserve(text.size() / 48);
  ReadContext context;
  context.json = out.format == HistoryFormat::jsonl;
  switch (out.format) {
    case HistoryFormat::etcd: parse_etcd(cursor, out); break;
    case HistoryFormat::kv: case HistoryFormat::edn: parse_edn(cursor, out, context); break;
    case HistoryFormat::jsonl: parse_jsonl(cursor, out, context); break;
  }
  order_by_time(out, context, source);
  return out;
}

std::optional<HistoryValue> parse_scalar_value(std::string_view text) {
  TextCursor cursor(text, "value");
  try {
    skip_edn_space(cursor);
    const Datum datum = read_edn(cursor);
    skip_edn_space(cursor);
    if (!cursor.at_end()) return std::nullopt;
    switch (datum.kind) {
      case Datum::Kind::nil: return HistoryValue{};
      case Datum::Kind::integer: return HistoryValue{datum.integer};
      case Datum::Kind::string: case Datum::Kind::keyword: case Datum::Kind::symbol: return HistoryValue{datum.text};
      default: return std::nullopt;
    }
  } catch (const InputError&) {
    return std::nullopt;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the file ({})", path, std::strerror(errno)));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw InputError(fmt::format("{}: cannot read the file", path));
  return std::move(content).str();
}

std::string infer_model(const ParsedHistory& history) {
  if (history.format == HistoryFormat::etcd) return "cas-register";
  if (history.format == HistoryFormat::kv) return "kv";
  std::set<std::string> functions;
  bool list_reads = false;
  for (const HistoryEvent& event : history.events) {
    functions.insert(event.f);
    if (event.f == "read" && (std::holds_alternative<std::vector<std::int64_t>>(event.value) ||
                              std::holds_alternative<std::vector<std::string>>(event.value))) {
      list_reads = true;
    }
  }
  auto any = [&](std::initializer_list<const char*> names) {
    return std::any_of(names.begin(), names.end(), [&](const char* name) { return functions.count(name) > 0; });
  };
  if (any({"txn"})) return "multi-register";
  if (any({"get", "put", "append", "delete"})) return "kv";
  if (any({"acquire", "release", "lock", "unlock"})) return "lock";
  if (any({"enqueue", "dequeue"})) return "queue";
  if (any({"add"}) && list_reads) return "set";
  if (any({"add", "increment", "inc"})) return "counter";
  if (any({"cas"})) return "cas-register";
  if (any({"read", "write"})) return "register";
  return "";
}

}  // namespace corridor::lincheck
