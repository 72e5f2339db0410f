#include "invariants/transactional.hpp"

#include <fmt/format.h>

namespace corridor::invariants {

HistoryChecker transactional(const TransactionalOptions& options) {
  const std::string name = options.isolation == txn::Isolation::serializable ? "serializable" : "snapshot-isolation";
  return {name, [options, name](const History& history) -> std::optional<Violation> {
            txn::TxnCheckOptions o;
            o.model = options.model;
            o.source = "the run's history";
            const txn::TxnCheckResult r = txn::check_transactions(history, o);
            if (r.holds(options.isolation)) return std::nullopt;
            Violation v;
            v.invariant = name;
            v.verdict = Verdict::safety;
            for (const txn::Anomaly& a : r.anomalies) {
              if (!txn::forbids(options.isolation, a.name)) continue;
              for (const std::uint32_t t : a.transactions) v.operations.push_back(r.transactions[t].call_event);
            }
            v.message = fmt::format("the client history is not {} ({}): {}", name, txn::to_string(r.model), r.explanation);
            return v;
          }};
}

}  // namespace corridor::invariants
