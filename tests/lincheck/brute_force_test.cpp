// RapidCheck: corridor's checker against a brute-force search over every order of small random
// histories, under each reading (semantics.hpp): Knossos's (a failed operation did not happen, a
// nil read says nothing, the register starts at the test's value) and Porcupine's (a failed cas
// saw another value, nil is a value), and their mixtures. The reference here is written from the
// tools' documented rules, apart from the checker: it decides what each operation means, then
// tries every subset of the indeterminate operations in every order real time allows.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/lincheck.hpp"

namespace corridor::lincheck {
namespace {

using Value = std::optional<std::int64_t>;  // nullopt: nil

struct Micro {
  bool read = true;
  std::string key;  // x or y
  Value value;      // a write's value; a read's result (nullopt: nil)
};

// One generated operation: what was invoked, what came back, and how it completed.
struct RawOp {
  std::string f;
  std::int64_t a = 0, b = 0;  // write a; cas a -> b; add a
  Value read;                 // a register read's result
  std::vector<std::int64_t> set_read;
  bool set_read_nil = false;
  std::vector<Micro> txn;
  bool set_model = false;
  OpType completion = OpType::ok;  // ok, fail, info, or invoke: never completed
  int call = 0, ret = 0;

  bool nil_result() const { return set_model ? set_read_nil : !read.has_value(); }
};

// ---- what each operation means under a reading (the documented rules) ----

enum class Role { dropped, definite, optional };

struct Meaning {
  Role role = Role::dropped;
  bool failed_cas = false;         // definite: the comparison was false
  std::vector<Micro> txn;          // the micro-ops that constrain or change something
};

Meaning meaning_of(const RawOp& op, const Semantics& semantics) {
  Meaning m;
  const bool reader = op.f == "read";
  if (op.completion == OpType::fail) {
    // Jepsen: did not happen. Porcupine: only a failed cas tells something.
    if (semantics.fail_means == FailMeans::observed && op.f == "cas") {
      m.role = Role::definite;
      m.failed_cas = true;
    }
    return m;
  }
  if (op.completion != OpType::ok) {  // info or never completed: may have taken effect, no result
    if (reader) return m;
    m.role = Role::optional;
    for (const Micro& micro : op.txn) {
      if (!micro.read) m.txn.push_back(micro);
    }
    if (op.f == "txn" && m.txn.empty()) m.role = Role::dropped;
    return m;
  }
  const bool unknown_nil = semantics.nil_read == NilRead::unknown;
  if (reader && unknown_nil && op.nil_result()) return m;
  m.role = Role::definite;
  for (const Micro& micro : op.txn) {
    if (!(micro.read && !micro.value && unknown_nil)) m.txn.push_back(micro);
  }
  if (op.f == "txn" && m.txn.empty()) m.role = Role::dropped;
  return m;
}

// ---- the sequential specifications ----

struct State {
  Value reg;
  std::set<std::int64_t> set;
  std::map<std::string, Value> registers;  // absent: the initial value
};

bool apply(const std::string& model, const RawOp& op, const Meaning& m, const Value& initial, State& s) {
  if (model == "set") {
    if (op.f == "add") {
      s.set.insert(op.a);
      return true;
    }
    if (op.set_read_nil) return s.set.empty();
    const std::set<std::int64_t> seen(op.set_read.begin(), op.set_read.end());
    return seen.size() == op.set_read.size() && seen == s.set;  // each element once
  }
  if (model == "multi-register") {
    for (const Micro& micro : m.txn) {
      const auto it = s.registers.find(micro.key);
      const Value now = it == s.registers.end() ? initial : it->second;
      if (micro.read && now != micro.value) return false;
      if (!micro.read) s.registers[micro.key] = micro.value;
    }
    return true;
  }
  if (op.f == "write") {
    s.reg = op.a;
    return true;
  }
  if (op.f == "read") return s.reg == op.read;
  const bool match = s.reg == Value{op.a};
  if (m.failed_cas) return !match;
  if (m.role == Role::optional) {
    if (match) s.reg = op.b;
    return true;
  }
  if (!match) return false;
  s.reg = op.b;
  return true;
}

// Every subset of the optional operations in every order that respects real time: an operation
// may come next only if no operation left out returned before it was invoked.
bool brute_force(const std::string& model, const std::vector<RawOp>& ops, const Semantics& semantics) {
  std::vector<Meaning> meanings;
  std::vector<std::size_t> live;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    meanings.push_back(meaning_of(ops[i], semantics));
    if (meanings.back().role != Role::dropped) live.push_back(i);
  }
  const Value initial = semantics.initial ? Value{std::get<std::int64_t>(*semantics.initial)} : std::nullopt;
  State start;
  start.reg = initial;
  std::vector<bool> taken(ops.size(), false);
  auto search = [&](auto& self, const State& state) -> bool {
    bool every_definite = true;
    for (const std::size_t i : live) every_definite &= taken[i] || meanings[i].role != Role::definite;
    if (every_definite) return true;
    for (const std::size_t i : live) {
      if (taken[i]) continue;
      bool may_come_next = true;
      for (const std::size_t j : live) {
        const bool returned = meanings[j].role == Role::definite;
        if (j != i && !taken[j] && returned && ops[j].ret < ops[i].call) may_come_next = false;
      }
      if (!may_come_next) continue;
      State next = state;
      if (!apply(model, ops[i], meanings[i], initial, next)) continue;
      taken[i] = true;
      const bool found = self(self, next);
      taken[i] = false;
      if (found) return true;
    }
    return false;
  };
  return search(search, start);
}

// ---- generated histories, written as EDN and read back ----

std::string edn(const Value& v) { return v ? fmt::format("{}", *v) : "nil"; }

std::string edn_txn(const std::vector<Micro>& txn, bool with_reads) {
  std::string out = "[";
  for (const Micro& m : txn) {
    out += fmt::format("[:{} :{} {}]", m.read ? "read" : "write", m.key, m.read && !with_reads ? "nil" : edn(m.value));
  }
  return out + "]";
}

std::string invocation_value(const RawOp& op) {
  if (op.f == "write" || op.f == "add") return fmt::format("{}", op.a);
  if (op.f == "cas") return fmt::format("[{} {}]", op.a, op.b);
  if (op.f == "txn") return edn_txn(op.txn, false);
  return "nil";
}

std::string completion_value(const RawOp& op) {
  if (op.completion != OpType::ok) return invocation_value(op);
  if (op.f == "txn") return edn_txn(op.txn, true);
  if (op.f != "read") return invocation_value(op);
  if (!op.set_model) return edn(op.read);
  return op.set_read_nil ? "nil" : fmt::format("[{}]", fmt::join(op.set_read, " "));
}

// Events in time order; at equal times a completion comes before an invocation. The positions in
// that order are the ops' call and ret, so the brute force sees exactly the file's real time.
std::string write_history(std::vector<RawOp>& ops) {
  struct Event {
    int time, kind;
    std::size_t op;
  };
  std::vector<Event> events;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    events.push_back(Event{ops[i].call, 1, i});
    if (ops[i].completion != OpType::invoke) events.push_back(Event{ops[i].ret, 0, i});
  }
  std::sort(events.begin(), events.end(),
            [](const Event& x, const Event& y) { return std::tie(x.time, x.kind, x.op) < std::tie(y.time, y.kind, y.op); });
  std::string text;
  for (std::size_t position = 0; position < events.size(); ++position) {
    const Event& e = events[position];
    RawOp& op = ops[e.op];
    if (e.kind == 1) op.call = static_cast<int>(position);
    else op.ret = static_cast<int>(position);
    text += fmt::format("{{:process {}, :type :{}, :f :{}, :value {}}}\n", e.op, e.kind == 1 ? "invoke" : to_string(op.completion),
                        op.f, e.kind == 1 ? invocation_value(op) : completion_value(op));
  }
  for (RawOp& op : ops) {
    if (op.completion == OpType::invoke) op.ret = 1 << 30;
  }
  return text;
}

