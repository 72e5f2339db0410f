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

std::uint32_t OperationLatencyMonitor::kind_of(std::string_view f) {
  for (std::size_t i = 0; i < windows_.size(); ++i) {
    if (windows_[i].f == f) return static_cast<std::uint32_t>(i);
  }
  if (windows_.size() >= kinds_max) return no_kind;
  windows_.push_back(Window{std::string(f), {}, 0, false});
  return static_cast<std::uint32_t>(windows_.size() - 1);
}

void OperationLatencyMonitor::observe(const EventView& event, const WorldView& world, BadgeSink& sink) {
  if (event.kind != EventKind::history || event.history == nullptr) return;
  const HistoryEvent& h = *event.history;
  if (h.process >= processes_max) return;
  if (h.type == OpType::invoke) {
    if (open_.size() <= h.process) open_.resize(std::size_t{h.process} + 1);
    open_[h.process] = Open{kind_of(h.f), event.true_ns};  // a second invoke replaces the first, as in LatencyStats
    return;
  }
  if (h.process >= open_.size() || open_[h.process].kind == no_kind) return;  // no invoke: nothing to measure
  const Open open = open_[h.process];
  open_[h.process] = Open{};
  if (h.type != OpType::info) complete(event, world, sink, open);
}

void OperationLatencyMonitor::complete(const EventView& event, const WorldView& world, BadgeSink& sink, const Open& open) {
  CORRIDOR_ASSERT(open.kind < windows_.size());
  Window& window = windows_[open.kind];
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
  b.details = {{"op", window.f},
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
