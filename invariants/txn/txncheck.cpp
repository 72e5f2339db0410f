#include "invariants/txn/txncheck.hpp"

#include <set>

#include <fmt/format.h>

#include "invariants/lincheck/micro_op.hpp"
#include "invariants/lincheck/operation_pairing.hpp"
#include "invariants/txn/cycles.hpp"
#include "invariants/txn/dependencies.hpp"
#include "model/assert.hpp"

namespace corridor::txn {

const char* to_string(Isolation isolation) {
  return isolation == Isolation::serializable ? "serializable" : "snapshot-isolation";
}

std::optional<Isolation> parse_isolation(std::string_view name) {
  if (name == "serializable") return Isolation::serializable;
  if (name == "snapshot-isolation" || name == "si") return Isolation::snapshot_isolation;
  return std::nullopt;
}

bool forbids(Isolation isolation, std::string_view name) {
  return isolation == Isolation::serializable || name != "G2";
}

bool is_txn_model(std::string_view name) { return name == "txn" || name == "list-append" || name == "rw-register"; }

std::optional<TxnModel> txn_model_of(std::string_view name) {
  if (name == "list-append") return TxnModel::list_append;
  if (name == "rw-register") return TxnModel::rw_register;
  return std::nullopt;
}

bool uses_elle_names(const History& history) {
  for (const HistoryEvent& event : history) {
    const auto* mops = std::get_if<std::vector<std::string>>(&event.value);
    if (event.f != "txn" || !mops) continue;
    for (const std::string& text : *mops) {
      const auto mop = lincheck::parse_micro_op(text);
      if (mop && (mop->f == "r" || mop->f == "w" || mop->f == "append")) return true;
    }
  }
  return false;
}

namespace {

const char* status_text(TxnStatus status) {
  return status == TxnStatus::committed ? "committed" : status == TxnStatus::aborted ? "aborted" : "indeterminate";
}

std::string explain(const TxnCheckResult& result, const TxnCheckOptions& options) {
  std::string out;
  std::set<std::uint32_t> named;
  for (const Anomaly& a : result.anomalies) {
    out += a.sentence + ".\n";
    named.insert(a.transactions.begin(), a.transactions.end());
  }
  for (const std::uint32_t t : named) {  // at most one line per transaction
    const Transaction& txn = result.transactions[t];
    const std::string call = lincheck::event_location(options.source, options.event_lines, txn.call_event);
    const std::string done = txn.completion_event == txn.call_event
                                 ? std::string("never completed")
                                 : "to " + lincheck::event_location(options.source, options.event_lines, txn.completion_event);
    out += fmt::format("  {}: process {}, {} {}, {}: {}\n", txn_name(t), txn.process, call, done, status_text(txn.status),
                       format_mops(txn.mops));
  }
  return out;
}

}  // namespace

TxnCheckResult check_transactions(const History& history, const TxnCheckOptions& options) {
  Transactions parsed = parse_transactions(history, options.source, options.event_lines, options.model);
  const Dependencies deps = infer_dependencies(parsed);
  TxnCheckResult result;
  result.model = parsed.model;
  result.anomalies = deps.anomalies;
  for (Anomaly& cycle : find_cycles(deps)) result.anomalies.push_back(std::move(cycle));
  for (const Anomaly& a : result.anomalies) {
    result.serializable = result.serializable && !forbids(Isolation::serializable, a.name);
    result.snapshot_isolation = result.snapshot_isolation && !forbids(Isolation::snapshot_isolation, a.name);
  }
  CORRIDOR_ASSERT(result.serializable || !result.anomalies.empty());
  CORRIDOR_ASSERT(!result.snapshot_isolation || result.anomalies.empty() || !result.serializable);
  result.transactions = std::move(parsed.transactions);
  result.explanation = explain(result, options);
  return result;
}

}  // namespace corridor::txn
