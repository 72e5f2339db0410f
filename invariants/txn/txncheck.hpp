#pragma once
// Elle-style checking of a history of transactions: the dependency graph of the transactions
// (dependencies.hpp says what is inferred from which reads), its cycles by name (cycles.hpp), and
// the anomalies one read shows. Serializability forbids every anomaly found; snapshot isolation
// forbids all but G2 (a cycle with two or more rw edges that is not G-SIb): without the
// transactions' start and commit times that is as far as the graph tells. A lost update (two
// transactions wrote a key, each after reading it without the other's write) is reported on its
// own, and both levels forbid it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "invariants/txn/anomaly.hpp"
#include "invariants/txn/transaction.hpp"
#include "model/history.hpp"

namespace corridor::txn {

enum class Isolation : std::uint8_t { serializable, snapshot_isolation };

const char* to_string(Isolation isolation);
std::optional<Isolation> parse_isolation(std::string_view name);  // serializable, snapshot-isolation

// Whether `isolation` rules out the anomaly called `name` (Anomaly::name).
bool forbids(Isolation isolation, std::string_view name);

struct TxnCheckResult {
  TxnModel model = TxnModel::list_append;
  std::vector<Transaction> transactions;
  std::vector<Anomaly> anomalies;  // those of single reads first, then one cycle per component
  bool serializable = true;
  bool snapshot_isolation = true;
  // Each anomaly's sentence on a line, then a line per transaction they name: its process, where
  // it was invoked and completed, its status and micro-operations. Empty when there is none.
  std::string explanation;

  bool holds(Isolation isolation) const {
    return isolation == Isolation::serializable ? serializable : snapshot_isolation;
  }
};

struct TxnCheckOptions {
  std::optional<TxnModel> model;           // nullopt: list-append or rw-register by the micro-operations
  std::string source = "history";          // names the history in messages
  std::vector<std::uint32_t> event_lines;  // the line of each event, if it came from a file
};

// Throws InputError "source:line: ..." for a history that is not one of transactions
// (transaction.hpp says which).
TxnCheckResult check_transactions(const History& history, const TxnCheckOptions& options);

// The model names `corridor lincheck --model` takes for transactions: txn (either, by content),
// list-append, rw-register. nullopt in `model` for txn.
bool is_txn_model(std::string_view name);
std::optional<TxnModel> txn_model_of(std::string_view name);

// Whether a history's transactions use Elle's micro-operation names (r, w, append), which the
// multi-register model does not know: `corridor lincheck` then checks it with this checker.
bool uses_elle_names(const History& history);

}  // namespace corridor::txn
