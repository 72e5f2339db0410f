// corridor::co, one primitive at a time, each through the unchanged engine: a small coroutine
// bundle runs in Engine<co::Protocol<S>> and writes what it saw into its node state, which the
// test reads back.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "model/co/node.hpp"
#include "model/engine.hpp"
#include "model/units.hpp"

using namespace corridor;

namespace {

// Runs P to limit_ns with 1 ms links; returns the engine for inspection.
template <class P>
struct World {
  Engine<P> engine;
  explicit World(std::uint32_t nodes, FaultPlan plan = {}, time_ns limit_ns = seconds(1), std::string faults = "delay=const:1ms") {
    SimConfig config;
    config.nodes = nodes;
    config.time_limit_ns = limit_ns;
    apply_fault_spec(faults, config);
    engine.chooser().start_random(7);
    engine.start(config, {nodes, 0, 0}, std::move(plan), true);
    for (std::uint64_t guard = 0; guard < 1'000'000 && !engine.violation(); ++guard) {
      if (!engine.step(limit_ns)) break;
    }
  }
  const auto& node(NodeId i) const { return engine.node(i).user; }
};

struct A { std::uint64_t n = 0; };
struct B { std::uint64_t n = 0; };
using Message = std::variant<A, B>;

// ---- after, at, now --------------------------------------------------------------------------

struct Timing {
  using Message = ::Message;
  struct Node {
    std::vector<time_ns> seen_ns;
    co::task<> main(co::Env<Timing>& env) {
      if (env.self() != 0) co_return;
      const time_ns t0 = co::now();
      co_await co::after(ms(10));
      seen_ns.push_back(co::now() - t0);
      co_await co::at(t0 + ms(25));
      seen_ns.push_back(co::now() - t0);
      co_await co::at(t0);  // already past: resumes at once, through a zero timer
      seen_ns.push_back(co::now() - t0);
    }
  };
};

TEST(CoTime, AfterAndAtWaitOnTheNodesMonotonicClock) {
  World<co::Protocol<Timing>> w(1);
  EXPECT_EQ(w.node(0).seen_ns, (std::vector<time_ns>{ms(10), ms(25), ms(25)}));
}

TEST(CoTime, DriftMovesATimeoutInTrueTime) {
  // +100000 ppm: the node's clock runs 10% fast, so 10 ms of its clock pass in about 9.09 ms of
  // true time; the timeout is measured on the node's clock and fires earlier in true time.
  World<co::Protocol<Timing>> w(1, {FaultEvent{.at_ns = 0, .kind = FaultKind::drift, .nodes = {0}, .drift_ppm = 100'000}});
  ASSERT_EQ(w.node(0).seen_ns.size(), 3u);
  EXPECT_NEAR(static_cast<double>(w.node(0).seen_ns[0]), static_cast<double>(ms(10)), 10.0);  // ns rounding of the drift
  bool fired_early = false;
  for (const EventRecord& e : w.engine.records()) {
    if (e.kind == EventKind::timer && e.actor == 0) {
      fired_early = e.true_ns < ms(10);
      break;
    }
  }
  EXPECT_TRUE(fired_early);
}

// ---- receive, send, broadcast ----------------------------------------------------------------

struct Typed {
  using Message = ::Message;
  struct Node {
    std::vector<std::string> got;
    co::task<> main(co::Env<Typed>& env) {
      if (env.self() == 1) {
        env.send(0, A{1});
        env.send(0, B{2});
        co_return;
      }
      if (env.self() == 2) co_return;
      // B is asked for first: A arrives first and waits in the inbox for its own receive.
      auto b = co_await env.receive<B>();
      got.push_back("B" + std::to_string(b.message.n) + " from " + std::to_string(b.from));
      auto a = co_await env.receive<A>();
      got.push_back("A" + std::to_string(a.message.n) + " from " + std::to_string(a.from));
      env.broadcast(A{9});
    }
  };
};

TEST(CoReceive, TypedReceiveTakesItsTypeAndLeavesOthersInTheInbox) {
  World<co::Protocol<Typed>> w(3);
  EXPECT_EQ(w.node(0).got, (std::vector<std::string>{"B2 from 1", "A1 from 1"}));
  // broadcast: one send to each other node.
  std::set<NodeId> targets;
  for (const EventRecord& e : w.engine.records()) {
    if (e.kind == EventKind::send && e.source == 0) targets.insert(e.target);
  }
  EXPECT_EQ(targets, (std::set<NodeId>{1, 2}));
}

// ---- first, attempt: the losing receive is cancelled before it takes a message ---------------

struct Race {
  using Message = ::Message;
  struct Node {
    std::vector<std::string> got;
    co::task<> main(co::Env<Race>& env) {
      if (env.self() == 1) {
        co_await co::after(ms(5));
        env.send(0, A{1});
        co_await co::after(ms(5));
        env.send(0, A{2});
        co_return;
      }
      // Times out at 2 ms: the receive that lost must not take A{1} when it arrives at 6 ms.
      const std::size_t winner = co_await co::first(env.receive<A>(), co::after(ms(2)));
      got.push_back("first:" + std::to_string(winner));
      auto timed_out = co_await co::attempt(env.receive<A>(), co::after(ms(1)));
      got.push_back(timed_out ? "attempt:value" : "attempt:timeout");
      auto r = co_await co::attempt(env.receive<A>(), co::after(ms(100)));
      got.push_back(r ? "attempt:A" + std::to_string(r->message.n) : "attempt:timeout");
      auto r2 = co_await env.receive<A>();
      got.push_back("receive:A" + std::to_string(r2.message.n));
    }
  };
};

TEST(CoCombinators, LosingReceiveIsCancelledBeforeItTakesAMessage) {
  World<co::Protocol<Race>> w(2);
  EXPECT_EQ(w.node(0).got,
            (std::vector<std::string>{"first:1", "attempt:timeout", "attempt:A1", "receive:A2"}));
  // The losers' timers were cancelled with the engine: no timer fired after the last receive.
  EXPECT_EQ(w.engine.node(0).coroutines()->armed_count(), 0u);
}

// ---- receive_until: attempt(receive, at(deadline)) as one awaitable -------------------------

// A client-like loop (a reply or a timeout, over and over) written with attempt or with
// receive_until: the engine must see the same events either way.
template <bool one_awaitable>
struct ReplyLoop {
  using Message = ::Message;
  struct Node {
    std::vector<std::string> got;
    co::task<> main(co::Env<ReplyLoop>& env) {
      const NodeId peer = 1 - env.self();
      if (env.self() == 1) {
        // Echoes every A after a delay that sometimes misses the other side's deadline, and
        // sends a B now and then, which the other side takes as "not what it waited for".
        for (std::uint64_t i = 0; i < 200; ++i) {
          auto r = co_await env.template receive<A>();
          co_await co::after(ms(static_cast<time_ns>(env.random(6))));
          if (env.random(4) == 0) env.send(peer, B{i});
          env.send(peer, A{r.message.n});
        }
        co_return;
      }
      for (std::uint64_t i = 0; i < 200; ++i) {
        env.send(peer, A{i});
        const time_ns deadline_ns = co::now() + ms(5);
        std::optional<co::Received<Message>> r;
        if constexpr (one_awaitable) r = co_await env.receive_until(deadline_ns);
        else r = co_await co::attempt(env.receive(), co::at(deadline_ns));
        if (!r) got.push_back("timeout");
        else if (const A* a = std::get_if<A>(&r->message)) got.push_back("A" + std::to_string(a->n));
        else got.push_back("B" + std::to_string(std::get<B>(r->message).n));
      }
    }
  };
};

TEST(CoReceiveUntil, SameEventsAsAttemptOfAReceiveAndADeadline) {
  World<co::Protocol<ReplyLoop<false>>> with_attempt(2, {}, seconds(5), "delay=uniform:1ms:4ms,loss=0.1");
  World<co::Protocol<ReplyLoop<true>>> with_receive_until(2, {}, seconds(5), "delay=uniform:1ms:4ms,loss=0.1");
  const auto& got = with_receive_until.node(0).got;
  EXPECT_EQ(got, with_attempt.node(0).got);
  // The run exercised both outcomes and a message of another type.
  EXPECT_GT(std::count(got.begin(), got.end(), "timeout"), 0);
  EXPECT_TRUE(std::any_of(got.begin(), got.end(), [](const std::string& g) { return g[0] == 'A'; }));
  EXPECT_TRUE(std::any_of(got.begin(), got.end(), [](const std::string& g) { return g[0] == 'B'; }));
  EXPECT_EQ(with_receive_until.engine.records(), with_attempt.engine.records());
  // Timers of receives that got their message were cancelled with the engine.
  EXPECT_EQ(with_receive_until.engine.node(0).coroutines()->armed_count(), 0u);
}

// A message already in the inbox is taken at once, and no timer is armed for it.
struct ReceiveUntilInbox {
  using Message = ::Message;
  struct Node {
    std::vector<std::string> got;
    co::task<> main(co::Env<ReceiveUntilInbox>& env) {
      if (env.self() == 1) {
        env.send(0, A{7});
        co_return;
      }
      co_await co::after(ms(5));  // A{7} arrives at 1 ms and waits
      const time_ns t0 = co::now();
      auto r = co_await env.receive_until<A>(t0 + ms(10));
      got.push_back(r ? "A" + std::to_string(r->message.n) + "@" + std::to_string((co::now() - t0) / ms(1)) : "timeout");
      auto none = co_await env.receive_until<A>(t0 + ms(10));
      got.push_back(none ? "value" : "timeout@" + std::to_string((co::now() - t0) / ms(1)));
    }
  };
};

TEST(CoReceiveUntil, TakesFromTheInboxAtOnceAndTimesOutAtItsDeadline) {
  World<co::Protocol<ReceiveUntilInbox>> w(2);
  EXPECT_EQ(w.node(0).got, (std::vector<std::string>{"A7@0", "timeout@10"}));
  EXPECT_EQ(w.engine.node(0).coroutines()->armed_count(), 0u);
}

struct AnyAll {
  using Message = ::Message;
  struct Node {
    std::vector<std::string> got;
    static co::task<bool> answer_after(time_ns delay_ns, bool value) {
      co_await co::after(delay_ns);
      co_return value;
    }
    co::task<> main(co::Env<AnyAll>& env) {
      if (env.self() == 1) {
        co_await co::after(ms(3));
        env.send(0, B{4});
        co_return;
      }
      const time_ns t0 = co::now();
      const bool some = co_await co::any(answer_after(ms(1), false), answer_after(ms(2), true), answer_after(ms(50), true));
      got.push_back(std::string("any:") + (some ? "true" : "false") + "@" + std::to_string((co::now() - t0) / ms(1)));
      const bool none = co_await co::any(answer_after(ms(1), false), answer_after(ms(2), false));
      got.push_back(std::string("any:") + (none ? "true" : "false"));
      // At 4 ms: B (sent at 3 ms, 1 ms links) waits in the inbox; the 10 ms sleep ends at 14 ms.
      auto [slept, b] = co_await co::all(co::after(ms(10)), env.receive<B>());
      (void)slept;
      got.push_back("all:B" + std::to_string(b.message.n) + "@" + std::to_string((co::now() - t0) / ms(1)));
    }
  };
};

TEST(CoCombinators, AnyIsTrueAtTheFirstTrueAndAllWaitsForEvery) {
  World<co::Protocol<AnyAll>> w(2);
  EXPECT_EQ(w.node(0).got, (std::vector<std::string>{"any:true@2", "any:false", "all:B4@14"}));
}

// ---- event, asap, detach ---------------------------------------------------------------------

struct Signals {
  using Message = ::Message;
  struct Node {
    std::vector<std::string> log;
    co::task<> worker(const char* name, std::uint32_t rounds) {
      for (std::uint32_t i = 0; i < rounds; ++i) {
        log.push_back(std::string(name) + std::to_string(i));
        co_await co::asap();
      }
    }
    co::task<> waiter(co::event& e) {
      co_await e;
      log.push_back("woken@" + std::to_string(co::now() / ms(1)));
    }
    co::task<> main(co::Env<Signals>&) {
      co::event e;
      waiter(e).detach();
      auto a = worker("a", 2);
      auto b = worker("b", 2);
      co_await std::move(a);
      co_await std::move(b);
      co_await co::after(ms(3));
      e.trigger();
      co_await co::asap();  // the waiter resumes before main goes on
      log.push_back("main-done");
    }
  };
};

TEST(CoSignals, AsapInterleavesReadyTasksAndAnEventWakesItsWaiter) {
  World<co::Protocol<Signals>> w(1);
  // a and b start eagerly in turn; each asap lets the other run first.
  EXPECT_EQ(w.node(0).log, (std::vector<std::string>{"a0", "b0", "a1", "b1", "woken@3", "main-done"}));
}

// ---- failures: exceptions (exit 3, task named), spinning (exit 4) ----------------------------

struct Throws {
  using Message = ::Message;
  enum class Variant { correct, in_main, in_detached, spins };
  struct Node {
    co::task<> helper() { co_return; }
    co::task<> doomed() {
      co_await co::after(ms(2));
      throw std::runtime_error("boom");
    }
    co::task<> main(co::Env<Throws>& env) {
      if (env.self() != 0) co_return;
      co_await helper();  // task 1
      if (env.variant() == Variant::in_detached) doomed().detach();  // task 2, never awaited
      co_await co::after(ms(1));
      if (env.variant() == Variant::in_main) throw std::runtime_error("bad main");
      for (std::uint64_t i = 0; env.variant() == Variant::spins; ++i) co_await co::asap();
      co_await co::after(ms(5));
    }
  };
};

Violation run_throws(Throws::Variant variant) {
  using P = co::Protocol<Throws>;
  Engine<P> engine;
  SimConfig config;
  config.nodes = 1;
  config.variant = static_cast<std::uint32_t>(variant);
  config.time_limit_ns = seconds(1);
  engine.chooser().start_random(1);
  engine.start(config, {1, 0, 0}, {}, false);
  for (int guard = 0; guard < 1000 && !engine.violation() && engine.step(config.time_limit_ns); ++guard) {
  }
  return engine.violation().value_or(Violation{.invariant = "none"});
}

TEST(CoFailures, AnExceptionInMainFailsTheRunNamingTheTask) {
  const Violation v = run_throws(Throws::Variant::in_main);
  EXPECT_EQ(v.verdict, Verdict::crashed);
  EXPECT_NE(v.message.find("task 0 (main) of node 0 threw: bad main"), std::string::npos) << v.message;
}

TEST(CoFailures, AnExceptionInADetachedTaskNobodyAwaitsFailsTheRun) {
  const Violation v = run_throws(Throws::Variant::in_detached);
  EXPECT_EQ(v.verdict, Verdict::crashed);
  EXPECT_NE(v.message.find("task 2 of node 0 threw: boom"), std::string::npos) << v.message;
}

TEST(CoFailures, ASpinningCoroutineIsHungNotAnEndlessStep) {
  const Violation v = run_throws(Throws::Variant::spins);
  EXPECT_EQ(v.verdict, Verdict::hung);
  EXPECT_EQ(v.invariant, "step-budget");
  EXPECT_NE(v.message.find("more than 100000 times in one step"), std::string::npos) << v.message;
}

TEST(CoFailures, TheCorrectVariantOfTheFailureBundlePasses) {
  EXPECT_EQ(run_throws(Throws::Variant::correct).invariant, "none");
}

// ---- crash-restart: frames destroyed, volatile state rebuilt, durable kept, main again -------

inline int frames_destroyed = 0;
struct Restarts {
  using Message = ::Message;
  struct Durable {
    std::uint32_t starts = 0;
  };
  struct Guard {
    ~Guard() { ++frames_destroyed; }
  };
  struct Node {
    std::uint32_t ticks = 0;  // volatile: back to 0 at a restart
    co::task<> main(co::Env<Restarts>& env) {
      ++env.durable().starts;
      const Guard guard;
      for (std::uint32_t i = 0; i < 1000; ++i) {
        co_await co::after(ms(1));
        ++ticks;
      }
    }
  };
};

TEST(CoRestart, ACrashDestroysTheFramesAndARestartRunsMainAgain) {
  frames_destroyed = 0;
  // Node 0 crashes at 5.5 ms and restarts 10 ms later; the run ends at 30 ms.
  World<co::Protocol<Restarts>> w(1, {FaultEvent{.at_ns = us(5500), .kind = FaultKind::crash, .nodes = {0}, .duration_ns = ms(10)}},
                                  ms(30));
  EXPECT_EQ(w.engine.durable(0).starts, 2u);
  EXPECT_EQ(frames_destroyed, 1);  // the first main's frame, at the restart
  // Ticks count only since the restart at 15.5 ms: 14 of them (at 16.5 .. 29.5 ms).
  EXPECT_EQ(w.node(0).ticks, 14u);
}

// ---- frames come from the node's arena: none allocated per event once warm --------------------

struct Churn {
  using Message = ::Message;
  struct Node {
    std::uint64_t rounds = 0;
    co::task<> main(co::Env<Churn>& env) {
      const NodeId peer = 1 - env.self();
      if (env.self() == 0) env.send(peer, A{0});
      for (std::uint64_t i = 0; i < 1'000'000; ++i) {
        // Every round makes new frames: attempt's, and one per alternative.
        auto got = co_await co::attempt(env.receive<A>(), co::after(ms(50)));
        if (!got) continue;
        ++rounds;
        env.send(peer, A{got->message.n + 1});
      }
    }
  };
};

TEST(CoArena, AWarmNodeTakesNoNewBlocksPerEvent) {
  using P = co::Protocol<Churn>;
  Engine<P> engine;
  SimConfig config;
  config.nodes = 2;
  apply_fault_spec("delay=const:1ms", config);
  engine.chooser().start_random(3);
  engine.start(config, {2, 0, 0}, {}, false);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(engine.step(seconds(100)));
  const std::uint64_t warm = engine.node(0).coroutines()->arena().fresh_blocks();
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(engine.step(seconds(100)));
  EXPECT_GT(engine.node(0).user.rounds, 4000u);
  EXPECT_EQ(engine.node(0).coroutines()->arena().fresh_blocks(), warm);
  EXPECT_GT(warm, 0u);
}

// A campaign runs thousands of short worlds on one thread: the blocks of a world that has gone
// wait in the thread's cache, and the next world's arenas take them from there.
TEST(CoArena, ANewRunTakesTheBlocksOfTheLastRunFromTheThreadsCache) {
  using P = co::Protocol<Churn>;
  const auto run = [](std::uint64_t& fresh_blocks) {
    Engine<P> engine;
    SimConfig config;
    config.nodes = 2;
    apply_fault_spec("delay=const:1ms", config);
    engine.chooser().start_random(3);
    engine.start(config, {2, 0, 0}, {}, false);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(engine.step(seconds(100)));
    fresh_blocks = engine.node(0).coroutines()->arena().fresh_blocks() + engine.node(1).coroutines()->arena().fresh_blocks();
  };
  std::uint64_t first = 0;
  run(first);
  const std::size_t cached = co::FrameArena::cached_blocks();
  EXPECT_GE(cached, first) << "the first world's blocks went to the cache";
  std::uint64_t second = 0;
  const std::size_t before_second = co::FrameArena::cached_blocks();
  {
    Engine<P> engine;
    SimConfig config;
    config.nodes = 2;
    apply_fault_spec("delay=const:1ms", config);
    engine.chooser().start_random(3);
    engine.start(config, {2, 0, 0}, {}, false);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(engine.step(seconds(100)));
    second = engine.node(0).coroutines()->arena().fresh_blocks() + engine.node(1).coroutines()->arena().fresh_blocks();
    EXPECT_EQ(second, first) << "the same world takes as many blocks";
    EXPECT_EQ(co::FrameArena::cached_blocks(), before_second - second) << "every block of the second world came from the cache";
  }
  EXPECT_EQ(co::FrameArena::cached_blocks(), before_second) << "and went back to it";
}

// ---- a delivery moves the message into the receive: no copy between engine and coroutine ------

// Counts the copies of one payload (moves are free): a message type's copy shows here.
thread_local std::uint64_t payload_copies = 0;
struct Payload {
  std::string text;
  Payload() = default;
  explicit Payload(std::string t) : text(std::move(t)) {}
  Payload(const Payload& other) : text(other.text) { ++payload_copies; }
  Payload(Payload&&) noexcept = default;
  Payload& operator=(const Payload& other) {
    text = other.text;
    ++payload_copies;
    return *this;
  }
  Payload& operator=(Payload&&) noexcept = default;
  ~Payload() = default;
  const std::string& reflected() const { return text; }
};
struct Carried {
  Payload payload;
};

struct Moves {
  using Message = std::variant<Carried>;
  struct Node {
    std::uint64_t copies_after_send = 0;
    std::uint64_t copies_after_receive = 0;
    std::size_t received_chars = 0;
    co::task<> main(co::Env<Moves>& env) {
      if (env.self() == 1) {
        env.send(0, Carried{Payload(std::string(64, 'x'))});
        copies_after_send = payload_copies;
        co_return;
      }
      auto got = co_await env.receive<Carried>();
      copies_after_receive = payload_copies;
      received_chars = got.message.payload.text.size();
    }
  };
};

TEST(CoReceive, ADeliveryMovesTheMessageIntoTheWaitingReceive) {
  payload_copies = 0;
  World<co::Protocol<Moves>> w(2);
  EXPECT_EQ(w.node(0).received_chars, 64u);
  // Node 1 counted after its send; whatever copy is counted later is the delivery's.
  EXPECT_EQ(w.node(0).copies_after_receive, w.node(1).copies_after_send);
}

}  // namespace
