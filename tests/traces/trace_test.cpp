#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/verdict.hpp"
#include "protocols/ping_pong/ping_pong.hpp"
#include "traces/timeline.hpp"
#include "traces/trace.hpp"

using namespace corridor;

namespace {

Trace sample_trace() {
  SimulationOf<protocols::PingPong> sim({
      .layout = [](const SimConfig& c) { return Engine<protocols::PingPong>::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{0, 1}, 2}; },
      .install = {},
  });
  SimConfig config;
  config.nodes = 2;
  config.time_limit_ns = ms(50);
  apply_fault_spec("dup=0.2,delay=uniform:1ms:3ms", config);
  config.plan_text = "10ms pause n1 for 5ms";
  const RunOutcome outcome = run_once(sim, config, 9, {.record = true});
  Trace t;
  t.header.tool = "corridor test";
  t.header.protocol = "ping-pong";
  t.header.variant = "correct";
  t.header.seed = 9;
  t.header.config = config;
  t.header.nodes = 2;
  t.header.fault_plan = sim.fault_plan();
  t.header.choices = sim.choices();
  t.events = sim.records();
  t.history = sim.history();
  t.violation = Violation{.invariant = "test-invariant", .step = 3, .true_ns = ms(2), .nodes = {0, 1},
                          .message = "a sentence"};
  t.footer.steps = outcome.steps;
  t.footer.end_ns = outcome.end_ns;
  return t;
}

std::string replace_line(const std::string& text, std::size_t line_index, const std::string& with) {
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < text.size(); ++i) {
    const std::size_t end = text.find('\n', pos);
    out += i == line_index ? with : text.substr(pos, end - pos);
    out += '\n';
    pos = end + 1;
  }
  return out;
}

void expect_input_error(const std::string& text, const std::string& needle) {
  try {
    parse_trace(text, "t.jsonl");
    FAIL() << "accepted a malformed trace; expected an error containing " << needle;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Trace, RoundTripsExactly) {
  const Trace t = sample_trace();
  ASSERT_GT(t.events.size(), 10u);
  const std::string text = trace_to_string(t);
  const Trace back = parse_trace(text, "t.jsonl");
  EXPECT_EQ(back.events, t.events);
  SimConfig expected = t.header.config;
  expected.plan_text.reset();  // the plan itself is in the header's fault_plan
  EXPECT_EQ(back.header.config, expected);
  EXPECT_EQ(back.header.fault_plan, t.header.fault_plan);
  EXPECT_EQ(back.header.choices, t.header.choices);
  EXPECT_EQ(back.violation, t.violation);
  EXPECT_EQ(trace_to_string(back), text);
}

TEST(Trace, BadgesRoundTripAfterTheirStepAndLeaveTheDigestAlone) {
  const Trace plain = sample_trace();
  Trace t = plain;
  ASSERT_GT(t.events.size(), 10u);
  const std::uint64_t step = t.events[5].step;
  t.badges.push_back(Badge{.type = "COHERENCE_DRIFT", .module = "network", .monitor = "message-delay",
                           .boundary = "send/receive", .view = "omniscient", .node = 1, .step = step,
                           .true_ns = ms(3), .local_ns = ms(3) + 17, .context = "delay_exceeded",
                           .details = {{"delay", "12ms"}, {"bound", "10ms"}}});
  const std::string text = trace_to_string(t);
  const Trace back = parse_trace(text, "t.jsonl");
  EXPECT_EQ(back.badges, t.badges);
  EXPECT_EQ(back.events, t.events);
  EXPECT_EQ(trace_to_string(back), text);
  // The badge line follows the last event line of its step, and nothing else changes.
  const std::string plain_text = trace_to_string(plain);
  const std::size_t badge_at = text.find("{\"kind\":\"badge\"");
  ASSERT_NE(badge_at, std::string::npos);
  const std::size_t badge_end = text.find('\n', badge_at) + 1;
  EXPECT_EQ(text.substr(0, badge_at) + text.substr(badge_end), plain_text);
  const std::size_t previous_line = text.rfind('\n', badge_at - 2) + 1;
  EXPECT_NE(text.find(fmt::format("\"step\":{},", step), previous_line), std::string::npos);
  const auto badge_line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(badge_at), '\n'));
  expect_input_error(replace_line(text, badge_line,
                                  "{\"kind\":\"badge\",\"step\":1,\"t\":0,\"node\":9,\"local\":0,\"type\":\"X\"}"),
                     "badge node 9 is not one of the 2 actors");
}

