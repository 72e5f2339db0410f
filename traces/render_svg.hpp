#pragma once
// The space-time diagram as one standalone SVG file: lanes, message arrows, fault bands, badges,
// the violation and the client history, every element with a <title> that a viewer shows on
// hover. The same layout as the HTML page (space_time_layout.hpp), drawn at a fixed zoom.
#include <string>

#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

std::string render_svg(const Trace& trace, const TraceWindow& window);

}  // namespace corridor
