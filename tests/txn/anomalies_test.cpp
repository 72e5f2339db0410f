// The transactional checker on hand-made histories: one per anomaly name, each beside a negative
// that differs in one read and holds, for list-append and rw-register; read from EDN as
// `corridor lincheck` reads a file.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/lincheck.hpp"
#include "invariants/transactional.hpp"
#include "invariants/txn/txncheck.hpp"
#include "model/verdict.hpp"

namespace {

using corridor::txn::EdgeKind;
using corridor::txn::TxnCheckResult;

std::string txnanom_event(int process, const char* type, const std::string& mops) {
  return "{:process " + std::to_string(process) + ", :type :" + type + ", :f :txn, :value " + mops + "}\n";
}
// One transaction invoked and completed at once (no concurrency is needed for these anomalies).
std::string txnanom_ok(int process, const std::string& invoked, const std::string& completed) {
  return txnanom_event(process, "invoke", invoked) + txnanom_event(process, "ok", completed);
}
std::string txnanom_ok(int process, const std::string& mops) { return txnanom_ok(process, mops, mops); }
std::string txnanom_failed(int process, const std::string& mops) {
  return txnanom_event(process, "invoke", mops) + txnanom_event(process, "fail", mops);
}

TxnCheckResult txnanom_check(const std::string& edn) {
  const corridor::lincheck::ParsedHistory parsed = corridor::lincheck::parse_history(edn, "h.edn");
  corridor::txn::TxnCheckOptions options;
  options.source = "h.edn";
  options.event_lines = parsed.event_lines;
  return corridor::txn::check_transactions(parsed.events, options);
}

std::vector<std::string> txnanom_names(const TxnCheckResult& result) {
  std::vector<std::string> names;
  for (const auto& a : result.anomalies) names.push_back(a.name);
  return names;
}

void txnanom_expect_holds(const TxnCheckResult& result) {
  EXPECT_TRUE(result.anomalies.empty()) << result.explanation;
  EXPECT_TRUE(result.serializable);
  EXPECT_TRUE(result.snapshot_isolation);
  EXPECT_EQ(result.explanation, "");
}

// ---- list-append ----

TEST(TxnListAppend, G0WriteCycle) {
  // T1 appends x 1 and y 2, T2 x 2 and y 1; T3 reads x [1 2] (T1 first) and y [1 2] (T2 first).
  const std::string writes = txnanom_ok(0, "[[:append :x 1] [:append :y 2]]") + txnanom_ok(1, "[[:append :x 2] [:append :y 1]]");
  const TxnCheckResult cycle = txnanom_check(writes + txnanom_ok(2, "[[:r :x nil] [:r :y nil]]", "[[:r :x [1 2]] [:r :y [1 2]]]"));
  ASSERT_EQ(txnanom_names(cycle), std::vector<std::string>{"G0"}) << cycle.explanation;
  EXPECT_EQ(cycle.anomalies[0].transactions, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(cycle.anomalies[0].edges, (std::vector<EdgeKind>{corridor::txn::ww, corridor::txn::ww}));
  EXPECT_FALSE(cycle.serializable);
  EXPECT_FALSE(cycle.snapshot_isolation);
  EXPECT_NE(cycle.explanation.find("G0 (write cycle): T1 -ww-> T2 -ww-> T1"), std::string::npos) << cycle.explanation;
  // y [2 1]: T1 first on both keys.
  txnanom_expect_holds(txnanom_check(writes + txnanom_ok(2, "[[:r :x nil] [:r :y nil]]", "[[:r :x [1 2]] [:r :y [2 1]]]")));
}

TEST(TxnListAppend, G1aAbortedRead) {
  const std::string aborted = txnanom_failed(0, "[[:append :x 1]]");
  const TxnCheckResult read = txnanom_check(aborted + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x [1]]]"));
  ASSERT_EQ(txnanom_names(read), std::vector<std::string>{"G1a"}) << read.explanation;
  EXPECT_EQ(read.anomalies[0].transactions, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_NE(read.explanation.find("T2 read x [1], and 1 was written by T1, which aborted"), std::string::npos)
      << read.explanation;
  EXPECT_NE(read.explanation.find("T1: process 0, h.edn:1 to h.edn:2, aborted: [[:append :x 1]]"), std::string::npos)
      << read.explanation;
  EXPECT_FALSE(read.serializable);
  EXPECT_FALSE(read.snapshot_isolation);
  txnanom_expect_holds(txnanom_check(aborted + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x []]]")));
}

TEST(TxnListAppend, G1bIntermediateRead) {
  const std::string writer = txnanom_ok(0, "[[:append :x 1] [:append :x 2]]");
  const TxnCheckResult read = txnanom_check(writer + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x [1]]]"));
  // The read of [1] is also before T1's append of 2 (rw) and after its append of 1 (wr): a cycle.
  ASSERT_EQ(txnanom_names(read), (std::vector<std::string>{"G1b", "G-single"})) << read.explanation;
  EXPECT_NE(read.explanation.find("G1b (intermediate read): T2 read x [1], an intermediate state of T1, which appended [1 2] to it."),
            std::string::npos) << read.explanation;
  EXPECT_FALSE(read.snapshot_isolation);
  txnanom_expect_holds(txnanom_check(writer + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x [1 2]]]")));
}

TEST(TxnListAppend, G1cCircularInformationFlow) {
  // Each reads the other's append: T1 -wr-> T2 -wr-> T1.
  const std::string t1 = txnanom_ok(0, "[[:append :x 1] [:r :y nil]]", "[[:append :x 1] [:r :y [1]]]");
  const TxnCheckResult cycle = txnanom_check(t1 + txnanom_ok(1, "[[:append :y 1] [:r :x nil]]", "[[:append :y 1] [:r :x [1]]]"));
  ASSERT_EQ(txnanom_names(cycle), std::vector<std::string>{"G1c"}) << cycle.explanation;
  EXPECT_EQ(cycle.anomalies[0].edges, (std::vector<EdgeKind>{corridor::txn::wr, corridor::txn::wr}));
  EXPECT_FALSE(cycle.snapshot_isolation);
  // T2 reads x []: it came first.
  txnanom_expect_holds(txnanom_check(t1 + txnanom_ok(1, "[[:append :y 1] [:r :x nil]]", "[[:append :y 1] [:r :x []]]")));
}

TEST(TxnListAppend, GSingleReadSkew) {
  const std::string writer = txnanom_ok(1, "[[:append :x 1] [:append :y 1]]");
  const TxnCheckResult skew = txnanom_check(txnanom_ok(0, "[[:r :x nil] [:r :y nil]]", "[[:r :x []] [:r :y [1]]]") + writer);
  ASSERT_EQ(txnanom_names(skew), std::vector<std::string>{"G-single"}) << skew.explanation;
  EXPECT_EQ(skew.anomalies[0].transactions, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(skew.anomalies[0].edges, (std::vector<EdgeKind>{corridor::txn::rw, corridor::txn::wr}));
  EXPECT_FALSE(skew.serializable);
  EXPECT_FALSE(skew.snapshot_isolation);
  txnanom_expect_holds(txnanom_check(txnanom_ok(0, "[[:r :x nil] [:r :y nil]]", "[[:r :x [1]] [:r :y [1]]]") + writer));
}

TEST(TxnListAppend, G2WriteSkewIsSnapshotIsolation) {
  const std::string t1 = txnanom_ok(0, "[[:r :x nil] [:append :y 1]]", "[[:r :x []] [:append :y 1]]");
  const TxnCheckResult skew = txnanom_check(t1 + txnanom_ok(1, "[[:r :y nil] [:append :x 1]]", "[[:r :y []] [:append :x 1]]"));
  ASSERT_EQ(txnanom_names(skew), std::vector<std::string>{"G2"}) << skew.explanation;
  EXPECT_EQ(skew.anomalies[0].edges, (std::vector<EdgeKind>{corridor::txn::rw, corridor::txn::rw}));
  EXPECT_FALSE(skew.serializable);
  EXPECT_TRUE(skew.snapshot_isolation);
  EXPECT_TRUE(skew.holds(corridor::txn::Isolation::snapshot_isolation));
  EXPECT_FALSE(skew.holds(corridor::txn::Isolation::serializable));
  txnanom_expect_holds(txnanom_check(t1 + txnanom_ok(1, "[[:r :y nil] [:append :x 1]]", "[[:r :y [1]] [:append :x 1]]")));
}

TEST(TxnListAppend, GSIbWhenTheSkewedPairAlsoWritesACommonKey) {
  // As the write skew, but both also append to y, which T1 read without T2's append: under
  // first-committer-wins they cannot overlap, so one saw the other's append, and neither did.
  const std::string t1 = txnanom_ok(0, "[[:r :x nil] [:r :y nil] [:append :y 1]]", "[[:r :x []] [:r :y []] [:append :y 1]]");
  const TxnCheckResult missed = txnanom_check(t1 + txnanom_ok(1, "[[:r :y nil] [:append :x 1] [:append :y 2]]",
                                                              "[[:r :y nil] [:append :x 1] [:append :y 2]]"));
  std::vector<std::string> names = txnanom_names(missed);
  ASSERT_NE(std::find(names.begin(), names.end(), "G-SIb"), names.end()) << missed.explanation;
  EXPECT_FALSE(missed.snapshot_isolation);
  EXPECT_NE(missed.explanation.find("G-SIb (missed effects: a cycle whose other rw edges join writers of a common key): "
                                    "T1 -rw-> T2 -rw-> T1"),
            std::string::npos)
      << missed.explanation;
  // T2 not appending to y: the write skew again, which snapshot isolation allows.
  const TxnCheckResult skew = txnanom_check(t1 + txnanom_ok(1, "[[:r :y nil] [:append :x 1]]", "[[:r :y []] [:append :x 1]]"));
  EXPECT_EQ(txnanom_names(skew), std::vector<std::string>{"G2"}) << skew.explanation;
  EXPECT_TRUE(skew.snapshot_isolation);
}

TEST(TxnListAppend, InternalReadsMustShowTheirOwnAppends) {
  const TxnCheckResult missing = txnanom_check(txnanom_ok(0, "[[:append :x 1] [:r :x nil]]", "[[:append :x 1] [:r :x []]]"));
  ASSERT_EQ(txnanom_names(missing), std::vector<std::string>{"internal"}) << missing.explanation;
  const TxnCheckResult moved = txnanom_check(txnanom_ok(1, "[[:append :x 2]]") +
                                             txnanom_ok(0, "[[:r :x nil] [:r :x nil]]", "[[:r :x []] [:r :x [2]]]"));
  ASSERT_EQ(txnanom_names(moved), std::vector<std::string>{"internal"}) << moved.explanation;
  txnanom_expect_holds(txnanom_check(txnanom_ok(0, "[[:append :x 1] [:r :x nil]]", "[[:append :x 1] [:r :x [1]]]")));
}

TEST(TxnListAppend, IncompatibleOrderDuplicatesAndUnwrittenValues) {
  const std::string writes = txnanom_ok(0, "[[:append :x 1]]") + txnanom_ok(1, "[[:append :x 2]]") + txnanom_ok(2, "[[:append :x 3]]");
  const TxnCheckResult forked = txnanom_check(writes + txnanom_ok(3, "[[:r :x nil]]", "[[:r :x [1 2]]]") +
                                              txnanom_ok(4, "[[:r :x nil]]", "[[:r :x [1 3]]]"));
  EXPECT_EQ(txnanom_names(forked).front(), "incompatible-order") << forked.explanation;
  EXPECT_FALSE(forked.snapshot_isolation);
  txnanom_expect_holds(txnanom_check(writes + txnanom_ok(3, "[[:r :x nil]]", "[[:r :x [1 2]]]") +
                                     txnanom_ok(4, "[[:r :x nil]]", "[[:r :x [1 2 3]]]")));
  const TxnCheckResult twice = txnanom_check(writes + txnanom_ok(3, "[[:r :x nil]]", "[[:r :x [1 1]]]"));
  EXPECT_EQ(txnanom_names(twice), std::vector<std::string>{"duplicate-elements"}) << twice.explanation;
  const TxnCheckResult garbage = txnanom_check(writes + txnanom_ok(3, "[[:r :x nil]]", "[[:r :x [1 9]]]"));
  EXPECT_EQ(txnanom_names(garbage).front(), "unwritten-read") << garbage.explanation;
  EXPECT_FALSE(garbage.serializable);
}

TEST(TxnListAppend, AnObservedIndeterminateTransactionCommitted) {
  // T1's outcome is unknown. Unobserved it may have aborted; once T2 reads its x 1 it committed,
  // and T2's read of y [] puts T2 before T1's append of y 1: a G-single.
  const std::string t1 = txnanom_event(0, "invoke", "[[:append :x 1] [:append :y 1]]") + txnanom_event(0, "info", "nil");
  txnanom_expect_holds(txnanom_check(t1 + txnanom_ok(1, "[[:r :x nil] [:r :y nil]]", "[[:r :x []] [:r :y []]]")));
  const TxnCheckResult seen = txnanom_check(t1 + txnanom_ok(1, "[[:r :x nil] [:r :y nil]]", "[[:r :x [1]] [:r :y []]]"));
  EXPECT_EQ(txnanom_names(seen), std::vector<std::string>{"G-single"}) << seen.explanation;
}

TEST(TxnListAppend, ASerialHistoryOfManyTransactionsHolds) {
  std::string edn;
  std::vector<int> x;
  for (int i = 1; i <= 30; ++i) {  // each reads x, then appends i
    std::string list = "[";
    for (std::size_t j = 0; j < x.size(); ++j) list += (j ? " " : "") + std::to_string(x[j]);
    list += "]";
    edn += txnanom_ok(i % 4, "[[:r :x nil] [:append :x " + std::to_string(i) + "]]",
                      "[[:r :x " + list + "] [:append :x " + std::to_string(i) + "]]");
    x.push_back(i);
  }
  txnanom_expect_holds(txnanom_check(edn));
}

// ---- rw-register ----

TEST(TxnRwRegister, G0WhenEachOverwroteTheOther) {
  // T1 read T2's x 2 and overwrote it with 1; T2 read T1's 1 and overwrote it with 2.
  const TxnCheckResult cycle = txnanom_check(txnanom_ok(0, "[[:r :x nil] [:w :x 1]]", "[[:r :x 2] [:w :x 1]]") +
                                             txnanom_ok(1, "[[:r :x nil] [:w :x 2]]", "[[:r :x 1] [:w :x 2]]"));
  EXPECT_EQ(cycle.model, corridor::txn::TxnModel::rw_register);
  ASSERT_EQ(txnanom_names(cycle), std::vector<std::string>{"G0"}) << cycle.explanation;
  const TxnCheckResult chain = txnanom_check(txnanom_ok(0, "[[:r :x nil] [:w :x 1]]", "[[:r :x nil] [:w :x 1]]") +
                                             txnanom_ok(1, "[[:r :x nil] [:w :x 2]]", "[[:r :x 1] [:w :x 2]]"));
  txnanom_expect_holds(chain);
}

TEST(TxnRwRegister, G1aAndG1b) {
  const TxnCheckResult aborted = txnanom_check(txnanom_failed(0, "[[:w :x 1]]") + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x 1]]"));
  EXPECT_EQ(txnanom_names(aborted), std::vector<std::string>{"G1a"}) << aborted.explanation;
  const std::string twice = txnanom_ok(0, "[[:w :x 1] [:w :x 2]]");
  const TxnCheckResult intermediate = txnanom_check(twice + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x 1]]"));
  EXPECT_EQ(txnanom_names(intermediate), std::vector<std::string>{"G1b"}) << intermediate.explanation;
  txnanom_expect_holds(txnanom_check(twice + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x 2]]")));
  txnanom_expect_holds(txnanom_check(txnanom_failed(0, "[[:w :x 1]]") + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x nil]]")));
}

