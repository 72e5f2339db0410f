// The transactional checker against a brute-force search over serial orders, on random histories
// of at most five transactions over two keys. A history is serializable when some order of its
// committed transactions, with any subset of its indeterminate ones, gives every committed read
// exactly what it returned. For list-append the checker infers the graph exactly, so the two must
// agree; for rw-register it infers a part of the version order, so every anomaly it reports must
// be real (the search finds no order) but it may miss some.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "invariants/lincheck/micro_op.hpp"
#include "invariants/txn/txncheck.hpp"

namespace {

enum class TxnbruteStatus { ok, fail, info };

struct TxnbruteMop {
  bool read = false;
  int key = 0;                       // x or y
  std::int64_t value = 0;            // append's or write's value
  std::vector<std::int64_t> result;  // a list read's; a register read's as one value or none (nil)
};

struct TxnbruteTxn {
  TxnbruteStatus status = TxnbruteStatus::ok;
  std::vector<TxnbruteMop> mops;
};

struct TxnbruteHistory {
  bool lists = true;
  std::vector<TxnbruteTxn> txns;
};

const char* txnbrute_key(int key) { return key == 0 ? "x" : "y"; }

// Runs `txn` on `state` (each key's list of appends, or its register as a list of at most one
// value), filling in its reads when `record`; returns whether the reads match when not.
bool txnbrute_apply(bool lists, TxnbruteTxn& txn, std::vector<std::vector<std::int64_t>>& state, bool record) {
  for (TxnbruteMop& mop : txn.mops) {
    std::vector<std::int64_t>& cell = state[static_cast<std::size_t>(mop.key)];
    if (mop.read) {
      if (record) mop.result = cell;
      else if (mop.result != cell) return false;
    } else if (lists) {
      cell.push_back(mop.value);
    } else {
      cell = {mop.value};
    }
  }
  return true;
}

bool txnbrute_serializable(const TxnbruteHistory& h) {
  std::vector<std::size_t> info;
  for (std::size_t i = 0; i < h.txns.size(); ++i) {
    if (h.txns[i].status == TxnbruteStatus::info) info.push_back(i);
  }
  for (std::size_t subset = 0; subset < (std::size_t{1} << info.size()); ++subset) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < h.txns.size(); ++i) {
      if (h.txns[i].status == TxnbruteStatus::ok) order.push_back(i);
    }
    for (std::size_t b = 0; b < info.size(); ++b) {
      if (subset & (std::size_t{1} << b)) order.push_back(info[b]);
    }
    std::sort(order.begin(), order.end());
    do {  // at most 5! orders
      std::vector<std::vector<std::int64_t>> state(2);
      bool fits = true;
      for (const std::size_t i : order) {
        TxnbruteTxn copy = h.txns[i];
        // An indeterminate transaction's reads are unknown: run it for its writes only.
        fits = txnbrute_apply(h.lists, copy, state, h.txns[i].status != TxnbruteStatus::ok) && fits;
      }
      if (fits) return true;
    } while (std::next_permutation(order.begin(), order.end()));
  }
  return false;
}

// Changes one read: to fewer of the values it saw (a stale read), to more of its key's values
// (a read from the future, or of an aborted or intermediate write), or to any of its key's values
// in any order (which no list order may explain).
void txnbrute_change(const TxnbruteHistory& h, TxnbruteMop& read) {
  std::vector<std::int64_t> pool;
  for (const TxnbruteTxn& txn : h.txns) {
    for (const TxnbruteMop& mop : txn.mops) {
      if (!mop.read && mop.key == read.key) pool.push_back(mop.value);
    }
  }
  std::vector<std::int64_t>& result = read.result;
  const int kind = *rc::gen::inRange(0, 3);
  if (kind == 0 || pool.empty()) {
    result.resize(*rc::gen::inRange<std::size_t>(0, result.size() + 1));
  } else if (kind == 1) {
    const std::int64_t value = *rc::gen::elementOf(pool);
    if (h.lists) result.push_back(value);
    else result = {value};
  } else {
    result.clear();
    const std::size_t length = *rc::gen::inRange<std::size_t>(0, h.lists ? 4 : 2);
    for (std::size_t i = 0; i < length; ++i) result.push_back(*rc::gen::elementOf(pool));
  }
}

