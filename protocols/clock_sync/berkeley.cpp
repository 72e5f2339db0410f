#include "protocols/clock_sync/berkeley.hpp"

#include <algorithm>
#include <memory>

#include "invariants/badges/badge_observer.hpp"
#include "protocols/clock_sync/clock_sync_world.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using Ctx = Berkeley::Ctx;
using B = Berkeley;
constexpr std::uint64_t rounds_max = 100'000;  // per run: far above a run's periods

// Brings the clock to target_ns (a reading for now), slewed, or stepped in the planted bug, and
// notes the steady clock on both sides for clock-monotonic.
void adjust(B::Node& n, Ctx& ctx, time_ns target_ns, time_ns measured_mono_ns, std::uint64_t round) {
  const time_ns mono_ns = ctx.monotonic();
  const time_ns before_ns = n.clock.steady(mono_ns);
  if (ctx.variant() == B::Variant::step_backwards) {
    n.clock.step_to(target_ns, ctx.now(), mono_ns, measured_mono_ns, round);
  } else {
    n.clock.slew_to(target_ns, ctx.now(), mono_ns, measured_mono_ns, round);
  }
  ctx.note("clock-adjust", static_cast<std::uint64_t>(before_ns), static_cast<std::uint64_t>(n.clock.steady(mono_ns)));
}

// The leader's clock as it was at the poll, carried forward on its monotonic clock: the one time
// base a round is measured in, whatever its wall clock does meanwhile.
time_ns epoch_clock(const B::Node& n, time_ns mono_ns) { return n.epoch_ns + (mono_ns - n.epoch_mono_ns); }

void poll(B::Node& n, Ctx& ctx) {
  if (n.round >= rounds_max || !ctx.start_operation()) return;
  ++n.round;
  ctx.durable().round = n.round;
  n.epoch_mono_ns = ctx.monotonic();
  n.epoch_ns = n.clock.target(ctx.now());
  n.offsets.assign(ctx.node_count(), B::no_offset);
  n.answered.assign(ctx.node_count(), 0);
  n.offsets[B::leader] = 0;
  ctx.broadcast(B::Poll{n.round});
  ctx.set_timer(B::Collect{n.round}, B::timing.rtt_ns_max);
}

// The fault-tolerant average of the round's offsets: the mean of those within outlier_ns of the
// (lower) median; nothing when they are not a majority of the nodes.
std::optional<time_ns> fault_tolerant_average(B::Node& n, Ctx& ctx) {
  std::vector<time_ns> values;
  for (const time_ns o : n.offsets) {
    if (o != B::no_offset) values.push_back(o);
  }
  CORRIDOR_ASSERT_MSG(!values.empty(), "a round holds the leader's own offset");
  std::sort(values.begin(), values.end());
  const time_ns median_ns = values[(values.size() - 1) / 2];
  time_ns sum_ns = 0;
  std::uint32_t kept = 0;
  for (const time_ns v : values) {
    const time_ns apart_ns = v > median_ns ? v - median_ns : median_ns - v;
    if (ctx.variant() != B::Variant::no_outlier_drop && apart_ns > B::timing.outlier_ns) {
      ++n.outliers_dropped;
      continue;
    }
    sum_ns += v;
    ++kept;
  }
  if (2 * kept <= ctx.node_count()) return std::nullopt;
  return sum_ns / static_cast<time_ns>(kept);
}

void collect(B::Node& n, Ctx& ctx) {
  const std::optional<time_ns> average_ns = fault_tolerant_average(n, ctx);
  const std::vector<time_ns> offsets = std::move(n.offsets);
  n.offsets.clear();  // the round is over: later readings are ignored
  if (!average_ns) {
    ++n.rounds_abandoned;
    return;
  }
  for (NodeId j = 0; j < offsets.size(); ++j) {
    if (j != B::leader && offsets[j] != B::no_offset) ctx.send(j, B::Adjust{n.round, *average_ns - offsets[j], n.answered[j]});
  }
  adjust(n, ctx, epoch_clock(n, ctx.monotonic()) + *average_ns, n.epoch_mono_ns, n.round);
}

}  // namespace

void Berkeley::Node::on_start(Ctx& ctx) {
  CORRIDOR_ASSERT(ctx.node_count() <= nodes_max);
  if (ctx.self() != leader) return;
  round = ctx.durable().round;
  poll(*this, ctx);
  ctx.set_timer(PollTick{}, timing.period_ns);
}

void Berkeley::Node::on_timer(Ctx& ctx, const Timer& timer) {
  if (std::holds_alternative<PollTick>(timer)) {
    poll(*this, ctx);
    ctx.set_timer(PollTick{}, timing.period_ns);
  } else if (std::get<Collect>(timer).round == round && !offsets.empty()) {
    collect(*this, ctx);
  }
}

