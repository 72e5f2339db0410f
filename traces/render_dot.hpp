#pragma once
// The happens-before graph (happens_before.hpp) in Graphviz's DOT language: one cluster per actor,
// its events top to bottom in program order, blue message edges from sends to deliveries, red
// dashed edges to the × of a dropped message; the violating step's events are outlined in red.
// `dot -Tsvg trace.dot > trace.svg` draws it.
#include <string>

#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

std::string render_dot(const Trace& trace, const TraceWindow& window, bool transitive_reduction);

}  // namespace corridor
