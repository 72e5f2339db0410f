// Boost.Graph's edge iterator holds a boost::optional that GCC's -Wmaybe-uninitialized flags inside
// Boost's own headers (a false positive); the headers come first so the pragma covers them. Clang
// has no such warning (and -Werror rejects the unknown name), so the pragma is GCC's only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/transitive_reduction.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include "traces/happens_before.hpp"

#include <map>
#include <optional>
#include <fmt/format.h>

#include "model/verdict.hpp"

namespace corridor {

namespace {

using Graph = HappensBeforeGraph::Graph;
using Vertex = Graph::vertex_descriptor;

HappensBeforeGraph build(const Trace& trace, const TraceWindow& window) {
  HappensBeforeGraph out;
  const std::uint32_t actors = trace.header.nodes + trace.header.clients;
  std::vector<std::optional<Vertex>> last_of(actors);
  std::map<std::uint64_t, Vertex> send_of;  // message id -> its send's vertex
  for (std::uint32_t i = 0; i < trace.events.size(); ++i) {
    const EventRecord& e = trace.events[i];
    if (!window.has_step(e.step)) continue;
    const bool drop = e.kind == EventKind::drop && window.has_actor(e.source) && window.has_actor(e.target);
    const bool local = e.actor != no_node && e.actor < actors && window.has_actor(e.actor);
    if (!drop && !local) continue;
    const Vertex v = boost::add_vertex(out.graph);
    out.event_of.push_back(i);
    if (local) {
      if (last_of[e.actor]) boost::add_edge(*last_of[e.actor], v, {HappensBeforeEdge::program_order}, out.graph);
      last_of[e.actor] = v;
    }
    if (e.kind == EventKind::send) send_of[e.message_id] = v;
    if (e.kind == EventKind::deliver || drop) {
      if (const auto it = send_of.find(e.message_id); it != send_of.end()) {
        boost::add_edge(it->second, v, {drop ? HappensBeforeEdge::drop : HappensBeforeEdge::message}, out.graph);
      }
    }
  }
  return out;
}

// The reduced graph keeps the vertices (same numbering) and the edges that no other path implies;
// each kept edge takes its kind from the original graph.
HappensBeforeGraph reduce(const HappensBeforeGraph& full) {
  using Plain = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Plain reduced;
  std::vector<Plain::vertex_descriptor> to_reduced(boost::num_vertices(full.graph));
  boost::transitive_reduction(full.graph, reduced,
                              boost::make_iterator_property_map(to_reduced.begin(), boost::get(boost::vertex_index, full.graph)),
                              boost::get(boost::vertex_index, full.graph));
  HappensBeforeGraph out;
  out.event_of = full.event_of;
  for (std::size_t v = 0; v < boost::num_vertices(full.graph); ++v) boost::add_vertex(out.graph);
  std::vector<Vertex> from_reduced(boost::num_vertices(reduced));
  for (std::size_t v = 0; v < to_reduced.size(); ++v) from_reduced[to_reduced[v]] = v;
  // Over out-edges rather than boost::edges(): GCC warns about the latter's iterator.
  for (std::size_t rv = 0; rv < boost::num_vertices(reduced); ++rv) {
    for (const auto& e : boost::make_iterator_range(boost::out_edges(rv, reduced))) {
      const Vertex s = from_reduced[rv];
      const Vertex t = from_reduced[boost::target(e, reduced)];
      const auto [original, found] = boost::edge(s, t, full.graph);
      boost::add_edge(s, t, found ? full.graph[original] : HappensBeforeGraph::EdgeData{}, out.graph);
    }
  }
  return out;
}

}  // namespace

HappensBeforeGraph happens_before_graph(const Trace& trace, const TraceWindow& window, bool reduce_edges) {
  HappensBeforeGraph full = build(trace, window);
  if (!reduce_edges) return full;
  if (boost::num_vertices(full.graph) > happens_before_reduce_vertices_max) {
    throw UsageError(fmt::format("--reduce: the graph has {} events, more than the {} a transitive reduction is done for; "
                                 "pick a window with --from/--to",
                                 boost::num_vertices(full.graph), happens_before_reduce_vertices_max));
  }
  return reduce(full);
}

}  // namespace corridor
