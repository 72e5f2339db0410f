// Every Porcupine history gets its known verdict (README of ../shared/data/histories/porcupine),
// read as the program reads it: the etcd logs with Porcupine's semantics, the kv logs (detected as
// EDN) with Jepsen's, which give the same verdicts since they have no failures and no nil reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "invariants/lincheck/lincheck.hpp"

namespace corridor::lincheck {
namespace {

const std::string porcupine_dir = std::string(CORRIDOR_SHARED_DATA) + "/histories/porcupine";

#define SKIP_WITHOUT_DATA()                                                                                 \
  if (!std::filesystem::exists(porcupine_dir)) {                                                            \
    GTEST_SKIP() << "the shared data folder " << porcupine_dir << " is absent: no Porcupine histories to check"; \
  }

LincheckResult check_file(const std::string& name, bool split = true, bool prune = true) {
  const std::string path = porcupine_dir + "/" + name;
  const ParsedHistory parsed = parse_history(read_file(path), path);
  LincheckOptions options;
  options.model = infer_model(parsed);
  options.split_by_key = split;
  options.prune = prune;
  options.source = path;
  options.event_lines = parsed.event_lines;
  options.semantics = semantics_of(parsed.format);  // as the program reads them
  return check_history(parsed.events, options);
}

bool etcd_linearizable(int i) {
  static const std::set<int> linearizable = {2, 5, 7, 18, 25, 31, 38, 45, 48, 49};
  return linearizable.count(i) > 0;
}

TEST(LincheckPorcupine, EveryEtcdLogGetsItsVerdict) {
  SKIP_WITHOUT_DATA();
  for (int i = 0; i < 50; ++i) {
    const std::string name = fmt::format("etcd/etcd_{:03}.log", i);
    const LincheckResult result = check_file(name);
    EXPECT_EQ(result.model, "cas-register");
    EXPECT_EQ(result.verdict, etcd_linearizable(i) ? LinVerdict::linearizable : LinVerdict::not_linearizable) << name;
    if (result.verdict == LinVerdict::not_linearizable) {
      EXPECT_TRUE(result.violation.has_value()) << name;
      EXPECT_NE(result.explanation.find("cannot be linearized"), std::string::npos) << name;
    }
  }
}

TEST(LincheckPorcupine, ThePlainSearchAgreesOnEveryEtcdLog) {
  SKIP_WITHOUT_DATA();
  for (int i = 0; i < 50; ++i) {
    const std::string name = fmt::format("etcd/etcd_{:03}.log", i);
    EXPECT_EQ(check_file(name, true, false).verdict,
              etcd_linearizable(i) ? LinVerdict::linearizable : LinVerdict::not_linearizable)
        << name;
  }
}

TEST(LincheckPorcupine, EveryKvLogGetsItsVerdictSplitOrWhole) {
  SKIP_WITHOUT_DATA();
  for (const char* clients : {"c01", "c10", "c50"}) {
    for (const bool ok : {true, false}) {
      const std::string name = fmt::format("kv/{}-{}.txt", clients, ok ? "ok" : "bad");
      const LinVerdict expected = ok ? LinVerdict::linearizable : LinVerdict::not_linearizable;
      const LincheckResult split = check_file(name);
      EXPECT_EQ(split.model, "kv");
      EXPECT_GT(split.partitions, 1u) << name;  // one per key
      EXPECT_EQ(split.verdict, expected) << name;
      if (std::string(clients) != "c50") {
        EXPECT_EQ(check_file(name, false).verdict, expected) << name << " as one map";
      }
    }
  }
}

TEST(LincheckPorcupine, TheKvLogsReadTheSameUnderEitherReading) {
  SKIP_WITHOUT_DATA();
  for (const char* name : {"kv/c01-ok.txt", "kv/c01-bad.txt", "kv/c10-ok.txt", "kv/c10-bad.txt"}) {
    const std::string path = porcupine_dir + "/" + name;
    const ParsedHistory parsed = parse_history(read_file(path), path, HistoryFormat::kv);
    LincheckOptions options;
    options.model = "kv";
    options.semantics = semantics_of(HistoryFormat::kv);
    const LinVerdict porcupine_reading = check_history(parsed.events, options).verdict;
    options.semantics = semantics_of(HistoryFormat::edn);
    EXPECT_EQ(check_history(parsed.events, options).verdict, porcupine_reading) << name;
  }
}

TEST(LincheckPorcupine, Etcd000IsExplainedWithItsLines) {
  SKIP_WITHOUT_DATA();
  const LincheckResult result = check_file("etcd/etcd_000.log");
  ASSERT_EQ(result.verdict, LinVerdict::not_linearizable);
  ASSERT_TRUE(result.violation.has_value());
  const Violation& violation = *result.violation;
  EXPECT_FALSE(violation.longest_prefix.empty());
  EXPECT_FALSE(violation.concurrent.empty());
  EXPECT_NE(result.explanation.find("line "), std::string::npos) << "the explanation names no lines";
  EXPECT_NE(result.explanation.find("longest linearizable prefix"), std::string::npos);
}

}  // namespace
}  // namespace corridor::lincheck
