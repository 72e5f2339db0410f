#include "invariants/badges/operation_latency.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/units.hpp"

namespace corridor::invariants {

OperationLatencyMonitor::OperationLatencyMonitor(time_ns p99_ns_max, std::string derivation, std::uint32_t window_ops)
    : p99_ns_max_(p99_ns_max),
      window_ops_(window_ops),
      declaration_{"operation-latency", "client",
                   fmt::format("The 99th percentile of a kind's last {} completed client operations, from invoke to "
                               "ok or fail, is at most {}.",
                               window_ops, format_duration(p99_ns_max)),
                   fmt::format("p99_ns_max = {}{}{}", format_duration(p99_ns_max), derivation.empty() ? "" : ": ",
                               derivation),
                   "client history (invoke to ok/fail)"} {
  CORRIDOR_ASSERT(p99_ns_max > 0);
  CORRIDOR_ASSERT(window_ops >= 1 && window_ops <= window_ops_max);
}

void OperationLatencyMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  open_.clear();
  windows_.clear();
}

void OperationLatencyMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind != EventKind::history || event.history == nullptr) return;
  const HistoryEvent& h = *event.history;
  if (h.type == OpType::invoke) {
    if (open_.size() >= processes_max && !open_.contains(h.process)) return;
    open_[h.process] = Open{h.f, event.true_ns};  // a second invoke replaces the first, as in LatencyStats
    return;
  }
  const auto it = open_.find(h.process);
  if (it == open_.end()) return;  // a completion without its invoke: nothing to measure
  const Open open = std::move(it->second);
  open_.erase(it);
  if (h.type != OpType::info) complete(event, world, sink, open);
}

void OperationLatencyMonitor::complete(const EventView& event, const WorldView& world, BadgeSink& sink, const Open& open) {
  if (windows_.size() >= kinds_max && !windows_.contains(open.f)) return;
  Window& window = windows_[open.f];
  const time_ns latency_ns = event.true_ns - open.invoke_ns;
  CORRIDOR_ASSERT_MSG(latency_ns >= 0, "an operation completed before it was invoked");
  const time_ns p99_ns = add_and_p99(window, latency_ns);
  const bool outside = p99_ns > p99_ns_max_;
  const bool crossed = outside && !window.outside;
  window.outside = outside;
  if (!crossed) return;
  Badge b = badge_at(event, world, event.actor, "omniscient", "latency_p99_exceeded");
  const std::string client =
      event.actor < nodes_ ? fmt::format("n{}", event.actor) : fmt::format("c{}", event.actor - nodes_);
  b.details = {{"op", open.f},
               {"client", client},
               {"latency", badge_duration_text(latency_ns)},
               {"p99", badge_duration_text(p99_ns)},
               {"window", fmt::format("{} ops", window.latencies_ns.size())},
               {"bound", format_duration(p99_ns_max_)}};
  sink.append(std::move(b));
}

time_ns OperationLatencyMonitor::add_and_p99(Window& window, time_ns latency_ns) {
  std::vector<time_ns>& ring = window.latencies_ns;
  if (ring.size() < window_ops_) {
    ring.push_back(latency_ns);
  } else {
    ring[window.next] = latency_ns;
    window.next = (window.next + 1) % window_ops_;
  }
  // Nearest rank: the ceil(0.99 n)-th smallest. Completions are rare next to the other events, so
  // a selection over at most window_ops values per completion costs little.
  const std::size_t n = ring.size();
  const std::size_t rank = (99 * n + 99) / 100;  // ceil(0.99 n) in integers: n >= 1, so rank >= 1
  scratch_ns_.assign(ring.begin(), ring.end());  // reused: no allocation once it has grown to the window
  std::nth_element(scratch_ns_.begin(), scratch_ns_.begin() + static_cast<std::ptrdiff_t>(rank - 1), scratch_ns_.end());
  return scratch_ns_[rank - 1];
}

}  // namespace corridor::invariants
