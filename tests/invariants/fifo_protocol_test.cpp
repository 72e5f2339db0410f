// The delivery monitors on a tiny protocol that delivers every message the moment it arrives:
// with reordering delays it breaks FIFO order, with constant delays on a FIFO network it keeps
// it. It also shows the engine's causal order agreeing with the delivered order when nothing is
// ever held back.
#include <gtest/gtest.h>

#include <memory>
#include <variant>

#include "explorers/random_explorer.hpp"
#include "invariants/causal_delivery.hpp"
#include "invariants/delivery_notes.hpp"
#include "invariants/fifo_delivery.hpp"
#include "model/prng.hpp"

using namespace corridor;

namespace {

struct DeliverOnArrival {
  struct Cast { std::uint64_t id = 0; };
  using Message = std::variant<Cast>;
  enum class Timer { next_cast };
  using Ctx = Context<DeliverOnArrival>;
  struct Node {
    std::uint32_t cast = 0;
    void on_start(Ctx& ctx) { ctx.set_timer(Timer::next_cast, ms(1)); }
    void on_message(Ctx& ctx, NodeId, const Message& m) { ctx.note("deliver", std::get<Cast>(m).id); }
    void on_timer(Ctx& ctx, const Timer&) {
      const std::uint64_t id = invariants::cast_id(ctx.self(), ++cast);
      ctx.note("cast", id);
      ctx.broadcast(Cast{id});
      if (cast < 10) ctx.set_timer(Timer::next_cast, ms(1));
    }
  };
};
using E = Engine<DeliverOnArrival>;

SimulationOf<DeliverOnArrival> make_sim(invariants::CausalOrder order) {
  return SimulationOf<DeliverOnArrival>({
      .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
      .targets = [](const SimConfig&) { return FaultTargets{{}, 0}; },
      .install =
          [order](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&) {
            observers.push_back(std::make_unique<invariants::FifoDeliveryMonitor>());
            observers.push_back(std::make_unique<invariants::CausalDeliveryMonitor>(order));
          },
  });
}

SimConfig config_with(std::string_view faults) {
  SimConfig config;
  config.nodes = 3;
  config.time_limit_ns = seconds(1);
  apply_fault_spec(faults, config);
  return config;
}

}  // namespace

TEST(FifoDeliveryOnAProtocol, FoundWhenTheNetworkReorders) {
  auto sim = make_sim(invariants::CausalOrder::delivered);
  const SimConfig config = config_with("delay=uniform:1ms:20ms");
  const RunOutcome out = run_once(sim, config, derive_seed(7, 0));
  ASSERT_TRUE(out.violation);
  EXPECT_EQ(out.violation->invariant, "fifo-delivery") << out.violation->message;
}

// FIFO links keep each origin's order, so FIFO delivery holds; causality across origins still
// breaks at times, and both causal orders agree on when, because every receipt is a delivery.
TEST(FifoDeliveryOnAProtocol, QuietOnFifoLinksWhereBothCausalOrdersAgree) {
  auto delivered = make_sim(invariants::CausalOrder::delivered);
  auto engine = make_sim(invariants::CausalOrder::engine);
  const SimConfig config = config_with("delay=uniform:1ms:20ms,fifo");
  int causal_violations = 0;
  for (std::uint64_t i = 0; i < 50; ++i) {
    const RunOutcome a = run_once(delivered, config, derive_seed(7, i));
    const RunOutcome b = run_once(engine, config, derive_seed(7, i));
    ASSERT_EQ(a.violation.has_value(), b.violation.has_value()) << "seed index " << i;
    if (!a.violation) continue;
    EXPECT_EQ(a.violation->invariant, "causal-delivery") << a.violation->message;
    EXPECT_EQ(a.violation->step, b.violation->step);
    ++causal_violations;
  }
  EXPECT_GT(causal_violations, 0);
}
