// RapidCheck properties of the checker: histories of a real sequential execution are linearizable
// however their intervals overlap; mutations that provably break linearizability are rejected;
// the pruned and the plain search agree; malformed files are rejected cleanly.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "tests/lincheck/history_builder.hpp"

namespace corridor::lincheck::test {
namespace {

// One operation of a sequential execution, before it is given an interval.
struct SeqOp {
  std::string f;
  std::string key;
  HistoryValue input;
  HistoryValue output;
  OpType completion = OpType::ok;  // info: may not have been recorded as done
  bool took_effect = true;
};

// A reference execution of each model, written independently of the checker's models.
struct Reference {
  std::string model;
  std::int64_t register_value = -1;  // -1: nil
  std::map<std::string, std::string> kv;
  std::vector<std::int64_t> queue;
  std::vector<std::int64_t> set;
  std::int64_t counter = 0;
  bool held = false;

  HistoryValue reg() const { return register_value < 0 ? HistoryValue{} : HistoryValue{register_value}; }

  // Applies op (when it takes effect) and fills its output and completion type.
  void apply(SeqOp& op) {
    if (model == "cas-register") {
      if (op.f == "read") op.output = reg();
      else if (op.f == "write") register_value = std::get<std::int64_t>(op.input);
      else {
        const auto& pair = std::get<std::vector<std::int64_t>>(op.input);
        if (register_value == pair[0]) register_value = pair[1];
        else if (op.completion == OpType::ok) op.completion = OpType::fail;
      }
    } else if (model == "kv") {
      auto it = kv.find(op.key);
      if (op.f == "get") op.output = it == kv.end() ? HistoryValue{} : HistoryValue{it->second};
      else if (op.f == "put") kv[op.key] = std::get<std::string>(op.input);
      else if (op.f == "append") kv[op.key] += std::get<std::string>(op.input);
      else kv.erase(op.key);
    } else if (model == "queue") {
      if (op.f == "enqueue") queue.push_back(std::get<std::int64_t>(op.input));
      else if (queue.empty()) op.output = HistoryValue{};
      else {
        op.output = queue.front();
        queue.erase(queue.begin());
      }
    } else if (model == "set") {
      const std::int64_t element = op.f == "add" ? std::get<std::int64_t>(op.input) : 0;
      if (op.f == "add" && std::find(set.begin(), set.end(), element) == set.end()) set.push_back(element);
      else op.output = set;
    } else if (model == "counter") {
      if (op.f == "add") counter += std::get<std::int64_t>(op.input);
      else op.output = counter;
    } else {
      if (op.f == "acquire" && held) op.f = "release";  // keep the execution legal
      else if (op.f == "release" && !held) op.f = "acquire";
      held = op.f == "acquire";
    }
  }
};

rc::Gen<SeqOp> gen_op(const std::string& model, int unique) {
  using namespace rc;
  const std::vector<std::string> fs = model == "cas-register" ? std::vector<std::string>{"read", "write", "cas"}
                                      : model == "kv"         ? std::vector<std::string>{"get", "put", "append", "delete"}
                                      : model == "queue"      ? std::vector<std::string>{"enqueue", "dequeue"}
                                      : model == "set" || model == "counter" ? std::vector<std::string>{"add", "read"}
                                                                             : std::vector<std::string>{"acquire", "release"};
  return gen::apply(
      [model, unique](const std::string& f, std::int64_t a, std::int64_t b, bool key, int fate) {
        SeqOp op;
        op.f = f;
        op.key = model == "kv" ? (key ? "x" : "y") : "";
        if (model == "kv") op.input = f == "put" || f == "append" ? HistoryValue{fmt::format("<{}>", unique)} : HistoryValue{};
        else if (f == "write" || f == "enqueue" || (f == "add" && model == "set")) op.input = a;
        else if (f == "add") op.input = a + 1;
        else if (f == "cas") op.input = std::vector<std::int64_t>{a, b};
        // fate: 0-5 ok; 6 info and took effect; 7 info and did not.
        if (fate >= 6) op.completion = OpType::info;
        op.took_effect = fate != 7;
        return op;
      },
      gen::elementOf(fs), gen::inRange<std::int64_t>(0, 3), gen::inRange<std::int64_t>(0, 3), gen::arbitrary<bool>(),
      gen::inRange(0, 8));
}

// A history of ops executed in this order, each given an interval around its point in time.
struct TimedOp {
  SeqOp op;
  int call = 0;
  int ret = 0;
};

History history_of(const std::vector<TimedOp>& ops, const std::vector<bool>& record_info_completion) {
  // Processes: the lowest one free at the call (its last operation returned before).
  std::vector<std::size_t> order(ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ops[a].call < ops[b].call; });
  std::vector<int> busy_until;
  std::vector<std::uint32_t> process(ops.size());
  for (const std::size_t i : order) {
    std::size_t p = 0;
    while (p < busy_until.size() && busy_until[p] >= ops[i].call) p++;
    if (p == busy_until.size()) busy_until.push_back(0);
    // an info operation keeps its process busy for ever (Jepsen gives the client a new process)
    busy_until[p] = ops[i].op.completion == OpType::info ? 1 << 30 : ops[i].ret;
    process[i] = static_cast<std::uint32_t>(p);
  }
  struct Timed {
    int time;
    int kind;  // 0 completion before 1 invoke at equal times
    std::size_t op;
  };
  std::vector<Timed> events;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    events.push_back(Timed{ops[i].call, 1, i});
    if (ops[i].op.completion != OpType::info || record_info_completion[i]) events.push_back(Timed{ops[i].ret, 0, i});
  }
  std::sort(events.begin(), events.end(), [](const Timed& a, const Timed& b) {
    return std::tie(a.time, a.kind, a.op) < std::tie(b.time, b.kind, b.op);
  });
  History history;
  for (const Timed& t : events) {
    const SeqOp& op = ops[t.op].op;
    HistoryEvent event;
    event.process = process[t.op];
    event.f = op.f;
    event.key = op.key;
    event.type = t.kind == 1 ? OpType::invoke : op.completion;
    event.value = t.kind == 1 ? op.input : op.output;
    if (op.f == "cas") event.value = op.input;
    history.push_back(std::move(event));
  }
  return history;
}