rc::Gen<Value> gen_value() {
  return rc::gen::map(rc::gen::inRange(-1, 3), [](int v) { return v < 0 ? Value{} : Value{v}; });
}

RawOp gen_op(const std::string& model) {
  using namespace rc;
  RawOp op;
  const std::vector<std::string> fs = model == "register"         ? std::vector<std::string>{"read", "write"}
                                      : model == "cas-register"   ? std::vector<std::string>{"read", "write", "cas"}
                                      : model == "set"            ? std::vector<std::string>{"add", "read"}
                                                                  : std::vector<std::string>{"txn"};
  op.f = *gen::elementOf(fs);
  op.set_model = model == "set";
  op.a = *gen::inRange(0, 3);
  op.b = *gen::inRange(0, 3);
  if (op.f == "read" && model != "set") op.read = *gen_value();
  if (op.f == "read" && model == "set") {
    op.set_read_nil = *gen::inRange(0, 6) == 0;
    if (!op.set_read_nil) op.set_read = *gen::container<std::vector<std::int64_t>>(*gen::inRange(0, 4), gen::inRange<std::int64_t>(0, 3));
  }
  if (op.f == "txn") {
    const int micros = *gen::inRange(1, 3);
    for (int i = 0; i < micros; ++i) op.txn.push_back(Micro{*gen::arbitrary<bool>(), *gen::elementOf(std::vector<std::string>{"x", "y"}), *gen_value()});
  }
  const int fate = *gen::inRange(0, 20);
  op.completion = fate < 12 ? OpType::ok : fate < 15 ? OpType::fail : fate < 18 ? OpType::info : OpType::invoke;
  op.call = *gen::inRange(0, 24);
  op.ret = op.call + *gen::inRange(1, 10);
  return op;
}