// A serial execution of random transactions in a random order, then up to two reads changed so
// that they may no longer fit any order.
rc::Gen<TxnbruteHistory> txnbrute_history(bool lists, int txns_max = 5) {
  return rc::gen::exec([lists, txns_max] {
    TxnbruteHistory h;
    h.lists = lists;
    const int n = *rc::gen::inRange(1, txns_max + 1);
    std::int64_t next_value = 1;
    for (int t = 0; t < n; ++t) {
      TxnbruteTxn txn;
      const int status = *rc::gen::inRange(0, 8);
      txn.status = status == 0 ? TxnbruteStatus::fail : status == 1 ? TxnbruteStatus::info : TxnbruteStatus::ok;
      const int mops = *rc::gen::inRange(1, 4);
      for (int m = 0; m < mops; ++m) {
        TxnbruteMop mop;
        mop.read = *rc::gen::arbitrary<bool>();
        mop.key = *rc::gen::inRange(0, 2);
        if (!mop.read) mop.value = next_value++;
        txn.mops.push_back(mop);
      }
      h.txns.push_back(std::move(txn));
    }
    std::vector<std::size_t> order(h.txns.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[*rc::gen::inRange<std::size_t>(0, i)]);
    std::vector<std::vector<std::int64_t>> state(2);
    for (const std::size_t i : order) {
      TxnbruteTxn& txn = h.txns[i];
      const bool applied = txn.status == TxnbruteStatus::ok || (txn.status == TxnbruteStatus::info && *rc::gen::arbitrary<bool>());
      std::vector<std::vector<std::int64_t>> scratch = state;
      txnbrute_apply(lists, txn, applied ? state : scratch, true);
    }
    for (int changes = *rc::gen::inRange(0, 3); changes > 0; --changes) {
      std::vector<TxnbruteMop*> reads;
      for (TxnbruteTxn& txn : h.txns) {
        for (TxnbruteMop& mop : txn.mops) {
          if (mop.read && txn.status == TxnbruteStatus::ok) reads.push_back(&mop);
        }
      }
      if (!reads.empty()) txnbrute_change(h, *reads[*rc::gen::inRange<std::size_t>(0, reads.size())]);
    }
    return h;
  });
}

// ---- snapshot isolation by brute force ----
//
// A history is snapshot isolation when some subset of its indeterminate transactions and some
// schedule of every included transaction's start and commit give each committed read what it
// returned, where a transaction reads the state committed before its start with its own writes on
// top, applies its writes at its commit, and no two transactions whose intervals overlap write
// one key (first committer wins; an append is a write of its key, as in Elle).
struct TxnbruteSiNode {
  std::vector<int> phase;                         // per included transaction: 0 not started, 1 running, 2 committed
  std::vector<std::vector<std::int64_t>> state;   // what is committed
  std::vector<unsigned> committed_while;          // per included: a bit for each that committed while it ran
};

bool txnbrute_write_same_key(const TxnbruteTxn& a, const TxnbruteTxn& b) {
  for (const TxnbruteMop& x : a.mops) {
    for (const TxnbruteMop& y : b.mops) {
      if (!x.read && !y.read && x.key == y.key) return true;
    }
  }
  return false;
}

// Depth-first over the next event, start or commit, with each node a copy: at most 2 * 4 events.
bool txnbrute_si_search(const TxnbruteHistory& h, const std::vector<std::size_t>& included, const TxnbruteSiNode& node,
                        std::size_t events_left) {
  if (events_left == 0) return true;
  for (std::size_t a = 0; a < included.size(); ++a) {
    const TxnbruteTxn& txn = h.txns[included[a]];
    TxnbruteSiNode next = node;
    TxnbruteTxn copy = txn;
    if (node.phase[a] == 0) {
      std::vector<std::vector<std::int64_t>> view = node.state;  // its reads: this snapshot, its own writes on top
      if (!txnbrute_apply(h.lists, copy, view, txn.status != TxnbruteStatus::ok)) continue;
      next.phase[a] = 1;
      next.committed_while[a] = 0;
    } else if (node.phase[a] == 1) {
      bool conflict = false;
      for (std::size_t b = 0; b < included.size(); ++b) {
        conflict = conflict || ((node.committed_while[a] >> b & 1u) && txnbrute_write_same_key(txn, h.txns[included[b]]));
      }
      if (conflict) continue;  // first committer wins
      next.phase[a] = 2;
      txnbrute_apply(h.lists, copy, next.state, true);
      for (std::size_t b = 0; b < included.size(); ++b) {
        if (next.phase[b] == 1) next.committed_while[b] |= 1u << a;
      }
    } else {
      continue;
    }
    if (txnbrute_si_search(h, included, next, events_left - 1)) return true;
  }
  return false;
}

