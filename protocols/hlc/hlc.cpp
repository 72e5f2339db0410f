#include "protocols/hlc/hlc.hpp"

#include <algorithm>
#include <memory>

#include "invariants/hybrid_clock.hpp"
#include "protocols/registry.hpp"

namespace corridor::protocols {

namespace {

using Ctx = Hlc::Ctx;
using Stamp = Hlc::Stamp;

void arm_post_timer(Ctx& ctx) { ctx.set_timer(Hlc::Timer::next_post, Hlc::post_interval_min_ns, Hlc::post_interval_max_ns); }

// A send or local event: l takes the physical clock if it has moved past l; c counts events that
// share an l.
Stamp local_event(const Stamp& now, time_ns pt, Hlc::Variant variant) {
  const std::int64_t l = std::max(now.l, pt);
  const bool same_l = l == now.l;
  return {l, same_l || variant == Hlc::Variant::counter_never_reset ? now.c + 1 : 0};
}

// A receipt of a message stamped m: l is the largest of the node's l, the message's and the clock;
// c continues whichever of them supplied l.
Stamp receive_event(const Stamp& now, const Stamp& m, time_ns pt, Hlc::Variant variant) {
  const std::int64_t l = variant == Hlc::Variant::receive_without_physical ? std::max(now.l, m.l)
                                                                           : std::max({now.l, m.l, pt});
  std::uint64_t c = 0;
  if (l == now.l && l == m.l) c = std::max(now.c, m.c) + 1;
  else if (l == now.l) c = now.c + 1;
  else if (l == m.l) c = m.c + 1;
  else c = variant == Hlc::Variant::counter_never_reset ? now.c + 1 : 0;
  if (variant == Hlc::Variant::reset_counter_on_receive) c = 0;
  return {l, c};
}

void note_hlc(Ctx& ctx, const Stamp& s) { ctx.note("hlc", static_cast<std::uint64_t>(s.l), s.c); }

}  // namespace

void Hlc::Node::on_start(Ctx& ctx) { arm_post_timer(ctx); }

void Hlc::Node::on_timer(Ctx& ctx, const Timer&) {
  if (posted >= posts_per_node || !ctx.start_operation()) return;
  ++posted;
  hlc = local_event(hlc, ctx.now(), ctx.variant());
  // The note comes before the send, so that the message's vector clock includes it: the receipt's
  // HLC event then happened after this one (invariants/hybrid_clock.hpp).
  note_hlc(ctx, hlc);
  ctx.send(ctx.random_peer(), Post{hlc});
  if (posted < posts_per_node) arm_post_timer(ctx);
}

void Hlc::Node::on_message(Ctx& ctx, NodeId, const Message& m) {
  const Post& post = std::get<Post>(m);
  const Stamp before = hlc;
  hlc = receive_event(hlc, post.hlc, ctx.now(), ctx.variant());
  if (hlc.l == post.hlc.l && hlc.l > before.l) ++took_remote_l;
  note_hlc(ctx, hlc);
}

namespace {

std::vector<Witness<Engine<Hlc>>> hlc_witnesses() {
  using E = Engine<Hlc>;
  return {{"remote-l-adopted", "a receipt took its l from the message (the sender's clock was ahead)",
           [](const E& w) {
             for (NodeId n = 0; n < w.layout_nodes(); ++n) {
               if (w.node(n).took_remote_l > 0) return true;
             }
             return false;
           }},
          {"counter-used", "a node's counter is above zero (two events shared an l)", [](const E& w) {
             for (NodeId n = 0; n < w.layout_nodes(); ++n) {
               if (w.node(n).hlc.c > 0) return true;
             }
             return false;
           }}};
}

}  // namespace

ProtocolEntry hlc_entry() {
  using E = Engine<Hlc>;
  using invariants::HybridClockMonitor;
  return register_protocol<Hlc>(
      {
          .name = "hlc",
          .description = "Hybrid logical clocks (Kulkarni et al.) stamping a gossiping chat over drifting, skewed and "
                         "jumping clocks.",
          .variants =
              {
                  correct_variant(Hlc::Variant::correct,
                                  "l = max(l, l_m, pt) on a receipt, max(l, pt) otherwise; c counts events sharing an l "
                                  "and restarts at 0 when l moves."),
                  planted_bug(Hlc::Variant::receive_without_physical,
                              "A receipt takes max(l, l_m) and leaves the physical clock out, so l falls behind the "
                              "node's clock.",
                              "hlc-close-to-physical"),
                  planted_bug(Hlc::Variant::reset_counter_on_receive,
                              "A receipt sets c = 0 whatever l it takes, so a receipt that keeps the message's l is "
                              "stamped no later than the send.",
                              "hlc-happened-before"),
                  planted_bug(Hlc::Variant::counter_never_reset,
                              "c counts up even when l moves to a new physical reading, so it grows without the "
                              "paper's bound.",
                              "hlc-counter-bound"),
              },
          .default_nodes = 3,
          .min_nodes = 2,
          .max_nodes = 64,
          .default_faults = "delay=uniform:1ms:10ms,loss=0.02,dup=0.02,pause=1",
          .default_clock = "skew=20ms,drift=1000ppm,jump=-15ms,jumps=1",
          .campaign_nodes = {2, 3, 5},
          // The clock is read at every event: an NTP step back and one forward, each inside epsilon.
          .campaign_clocks = {"skew=20ms,drift=1000ppm,jump=-15ms,jumps=1", "skew=20ms,drift=1000ppm,jump=15ms,jumps=1"},
          .reads_clocks = true,
          .default_time_limit_ns = seconds(1),  // every node's posts are made within 0.8 s
          .demo_faults = "delay=uniform:1ms:10ms,loss=0.02,dup=0.02,pause=1",
          .demo_clock = "skew=20ms,drift=1000ppm,jump=-15ms,jumps=1",
      },
      {
          .layout = [](const SimConfig& c) { return E::Layout{c.nodes, 0}; },
          .targets = [](const SimConfig& c) { return every_node_targets(c.nodes); },
          .install =
              [](E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig& config) {
                const time_ns epsilon_ns = invariants::hlc_epsilon_ns(config);
                for (const auto check : {HybridClockMonitor::Check::happened_before,
                                         HybridClockMonitor::Check::close_to_physical,
                                         HybridClockMonitor::Check::counter_bound}) {
                  observers.push_back(std::make_unique<HybridClockMonitor>(check, epsilon_ns));
                }
              },
          .witnesses = hlc_witnesses(),
      });
}

}  // namespace corridor::protocols