TEST(TxnRwRegister, GSingleReadSkewAndG2WriteSkew) {
  const std::string writer = txnanom_ok(1, "[[:w :x 1] [:w :y 1]]");
  const TxnCheckResult skew = txnanom_check(txnanom_ok(0, "[[:r :x nil] [:r :y nil]]", "[[:r :x nil] [:r :y 1]]") + writer);
  ASSERT_EQ(txnanom_names(skew), std::vector<std::string>{"G-single"}) << skew.explanation;
  EXPECT_NE(skew.explanation.find("T1 read x = nil before T2 wrote 1; T1 read T2's y = 1"), std::string::npos)
      << skew.explanation;
  txnanom_expect_holds(txnanom_check(txnanom_ok(0, "[[:r :x nil] [:r :y nil]]", "[[:r :x 1] [:r :y 1]]") + writer));
  const TxnCheckResult write_skew = txnanom_check(txnanom_ok(0, "[[:r :x nil] [:w :y 1]]", "[[:r :x nil] [:w :y 1]]") +
                                                  txnanom_ok(1, "[[:r :y nil] [:w :x 1]]", "[[:r :y nil] [:w :x 1]]"));
  ASSERT_EQ(txnanom_names(write_skew), std::vector<std::string>{"G2"}) << write_skew.explanation;
  EXPECT_TRUE(write_skew.snapshot_isolation);
  EXPECT_FALSE(write_skew.serializable);
}

