#pragma once
// A transaction of a history, as the transactional checker sees it: the micro-operations of one
// `:f :txn` operation (Jepsen's `[[:r :x 1] [:w :y 2]]` or `[[:append :x 3] [:r :x [1 2 3]]]`),
// with what its completion says about it. The readers carry a transaction in a HistoryValue as
// lincheck/micro_op.hpp spells it; this file turns that spelling into typed micro-operations.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/history.hpp"

namespace corridor::txn {

// The two workloads Elle checks. A list-append read returns the whole list, so it tells the
// order of every append before it; a register read returns one value.
enum class TxnModel : std::uint8_t { list_append, rw_register };

const char* to_string(TxnModel model);

struct Mop {
  enum class F : std::uint8_t { read, write, append };
  F f = F::read;
  std::string key;
  // A write's or append's value; a register read's result (when !nil).
  std::int64_t value = 0;
  bool nil = false;                  // a register read of the initial (absent) value
  bool known = true;                 // false for a read whose result is unknown (an invocation's nil)
  bool is_list = false;              // a read that returned a list (list-append)
  std::vector<std::int64_t> list;    // a list-append read's result
};

// ok: it committed with the recorded results. aborted: a `fail`, it did not happen. indeterminate:
// `info` or never completed, it may have committed; its reads tell nothing.
enum class TxnStatus : std::uint8_t { committed, aborted, indeterminate };

struct Transaction {
  std::uint32_t process = 0;
  TxnStatus status = TxnStatus::committed;
  std::uint32_t call_event = 0;
  std::uint32_t completion_event = 0;  // == call_event when it never completed
  std::vector<Mop> mops;
};

// The transactions of `history` in invocation order, and the model its micro-operations use:
// `model` when given, otherwise list-append when a transaction appends or a read returns a list,
// rw-register when one writes.
// Throws InputError "source:line: ..." for an event that is not `:f :txn`, a micro-operation the
// model has no name for, a value of the wrong shape, a written value written twice to one key
// (both checkers need unique values to tell who wrote what), or appends mixed with writes.
struct Transactions {
  TxnModel model = TxnModel::list_append;
  std::vector<Transaction> transactions;
};

Transactions parse_transactions(const History& history, const std::string& source,
                                const std::vector<std::uint32_t>& event_lines,
                                std::optional<TxnModel> model = std::nullopt);

// "[[:r :x [1 2]] [:append :y 3]]", as Jepsen writes a transaction.
std::string format_mops(const std::vector<Mop>& mops);

}  // namespace corridor::txn