bool txnbrute_snapshot_isolation(const TxnbruteHistory& h) {
  std::vector<std::size_t> info;
  for (std::size_t i = 0; i < h.txns.size(); ++i) {
    if (h.txns[i].status == TxnbruteStatus::info) info.push_back(i);
  }
  for (std::size_t subset = 0; subset < (std::size_t{1} << info.size()); ++subset) {
    std::vector<std::size_t> included;
    for (std::size_t i = 0; i < h.txns.size(); ++i) {
      if (h.txns[i].status == TxnbruteStatus::ok) included.push_back(i);
    }
    for (std::size_t b = 0; b < info.size(); ++b) {
      if (subset & (std::size_t{1} << b)) included.push_back(info[b]);
    }
    const TxnbruteSiNode root{std::vector<int>(included.size(), 0), std::vector<std::vector<std::int64_t>>(2),
                              std::vector<unsigned>(included.size(), 0)};
    if (txnbrute_si_search(h, included, root, 2 * included.size())) return true;
  }
  return false;
}

// The history as the readers would give it: a transaction's micro-operations as lincheck/micro_op.hpp spells them.
corridor::History txnbrute_events(const TxnbruteHistory& h) {
  using corridor::lincheck::micro_list_text;
  using corridor::lincheck::micro_op_text;
  corridor::History events;
  for (std::size_t t = 0; t < h.txns.size(); ++t) {
    const TxnbruteTxn& txn = h.txns[t];
    std::vector<std::string> invoked;
    std::vector<std::string> completed;
    for (const TxnbruteMop& mop : txn.mops) {
      const char* key = txnbrute_key(mop.key);
      if (!mop.read) {
        const char* f = h.lists ? "append" : "w";
        invoked.push_back(micro_op_text(f, key, std::to_string(mop.value)));
        completed.push_back(invoked.back());
        continue;
      }
      invoked.push_back(micro_op_text("r", key, "nil"));
      const std::string result = h.lists ? micro_list_text(mop.result)
                                         : mop.result.empty() ? std::string("nil") : std::to_string(mop.result.back());
      completed.push_back(micro_op_text("r", key, result));
    }
    const auto process = static_cast<std::uint32_t>(t);
    events.push_back({process, corridor::OpType::invoke, "txn", "", invoked});
    const corridor::OpType type = txn.status == TxnbruteStatus::ok     ? corridor::OpType::ok
                                  : txn.status == TxnbruteStatus::fail ? corridor::OpType::fail
                                                                       : corridor::OpType::info;
    events.push_back({process, type, "txn", "", txn.status == TxnbruteStatus::ok ? completed : invoked});
  }
  return events;
}

std::string txnbrute_text(const corridor::History& events) {
  std::string out;
  for (const corridor::HistoryEvent& e : events) {
    out += fmt::format("  process {} {} {}\n", e.process, corridor::to_string(e.type), corridor::format_history_value(e.value));
  }
  return out;
}

corridor::txn::TxnCheckResult txnbrute_check(const corridor::History& events) {
  return corridor::txn::check_transactions(events, corridor::txn::TxnCheckOptions{});
}

RC_GTEST_PROP(TxnBruteForce, ListAppendAgreesWithASerialOrderSearch, ()) {
  const TxnbruteHistory h = *txnbrute_history(true);
  for (const auto& a : txnbrute_check(txnbrute_events(h)).anomalies) RC_TAG(a.name);
  const corridor::History events = txnbrute_events(h);
  const corridor::txn::TxnCheckResult result = txnbrute_check(events);
  const bool serial = txnbrute_serializable(h);
  RC_CLASSIFY(serial, "serializable");
  RC_CLASSIFY(!result.anomalies.empty() && result.snapshot_isolation, "G2 only");
  RC_LOG() << txnbrute_text(events) << result.explanation;
  RC_ASSERT(result.serializable == serial);
  // Snapshot isolation is weaker: what is serializable is snapshot isolation too.
  RC_ASSERT(!result.serializable || result.snapshot_isolation);
}

RC_GTEST_PROP(TxnBruteForce, RwRegisterReportsOnlyRealAnomalies, ()) {
  const TxnbruteHistory h = *txnbrute_history(false);
  const corridor::History events = txnbrute_events(h);
  const corridor::txn::TxnCheckResult result = txnbrute_check(events);
  const bool serial = txnbrute_serializable(h);
  RC_CLASSIFY(serial, "serializable");
  RC_CLASSIFY(!result.serializable, "anomaly reported");
  RC_LOG() << txnbrute_text(events) << result.explanation;
  RC_ASSERT(!serial || result.serializable);
}

// Snapshot isolation, on histories of at most four transactions: every execution the checker calls
// not snapshot isolation has no schedule that is. The converse does not hold (a G2 cycle may be
// ruled out by the schedules, which the checker does not see), so it is tallied, not asserted.
RC_GTEST_PROP(TxnBruteForce, EveryAnomalySnapshotIsolationForbidsIsReal, (bool lists)) {
  const TxnbruteHistory h = *txnbrute_history(lists, 4);
  const corridor::History events = txnbrute_events(h);
  const corridor::txn::TxnCheckResult result = txnbrute_check(events);
  const bool si = txnbrute_snapshot_isolation(h);
  RC_CLASSIFY(si, "snapshot isolation");
  RC_CLASSIFY(!result.snapshot_isolation, "anomaly snapshot isolation forbids");
  RC_LOG() << txnbrute_text(events) << result.explanation;
  RC_ASSERT(!si || result.snapshot_isolation);
  RC_ASSERT(!txnbrute_serializable(h) || si);  // the search's own check: a serial order is a schedule
}

