// The Cotamer compatibility headers (compat/cotamer) on corridor: a channel send is an engine
// send (corridor's loss, duplication, partitions and crashes apply), set_loss is one link's own,
// an address names its node up to its first '/', random_source draws replay, a losing receive of
// first/attempt leaves its message, and the course's verbose and FAILURE lines keep their form.
#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "corridor_cotamer.hh"
#include "explorers/random_explorer.hpp"

namespace cot = cotamer;
using namespace std::chrono_literals;
using corridor::cotamer_compat::ProgramInfo;

namespace {

// What the programs below saw, in order (tests run one at a time on one thread).
std::vector<std::string>& seen() {
  static std::vector<std::string> lines;
  return lines;
}
std::size_t count_prefix(std::string_view prefix) {
  std::size_t n = 0;
  for (const std::string& s : seen()) n += s.starts_with(prefix) ? 1 : 0;
  return n;
}

// Node A sends `messages` strings on each of two links to node B, 1 ms apart; B records them.
struct Echo {
  enum class Variant { correct };
  static inline int messages = 20;
  static inline double main_loss = 0.0;   // set_loss of the main link
  static inline bool verbose = false;
  static inline std::optional<std::string> failing_key;  // what check() reports

  netsim::port<std::string> in;
  netsim::port<std::string> side_in;
  netsim::channel<std::string> out;
  netsim::channel<std::string> side;
  int restarts = 0;

  explicit Echo(random_source& r) : in(r, "B/in"), side_in(r, "B/side"), out(r, "A"), side(r, "A") {
    out.connect(in);
    side.connect(side_in);
    out.set_loss(main_loss);
    out.set_verbose(verbose);
    in.set_verbose(verbose);
  }
  cot::task<> start(std::string_view node) {
    seen().push_back("start " + std::string(node));
    if (node == "A") return sender();
    record(side_in, "side").detach();
    return record(in, "in");
  }
  void restart(std::string_view node) {
    ++restarts;
    seen().push_back("restart " + std::string(node));
  }
  std::optional<std::string> check() { return failing_key; }