void check_every_reading(const std::string& model) {
  std::vector<RawOp> ops;
  const int n = *rc::gen::inRange(0, 7);
  for (int i = 0; i < n; ++i) ops.push_back(gen_op(model));
  const std::string text = write_history(ops);
  const ParsedHistory parsed = parse_history(text, "h.edn", HistoryFormat::edn);
  const bool registers = model != "set";
  int linearizable = 0;
  for (const FailMeans fail : {FailMeans::observed, FailMeans::not_happened}) {
    for (const NilRead nil : {NilRead::value, NilRead::unknown}) {
      for (const bool from_zero : {false, true}) {
        if (from_zero && !registers) continue;
        Semantics semantics{fail, nil, from_zero ? std::optional<HistoryValue>{std::int64_t{0}} : std::nullopt};
        const bool expected = brute_force(model, ops, semantics);
        for (const bool prune : {true, false}) {
          LincheckOptions options;
          options.model = model;
          options.semantics = semantics;
          options.prune = prune;
          options.threads = 1;
          const LinVerdict got = check_history(parsed.events, options).verdict;
          if (got != (expected ? LinVerdict::linearizable : LinVerdict::not_linearizable)) {
            RC_LOG() << text << "fail means " << to_string(fail) << ", nil read " << to_string(nil)
                     << (from_zero ? ", initial 0" : "") << (prune ? "" : ", plain search") << ": corridor says "
                     << to_string(got) << ", the brute force " << (expected ? "linearizable" : "not linearizable") << "\n";
          }
          RC_ASSERT(got == (expected ? LinVerdict::linearizable : LinVerdict::not_linearizable));
        }
        linearizable += expected;
      }
    }
  }
  RC_TAG(model, linearizable == 0 ? "never linearizable" : "linearizable under some reading");
}

RC_GTEST_PROP(LincheckBruteForce, RegisterAgreesUnderEveryReading, ()) { check_every_reading("register"); }
RC_GTEST_PROP(LincheckBruteForce, CasRegisterAgreesUnderEveryReading, ()) { check_every_reading("cas-register"); }
RC_GTEST_PROP(LincheckBruteForce, SetAgreesUnderEveryReading, ()) { check_every_reading("set"); }
RC_GTEST_PROP(LincheckBruteForce, MultiRegisterAgreesUnderEveryReading, ()) { check_every_reading("multi-register"); }

}  // namespace
}  // namespace corridor::lincheck
