#include "traces/render_dot.hpp"

#include <map>

#include <fmt/format.h>

#include "model/units.hpp"
#include "traces/happens_before.hpp"
#include "traces/timeline.hpp"

namespace corridor {

namespace {

constexpr std::size_t label_chars_max = 60;

// Inside a DOT double-quoted string.
std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

const char* edge_style(HappensBeforeEdge kind) {
  switch (kind) {
    case HappensBeforeEdge::program_order: return "color=\"#90a4ae\", weight=10";
    case HappensBeforeEdge::message: return "color=\"#1565c0\", constraint=true";
    case HappensBeforeEdge::drop: return "color=\"#c62828\", style=dashed";
  }
  return "";
}

}  // namespace

std::string render_dot(const Trace& trace, const TraceWindow& window, bool transitive_reduction) {
  const HappensBeforeGraph hb = happens_before_graph(trace, window, transitive_reduction);
  const std::uint32_t nodes = trace.header.nodes;
  const std::uint64_t violation_step = trace.violation ? trace.violation->step : UINT64_MAX;
  std::string out = fmt::format("digraph happens_before {{\n  label={};\n  labelloc=t;\n  rankdir=TB;\n  newrank=true;\n"
                                "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontsize=10, "
                                "fontname=\"Helvetica\"];\n  edge [arrowsize=0.6];\n",
                                dot_quoted(fmt::format("{} / {}, seed {:#x}: happens-before{}", trace.header.protocol,
                                                   trace.header.variant, trace.header.seed,
                                                   transitive_reduction ? " (transitive reduction)" : "")));
  std::map<NodeId, std::string> clusters;  // ordered by actor: the same file on every run
  std::string loose;
  for (std::size_t v = 0; v < hb.event_of.size(); ++v) {
    const EventRecord& e = trace.events[hb.event_of[v]];
    const bool violating = e.step == violation_step;
    std::string attributes;
    if (e.kind == EventKind::drop) {
      attributes = fmt::format("shape=plaintext, style=\"\", fontcolor=\"#c62828\", label={}",
                               dot_quoted(fmt::format("× #{} {}", e.message_id, e.summary)));
    } else {
      attributes = fmt::format("label={}{}", dot_quoted(fmt::format("{}\nstep {}, {}", describe_event(e, nodes, label_chars_max),
                                                                 e.step, format_duration_short(e.true_ns))),
                               violating ? ", color=\"#c62828\", penwidth=2.5, fillcolor=\"#fdecea\"" : "");
    }
    const std::string line = fmt::format("    e{} [{}];\n", v, attributes);
    if (e.actor == no_node) loose += line;
    else clusters[e.actor] += line;
  }
  for (const auto& [actor, lines] : clusters) {
    out += fmt::format("  subgraph cluster_{0} {{\n    label=\"{0}\";\n    color=\"#cfd8dc\";\n{1}  }}\n",
                       actor_name(actor, nodes), lines);
  }
  out += loose;
  for (std::size_t v = 0; v < boost::num_vertices(hb.graph); ++v) {
    for (const auto& e : boost::make_iterator_range(boost::out_edges(v, hb.graph))) {
      out += fmt::format("  e{} -> e{} [{}];\n", v, boost::target(e, hb.graph), edge_style(hb.graph[e].kind));
    }
  }
  if (trace.violation && window.has_step(trace.violation->step)) {
    out += fmt::format("  violation [shape=note, color=\"#c62828\", fontcolor=\"#c62828\", label={}];\n",
                       dot_quoted(fmt::format("VIOLATION {} at step {}", trace.violation->invariant, trace.violation->step)));
  }
  return out + "}\n";
}

}  // namespace corridor