  cot::task<> sender() {
    for (int i = 0; i < messages; ++i) {
      // Named, not temporaries in the co_await: g++ 12 (this test's compiler) mishandles a
      // std::string temporary there (the README's "Course code (Cotamer)" says more).
      std::string hello = "hello " + std::to_string(i);
      std::string aside = "side " + std::to_string(i);
      co_await out.send(hello);
      co_await side.send(aside);
      co_await cot::after(1ms);
    }
  }
  static cot::task<> record(netsim::port<std::string>& port, std::string name) {
    for (;;) {
      auto [message, from] = co_await port.receive_with_id();
      seen().push_back(name + ":" + message + " from " + from);
    }
  }
};

ProgramInfo echo_info() {
  return {.name = "test-echo",
          .description = "Node A sends strings to node B on two links.",
          .variants = {corridor::correct_variant(Echo::Variant::correct, "B records what arrives.")},
          .invariant = "echo-check",
          .default_faults = "delay=uniform:1ms:5ms",
          .default_time_limit_ns = corridor::seconds(1)};
}

corridor::RunOutcome run_echo(corridor::SimConfig config, std::uint64_t seed = 7) {
  seen().clear();
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Echo>(echo_info());
  auto sim = entry.make();
  return corridor::run_once(*sim, config, seed, {.record = true});
}
corridor::SimConfig echo_config() {
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Echo>(echo_info());
  return entry.default_config(0);
}

class CotamerCompat : public ::testing::Test {
 protected:
  void SetUp() override {
    Echo::messages = 20;
    Echo::main_loss = 0.0;
    Echo::verbose = false;
    Echo::failing_key.reset();
  }
};

TEST_F(CotamerCompat, AnAddressNamesItsNodeUpToItsFirstSlash) {
  EXPECT_EQ(corridor::cotamer_compat::node_part("R0/r"), "R0");
  EXPECT_EQ(corridor::cotamer_compat::node_part("R0/r/x"), "R0");
  EXPECT_EQ(corridor::cotamer_compat::node_part("C"), "C");
  // B's ports come first in Echo's constructor, then A's channels: B is node 0, A node 1.
  EXPECT_EQ(corridor::cotamer_compat::probe_nodes<Echo>(), (std::vector<std::string>{"B", "A"}));
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Echo>(echo_info());
  EXPECT_EQ(entry.info.default_nodes, 2u);
  EXPECT_EQ(entry.info.invariants, (std::vector<std::string>{"echo-check"}));
}

TEST_F(CotamerCompat, ASendIsAnEngineSendBetweenTheTwoNodes) {
  const corridor::RunOutcome out = run_echo(echo_config());
  EXPECT_FALSE(out.violation.has_value());
  EXPECT_EQ(count_prefix("in:hello"), 20u);
  EXPECT_EQ(count_prefix("side:side"), 20u);
  EXPECT_EQ(std::count(seen().begin(), seen().end(), "in:hello 0 from A"), 1);
  EXPECT_EQ(out.messages, 40u);  // the engine carried every send
}

TEST_F(CotamerCompat, CorridorsLossAppliesToChannelSends) {
  corridor::SimConfig config = echo_config();
  config.link.loss = 1.0;
  run_echo(config);
  EXPECT_EQ(count_prefix("in:"), 0u);
  EXPECT_EQ(count_prefix("side:"), 0u);
}

TEST_F(CotamerCompat, CorridorsDuplicationAppliesToChannelSends) {
  corridor::SimConfig config = echo_config();
  config.link.dup = 1.0;
  run_echo(config);
  EXPECT_EQ(count_prefix("in:hello"), 40u);  // every message twice
}

TEST_F(CotamerCompat, CorridorsPartitionAppliesToChannelSends) {
  corridor::SimConfig config = echo_config();
  config.plan_text = "0ms partition n1 | n0 for 5s";
  run_echo(config);
  EXPECT_EQ(count_prefix("in:"), 0u);
}

TEST_F(CotamerCompat, SetLossIsThatLinksOwn) {
  Echo::main_loss = 1.0;
  run_echo(echo_config());
  EXPECT_EQ(count_prefix("in:"), 0u);
  EXPECT_EQ(count_prefix("side:side"), 20u);  // the other link of the same two nodes is untouched
}

TEST_F(CotamerCompat, ACrashRestartRunsRestartAndStartsTheNodeAgain) {
  corridor::SimConfig config = echo_config();
  config.plan_text = "5ms crash n0 for 5ms";
  run_echo(config);
  EXPECT_EQ(count_prefix("restart B"), 1u);
  EXPECT_EQ(count_prefix("start B"), 2u);
  EXPECT_EQ(count_prefix("restart A"), 0u);
  EXPECT_LT(count_prefix("in:hello"), 20u);  // what was sent while B was down is gone
  EXPECT_GT(count_prefix("in:hello"), 0u);
}

TEST_F(CotamerCompat, VerboseLinesAreTheCoursesSendAndReceiveLines) {
  Echo::verbose = true;
  Echo::messages = 2;
  testing::internal::CaptureStdout();
  run_echo(echo_config());
  const std::string out = testing::internal::GetCapturedStdout();
  std::istringstream lines(out);
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);) all.push_back(line);
  ASSERT_EQ(all.size(), 4u) << out;  // two sends, two receives (the side link is not verbose)
  const std::regex send(R"(2021-10-12 20:21:09\.\d{6}: A → B/in "hello 0")");
  const std::regex receive(R"(2021-10-12 20:21:09\.\d{6}: B/in ← A "hello 0")");
  EXPECT_TRUE(std::regex_match(all[0], send)) << all[0];
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [&](const std::string& l) { return std::regex_match(l, receive); }), 1) << out;
}

TEST_F(CotamerCompat, AFailedCheckIsTheCoursesFailureLineUnderTheRegisteredInvariant) {
  Echo::failing_key = "k1";
  const corridor::RunOutcome out = run_echo(echo_config(), 0x1234);
  ASSERT_TRUE(out.violation.has_value());
  EXPECT_EQ(out.violation->invariant, "echo-check");
  EXPECT_EQ(out.violation->message, "*** FAILURE on seed 0x0000000000001234 at key k1");
}

// Node A draws from random_source in its constructor and its coroutine; the draws are in the
// choice log, so the same seed, and a replay of the log, draw the same.
struct Draws {
  enum class Variant { correct };
  random_source& randomness;
  netsim::channel<int> out;
  explicit Draws(random_source& r) : randomness(r), out(r, "A") { seen().push_back("ctor " + std::to_string(r.uniform(0, 1'000'000))); }
  cot::task<> start(std::string_view) {
    for (int i = 0; i < 5; ++i) {
      co_await cot::after(randomness.uniform(1ms, 10ms));
      seen().push_back(std::to_string(randomness.uniform(0, 1'000'000)) + " " + std::to_string(randomness.normal(0.0, 1.0)));
    }
  }
  std::optional<std::string> check() { return std::nullopt; }
};