void Berkeley::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  const time_ns mono_ns = ctx.monotonic();
  if (const auto* p = std::get_if<Poll>(&m)) {
    if (p->round <= answered_round) return;  // a duplicate or an older poll
    answered_round = p->round;
    answered_mono_ns = mono_ns;
    answered_ns = clock.target(ctx.now());
    ctx.send(from, Reading{p->round, answered_ns, answered_mono_ns});
  } else if (const auto* r = std::get_if<Reading>(&m)) {
    const time_ns rtt_ns = mono_ns - epoch_mono_ns;
    if (r->round != round || offsets.empty() || from >= offsets.size() || rtt_ns > timing.rtt_ns_max) return;
    offsets[from] = r->clock_ns + rtt_ns / 2 - epoch_clock(*this, mono_ns);
    answered[from] = r->answered_mono_ns;
  } else {
    const Adjust& a = std::get<Adjust>(m);
    // Not for this node's latest answer, or already applied (a duplicate).
    if (a.round != answered_round || a.answered_mono_ns != answered_mono_ns || clock.round == a.round) return;
    adjust(*this, ctx, answered_ns + (mono_ns - answered_mono_ns) + a.delta_ns, answered_mono_ns, a.round);
  }
}

namespace {

using E = Engine<Berkeley>;

invariants::SyncedClockFn<E> berkeley_clock(const SimConfig& config) {
  const time_ns share_ns = invariants::sync_share_ns(config, Berkeley::timing);
  return [share_ns](const E& w, NodeId n) {
    const time_ns wall_ns = w.clock(n).wall(w.now_ns());
    const time_ns mono_ns = w.clock(n).monotonic(w.now_ns());
    const SoftwareClock& c = w.node(n).clock;
    return invariants::SyncedClock{
        .synchronised = c.synchronised(wall_ns, mono_ns, Berkeley::timing.fresh_ns),
        .reading_ns = c.read(wall_ns, mono_ns),
        .share_ns = n == Berkeley::leader ? 0 : share_ns,
        .round = c.round,
    };
  };
}

std::vector<Witness<E>> berkeley_witnesses() {
  return {{"follower-adjusted", "a follower applied a round's adjustment",
           [](const E& w) {
             for (NodeId n = 1; n < w.layout_nodes(); ++n) {
               if (w.node(n).clock.adjustments > 0) return true;
             }
             return false;
           }},
          {"outlier-dropped", "the leader left a reading out of a round's average",
           [](const E& w) { return w.node(Berkeley::leader).outliers_dropped > 0; }}};
}

std::vector<std::unique_ptr<invariants::BadgeMonitor>> berkeley_badge_monitors() {
  return clock_sync_world::badge_monitors(Berkeley::delay_ns_assumed);
}

}  // namespace

ProtocolEntry berkeley_entry() {
  ProtocolEntry entry = register_protocol<Berkeley>(
      {
          .name = "berkeley",
          .description = "The Berkeley algorithm: a leader (n0) polls, averages the clocks with outliers dropped and "
                         "sends each node its adjustment, slewed in, over drifting, skewed and jumping clocks.",
          .variants =
              {
                  correct_variant(Berkeley::Variant::correct,
                                  "Readings estimated with half the round trip; those over 50 ms from the median are "
                                  "left out of the average; every adjustment slewed in."),
                  planted_bug(Berkeley::Variant::step_backwards,
                              "Every adjustment is stepped in at once, so a negative one sets the clock back.",
                              "clock-monotonic"),
                  planted_bug(Berkeley::Variant::no_outlier_drop,
                              "The leader averages every reading, so a clock that jumped a second pulls every other "
                              "clock a fraction of a second off true time.",
                              "clock-accuracy"),
              },
          .default_nodes = 3,
          .min_nodes = 3,
          .max_nodes = Berkeley::nodes_max,
          .default_faults = clock_sync_world::faults,
          .default_clock = clock_sync_world::clock,
          .campaign_nodes = {3, 4, 5},
          .campaign_clocks = {clock_sync_world::clock, clock_sync_world::clock_jumping_back},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(3),
          .demo_faults = clock_sync_world::faults,
          .demo_clock = clock_sync_world::clock,
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig& config) {
                engine.add_state_invariant(invariants::clock_agreement<E>(berkeley_clock(config), true));
                engine.add_state_invariant(invariants::clock_accuracy<E>(
                    berkeley_clock(config),
                    [config](time_ns true_ns) { return invariants::berkeley_accuracy_ns(config, Berkeley::timing, true_ns); }));
                observers.push_back(std::make_unique<invariants::ClockAdjustMonitor>());
              },
          .install_badges =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                 std::vector<Badge>& badges) {
                auto observer = std::make_unique<invariants::BadgeObserver<E>>(engine, badges);
                for (auto& m : berkeley_badge_monitors()) observer->add(std::move(m));
                observers.push_back(std::move(observer));
              },
          .witnesses = berkeley_witnesses(),
      });
  for (const auto& m : berkeley_badge_monitors()) entry.info.badge_monitors.push_back(m->declaration());
  return entry;
}

}  // namespace corridor::protocols