TEST(Trace, WritesAtomicallyAndReadsBack) {
  const Trace t = sample_trace();
  const auto dir = std::filesystem::temp_directory_path() / "corridor-trace-test";
  const std::string path = (dir / "a.trace.jsonl").string();
  write_trace(path, t);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  EXPECT_EQ(read_trace(path).events.size(), t.events.size());
  std::filesystem::remove_all(dir);
}

TEST(Trace, MalformedTracesNameFileAndLine) {
  const std::string text = trace_to_string(sample_trace());
  expect_input_error("", "t.jsonl:1:");
  expect_input_error("{\"hello\":1}\n", "t.jsonl:1: the first line is not a corridor trace header");
  expect_input_error(replace_line(text, 0, "{\"corridor_trace\":2}"), "trace version 2 is not supported");
  expect_input_error(replace_line(text, 3, "{\"step\": 1,"), "t.jsonl:4: not valid JSON");
  expect_input_error(replace_line(text, 2, "{\"step\":1,\"t\":0,\"node\":0,\"kind\":\"teleport\"}"), "t.jsonl:3: unknown event kind");
  expect_input_error(replace_line(text, 2, "{\"step\":1,\"t\":0,\"node\":99,\"kind\":\"start\"}"), "node 99 does not exist");
  expect_input_error(text.substr(0, text.rfind("{\"kind\":\"footer\"")), "no footer line");
  EXPECT_NE(text.rfind("{\"kind\":\"footer\""), std::string::npos);
}

// Found with the trace fuzzer's inputs (fuzz/regressions/trace/): numbers that nlohmann would
// cast (a real into a count: undefined behaviour; -1 into an unsigned: a wrap), actor counts
// whose sum wraps, and message ends or violation nodes that name no actor.
TEST(Trace, NumbersOfTheWrongKindOrSizeAndUnknownActorsAreBadInput) {
  const std::string text = trace_to_string(sample_trace());
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string out = text;
    const std::size_t at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? out : out.replace(at, from.size(), to);
  };
  expect_input_error(with("\"step\":", "\"step\":1e300,\"was\":"), "t.jsonl:2: field \"step\" must be an integer from 0 to");
  expect_input_error(with("\"step\":", "\"step\":-1,\"was\":"), "t.jsonl:2: field \"step\" must be an integer from 0 to");
  expect_input_error(with("\"nodes\":2,", "\"nodes\":2.5,"), "t.jsonl:1: field \"nodes\" must be an integer");
  expect_input_error(with("\"actors\":{\"nodes\":2,\"clients\":0}", "\"actors\":{\"nodes\":4294967295,\"clients\":2}"),
                     "\"actors\" must hold 1 to 4096 actors");
  expect_input_error(with("\"vc\":[", "\"vc\":[1e30,"), "field \"vc\" must be a list of integers");
  expect_input_error(with("\"loss\":0.0", "\"loss\":5.0"), "\"loss\" and \"dup\" must be probabilities");
  expect_input_error(with("\"src\":", "\"src\":77,\"was\":"), "node 77 in \"src\" or \"dst\" does not exist");
  expect_input_error(with("\"nodes\":[0,1]", "\"nodes\":[0,9]"), "violation node 9 does not exist");
}

TEST(Timeline, ShowsLanesEventsAndTheViolation) {
  const Trace t = sample_trace();
  const std::string text = render_timeline(t, {});
  EXPECT_NE(text.find("n0  n1"), std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.find("n1 <- n0"), std::string::npos);
  EXPECT_NE(text.find("n1 pause"), std::string::npos);
  EXPECT_NE(text.find("VIOLATION test-invariant"), std::string::npos);
  const std::string only_n0 = render_timeline(t, {.nodes = {0}});
  EXPECT_EQ(only_n0.find("n1 pause"), std::string::npos);
  const std::string window = render_timeline(t, {.from_step = 5, .to_step = 6});
  EXPECT_LT(std::count(window.begin(), window.end(), '\n'), 12);
}

// A timer's summary already names its kind ("timer Election{}"): the timeline and the Mermaid
// notes once printed "timer: timer Election{}".
TEST(Timeline, NamesAnEventsKindOnce) {
  EXPECT_EQ(kind_and_summary(EventKind::timer, "timer Election{}"), "timer Election{}");
  EXPECT_EQ(kind_and_summary(EventKind::note, "deliver 0:1"), "note: deliver 0:1");
  EXPECT_EQ(kind_and_summary(EventKind::timer, "timers{}"), "timer: timers{}");  // a prefix of a word is not the kind
  EXPECT_EQ(kind_and_summary(EventKind::start, ""), "start");
  EventRecord timer;
  timer.kind = EventKind::timer;
  timer.actor = 2;
  timer.summary = "timer Election{}";
  EXPECT_EQ(describe_event(timer, 3, 80), "n2 timer Election{}");
}