TEST_F(CotamerCompat, RandomSourceDrawsReplayFromTheChoiceLog) {
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Draws>(
      {.name = "test-draws", .description = "Draws.", .variants = {corridor::correct_variant(Draws::Variant::correct, "Draws.")},
       .invariant = "none", .default_time_limit_ns = corridor::seconds(1)});
  const corridor::SimConfig config = entry.default_config(0);
  auto sim = entry.make();
  seen().clear();
  corridor::run_once(*sim, config, 99, {.record = true});
  const std::vector<std::string> first = seen();
  ASSERT_EQ(first.size(), 6u);
  seen().clear();
  corridor::run_once(*sim, config, 99, {.record = true});
  EXPECT_EQ(seen(), first);
  const corridor::ChoiceLog log = sim->choices();
  const corridor::FaultPlan plan = sim->fault_plan();
  auto again = entry.make();
  seen().clear();
  corridor::run_once(*again, config, 0, {.record = true, .plan = &plan, .replay = &log});
  EXPECT_EQ(seen(), first);
  EXPECT_EQ(again->records(), sim->records());
  seen().clear();
  corridor::run_once(*sim, config, 100, {.record = true});
  EXPECT_NE(seen(), first);
}

// B races receives against a short timeout and against each other: every message is taken
// exactly once, in order, whichever alternative wins (a loser never takes one).
struct Racer {
  enum class Variant { correct };
  netsim::port<int> in;
  netsim::channel<int> out;
  explicit Racer(random_source& r) : in(r, "B"), out(r, "A") { out.connect(in); }
  cot::task<> start(std::string_view node) {
    if (node == "A") return send_all();
    return take_all();
  }
  cot::task<> send_all() {
    for (int i = 0; i < 30; ++i) {
      co_await out.send(i);
      if (i % 3 == 0) co_await cot::after(2ms);
    }
  }
  cot::task<> take_all() {
    for (;;) {
      if (auto got = co_await cot::attempt(in.receive(), cot::after(500us))) seen().push_back(std::to_string(*got));
      auto either = co_await cot::first(in.receive(), in.receive(), cot::after(300us));
      if (either.index() == 0) seen().push_back(std::to_string(std::get<0>(either)));
      if (either.index() == 1) seen().push_back(std::to_string(std::get<1>(either)));
    }
  }
  std::optional<std::string> check() { return std::nullopt; }
};

TEST_F(CotamerCompat, ALosingReceiveInFirstOrAttemptLeavesItsMessage) {
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Racer>(
      {.name = "test-racer", .description = "Races.", .variants = {corridor::correct_variant(Racer::Variant::correct, "Races.")},
       .invariant = "none", .default_faults = "delay=constant:1ms", .default_time_limit_ns = corridor::seconds(1)});
  auto sim = entry.make();
  seen().clear();
  corridor::run_once(*sim, entry.default_config(0), 5);
  std::vector<std::string> expected;
  for (int i = 0; i < 30; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(seen(), expected);
}

// An exception escaping course code fails the run (exit 3), naming the task, instead of
// vanishing with an un-awaited task as in Cotamer's own runtime.
struct Thrower {
  enum class Variant { correct };
  netsim::channel<int> out;
  explicit Thrower(random_source& r) : out(r, "A") {}
  cot::task<> start(std::string_view) {
    boom().detach();
    co_return;
  }
  static cot::task<> boom() {
    co_await cot::after(1ms);
    throw std::runtime_error("boom");
  }
  std::optional<std::string> check() { return std::nullopt; }
};

TEST_F(CotamerCompat, AnExceptionInCourseCodeFailsTheRun) {
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Thrower>(
      {.name = "test-thrower", .description = "Throws.", .variants = {corridor::correct_variant(Thrower::Variant::correct, "Throws.")},
       .invariant = "none", .default_time_limit_ns = corridor::seconds(1)});
  auto sim = entry.make();
  const corridor::RunOutcome out = corridor::run_once(*sim, entry.default_config(0), 1);
  EXPECT_EQ(out.verdict, corridor::Verdict::crashed);
  ASSERT_TRUE(out.violation.has_value());
  EXPECT_NE(out.violation->message.find("boom"), std::string::npos) << out.violation->message;
}

}  // namespace