// The properties above would pass with generators that make no anomalies, and the register one with
// a checker that never reports any. On 20,000 histories each, drawn from fixed seeds so that the
// figures do not move between runs, the generators must make non-serializable histories, the
// list-append checker must catch every one and name anomalies of every kind, and the register
// checker must catch nine in ten.
struct TxnbruteTally {
  std::size_t non_serializable = 0;
  std::size_t caught = 0;
  std::map<std::string, std::size_t> names;
};

TxnbruteTally txnbrute_tally(bool lists) {
  TxnbruteTally tally;
  for (std::uint64_t seed = 1; seed <= 20000; ++seed) {
    const TxnbruteHistory h = txnbrute_history(lists)(rc::Random(seed), rc::kNominalSize).value();
    const corridor::txn::TxnCheckResult result = txnbrute_check(txnbrute_events(h));
    for (const auto& a : result.anomalies) tally.names[a.name]++;
    if (txnbrute_serializable(h)) continue;
    tally.non_serializable++;
    if (!result.serializable) tally.caught++;
  }
  for (const auto& [name, count] : tally.names) std::printf("%s %s: %zu\n", lists ? "list-append" : "rw-register", name.c_str(), count);
  std::printf("%zu non-serializable, %zu caught\n", tally.non_serializable, tally.caught);
  return tally;
}

TEST(TxnBruteForce, TheGeneratorsMakeEveryKindOfAnomaly) {
  const TxnbruteTally lists = txnbrute_tally(true);
  EXPECT_GT(lists.non_serializable, 2000u);
  EXPECT_EQ(lists.caught, lists.non_serializable);
  // Not G0: a ww cycle of appends needs two transactions that each append to both keys and reads
  // that order them oppositely, which changed reads of a serial run seldom give (20,000 give none);
  // tests/txn/anomalies_test.cpp has one by hand.
  for (const char* name : {"G1a", "G1b", "G1c", "G-single", "G2", "internal", "incompatible-order", "duplicate-elements"}) {
    EXPECT_TRUE(lists.names.count(name)) << name << " never came up";
  }
  const TxnbruteTally registers = txnbrute_tally(false);
  EXPECT_GT(registers.non_serializable, 2000u);
  EXPECT_GT(registers.caught * 10, registers.non_serializable * 9);  // 3,550 of 3,570 on these seeds
  for (const char* name : {"G0", "G1a", "G1b", "G1c", "G-single", "G2", "internal", "lost-update"}) {
    EXPECT_TRUE(registers.names.count(name)) << name << " never came up";
  }
}

// The snapshot-isolation search must find both sides: histories that are not snapshot isolation
// (the checker catching nine in ten; 1,318 of 1,318 list-append and 811 of 813 rw-register on these
// seeds), and non-serializable ones that are (write skew, G2), which the checker must pass.
TEST(TxnBruteForce, SnapshotIsolationTallyOnFixedSeeds) {
  for (const bool lists : {true, false}) {
    std::size_t not_si = 0;
    std::size_t caught = 0;
    std::size_t si_not_serializable = 0;
    std::size_t g2_passed = 0;
    for (std::uint64_t seed = 1; seed <= 5000; ++seed) {
      const TxnbruteHistory h = txnbrute_history(lists, 4)(rc::Random(seed), rc::kNominalSize).value();
      const corridor::txn::TxnCheckResult result = txnbrute_check(txnbrute_events(h));
      const bool si = txnbrute_snapshot_isolation(h);
      if (!si) {
        not_si++;
        if (!result.snapshot_isolation) caught++;
        else if (std::getenv("TXNBRUTE_SHOW")) std::printf("missed:\n%s%s", txnbrute_text(txnbrute_events(h)).c_str(), result.explanation.c_str());
      } else if (!txnbrute_serializable(h)) {
        si_not_serializable++;
        if (result.snapshot_isolation) g2_passed++;
      }
    }
    std::printf("%s: %zu not snapshot isolation, %zu caught; %zu snapshot isolation but not serializable, %zu passed\n",
                lists ? "list-append" : "rw-register", not_si, caught, si_not_serializable, g2_passed);
    EXPECT_GT(not_si, 500u);
    EXPECT_GT(caught * 10, not_si * 9);
    EXPECT_GT(si_not_serializable, 5u);
    EXPECT_EQ(g2_passed, si_not_serializable);
  }
}

}  // namespace
