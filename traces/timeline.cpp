#include "traces/timeline.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/units.hpp"

namespace corridor {

namespace {

std::string shorten(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  return text.substr(0, max > 3 ? max - 3 : 0) + "...";
}

}  // namespace

std::string describe_event(const EventRecord& e, std::uint32_t nodes, std::size_t max) {
  const std::string who = actor_name(e.actor, nodes);
  const std::string text = shorten(e.summary, max);
  switch (e.kind) {
    case EventKind::send:
      return fmt::format("{} -> {} #{} {}", who, actor_name(e.target, nodes), e.message_id, text);
    case EventKind::deliver:
      return fmt::format("{} <- {} #{} {}", who, actor_name(e.source, nodes), e.message_id, text);
    case EventKind::drop:
      return fmt::format("drop #{} {} -> {} ({})", e.message_id, actor_name(e.source, nodes), actor_name(e.target, nodes), text);
    default:
      return fmt::format("{} {}", who, kind_and_summary(e.kind, text));
  }
}

namespace {

const char* color_of(EventKind kind) {
  switch (kind) {
    case EventKind::drop:
    case EventKind::crash: return "\x1b[31m";
    case EventKind::partition:
    case EventKind::pause:
    case EventKind::clock_jump:
    case EventKind::drift:
    case EventKind::loss_burst: return "\x1b[33m";
    case EventKind::heal:
    case EventKind::resume:
    case EventKind::recover: return "\x1b[32m";
    case EventKind::history: return "\x1b[36m";
    default: return "";
  }
}

}  // namespace

std::string render_timeline(const Trace& trace, const TimelineOptions& options) {
  const std::uint32_t nodes = trace.header.nodes;
  const std::uint32_t actors = trace.header.nodes + trace.header.clients;
  std::vector<NodeId> lanes = options.nodes;
  if (lanes.empty()) for (NodeId a = 0; a < actors; ++a) lanes.push_back(a);
  std::string out;
  out += fmt::format("{} / {}, seed {:#x}, {} events\n", trace.header.protocol, trace.header.variant, trace.header.seed,
                     trace.events.size());
  std::string lane_header;
  for (NodeId a : lanes) lane_header += fmt::format("{:<4}", actor_name(a, nodes));
  out += fmt::format("{:>7}  {:<10} {} event\n", "step", "time", lane_header);
  const std::uint64_t violation_step = trace.violation ? trace.violation->step : UINT64_MAX;
  bool violation_printed = false;
  for (const EventRecord& e : trace.events) {
    if (e.step < options.from_step || e.step > options.to_step) continue;
    const bool involves = std::find(lanes.begin(), lanes.end(), e.actor) != lanes.end() ||
                          (e.actor == no_node && (options.nodes.empty() ||
                                                  std::find(lanes.begin(), lanes.end(), e.source) != lanes.end() ||
                                                  std::find(lanes.begin(), lanes.end(), e.target) != lanes.end()));
    if (!involves) continue;
    std::string lane_marks;
    for (NodeId a : lanes) {
      const bool here = a == e.actor || (e.actor == no_node && (a == e.source || a == e.target));
      lane_marks += here ? (e.actor == no_node ? "x   " : "*   ") : "|   ";
    }
    const std::string text = describe_event(e, nodes, options.max_summary);
    if (options.color && *color_of(e.kind)) {
      out += fmt::format("{:>7}  {:<10} {}{}{}\x1b[0m\n", e.step, format_duration_short(e.true_ns), lane_marks, color_of(e.kind), text);
    } else {
      out += fmt::format("{:>7}  {:<10} {}{}\n", e.step, format_duration_short(e.true_ns), lane_marks, text);
    }
    if (options.show_state && !e.state.empty()) out += fmt::format("{:>19} {}state: {}\n", "", "", shorten(e.state, 200));
    if (trace.violation && e.step >= violation_step && !violation_printed &&
        (&e == &trace.events.back() || (&e + 1)->step > violation_step)) {
      out += fmt::format("{:>7}  {:<10} VIOLATION {}: {}\n", e.step, format_duration_short(trace.violation->true_ns),
                         trace.violation->invariant, trace.violation->message);
      violation_printed = true;
    }
  }
  if (trace.violation && !violation_printed) {
    out += fmt::format("VIOLATION {} at step {}: {}\n", trace.violation->invariant, trace.violation->step,
                       trace.violation->message);
  }
  return out;
}

}  // namespace corridor
