#include "protocols/clock_sync/cristian.hpp"

#include <memory>

#include "invariants/badges/badge_observer.hpp"
#include "protocols/clock_sync/clock_sync_world.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using Ctx = Cristian::Ctx;
constexpr std::uint64_t requests_max = 100'000;  // per client and run: far above a run's periods

void adjust_note(Ctx& ctx, time_ns before_ns, time_ns after_ns) {
  ctx.note("clock-adjust", static_cast<std::uint64_t>(before_ns), static_cast<std::uint64_t>(after_ns));
}

void ask(Cristian::Node& n, Ctx& ctx) {
  // An operation of the workload, so that the shrinker can take rounds away.
  if (n.requests >= requests_max || !ctx.start_operation()) return;
  ++n.requests;
  n.asked_mono_ns = ctx.monotonic();
  n.awaiting = true;
  ctx.send(Cristian::server, Cristian::TimeRequest{n.asked_mono_ns});
}

}  // namespace

void Cristian::Node::on_start(Ctx& ctx) {
  if (ctx.self() == server) {
    Durable& d = ctx.durable();
    if (!d.booted) d = {true, ctx.now() - ctx.monotonic()};
    boot_offset_ns = d.boot_offset_ns;
    return;
  }
  ask(*this, ctx);
  ctx.set_timer(Timer::sync, timing.period_ns);
}

void Cristian::Node::on_timer(Ctx& ctx, const Timer&) {
  ask(*this, ctx);
  ctx.set_timer(Timer::sync, timing.period_ns);
}

void Cristian::Node::on_message(Ctx& ctx, NodeId from, const Message& m) {
  if (const auto* request = std::get_if<TimeRequest>(&m)) {
    ctx.send(from, TimeReply{request->asked_mono_ns, reading(ctx.self(), ctx.now(), ctx.monotonic())});
    return;
  }
  const TimeReply& reply = std::get<TimeReply>(m);
  // A duplicate, or an answer to an older request (sent before a restart, too).
  if (ctx.self() == server || !awaiting || reply.asked_mono_ns != asked_mono_ns) return;
  awaiting = false;
  const time_ns mono_ns = ctx.monotonic();
  const time_ns rtt_ns = mono_ns - asked_mono_ns;
  if (rtt_ns > timing.rtt_ns_max) {
    ++discarded;
    return;
  }
  const time_ns half_ns = ctx.variant() == Variant::no_halving ? 0 : rtt_ns / 2;
  const time_ns before_ns = clock.steady(mono_ns);
  clock.slew_to(reply.server_ns + half_ns, ctx.now(), mono_ns, mono_ns, requests);
  adjust_note(ctx, before_ns, clock.steady(mono_ns));
}

namespace {

using E = Engine<Cristian>;

invariants::SyncedClockFn<E> cristian_clock(const SimConfig& config) {
  const time_ns share_ns = invariants::sync_share_ns(config, Cristian::timing);
  return [share_ns](const E& w, NodeId n) {
    const time_ns wall_ns = w.clock(n).wall(w.now_ns());
    const time_ns mono_ns = w.clock(n).monotonic(w.now_ns());
    const Cristian::Node& node = w.node(n);
    const bool is_server = n == Cristian::server;
    return invariants::SyncedClock{
        .synchronised = is_server || node.clock.synchronised(wall_ns, mono_ns, Cristian::timing.fresh_ns),
        .reading_ns = node.reading(n, wall_ns, mono_ns),
        .share_ns = is_server ? 0 : share_ns,
        .round = 0,
    };
  };
}

std::vector<Witness<E>> cristian_witnesses() {
  return {{"client-synchronised", "a client's clock is synchronised (adjusted, slewed in, fresh, not stepped since)",
           [](const E& w) {
             for (NodeId n = 1; n < w.layout_nodes(); ++n) {
               const time_ns wall_ns = w.clock(n).wall(w.now_ns());
               const time_ns mono_ns = w.clock(n).monotonic(w.now_ns());
               if (w.node(n).clock.synchronised(wall_ns, mono_ns, Cristian::timing.fresh_ns)) return true;
             }
             return false;
           }}};
}

std::vector<std::unique_ptr<invariants::BadgeMonitor>> cristian_badge_monitors() {
  return clock_sync_world::badge_monitors(Cristian::delay_ns_assumed);
}

}  // namespace

ProtocolEntry cristian_entry() {
  ProtocolEntry entry = register_protocol<Cristian>(
      {
          .name = "cristian",
          .description = "Cristian's clock synchronisation: clients ask a time server (n0) and add half the round "
                         "trip, slewing their clocks, over drifting, skewed and jumping clocks.",
          .variants =
              {
                  correct_variant(Cristian::Variant::correct,
                                  "The client sets its clock to the server's reading plus half the round trip, slewed "
                                  "in; round trips over 20.02 ms are discarded."),
                  planted_bug(Cristian::Variant::no_halving,
                              "The client takes the server's reading without half the round trip, so it runs behind "
                              "the server by the reply's delay.",
                              "clock-agreement"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = 64,
          .default_faults = clock_sync_world::faults,
          .default_clock = clock_sync_world::clock,
          .campaign_nodes = {2, 3, 5},
          .campaign_clocks = {clock_sync_world::clock, clock_sync_world::clock_jumping_back},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(2),
          .demo_faults = clock_sync_world::faults,
          .demo_clock = clock_sync_world::clock,
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig& config) {
                engine.add_state_invariant(invariants::clock_agreement<E>(cristian_clock(config), false));
                observers.push_back(std::make_unique<invariants::ClockAdjustMonitor>());
              },
          .install_badges =
              [](E& engine, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                 std::vector<Badge>& badges) {
                auto observer = std::make_unique<invariants::BadgeObserver<E>>(engine, badges);
                for (auto& m : cristian_badge_monitors()) observer->add(std::move(m));
                observers.push_back(std::move(observer));
              },
          .witnesses = cristian_witnesses(),
      });
  for (const auto& m : cristian_badge_monitors()) entry.info.badge_monitors.push_back(m->declaration());
  return entry;
}

}  // namespace corridor::protocols
