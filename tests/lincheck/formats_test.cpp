// The history parsers: each format, autodetection, and a malformed file's place and expectation.
#include <gtest/gtest.h>

#include "invariants/lincheck/formats/history_file.hpp"
#include "model/verdict.hpp"

namespace corridor::lincheck {
namespace {

std::string error_of(std::string_view text, std::optional<HistoryFormat> format = std::nullopt) {
  try {
    (void)parse_history(text, "f", format);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LincheckFormats, EtcdLogLines) {
  const ParsedHistory h = parse_history(
      "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]\n"
      "INFO  jepsen.util - 3   :fail   :cas   [1 2]\n\n"
      "INFO  jepsen.util - 4\t:invoke\t:write\t4\n"
      "INFO  jepsen.util - 4\t:info\t:write\t:timed-out\n"
      "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n",
      "etcd.log");
  EXPECT_EQ(h.format, HistoryFormat::etcd);
  ASSERT_EQ(h.events.size(), 4u);
  EXPECT_EQ(h.events[0].process, 3u);
  EXPECT_EQ(h.events[0].f, "cas");
  EXPECT_EQ(h.events[0].value, HistoryValue(std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(h.events[1].type, OpType::fail);
  EXPECT_EQ(h.events[3].type, OpType::info);
  EXPECT_EQ(h.events[3].value, HistoryValue{});
  EXPECT_EQ(h.event_lines, (std::vector<std::uint32_t>{1, 2, 4, 5}));
  EXPECT_EQ(infer_model(h), "cas-register");
}

TEST(LincheckFormats, EdnMapsOnePerLineOrInAVector) {
  const std::string lines =
      "{:process 0, :type :invoke, :f :append, :key \"4\", :value \"x 0 1 y\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"4\", :value \"x 0 1 y\"}\n";
  const ParsedHistory a = parse_history(lines, "kv.txt");
  EXPECT_EQ(a.format, HistoryFormat::edn);
  ASSERT_EQ(a.events.size(), 2u);
  EXPECT_EQ(a.events[1].key, "4");
  EXPECT_EQ(a.events[1].value, HistoryValue(std::string("x 0 1 y")));
  EXPECT_EQ(infer_model(a), "kv");
  const ParsedHistory b = parse_history(
      "; a Jepsen history\n[{:type :invoke, :f :read, :value nil, :process 0, :time 10, :index 0}\n"
      " {:type :ok, :f :read, :value #{1 2}, :process 0, :time 20}\n"
      " {:type :info, :f :start, :process :nemesis}]",
      "h.edn");
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.events[1].value, HistoryValue(std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(b.events[1].true_time_ns, 20);
  EXPECT_EQ(b.event_lines, (std::vector<std::uint32_t>{2, 3}));
}

TEST(LincheckFormats, JsonLinesSkipTraceLines) {
  const ParsedHistory h = parse_history(
      "{\"corridor_trace\": 1, \"protocol\": \"kv\"}\n"
      "{\"kind\": \"deliver\", \"step\": 3}\n"
      "{\"kind\":\"history\",\"process\":1,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"x\",\"value\":[\"a\",\"b\"]}\n"
      "{\"process\":1,\"type\":\"ok\",\"f\":\"cas\",\"key\":7,\"value\":null,\"time_ns\":99}\n",
      "t.jsonl");
  EXPECT_EQ(h.format, HistoryFormat::jsonl);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].value, HistoryValue(std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(h.events[1].key, "7");
  EXPECT_EQ(h.events[1].true_time_ns, 99);
  EXPECT_EQ(h.event_lines, (std::vector<std::uint32_t>{3, 4}));
}

TEST(LincheckFormats, MalformedInputSaysWhereAndWhatWasExpected) {
  EXPECT_EQ(error_of("{\"process\":1,\"type\":\"invoke\",\"f\":\"read\"}\n{\"process\":1,\"type\":\"ok\" \"f\":1}\n"),
            "f:2:26: expected ',' or '}', found '\"f\":1}'");
  EXPECT_EQ(error_of("{\"process\":-1,\"type\":\"invoke\",\"f\":\"read\"}\n"),
            "f:1:12: expected a process number from 0 to 4294967280, found the end of the line");
  EXPECT_NE(error_of("{:process 0 :type :invoke}\n").find("f:1:1: expected a field :f in this event"), std::string::npos);
  EXPECT_NE(error_of("{:process 0 :type :begin :f :read}").find("f:1:19: expected a type: invoke, ok, fail or info"),
            std::string::npos);
  EXPECT_NE(error_of("INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2\n").find("expected ']'"), std::string::npos);
  EXPECT_NE(error_of("INFO  jepsen.util - 3\t:invoke\n").find("f:1:"), std::string::npos);
  EXPECT_NE(error_of("hello").find("cannot tell the format"), std::string::npos);
  EXPECT_NE(error_of("{\"process\":1,\"type\":\"ok\",\"f\":\"r\",\"value\":{\"a\":1}}").find("expected a value"),
            std::string::npos);
  EXPECT_NE(error_of("{\"s\":\"\\q\"}").find("expected an escape"), std::string::npos);
  EXPECT_NE(error_of(std::string(200, '[')).find("levels of nesting"), std::string::npos);
  EXPECT_EQ(error_of(""), "");
}

}  // namespace
}  // namespace corridor::lincheck