namespace {

// The request/response shape: client C/0 asks server S through network<int, int>; S answers on
// the channel receive_with_channel hands it. set_default_loss is every link's own loss.
struct Alt {
  enum class Variant { correct };
  static inline double loss = 0.0;
  netsim::network<int, int> net;
  netsim::channel<int>* to_server = nullptr;
  explicit Alt(random_source& r) : net(r) {
    net.set_default_loss(loss);
    net.port("S");
    to_server = net.find_channel("C/0", "S");
    if (net.find_port("T") != nullptr || net.find_channel("C/0", "T") != nullptr) throw std::logic_error("no server T was made");
  }
  cot::task<> start(std::string_view node) {
    if (node == "S") return serve();
    return ask();
  }
  cot::task<> serve() {
    for (;;) {
      auto [request, reply] = co_await net.find_port("S")->receive_with_channel();
      const int answer = request * 2;
      co_await reply->send(answer);
    }
  }
  cot::task<> ask() {
    for (int i = 1; i <= 5; ++i) {
      co_await to_server->send(i);
      auto answer = co_await cot::attempt(net.client_port("C/0").receive(), cot::after(100ms));
      seen().push_back(answer ? std::to_string(*answer) : "timeout");
    }
  }
  std::optional<std::string> check() { return std::nullopt; }
};

std::vector<std::string> run_alt() {
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Alt>(
      {.name = "test-alt", .description = "Asks.", .variants = {corridor::correct_variant(Alt::Variant::correct, "Asks.")},
       .invariant = "none", .default_time_limit_ns = corridor::seconds(2)});
  auto sim = entry.make();
  seen().clear();
  corridor::run_once(*sim, entry.default_config(0), 3);
  return seen();
}

TEST(CotamerNetwork, ARequestIsAnsweredOnTheChannelItCameWith) {
  Alt::loss = 0.0;
  EXPECT_EQ(corridor::cotamer_compat::probe_nodes<Alt>(), (std::vector<std::string>{"S", "C"}));
  EXPECT_EQ(run_alt(), (std::vector<std::string>{"2", "4", "6", "8", "10"}));
}

TEST(CotamerNetwork, SetDefaultLossIsEveryLinksOwn) {
  Alt::loss = 1.0;
  EXPECT_EQ(run_alt(), std::vector<std::string>(5, "timeout"));
  Alt::loss = 0.0;
}

}  // namespace

namespace {

// A program whose constructor throws in a run (it is built when the run's first node starts)
// fails that run as protocol code does, exit 3, instead of taking the process down.
struct BadSetup {
  enum class Variant { correct };
  static inline bool fail = false;
  netsim::port<int> in;
  explicit BadSetup(random_source& r) : in(r, "A") {
    if (fail) throw std::invalid_argument("no such replica");
  }
  cot::task<> start(std::string_view) { co_return; }
  std::optional<std::string> check() { return std::nullopt; }
};

TEST(CotamerProgram, AConstructorThatThrowsFailsTheRunAsProtocolCode) {
  BadSetup::fail = false;
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<BadSetup>(
      {.name = "test-bad-setup", .description = "Throws.", .variants = {corridor::correct_variant(BadSetup::Variant::correct, "Throws.")},
       .invariant = "none", .default_time_limit_ns = corridor::seconds(1)});
  BadSetup::fail = true;
  auto sim = entry.make();
  const corridor::RunOutcome out = corridor::run_once(*sim, entry.default_config(0), 1);
  BadSetup::fail = false;
  EXPECT_EQ(out.verdict, corridor::Verdict::crashed);
  ASSERT_TRUE(out.violation.has_value());
  EXPECT_NE(out.violation->message.find("no such replica"), std::string::npos) << out.violation->message;
}

}  // namespace

namespace {

// B lets a message wait in its port 20 ms before it receives: a crash-restart in between loses
// it (it was in the crashed node's memory), while without the crash it is received.
struct Late {
  enum class Variant { correct };
  netsim::port<int> in;
  netsim::channel<int> out;
  explicit Late(random_source& r) : in(r, "B"), out(r, "A") { out.connect(in); }
  cot::task<> start(std::string_view node) {
    if (node == "A") return send_one();
    return receive_late();
  }
  cot::task<> send_one() {
    int one = 1;
    co_await out.send(one);
  }
  cot::task<> receive_late() {
    co_await cot::after(20ms);
    for (;;) seen().push_back(std::to_string(co_await in.receive()));
  }
  std::optional<std::string> check() { return std::nullopt; }
};

std::vector<std::string> run_late(std::optional<std::string> plan) {
  const corridor::ProtocolEntry entry = corridor::cotamer_compat::register_program<Late>(
      {.name = "test-late", .description = "Late.", .variants = {corridor::correct_variant(Late::Variant::correct, "Late.")},
       .invariant = "none", .default_faults = "delay=constant:1ms", .default_time_limit_ns = corridor::seconds(1)});
  corridor::SimConfig config = entry.default_config(0);
  config.plan_text = std::move(plan);
  auto sim = entry.make();
  seen().clear();
  corridor::run_once(*sim, config, 2);
  return seen();
}

TEST(CotamerProgram, ACrashRestartEmptiesTheNodesPorts) {
  EXPECT_EQ(run_late(std::nullopt), std::vector<std::string>{"1"});
  EXPECT_EQ(run_late("10ms crash n0 for 5ms"), std::vector<std::string>{});
}

}  // namespace