TEST(TxnRwRegister, LostUpdateBreaksSnapshotIsolation) {
  const TxnCheckResult lost = txnanom_check(txnanom_ok(0, "[[:r :x nil] [:w :x 1]]", "[[:r :x nil] [:w :x 1]]") +
                                            txnanom_ok(1, "[[:r :x nil] [:w :x 2]]", "[[:r :x nil] [:w :x 2]]"));
  const std::vector<std::string> names = txnanom_names(lost);
  EXPECT_NE(std::find(names.begin(), names.end(), "lost-update"), names.end()) << lost.explanation;
  EXPECT_FALSE(lost.snapshot_isolation);
  EXPECT_FALSE(lost.serializable);
}

TEST(TxnRwRegister, InternalReads) {
  const TxnCheckResult own = txnanom_check(txnanom_ok(0, "[[:w :x 1] [:r :x nil]]", "[[:w :x 1] [:r :x nil]]"));
  EXPECT_EQ(txnanom_names(own), std::vector<std::string>{"internal"}) << own.explanation;
  txnanom_expect_holds(txnanom_check(txnanom_ok(0, "[[:w :x 1] [:r :x nil]]", "[[:w :x 1] [:r :x 1]]")));
}

// ---- as a history checker of a simulated run ----

TEST(TxnHistoryChecker, ReportsTheLevelsAnomaliesWithTheirInvocations) {
  const corridor::lincheck::ParsedHistory skew = corridor::lincheck::parse_history(
      txnanom_ok(0, "[[:r :x nil] [:append :y 1]]", "[[:r :x []] [:append :y 1]]") +
          txnanom_ok(1, "[[:r :y nil] [:append :x 1]]", "[[:r :y []] [:append :x 1]]"),
      "h.edn");
  const corridor::HistoryChecker serializable = corridor::invariants::transactional({});
  const std::optional<corridor::Violation> v = serializable.check(skew.events);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->invariant, "serializable");
  EXPECT_EQ(v->operations, (std::vector<std::uint64_t>{0, 2}));  // the two invocations
  EXPECT_NE(v->message.find("the client history is not serializable (list-append): G2"), std::string::npos) << v->message;
  const corridor::HistoryChecker si =
      corridor::invariants::transactional({.model = std::nullopt, .isolation = corridor::txn::Isolation::snapshot_isolation});
  EXPECT_EQ(si.name, "snapshot-isolation");
  EXPECT_FALSE(si.check(skew.events).has_value());
}