// Inside a property: a history of a real sequential execution of `model`, each operation given an
// interval around its point in time (overlapping freely when `sequential` is false).
std::vector<TimedOp> generate_execution(const std::string& model, int ops_max, bool sequential) {
  const int n = ops_max / 3 + *rc::gen::inRange(0, ops_max - ops_max / 3 + 1);
  Reference reference;
  reference.model = model;
  std::vector<TimedOp> ops;
  for (int i = 0; i < n; ++i) {
    SeqOp op = *gen_op(model, i);
    if (sequential) {
      op.completion = OpType::ok;
      op.took_effect = true;
    }
    if (op.took_effect) reference.apply(op);
    const int spread = sequential ? 4 : 40;
    const int point = i * 10 + 5;
    ops.push_back(TimedOp{op, point - *rc::gen::inRange(0, spread), point + 1 + *rc::gen::inRange(0, spread)});
  }
  return ops;
}

History generate_history(const std::vector<TimedOp>& ops) {
  const auto record = *rc::gen::container<std::vector<bool>>(ops.size(), rc::gen::arbitrary<bool>());
  return history_of(ops, record);
}

std::string show(const History& history) {
  std::string out;
  for (const HistoryEvent& e : history) {
    out += fmt::format("{} {} {} {} {}\n", e.process, to_string(e.type), e.f, e.key, format_history_value(e.value));
  }
  return out;
}

const std::vector<std::string> property_models = {"cas-register", "kv", "queue", "set", "counter", "lock"};

RC_GTEST_PROP(LincheckProperties, SequentialExecutionsWithOverlappingIntervalsAreLinearizable, ()) {
  const std::string model = *rc::gen::elementOf(property_models);
  const History history = generate_history(generate_execution(model, 12, false));
  RC_TAG(model, history.size() / 8 * 8);
  for (const bool prune : {true, false}) {
    const LinVerdict verdict = check(history, model, prune);
    RC_ASSERT(verdict == LinVerdict::linearizable);
  }
}

// A result no execution can produce: a value never written, enqueued or added, a sum too large.
void plant_impossible_result(const std::string& model, std::vector<TimedOp>& ops) {
  const HistoryValue impossible = model == "kv"        ? HistoryValue{std::string("<999>")}
                                  : model == "set"     ? HistoryValue{std::vector<std::int64_t>{7}}
                                  : model == "counter" ? HistoryValue{std::int64_t{1000}}
                                                       : HistoryValue{std::int64_t{7}};
  const std::string reader = model == "kv" ? "get" : model == "queue" ? "dequeue" : "read";
  std::vector<std::size_t> readers;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].op.f == reader && ops[i].op.completion == OpType::ok) readers.push_back(i);
  }
  if (readers.empty()) {
    SeqOp op{reader, model == "kv" ? "x" : "", {}, impossible, OpType::ok, true};
    const int end = static_cast<int>(ops.size()) * 10 + 100;
    ops.push_back(TimedOp{op, end, end + 5});
    return;
  }
  ops[*rc::gen::elementOf(readers)].op.output = impossible;
}

