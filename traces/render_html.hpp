#pragma once
// The space-time diagram as one self-contained HTML page (no network: inline CSS and script, the
// trace embedded as JSON): a lane per node and client, message arrows (dropped and duplicated ones
// marked), crash, pause, partition, clock and loss bands, badge markers, the violating step
// highlighted, hover for a message and the node's state, and the client history under the lanes
// as invoke-to-return bars. The script draws on a canvas only what is in view, so a 10,000-event
// trace zooms and pans smoothly; the layout is the SVG's (space_time_layout.hpp).
#include <string>

#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

std::string render_html(const Trace& trace, const TraceWindow& window);

// Writes render_html(trace, {}) to `path`, whole or not at all (written beside, then renamed).
// Throws std::runtime_error naming the path when it cannot be written.
void write_trace_html(const std::string& path, const Trace& trace);

}  // namespace corridor
