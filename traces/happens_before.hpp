#pragma once
// The happens-before graph of a trace, as a Boost.Graph: a vertex per event of a node or client
// (and per dropped message), an edge from each event to the next one of the same actor (program
// order), from each send to its deliveries, and from a send to its drop. Optionally reduced
// transitively (boost::transitive_reduction): only the edges no other path implies remain, which
// removes, for instance, the edge to a duplicate delivery.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

enum class HappensBeforeEdge : std::uint8_t { program_order, message, drop };

struct HappensBeforeGraph {
  struct EdgeData {
    HappensBeforeEdge kind = HappensBeforeEdge::program_order;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeData>;
  Graph graph;
  std::vector<std::uint32_t> event_of;  // vertex -> index into Trace::events
};

// Transitive reduction works in memory and time that grow with vertices x edges; above this many
// vertices it is refused (pick a window with --from/--to).
inline constexpr std::size_t happens_before_reduce_vertices_max = 20'000;

// Throws UsageError when `reduce` is asked for a graph larger than the limit above.
HappensBeforeGraph happens_before_graph(const Trace& trace, const TraceWindow& window, bool reduce);

}  // namespace corridor
