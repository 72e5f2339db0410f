// Each model on small hand-written histories, linearizable and not.
#include <gtest/gtest.h>

#include "tests/lincheck/history_builder.hpp"

namespace corridor::lincheck::test {
namespace {

constexpr auto yes = LinVerdict::linearizable;
constexpr auto no = LinVerdict::not_linearizable;

TEST(LincheckRegister, SequentialReadsSeeTheLastWrite) {
  HistoryBuilder h;
  h.op(0, "read", {}, {}).op(0, "write", 1, {}).op(1, "read", {}, 1);
  EXPECT_EQ(check(h.history(), "register"), yes);
  h.op(1, "read", {}, 2);
  EXPECT_EQ(check(h.history(), "register"), no);
}

TEST(LincheckRegister, ConcurrentWriteMayTakeEffectOnEitherSide) {
  HistoryBuilder h;
  h.invoke(0, "write", 1).op(1, "read", {}, 1).op(1, "read", {}, std::monostate{});
  h.ok(0, "write");
  EXPECT_EQ(check(h.history(), "register"), no);  // 1 then nil: the write cannot be undone
  HistoryBuilder g;
  g.invoke(0, "write", 1).op(1, "read", {}, std::monostate{}).op(1, "read", {}, 1).ok(0, "write");
  EXPECT_EQ(check(g.history(), "register"), yes);
}

TEST(LincheckRegister, IndeterminateWriteMayOrMayNotHappen) {
  HistoryBuilder took;
  took.invoke(0, "write", 5).info(0, "write").op(1, "read", {}, 5);
  EXPECT_EQ(check(took.history(), "register"), yes);
  HistoryBuilder did_not;
  did_not.invoke(0, "write", 5).info(0, "write").op(1, "read", {}, std::monostate{});
  EXPECT_EQ(check(did_not.history(), "register"), yes);
  HistoryBuilder failed;  // a failed write did not happen
  failed.invoke(0, "write", 5).fail(0, "write").op(1, "read", {}, 5);
  EXPECT_EQ(check(failed.history(), "register"), no);
}

TEST(LincheckCasRegister, FailedCasIsAnObservation) {
  HistoryBuilder h;
  h.op(0, "write", 1, {}).invoke(0, "cas", pair(1, 2)).fail(0, "cas", pair(1, 2));
  EXPECT_EQ(check(h.history(), "cas-register"), no);  // the register held 1: the cas had to succeed
  HistoryBuilder g;
  g.op(0, "write", 1, {}).op(0, "cas", pair(1, 2), pair(1, 2)).invoke(0, "cas", pair(1, 3)).fail(0, "cas");
  g.op(1, "read", {}, 2);
  EXPECT_EQ(check(g.history(), "cas-register"), yes);
}

TEST(LincheckCasRegister, RejectsAFunctionItDoesNotHave) {
  HistoryBuilder h;
  h.op(0, "enqueue", 1, {});
  EXPECT_THROW(check(h.history(), "cas-register"), InputError);
}

TEST(LincheckKv, KeysAreIndependentAndAppendsConcatenate) {
  HistoryBuilder h;
  h.op(0, "put", "a", {}, "x").op(0, "append", "b", {}, "x").op(1, "get", {}, "ab", "x").op(1, "get", {}, "", "y");
  EXPECT_EQ(check(h.history(), "kv"), yes);
  h.op(1, "get", {}, "ba", "x");
  EXPECT_EQ(check(h.history(), "kv"), no);
}

TEST(LincheckKv, CasAndDelete) {
  HistoryBuilder h;
  h.op(0, "put", 1, {}, "k").op(0, "cas", pair(1, 2), {}, "k").op(0, "get", {}, 2, "k");
  h.op(0, "delete", {}, {}, "k").op(0, "get", {}, std::monostate{}, "k");
  EXPECT_EQ(check(h.history(), "kv"), yes);
  HistoryBuilder strings;
  strings.op(0, "put", "a", {}, "k")
      .op(0, "cas", std::vector<std::string>{"a", "b"}, {}, "k")
      .op(0, "get", {}, "b", "k");
  EXPECT_EQ(check(strings.history(), "kv"), yes);
  strings.op(0, "cas", std::vector<std::string>{"a", "c"}, {}, "k");
  EXPECT_EQ(check(strings.history(), "kv"), no);
}

TEST(LincheckKv, ConcurrentAppendsInEitherOrderButOnlyOne) {
  HistoryBuilder h;
  h.invoke(0, "append", "a", "k").invoke(1, "append", "b", "k").ok(0, "append", {}, "k").ok(1, "append", {}, "k");
  h.op(2, "get", {}, "ba", "k").op(3, "get", {}, "ba", "k");
  EXPECT_EQ(check(h.history(), "kv"), yes);
  h.op(3, "get", {}, "ab", "k");
  EXPECT_EQ(check(h.history(), "kv"), no);
}

TEST(LincheckLock, MutualExclusion) {
  HistoryBuilder h;
  h.op(0, "acquire", {}, {}).op(0, "release", {}, {}).op(1, "acquire", {}, {});
  EXPECT_EQ(check(h.history(), "lock"), yes);
  h.op(2, "acquire", {}, {});
  EXPECT_EQ(check(h.history(), "lock"), no);
}

TEST(LincheckQueue, FirstInFirstOut) {
  HistoryBuilder h;
  h.op(0, "enqueue", 1, {}).op(0, "enqueue", 2, {}).op(1, "dequeue", {}, 1).op(1, "dequeue", {}, 2);
  h.op(1, "dequeue", {}, std::monostate{});
  EXPECT_EQ(check(h.history(), "queue"), yes);
  HistoryBuilder g;
  g.op(0, "enqueue", 1, {}).op(0, "enqueue", 2, {}).op(1, "dequeue", {}, 2);
  EXPECT_EQ(check(g.history(), "queue"), no);
}

TEST(LincheckSet, ReadsSeeEveryAddedElement) {
  HistoryBuilder h;
  h.op(0, "add", 1, {}).op(0, "add", 2, {}).op(1, "read", {}, std::vector<std::int64_t>{2, 1});
  EXPECT_EQ(check(h.history(), "set"), yes);
  h.op(1, "read", {}, std::vector<std::int64_t>{1});
  EXPECT_EQ(check(h.history(), "set"), no);
}

TEST(LincheckCounter, ReadsSeeTheSum) {
  HistoryBuilder h;
  h.op(0, "add", 2, {}).invoke(1, "increment").op(2, "read", {}, 2).ok(1, "increment").op(2, "read", {}, 3);
  EXPECT_EQ(check(h.history(), "counter"), yes);
  h.op(2, "read", {}, 2);
  EXPECT_EQ(check(h.history(), "counter"), no);
}

TEST(LincheckHistory, MisuseIsAnInputErrorWithItsPlace) {
  HistoryBuilder twice;
  twice.invoke(0, "read").invoke(0, "read");
  EXPECT_THROW(check(twice.history(), "register"), InputError);
  HistoryBuilder orphan;
  orphan.ok(0, "read", 1);
  try {
    LincheckOptions options;
    options.model = "register";
    options.source = "h.jsonl";
    options.event_lines = {7};
    (void)check_history(orphan.history(), options);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("h.jsonl:7"), std::string::npos) << e.what();
  }
  EXPECT_THROW(check(HistoryBuilder().history(), "no-such-model"), UsageError);
}

TEST(LincheckHistory, EmptyHistoryIsLinearizable) {
  for (const std::string& model : model_names()) EXPECT_EQ(check({}, model), yes) << model;
}

TEST(LincheckBudget, TimeAndMemoryGiveUnknownNeverAHang) {
  const History history = exponential_set_history(26);
  LincheckOptions options;
  options.model = "set";
  options.time_budget_s = 0.05;
  LincheckResult result = check_history(history, options);
  EXPECT_EQ(result.verdict, LinVerdict::unknown);
  EXPECT_NE(result.explanation.find("time budget"), std::string::npos) << result.explanation;
  options.time_budget_s = 60;
  options.memory_budget_bytes = 256 << 10;
  result = check_history(history, options);
  EXPECT_EQ(result.verdict, LinVerdict::unknown);
  EXPECT_NE(result.explanation.find("memory budget"), std::string::npos) << result.explanation;
  EXPECT_EQ(exit_code_of(result.verdict), 4);
  EXPECT_EQ(check(exponential_set_history(10), "set"), no);  // small enough to finish
}

TEST(LincheckResult, ExplainsTheViolationInWords) {
  HistoryBuilder h;
  h.op(0, "write", 1, {}).invoke(1, "read").op(0, "write", 2, {}).ok(1, "read", 3);
  LincheckOptions options;
  options.model = "register";
  const LincheckResult result = check_history(h.history(), options);
  ASSERT_EQ(result.verdict, no);
  ASSERT_TRUE(result.violation.has_value());
  EXPECT_EQ(result.violation->operation, 1u);  // the read, second invoked
  EXPECT_NE(result.explanation.find("#2"), std::string::npos) << result.explanation;
  EXPECT_NE(result.explanation.find("cannot be linearized"), std::string::npos) << result.explanation;
  EXPECT_NE(result.explanation.find("read -> 3"), std::string::npos) << result.explanation;
  EXPECT_EQ(to_verdict(result.verdict), Verdict::safety);
  EXPECT_EQ(exit_code_of(result.verdict), 1);
}

}  // namespace
}  // namespace corridor::lincheck::test
