#include "traces/render_shiviz.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "traces/timeline.hpp"

namespace corridor {

namespace {

constexpr std::size_t summary_chars_max = 200;

// One line of event text: ShiViz reads the event up to the end of its line.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

std::map<std::uint64_t, std::string> drops_by_message(const Trace& trace) {
  std::map<std::uint64_t, std::string> out;
  for (const EventRecord& e : trace.events) {
    if (e.kind == EventKind::drop) out.emplace(e.message_id, e.summary);
  }
  return out;
}

}  // namespace

std::string render_shiviz(const Trace& trace, const TraceWindow& window) {
  const std::uint32_t actors = trace.header.nodes + trace.header.clients;
  const std::map<std::uint64_t, std::string> drops = drops_by_message(trace);
  std::vector<std::vector<std::uint32_t>> clock(actors, std::vector<std::uint32_t>(actors, 0));
  std::map<std::uint64_t, std::vector<std::uint32_t>> send_clock;  // message id -> the logged send's clock
  std::string out = fmt::format("{}\n\n", shiviz_regex);
  for (const EventRecord& e : trace.events) {
    if (e.actor == no_node || e.actor >= actors || !window.has_step(e.step) || !window.has_actor(e.actor)) continue;
    std::vector<std::uint32_t>& c = clock[e.actor];
    if (e.kind == EventKind::deliver) {
      if (const auto it = send_clock.find(e.message_id); it != send_clock.end()) {
        for (std::uint32_t a = 0; a < actors; ++a) c[a] = std::max(c[a], it->second[a]);
      }
    }
    ++c[e.actor];
    if (e.kind == EventKind::send) send_clock[e.message_id] = c;
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (std::uint32_t a = 0; a < actors; ++a) {
      if (c[a] > 0) j[actor_name(a, trace.header.nodes)] = c[a];
    }
    std::string text = describe_event(e, trace.header.nodes, summary_chars_max);
    if (e.kind == EventKind::send) {
      if (const auto it = drops.find(e.message_id); it != drops.end()) text += fmt::format(" [dropped: {}]", it->second);
    }
    out += fmt::format("{} {}\n{}\n", actor_name(e.actor, trace.header.nodes), j.dump(), one_line(std::move(text)));
  }
  return out;
}

}  // namespace corridor