RC_GTEST_PROP(LincheckProperties, ImpossibleResultsAreRejected, ()) {
  const std::string model = *rc::gen::elementOf(std::vector<std::string>{"cas-register", "kv", "queue", "set", "counter"});
  std::vector<TimedOp> ops = generate_execution(model, 12, false);
  plant_impossible_result(model, ops);
  const History history = generate_history(ops);
  RC_ASSERT(check(history, model) == LinVerdict::not_linearizable);
  RC_ASSERT(check(history, model, false) == LinVerdict::not_linearizable);
}

RC_GTEST_PROP(LincheckProperties, AWrongReadInASequentialHistoryIsRejected, ()) {
  std::vector<TimedOp> ops = generate_execution("cas-register", 12, true);
  std::vector<std::size_t> reads;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].op.f == "read") reads.push_back(i);
  }
  RC_PRE(!reads.empty());
  HistoryValue& output = ops[*rc::gen::elementOf(reads)].op.output;
  const std::int64_t was = std::holds_alternative<std::int64_t>(output) ? std::get<std::int64_t>(output) : -1;
  output = std::int64_t{(was + 1 + *rc::gen::inRange(0, 2)) % 3};
  if (std::get<std::int64_t>(output) == was) output = std::int64_t{was == 0 ? 1 : 0};
  RC_ASSERT(check(generate_history(ops), "cas-register") == LinVerdict::not_linearizable);
}

// Arbitrary (mostly not linearizable) small histories with many indeterminate operations.
History arbitrary_history(const std::string& model) {
  const int n = *rc::gen::inRange(0, 9);
  std::vector<TimedOp> ops;
  for (int i = 0; i < n; ++i) {
    SeqOp op = *gen_op(model, i % 3);
    const int fate = *rc::gen::inRange(0, 6);
    op.completion = fate < 3 ? OpType::ok : fate < 5 ? OpType::info : OpType::fail;
    if (op.f == "read" || op.f == "get" || op.f == "dequeue") {
      const std::int64_t v = *rc::gen::inRange<std::int64_t>(-1, 3);
      op.output = v < 0 ? HistoryValue{} : model == "kv" ? HistoryValue{fmt::format("<{}>", v)} : HistoryValue{v};
      if (model == "set") op.output = std::vector<std::int64_t>{v < 0 ? 0 : v};
    }
    const int call = *rc::gen::inRange(0, 60);
    ops.push_back(TimedOp{op, call, call + *rc::gen::inRange(1, 30)});
  }
  return generate_history(ops);
}

RC_GTEST_PROP(LincheckProperties, PrunedAndPlainSearchesAgree, ()) {
  const std::string model = *rc::gen::elementOf(property_models);
  // Twenty histories a case: thousands over a run.
  for (int i = 0; i < 20; ++i) {
    const History history = arbitrary_history(model);
    const LinVerdict pruned = check(history, model, true);
    const LinVerdict plain = check(history, model, false);
    if (i == 0) RC_TAG(model, to_string(pruned));
    if (pruned != plain) RC_LOG() << show(history) << "pruned: " << to_string(pruned) << "\n";
    RC_ASSERT(pruned == plain);
  }
}

// Malformed files: a valid file with bytes deleted, inserted or cut off parses, or is rejected
// with InputError "f:line:column: expected ..."; nothing else.
RC_GTEST_PROP(LincheckProperties, MalformedFilesAreRejectedCleanly, ()) {
  static const std::vector<std::string> files = {
      "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]\nINFO  jepsen.util - 3\t:fail\t:cas\t[1 2]\n"
      "INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t2\n",
      "{:process 0, :type :invoke, :f :append, :key \"4\", :value \"x 0 1 y\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"4\", :value \"x 0 1 y\"}\n",
      "[{:type :invoke, :f :read, :value nil, :process 0} {:type :ok, :f :read, :value [1 2], :process 0}]",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":3}\n"
      "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"x\",\"value\":\"\\u00e9\"}\n"};
  std::string text = *rc::gen::elementOf(files);
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
    switch (*rc::gen::inRange(0, 3)) {
      case 0: text.erase(at, *rc::gen::inRange<std::size_t>(1, 6)); break;
      case 1: text.insert(at, 1, *rc::gen::elementOf(std::string("{}[]():\"\\,; \n\t#-0a\x01"))); break;
      default: text.resize(at); break;
    }
  }
  static const std::regex located(R"(^f:\d+:\d+: (expected|cannot tell) .*)");
  try {
    const ParsedHistory parsed = parse_history(text, "f");
    LincheckOptions options;
    options.model = infer_model(parsed);
    if (options.model.empty()) options.model = "register";
    options.source = "f";
    options.event_lines = parsed.event_lines;
    try {
      (void)check_history(parsed.events, options);
    } catch (const InputError& e) {
      RC_ASSERT(std::string(e.what()).starts_with("f:"));
    }
  } catch (const InputError& e) {
    RC_ASSERT(std::regex_match(std::string(e.what()), located));
  }
}

}  // namespace
}  // namespace corridor::lincheck::test
