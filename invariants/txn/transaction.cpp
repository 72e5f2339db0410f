#include "invariants/txn/transaction.hpp"

#include <map>
#include <utility>

#include <fmt/format.h>

#include "invariants/lincheck/micro_op.hpp"
#include "invariants/lincheck/operation_pairing.hpp"
#include "model/assert.hpp"
#include "model/verdict.hpp"

namespace corridor::txn {

const char* to_string(TxnModel model) { return model == TxnModel::list_append ? "list-append" : "rw-register"; }

namespace {

// Where the parse is, for the one sentence a malformed history gets.
struct TxnSource {
  const History& history;
  const std::string& source;
  const std::vector<std::uint32_t>& event_lines;
  std::string at(std::uint32_t event) const { return lincheck::event_location(source, event_lines, event); }
};

// Jepsen's short names and the multi-register's long ones.
std::optional<Mop::F> mop_function(std::string_view f) {
  if (f == "r" || f == "read") return Mop::F::read;
  if (f == "w" || f == "write") return Mop::F::write;
  if (f == "append") return Mop::F::append;
  return std::nullopt;
}

// A micro-operation from its text "f key value"; `completed` says whether a read's result is one.
Mop parse_mop(const TxnSource& where, std::uint32_t event, const std::string& text, bool completed) {
  const std::optional<lincheck::MicroOp> micro = lincheck::parse_micro_op(text);
  if (!micro) throw InputError(fmt::format("{}: expected a micro-operation [f key value], found \"{}\"", where.at(event), text));
  const std::optional<Mop::F> f = mop_function(micro->f);
  if (!f) {
    throw InputError(fmt::format("{}: a transaction has no micro-operation '{}' (r, w, append; or read, write)",
                                 where.at(event), micro->f));
  }
  Mop mop;
  mop.f = *f;
  mop.key = std::string(micro->key);
  if (const auto list = lincheck::parse_micro_list(micro->value)) {
    if (mop.f != Mop::F::read) {
      throw InputError(fmt::format("{}: [{} {} {}] writes a list; writes and appends take an integer", where.at(event),
                                   micro->f, micro->key, micro->value));
    }
    mop.list = *list;
    mop.is_list = true;
    mop.known = completed;
    return mop;
  }
  const std::optional<lincheck::MicroValue> value = lincheck::parse_micro_value(micro->value);
  const bool integer = value && value->kind == lincheck::MicroValue::Kind::integer;
  const bool nil = value && value->kind == lincheck::MicroValue::Kind::nil;
  if (mop.f == Mop::F::read && (integer || nil)) {
    mop.value = integer ? value->integer : 0;
    mop.nil = nil;
    mop.known = completed;
    return mop;
  }
  if (!integer) {
    throw InputError(fmt::format("{}: [{} {} {}] needs an integer{} (the transactional checker tells writers apart by "
                                 "their unique integer values)",
                                 where.at(event), micro->f, micro->key, micro->value,
                                 mop.f == Mop::F::read ? ", nil or a list of integers" : ""));
  }
  mop.value = value->integer;
  return mop;
}

// The micro-operations a transaction's value carries. An empty transaction reads as [] (a list
// of integers); an invocation's value may be nil when the completion carries the transaction.
std::optional<std::vector<Mop>> mops_of(const TxnSource& where, std::uint32_t event, bool completed) {
  const HistoryValue& value = where.history[event].value;
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  if (const auto* empty = std::get_if<std::vector<std::int64_t>>(&value); empty && empty->empty()) return std::vector<Mop>{};
  const auto* texts = std::get_if<std::vector<std::string>>(&value);
  if (!texts) {
    throw InputError(fmt::format("{}: expected a transaction [[:r :x 1] [:append :y 2] ...] as the txn value, found {}",
                                 where.at(event), format_history_value(value)));
  }
  std::vector<Mop> mops;
  mops.reserve(texts->size());
  for (const std::string& text : *texts) mops.push_back(parse_mop(where, event, text, completed));
  return mops;
}

TxnStatus status_of(lincheck::Outcome outcome, OpType completion) {
  if (outcome == lincheck::Outcome::ok) return TxnStatus::committed;
  return completion == OpType::fail ? TxnStatus::aborted : TxnStatus::indeterminate;
}

// A committed transaction's results are its completion's; otherwise what it tried to write is
// the invocation's (Jepsen repeats it in a fail or info completion, or leaves it nil there).
Transaction transaction_of(const TxnSource& where, const lincheck::PairedOperation& op) {
  Transaction t;
  t.process = where.history[op.call_event].process;
  t.call_event = op.call_event;
  t.completion_event = op.completion_event == lincheck::no_event ? op.call_event : op.completion_event;
  const OpType completion = where.history[t.completion_event].type;
  t.status = op.completion_event == lincheck::no_event ? TxnStatus::indeterminate : status_of(op.outcome, completion);
  std::optional<std::vector<Mop>> mops;
  if (t.status == TxnStatus::committed) {
    mops = mops_of(where, t.completion_event, true);
  } else {
    mops = mops_of(where, t.call_event, false);
    if (!mops && t.completion_event != t.call_event) mops = mops_of(where, t.completion_event, false);
  }
  if (!mops) {
    throw InputError(fmt::format("{}: a {} transaction without its micro-operations (the value is nil)",
                                 where.at(t.completion_event), to_string(completion)));
  }
  t.mops = std::move(*mops);
  return t;
}

TxnModel infer_model(const TxnSource& where, const std::vector<Transaction>& transactions) {
  const Transaction* appender = nullptr;
  const Transaction* writer = nullptr;
  bool list_read = false;
  for (const Transaction& t : transactions) {
    for (const Mop& mop : t.mops) {
      if (mop.f == Mop::F::append && !appender) appender = &t;
      if (mop.f == Mop::F::write && !writer) writer = &t;
      list_read = list_read || (mop.f == Mop::F::read && mop.is_list);
    }
  }
  if (appender && writer) {
    throw InputError(fmt::format("{}: this transaction appends and {} writes: a history is list-append or rw-register, "
                                 "not both",
                                 where.at(appender->call_event), where.at(writer->call_event)));
  }
  return appender || (list_read && !writer) ? TxnModel::list_append : TxnModel::rw_register;
}

// A read of the other model's shape, or a write of the other model's kind, cannot be checked.
void check_shapes(const TxnSource& where, const Transactions& out) {
  const bool lists = out.model == TxnModel::list_append;
  for (const Transaction& t : out.transactions) {
    const std::uint32_t event = t.status == TxnStatus::committed ? t.completion_event : t.call_event;
    for (const Mop& mop : t.mops) {
      if (mop.f == (lists ? Mop::F::write : Mop::F::append)) {
        throw InputError(fmt::format("{}: the {} model has no micro-operation {} (it has r and {})", where.at(event),
                                     to_string(out.model), lists ? "w" : "append", lists ? "append" : "w"));
      }
      if (mop.f == Mop::F::read && mop.known && !lists && mop.is_list) {
        throw InputError(fmt::format("{}: a read of {} returned a list, which the rw-register model has no reading of",
                                     where.at(event), mop.key));
      }
      if (mop.f == Mop::F::read && mop.known && lists && !mop.nil && !mop.is_list) {
        throw InputError(fmt::format("{}: a read of {} returned the integer {}; a list-append read returns a list",
                                     where.at(event), mop.key, mop.value));
      }
    }
  }
}

// Who wrote what is told by the value: each one may be written (or appended) once per key.
void check_unique_writes(const TxnSource& where, const Transactions& out) {
  std::map<std::pair<std::string, std::int64_t>, std::uint32_t> first_writer;
  for (const Transaction& t : out.transactions) {
    for (const Mop& mop : t.mops) {
      if (mop.f == Mop::F::read) continue;
      const auto [it, fresh] = first_writer.emplace(std::pair{mop.key, mop.value}, t.call_event);
      if (!fresh) {
        throw InputError(fmt::format("{}: {} {} to {} again (first at {}); the checker needs every written value unique "
                                     "per key",
                                     where.at(t.call_event), mop.f == Mop::F::append ? "appends" : "writes", mop.value,
                                     mop.key, where.at(it->second)));
      }
    }
  }
}

}  // namespace

Transactions parse_transactions(const History& history, const std::string& source,
                                const std::vector<std::uint32_t>& event_lines, std::optional<TxnModel> model) {
  const TxnSource where{history, source, event_lines};
  for (std::uint32_t i = 0; i < history.size(); ++i) {
    if (history[i].f != "txn") {
      throw InputError(fmt::format("{}: the transactional checker reads :f :txn operations, found :f :{}", where.at(i),
                                   history[i].f));
    }
  }
  Transactions out;
  const std::vector<lincheck::PairedOperation> ops = lincheck::pair_operations(history, source, event_lines);
  out.transactions.reserve(ops.size());
  for (const lincheck::PairedOperation& op : ops) out.transactions.push_back(transaction_of(where, op));
  out.model = model ? *model : infer_model(where, out.transactions);
  check_shapes(where, out);
  check_unique_writes(where, out);
  CORRIDOR_ASSERT(out.transactions.size() == ops.size());
  return out;
}

std::string format_mops(const std::vector<Mop>& mops) {
  std::string out = "[";
  for (std::size_t i = 0; i < mops.size(); ++i) {
    const Mop& mop = mops[i];
    const char* f = mop.f == Mop::F::read ? "r" : mop.f == Mop::F::write ? "w" : "append";
    std::string value;
    if (mop.f != Mop::F::read) value = std::to_string(mop.value);
    else if (!mop.known || mop.nil) value = "nil";
    else if (mop.is_list) value = lincheck::micro_list_text(mop.list);
    else value = std::to_string(mop.value);
    // Keys were keywords or integers in the file; an integer key is printed as one.
    const bool integer_key = !mop.key.empty() && mop.key.find_first_not_of("-0123456789") == std::string::npos;
    out += fmt::format("{}[:{} {}{} {}]", i ? " " : "", f, integer_key ? "" : ":", mop.key, value);
  }
  return out + "]";
}

}  // namespace corridor::txn