// ---- malformed histories: one sentence with the line ----

std::string txnanom_error(const std::string& edn) {
  try {
    txnanom_check(edn);
  } catch (const corridor::InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(TxnMalformed, EachGetsOneSentenceWithItsLine) {
  EXPECT_EQ(txnanom_error("{:process 0, :type :invoke, :f :read, :value nil}\n"),
            "h.edn:1: the transactional checker reads :f :txn operations, found :f :read");
  EXPECT_EQ(txnanom_error(txnanom_ok(0, "[[:frob :x 1]]")),
            "h.edn:2: a transaction has no micro-operation 'frob' (r, w, append; or read, write)");
  EXPECT_EQ(txnanom_error(txnanom_ok(0, "[[:append :x 1]]") + txnanom_ok(1, "[[:append :x 1]]")),
            "h.edn:3: appends 1 to x again (first at h.edn:1); the checker needs every written value unique per key");
  EXPECT_EQ(txnanom_error(txnanom_ok(0, "[[:append :x [1]]]")),
            "h.edn:2: [append x [1]] writes a list; writes and appends take an integer");
  EXPECT_EQ(txnanom_error(txnanom_ok(0, "[[:append :x 1]]") + txnanom_ok(1, "[[:w :y 1]]")),
            "h.edn:1: this transaction appends and h.edn:3 writes: a history is list-append or rw-register, not both");
  EXPECT_EQ(txnanom_error(txnanom_ok(0, "[[:w :x 1]]") + txnanom_ok(1, "[[:r :x nil]]", "[[:r :x [1]]]")),
            "h.edn:4: a read of x returned a list, which the rw-register model has no reading of");
  EXPECT_EQ(txnanom_error(txnanom_event(0, "invoke", "[[:w :x nil]]")),
            "h.edn:1: [w x nil] needs an integer (the transactional checker tells writers apart by their unique integer values)");
  EXPECT_EQ(txnanom_error(txnanom_event(0, "invoke", "nil") + txnanom_event(0, "fail", "nil")),
            "h.edn:2: a fail transaction without its micro-operations (the value is nil)");
  EXPECT_EQ(txnanom_error(txnanom_event(0, "invoke", "3") + txnanom_event(0, "ok", "3")),
            "h.edn:2: expected a transaction [[:r :x 1] [:append :y 2] ...] as the txn value, found 3");
  EXPECT_EQ(txnanom_error(txnanom_event(0, "invoke", "[[:r :x [1 :a]]]")),
            "h.edn:1:56: expected an integer in the list a micro-operation read, found a keyword");
}

// The readers now carry a list in a micro-operation; the multi-register model says it has none.
TEST(TxnMalformed, TheMultiRegisterModelNamesAListAsNotItsValue) {
  const corridor::lincheck::ParsedHistory parsed =
      corridor::lincheck::parse_history(txnanom_ok(0, "[[:read :x nil]]", "[[:read :x [1 2]]]"), "h.edn");
  corridor::lincheck::LincheckOptions options;
  options.model = "multi-register";
  options.source = "h.edn";
  options.event_lines = parsed.event_lines;
  try {
    corridor::lincheck::check_history(parsed.events, options);
    ADD_FAILURE() << "no error";
  } catch (const corridor::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the multi-register model's values are nil, integers and strings, not the list "
                                         "in \"read x [1 2]\" (list-append transactions: --model txn)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
