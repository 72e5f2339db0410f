#pragma once
// A Mermaid sequence diagram of a short trace, to paste into Markdown: a participant per actor,
// an arrow per delivered message (dashed for a duplicate delivery, a cross for a dropped
// message), notes for timers, faults, history events, badges and the violation.
//
// Sequence diagrams stop being readable long before traces stop being long: past
// mermaid_statements_max lines it refuses (UsageError) and suggests a --from/--to window.
#include <cstddef>
#include <string>

#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

inline constexpr std::size_t mermaid_statements_max = 250;

std::string render_mermaid(const Trace& trace, const TraceWindow& window);

}  // namespace corridor
