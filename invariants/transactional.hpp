#pragma once
// The transactional checker as a history checker at the end of a simulated run: the same
// check_transactions that `corridor lincheck --model txn` runs on recorded files. A protocol's
// clients record each transaction as one `txn` operation whose value holds its micro-operations
// as lincheck/micro_op.hpp spells them ("append x 3", "r x [1 2 3]", "w y 2", "r y nil"): the
// invocation with reads of nil, the ok completion with what the reads returned.
#include <optional>

#include "invariants/txn/txncheck.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

struct TransactionalOptions {
  std::optional<txn::TxnModel> model;                     // nullopt: by the micro-operations
  txn::Isolation isolation = txn::Isolation::serializable;  // the level whose anomalies are a violation
};

HistoryChecker transactional(const TransactionalOptions& options);

}  // namespace corridor::invariants
