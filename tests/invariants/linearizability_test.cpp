// The linearizability checker as the end-of-run history checker of a simulated protocol: a
// register server whose clients read and write through the network. The correct server is
// linearizable on every seed; the buggy one answers reads from a stale copy and is caught.
#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "invariants/linearizability.hpp"
#include "model/prng.hpp"

using namespace corridor;

namespace {

struct RegisterService {
  struct Read { std::uint64_t id = 0; };
  struct Write { std::uint64_t id = 0; std::int64_t value = 0; };
  struct ReadOk { std::uint64_t id = 0; std::int64_t value = 0; bool nil = true; };
  struct WriteOk { std::uint64_t id = 0; };
  using Message = std::variant<Read, Write, ReadOk, WriteOk>;
  enum class Variant { correct, stale_reads };  // stale_reads: reads come from a copy one write old
  enum class Timer { next_operation };
  using Ctx = Context<RegisterService>;

  struct Node {  // node 0 holds the register
    std::int64_t value = 0;
    bool nil = true;
    std::int64_t stale = 0;
    bool stale_nil = true;
    void on_start(Ctx&) {}
    void on_timer(Ctx&, const Timer&) {}
    void on_message(Ctx& ctx, NodeId from, const Message& m) {
      if (const auto* r = std::get_if<Read>(&m)) {
        const bool buggy = ctx.variant() == Variant::stale_reads;
        ctx.send(from, ReadOk{r->id, buggy ? stale : value, buggy ? stale_nil : nil});
      } else if (const auto* w = std::get_if<Write>(&m)) {
        stale = value;
        stale_nil = nil;
        value = w->value;
        nil = false;
        ctx.send(from, WriteOk{w->id});
      }
    }
  };

  struct Client {
    std::uint64_t next_id = 1;
    void on_start(Ctx& ctx) { ctx.set_timer(Timer::next_operation, ms(1)); }
    void on_timer(Ctx& ctx, const Timer&) {
      const std::uint64_t id = next_id++;
      if (ctx.random(2) == 0) {
        ctx.record(OpType::invoke, "read");
        ctx.send(0, Read{id});
      } else {
        const auto v = static_cast<std::int64_t>(ctx.random(5));
        ctx.record(OpType::invoke, "write", {}, v);
        ctx.send(0, Write{id, v});
      }
    }
    void on_message(Ctx& ctx, NodeId, const Message& m) {
      if (const auto* r = std::get_if<ReadOk>(&m)) {
        ctx.record(OpType::ok, "read", {}, r->nil ? HistoryValue{} : HistoryValue{r->value});
      } else if (std::holds_alternative<WriteOk>(m)) {
        ctx.record(OpType::ok, "write", {}, HistoryValue{});
      }
      if (ctx.now() < ms(300)) ctx.set_timer(Timer::next_operation, ms(ctx.random(3)));
    }
  };
};

std::unique_ptr<Simulation> register_service() {
  return std::make_unique<SimulationOf<RegisterService>>(SimulationSpec<RegisterService>{
      .layout = [](const SimConfig& c) { return Engine<RegisterService>::Layout{1, c.nodes}; },
      .targets = [](const SimConfig&) { return FaultTargets{{}, 0}; },
      .install = [](Engine<RegisterService>& e, std::vector<std::unique_ptr<RunObserver>>&, const SimConfig&) {
        e.add_history_checker(invariants::linearizability({.model = "register"}));
      },
  });
}

SimConfig service_config(RegisterService::Variant variant) {
  SimConfig c;
  c.nodes = 3;  // clients
  c.variant = static_cast<std::uint32_t>(variant);
  c.time_limit_ns = ms(400);
  apply_fault_spec("delay=uniform:1ms:5ms", c);
  return c;
}

}  // namespace

TEST(Linearizability, CorrectRegisterServiceIsLinearizableOnEverySeed) {
  auto sim = register_service();
  for (std::uint64_t i = 0; i < 200; ++i) {
    const RunOutcome out = run_once(*sim, service_config(RegisterService::Variant::correct), derive_seed(17, i));
    ASSERT_EQ(out.verdict, Verdict::pass) << out.violation->message;
    ASSERT_GT(sim->history().size(), 100u);
  }
}

TEST(Linearizability, StaleReadsAreCaughtAtTheEndOfTheRun) {
  auto sim = register_service();
  std::optional<RunOutcome> failure;
  for (std::uint64_t i = 0; i < 50 && !failure; ++i) {
    const RunOutcome out = run_once(*sim, service_config(RegisterService::Variant::stale_reads), derive_seed(17, i));
    if (out.verdict != Verdict::pass) failure = out;
  }
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->verdict, Verdict::safety);
  EXPECT_EQ(failure->violation->invariant, "linearizable");
  EXPECT_NE(failure->violation->message.find("cannot be linearized"), std::string::npos) << failure->violation->message;
  EXPECT_FALSE(failure->violation->operations.empty());
}
