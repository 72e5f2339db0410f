// corridor lincheck on transactions, as a user meets it: the verdict line, the anomaly sentence,
// exit codes (0 holds, 1 not, 64 a bad argument, 65 a malformed file), --isolation, --json, and
// both file formats.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_process.hpp"

namespace {

#ifdef CORRIDOR_CLI
corridor_test::CliResult txncli_run(const std::string& args) { return corridor_test::run_cli(CORRIDOR_CLI, "lincheck " + args); }
#define TXNCLI_SKIP_WITHOUT_CLI()
#else
corridor_test::CliResult txncli_run(const std::string&) { return {}; }
#define TXNCLI_SKIP_WITHOUT_CLI() GTEST_SKIP() << "the corridor program is not built"
#endif

std::string txncli_file(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("corridor-txn-cli-test-" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

// Write skew in list-append: each reads the key the other appends to, and sees nothing.
const char* const txncli_write_skew =
    "{:process 0, :type :invoke, :f :txn, :value [[:r :x nil] [:append :y 1]]}\n"
    "{:process 1, :type :invoke, :f :txn, :value [[:r :y nil] [:append :x 1]]}\n"
    "{:process 1, :type :ok, :f :txn, :value [[:r :y []] [:append :x 1]]}\n"
    "{:process 0, :type :ok, :f :txn, :value [[:r :x []] [:append :y 1]]}\n";

TEST(TxnCli, WriteSkewIsNotSerializableButIsSnapshotIsolation) {
  TXNCLI_SKIP_WITHOUT_CLI();
  const std::string file = txncli_file("skew.edn", txncli_write_skew);
  const auto serial = txncli_run(file);  // Elle's micro-operation names: the transactional checker
  EXPECT_EQ(serial.exit_code, 1) << serial.out;
  EXPECT_NE(serial.out.find(": NOT serializable, but snapshot isolation (list-append, 2 transactions;"), std::string::npos)
      << serial.out;
  EXPECT_NE(serial.out.find("G2 (a cycle with anti-dependencies): T1 -rw-> T2 -rw-> T1: T1 read x [] without T2's "
                            "append of 1; T2 read y [] without T1's append of 1.\n"),
            std::string::npos)
      << serial.out;
  EXPECT_NE(serial.out.find("  T2: process 1, " + file + ":2 to " + file + ":3, committed: [[:r :y []] [:append :x 1]]"),
            std::string::npos)
      << serial.out;
  const auto si = txncli_run(file + " --model txn --isolation snapshot-isolation");
  EXPECT_EQ(si.exit_code, 0) << si.out;
}

TEST(TxnCli, JsonLinesAndJsonOutput) {
  TXNCLI_SKIP_WITHOUT_CLI();
  const std::string file = txncli_file(
      "serial.jsonl",
      "{\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"w\",\"x\",1],[\"r\",\"y\",null]]}\n"
      "{\"process\":0,\"type\":\"ok\",\"f\":\"txn\",\"value\":[[\"w\",\"x\",1],[\"r\",\"y\",null]]}\n"
      "{\"process\":1,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"r\",\"x\",null]]}\n"
      "{\"process\":1,\"type\":\"ok\",\"f\":\"txn\",\"value\":[[\"r\",\"x\",1]]}\n");
  const auto text = txncli_run(file + " --model rw-register");
  EXPECT_EQ(text.exit_code, 0) << text.out;
  EXPECT_NE(text.out.find(": serializable (rw-register, 2 transactions;"), std::string::npos) << text.out;
  const auto json = txncli_run(file + " --model txn --json");
  ASSERT_EQ(json.exit_code, 0) << json.out;
  const nlohmann::json line = nlohmann::json::parse(json.out);
  EXPECT_EQ(line["model"], "rw-register");
  EXPECT_EQ(line["format"], "jsonl");
  EXPECT_EQ(line["valid"], true);
  EXPECT_EQ(line["serializable"], true);
  EXPECT_EQ(line["transactions"], 2);
  EXPECT_TRUE(line["anomalies"].empty());
  const auto skew = txncli_run(txncli_file("skew2.edn", txncli_write_skew) + " --json --isolation snapshot-isolation");
  ASSERT_EQ(skew.exit_code, 0) << skew.out;
  const nlohmann::json anomaly = nlohmann::json::parse(skew.out)["anomalies"][0];
  EXPECT_EQ(anomaly["name"], "G2");
  EXPECT_EQ(anomaly["transactions"], (nlohmann::json{"T1", "T2"}));
  EXPECT_EQ(anomaly["edges"], (nlohmann::json{"rw", "rw"}));
}

// A simulated run's trace writes a transaction's value as the micro-operation texts themselves.
TEST(TxnCli, TraceLinesAsTheTraceWritesThem) {
  TXNCLI_SKIP_WITHOUT_CLI();
  const std::string file = txncli_file(
      "trace.jsonl",
      "{\"corridor_trace\":1}\n"
      "{\"kind\":\"history\",\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[\"append x 1\",\"r y nil\"]}\n"
      "{\"kind\":\"history\",\"process\":1,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[\"append y 1\",\"r x nil\"]}\n"
      "{\"kind\":\"history\",\"process\":0,\"type\":\"ok\",\"f\":\"txn\",\"value\":[\"append x 1\",\"r y [1]\"]}\n"
      "{\"kind\":\"history\",\"process\":1,\"type\":\"ok\",\"f\":\"txn\",\"value\":[\"append y 1\",\"r x [1]\"]}\n");
  const auto run = txncli_run(file + " --model txn");
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("G1c (circular information flow): T1 -wr-> T2 -wr-> T1"), std::string::npos) << run.out;
}

TEST(TxnCli, BadInputAndBadArguments) {
  TXNCLI_SKIP_WITHOUT_CLI();
  const std::string dup = txncli_file("dup.edn",
                                      "{:process 0, :type :invoke, :f :txn, :value [[:append :x 1]]}\n"
                                      "{:process 0, :type :ok, :f :txn, :value [[:append :x 1] [:append :x 1]]}\n");
  const auto malformed = txncli_run(dup + " --model txn");
  EXPECT_EQ(malformed.exit_code, 65) << malformed.out;
  EXPECT_NE(malformed.out.find(dup + ":1: appends 1 to x again (first at " + dup + ":1)"), std::string::npos) << malformed.out;
  const std::string skew = txncli_file("skew3.edn", txncli_write_skew);
  EXPECT_EQ(txncli_run(skew + " --isolation repeatable-read").exit_code, 64);
  const auto html = txncli_run(skew + " --model txn --html out.html");
  EXPECT_EQ(html.exit_code, 64) << html.out;
  EXPECT_NE(html.out.find("--html is an option of the linearizability models, not of transactions"), std::string::npos)
      << html.out;
  EXPECT_EQ(txncli_run(skew + " --model register --isolation serializable").exit_code, 64);
}

}  // namespace
