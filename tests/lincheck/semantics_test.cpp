// One small hand-written history per reading rule, with the verdict each reading gives: Jepsen's
// and Knossos's for EDN (a failed operation did not happen, a nil read is unknown, the register
// starts where the test says), Porcupine's for its etcd and kv logs, corridor's own for JSON
// Lines; the multi-register model; set reads with duplicates; Jepsen `independent` histories;
// events out of :time order; a file that opens with a list.
#include <gtest/gtest.h>

#include <string>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/lincheck.hpp"
#include "model/verdict.hpp"

namespace corridor::lincheck {
namespace {

Semantics jepsen() { return semantics_of(HistoryFormat::edn); }
Semantics porcupine() { return semantics_of(HistoryFormat::etcd); }

LincheckResult check_text(const std::string& edn, const Semantics& semantics, std::string model = "") {
  const ParsedHistory parsed = parse_history(edn, "h.edn");
  LincheckOptions options;
  options.model = model.empty() ? infer_model(parsed) : model;
  options.semantics = semantics;
  options.threads = 1;
  options.source = "h.edn";
  options.event_lines = parsed.event_lines;
  return check_history(parsed.events, options);
}

LinVerdict verdict(const std::string& edn, const Semantics& semantics, std::string model = "") {
  return check_text(edn, semantics, std::move(model)).verdict;
}

constexpr LinVerdict yes = LinVerdict::linearizable;
constexpr LinVerdict no = LinVerdict::not_linearizable;

TEST(LincheckSemantics, EachFormatCarriesItsToolsReading) {
  EXPECT_EQ(semantics_of(HistoryFormat::edn).fail_means, FailMeans::not_happened);
  EXPECT_EQ(semantics_of(HistoryFormat::edn).nil_read, NilRead::unknown);
  for (const HistoryFormat format : {HistoryFormat::etcd, HistoryFormat::kv, HistoryFormat::jsonl}) {
    EXPECT_EQ(semantics_of(format).fail_means, FailMeans::observed) << to_string(format);
    EXPECT_EQ(semantics_of(format).nil_read, NilRead::value) << to_string(format);
    EXPECT_FALSE(semantics_of(format).initial.has_value()) << to_string(format);
  }
}

// The register holds 1, alone; a cas from 1 fails. Knossos: the failed cas did not happen, nothing
// to check. Porcupine: the cas saw a value other than 1, which nothing explains.
TEST(LincheckSemantics, AFailedCasIsNothingForJepsenAndAnObservationForPorcupine) {
  const std::string h =
      "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n"
      "{:process 1, :type :invoke, :f :cas, :value [1 2]}\n{:process 1, :type :fail, :f :cas, :value [1 2]}\n";
  EXPECT_EQ(verdict(h, jepsen()), yes);
  EXPECT_EQ(verdict(h, porcupine()), no);
  Semantics override = jepsen();
  override.fail_means = FailMeans::observed;
  EXPECT_EQ(verdict(h, override), no);
}

// A failed write did not take effect under either reading: a later read of its value is wrong.
TEST(LincheckSemantics, AFailedWriteDidNotHappenUnderEitherReading) {
  const std::string h =
      "{:process 0, :type :invoke, :f :write, :value 3}\n{:process 0, :type :fail, :f :write, :value 3}\n"
      "{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value 3}\n";
  EXPECT_EQ(verdict(h, jepsen()), no);
  EXPECT_EQ(verdict(h, porcupine()), no);
}

// A read of nil after a write of 1: Knossos's register accepts any nil read; Porcupine's reads
// it as "the register holds nil".
TEST(LincheckSemantics, ANilReadIsUnknownForKnossosAndAValueForPorcupine) {
  const std::string h =
      "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value 1}\n"
      "{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value nil}\n";
  EXPECT_EQ(verdict(h, jepsen()), yes);
  EXPECT_EQ(verdict(h, porcupine()), no);
  Semantics override = jepsen();
  override.nil_read = NilRead::value;
  EXPECT_EQ(verdict(h, override), no);
}

// A queue's nil dequeue says the queue was empty whatever the reading: after an enqueue, wrong.
TEST(LincheckSemantics, AQueuesNilDequeueIsAValueUnderEitherReading) {
  const std::string h =
      "{:process 0, :type :invoke, :f :enqueue, :value 1}\n{:process 0, :type :ok, :f :enqueue, :value 1}\n"
      "{:process 1, :type :invoke, :f :dequeue, :value nil}\n{:process 1, :type :ok, :f :dequeue, :value nil}\n";
  EXPECT_EQ(verdict(h, jepsen()), no);
  EXPECT_EQ(verdict(h, porcupine()), no);
}

// Knossos's tests check with (cas-register 0): a first read of 0 and a cas from 0 are right there,
// and wrong from nil.
TEST(LincheckSemantics, TheInitialValueIsTheOneGiven) {
  const std::string h =
      "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 0}\n"
      "{:process 0, :type :invoke, :f :cas, :value [0 4]}\n{:process 0, :type :ok, :f :cas, :value [0 4]}\n"
      "{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value 4}\n";
  Semantics from_zero = jepsen();
  from_zero.initial = HistoryValue{std::int64_t{0}};
  EXPECT_EQ(verdict(h, from_zero), yes);
  EXPECT_EQ(verdict(h, jepsen()), no);
  from_zero.initial = HistoryValue{std::int64_t{1}};
  EXPECT_EQ(verdict(h, from_zero), no);
}

TEST(LincheckSemantics, AnInitialValueIsForRegisterModelsOnly) {
  Semantics semantics = jepsen();
  semantics.initial = HistoryValue{std::int64_t{0}};
  const std::string h = "{:process 0, :type :invoke, :f :add, :value 1}\n{:process 0, :type :ok, :f :add, :value 1}\n";
  EXPECT_THROW(verdict(h, semantics, "counter"), UsageError);
}

// Knossos's multi-register: a transaction is atomic. p0 writes x and y together while p1 reads;
// p1 seeing the new x with the old y is impossible, unless (Knossos) its nil read says nothing.
TEST(LincheckSemantics, MultiRegisterTransactionsAreAtomic) {
  const std::string torn =
      "{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n"
      "{:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}\n"
      "{:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:read :y nil]]}\n"
      "{:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n";
  EXPECT_EQ(infer_model(parse_history(torn, "h.edn")), "multi-register");
  EXPECT_EQ(verdict(torn, porcupine()), no);
  EXPECT_EQ(verdict(torn, jepsen()), yes);
  const std::string whole =
      "{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n"
      "{:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}\n"
      "{:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:read :y 1]]}\n"
      "{:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]]}\n"
      "{:process 1, :type :invoke, :f :txn, :value [[:write :y 5] [:read :y nil]]}\n"
      "{:process 1, :type :ok, :f :txn, :value [[:write :y 5] [:read :y 5]]}\n";
  EXPECT_EQ(verdict(whole, porcupine()), yes);
  EXPECT_EQ(verdict(whole, jepsen()), yes);
  const std::string stale =
      "{:process 0, :type :invoke, :f :txn, :value [[:write :x 1]]}\n{:process 0, :type :ok, :f :txn, :value [[:write :x 1]]}\n"
      "{:process 1, :type :invoke, :f :txn, :value [[:read :x nil]]}\n{:process 1, :type :ok, :f :txn, :value [[:read :x 2]]}\n";
  EXPECT_EQ(verdict(stale, jepsen()), no);
  Semantics from_two = jepsen();
  from_two.initial = HistoryValue{std::int64_t{2}};
  EXPECT_EQ(verdict(stale, from_two), no);  // x was overwritten with 1 before the read began
}

// An indeterminate transaction may have taken effect: its writes may explain a later read.
TEST(LincheckSemantics, AnIndeterminateTransactionsWritesMayHaveHappened) {
  const std::string h =
      "{:process 0, :type :invoke, :f :txn, :value [[:write :x 7] [:read :y nil]]}\n"
      "{:process 0, :type :info, :f :txn, :value [[:write :x 7] [:read :y nil]]}\n"
      "{:process 1, :type :invoke, :f :txn, :value [[:read :x nil]]}\n"
      "{:process 1, :type :ok, :f :txn, :value [[:read :x 7]]}\n";
  EXPECT_EQ(verdict(h, porcupine()), yes);
}

TEST(LincheckSemantics, AMalformedTransactionIsRejectedWithItsLine) {
  const std::string h = "{:process 0, :type :invoke, :f :txn, :value [[:read :x]]}\n";
  try {
    (void)parse_history(h, "h.edn");
    FAIL() << "a micro-operation of two elements was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("h.edn:1:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("micro-operation"), std::string::npos) << e.what();
  }
}

// Porcupine's own set test: a read of [100 100 110] is not linearizable, whatever was added.
TEST(LincheckSemantics, ASetReadWithDuplicatesIsImpossible) {
  const std::string adds =
      "{:process 0, :type :invoke, :f :add, :value 100}\n{:process 0, :type :ok, :f :add, :value 100}\n"
      "{:process 1, :type :invoke, :f :add, :value 110}\n{:process 1, :type :ok, :f :add, :value 110}\n";
  const std::string twice = adds + "{:process 2, :type :invoke, :f :read}\n{:process 2, :type :ok, :f :read, :value [100 100 110]}\n";
  const std::string once = adds + "{:process 2, :type :invoke, :f :read}\n{:process 2, :type :ok, :f :read, :value [110 100]}\n";
  for (const Semantics& semantics : {jepsen(), porcupine()}) {
    EXPECT_EQ(verdict(twice, semantics), no);
    EXPECT_EQ(verdict(once, semantics), yes);
  }
}

// Jepsen's independent checker: [k v] tuples, one register per key. Key 0 is right, key 1 is
// read as 1 though never written: not linearizable, and the violation names key 1.
TEST(LincheckSemantics, IndependentTuplesAreSplitIntoKeys) {
  const std::string h =
      "{:process 0, :type :invoke, :f :write, :value [0 1]}\n{:process 0, :type :ok, :f :write, :value [0 1]}\n"
      "{:process 1, :type :invoke, :f :read, :value [0 nil]}\n{:process 1, :type :ok, :f :read, :value [0 1]}\n"
      "{:process 2, :type :invoke, :f :cas, :value [1 [0 3]]}\n{:process 2, :type :ok, :f :cas, :value [1 [0 3]]}\n"
      "{:process 1, :type :invoke, :f :read, :value [1 nil]}\n{:process 1, :type :ok, :f :read, :value [1 1]}\n";
  const ParsedHistory parsed = parse_history(h, "h.edn");
  ASSERT_EQ(parsed.events.size(), 8u);
  EXPECT_EQ(parsed.events[0].key, "0");
  EXPECT_EQ(parsed.events[0].value, HistoryValue{std::int64_t{1}});
  EXPECT_EQ(parsed.events[4].value, HistoryValue(std::vector<std::int64_t>{0, 3}));
  Semantics from_zero = jepsen();
  from_zero.initial = HistoryValue{std::int64_t{0}};
  const LincheckResult result = check_text(h, from_zero);
  EXPECT_EQ(result.model, "cas-register");
  EXPECT_EQ(result.partitions, 2u);
  ASSERT_EQ(result.verdict, no);
  EXPECT_EQ(result.violation->key, "1");
  // the same file without key 1's wrong read: each key on its own is linearizable
  EXPECT_EQ(verdict(h.substr(0, h.rfind("{:process 1, :type :invoke")), from_zero), yes);
}

// A plain cas history: [1 2] is the cas's pair, not a key and a value.
TEST(LincheckSemantics, APlainCasPairIsNotATuple) {
  const std::string h =
      "{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :fail, :f :cas, :value [1 2]}\n"
      "{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read, :value 2}\n";
  const ParsedHistory parsed = parse_history(h, "h.edn");
  EXPECT_EQ(parsed.events[0].key, "");
  EXPECT_EQ(verdict(h, jepsen()), no);  // nothing wrote 2
}

TEST(LincheckSemantics, AnIndependentHistoryWithAPlainValueIsRejectedWithItsLine) {
  const std::string h =
      "{:process 0, :type :invoke, :f :write, :value [0 1]}\n{:process 0, :type :ok, :f :write, :value [0 1]}\n"
      "{:process 0, :type :invoke, :f :write, :value 3}\n";
  try {
    (void)parse_history(h, "h.edn");
    FAIL() << "a plain value in an independent history was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("h.edn:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[key value] tuple"), std::string::npos) << e.what();
  }
}

// In file order the read of 1 returns before the write of 1 is invoked; by :time the write comes
// first. The events are checked in :time order, with a warning naming the first line out of order.
TEST(LincheckSemantics, EventsOutOfTimeOrderAreOrderedByTimeWithAWarning) {
  const std::string h =
      "{:process 1, :type :invoke, :f :read, :value nil, :time 30}\n{:process 1, :type :ok, :f :read, :value 1, :time 40}\n"
      "{:process 0, :type :invoke, :f :write, :value 1, :time 10}\n{:process 0, :type :ok, :f :write, :value 1, :time 20}\n";
  const ParsedHistory parsed = parse_history(h, "h.edn");
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_NE(parsed.warnings[0].find("h.edn:3:"), std::string::npos) << parsed.warnings[0];
  EXPECT_EQ(parsed.event_lines, (std::vector<std::uint32_t>{3, 4, 1, 2}));
  EXPECT_EQ(verdict(h, jepsen()), yes);
  // without times, the file's order is the order: the read returned before the write began
  std::string untimed = h;
  for (const char* t : {", :time 30", ", :time 40", ", :time 10", ", :time 20"}) untimed.erase(untimed.find(t), std::string(t).size());
  EXPECT_TRUE(parse_history(untimed, "h.edn").warnings.empty());
  EXPECT_EQ(verdict(untimed, jepsen()), no);
}

TEST(LincheckSemantics, EventsInTimeOrderGiveNoWarning) {
  const std::string h =
      "{:process 0, :type :invoke, :f :write, :value 1, :time 10}\n{:process 1, :type :invoke, :f :read, :time 10}\n"
      "{:process 0, :type :ok, :f :write, :value 1, :time 20}\n{:process 1, :type :ok, :f :read, :value 1, :time 30}\n";
  EXPECT_TRUE(parse_history(h, "h.edn").warnings.empty());
}

// Some of Knossos's histories are one list of maps: ( ... ).
TEST(LincheckSemantics, AFileOpeningWithAListIsEdn) {
  const std::string h =
      "({:process 0, :type :invoke, :f :write, :value 1}\n {:process 0, :type :ok, :f :write, :value 1}\n"
      " {:process 1, :type :invoke, :f :read, :value nil}\n {:process 1, :type :ok, :f :read, :value 2})\n";
  EXPECT_EQ(detect_format(h, "h.edn"), HistoryFormat::edn);
  const ParsedHistory parsed = parse_history(h, "h.edn");
  EXPECT_EQ(parsed.events.size(), 4u);
  EXPECT_EQ(parsed.event_lines, (std::vector<std::uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(verdict(h, jepsen()), no);
}

TEST(LincheckSemantics, ScalarValuesOfTheCommandLine) {
  EXPECT_EQ(parse_scalar_value("0"), HistoryValue{std::int64_t{0}});
  EXPECT_EQ(parse_scalar_value("nil"), HistoryValue{});
  EXPECT_EQ(parse_scalar_value("\"a b\""), HistoryValue{std::string("a b")});
  EXPECT_EQ(parse_scalar_value(":x"), HistoryValue{std::string("x")});
  EXPECT_FALSE(parse_scalar_value("[1 2]").has_value());
  EXPECT_FALSE(parse_scalar_value("1 2").has_value());
  EXPECT_FALSE(parse_scalar_value("").has_value());
}

}  // namespace
}  // namespace corridor::lincheck
