#include "traces/render_html.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "invariants/lincheck/html_report.hpp"
#include "model/units.hpp"
#include "traces/render_html_script.hpp"
#include "traces/space_time_layout.hpp"
#include "traces/space_time_style.hpp"
#include "traces/timeline.hpp"

namespace corridor {

namespace {

namespace style = space_time_style;
using lincheck::escape_html;
using Layout = SpaceTimeLayout;
using json = nlohmann::json;

constexpr std::size_t summary_chars_max = 400;

json columns_json(const Layout& l) {
  json step = json::array(), t = json::array(), x = json::array(), gaps = json::array();
  for (std::uint32_t c = 0; c < l.columns.size(); ++c) {
    const Layout::Column& col = l.columns[c];
    step.push_back(col.step);
    t.push_back(format_duration_short(col.true_ns));
    x.push_back(col.x);
    if (col.gap_before_ns > 0) gaps.push_back({c, format_duration_short(col.gap_before_ns)});
  }
  return {{"step", step}, {"t", t}, {"x", x}, {"gaps", gaps}};
}

json marks_json(const Trace& trace, const Layout& l) {
  json col = json::array(), lane = json::array(), kind = json::array(), text = json::array(), state = json::array();
  for (const Layout::Mark& m : l.marks) {
    const EventRecord& e = trace.events[m.event];
    col.push_back(m.column);
    lane.push_back(m.lane);
    kind.push_back(to_string(m.kind));
    text.push_back(fmt::format("{} (local clock {})", describe_event(e, trace.header.nodes, summary_chars_max),
                               format_duration_short(e.local_ns)));
    state.push_back(m.state);
  }
  return {{"col", col}, {"lane", lane}, {"kind", kind}, {"text", text}, {"state", state}};
}

json arrows_json(const Layout& l) {
  json fc = json::array(), fl = json::array(), tc = json::array(), tl = json::array(), kind = json::array();
  for (const Layout::Arrow& a : l.arrows) {
    fc.push_back(a.from_column);
    fl.push_back(a.from_lane);
    tc.push_back(a.to_column);
    tl.push_back(a.to_lane);
    kind.push_back(to_string(a.kind));
  }
  return {{"fc", fc}, {"fl", fl}, {"tc", tc}, {"tl", tl}, {"kind", kind}};
}

json badges_json(const Trace& trace, const Layout& l) {
  json out = json::array();
  for (const Layout::BadgeMark& b : l.badges) {
    const Badge& badge = trace.badges[b.badge];
    std::string text = fmt::format("[{}] {} ({}, {}, {}) at {}: {}", badge.type, badge.monitor, badge.module, badge.boundary,
                                   badge.view, actor_name(badge.node, trace.header.nodes), badge.context);
    for (const auto& [name, value] : badge.details) text += fmt::format(" {}={}", name, value);
    out.push_back({b.column, b.lane, text});
  }
  return out;
}

json history_json(const Layout& l) {
  json rows = json::array(), bars = json::array();
  for (const Layout::HistoryRow& r : l.history_rows) rows.push_back(r.name);
  for (const Layout::HistoryBar& b : l.history_bars) {
    bars.push_back({b.row, b.from_column, b.to_column, b.open ? "open" : to_string(b.outcome), b.label});
  }
  return {{"rows", rows}, {"bars", bars}};
}

json data_json(const Trace& trace, const Layout& l) {
  json lanes = json::array();
  for (const Layout::Lane& lane : l.lanes) lanes.push_back({lane.name, lane.client});
  json bands = json::array();
  for (const Layout::Band& b : l.bands) bands.push_back({b.lane, b.from_column, b.to_column, to_string(b.kind), b.label});
  json violation = nullptr;
  if (l.has_violation && trace.violation) {
    violation = {{"col", l.violation_column},
                 {"lanes", l.violation_lanes},
                 {"text", fmt::format("VIOLATION {} at step {}: {}", trace.violation->invariant, trace.violation->step,
                                      trace.violation->message)}};
  }
  return {{"geometry",
           {{"label", style::label_px}, {"axis", style::axis_px}, {"lane", style::lane_px},
            {"history_gap", style::history_gap_px}, {"history_row", style::history_row_px}, {"unit", style::unit_px},
            {"radius", style::mark_radius_px}}},
          {"lanes", lanes},
          {"cols", columns_json(l)},
          {"marks", marks_json(trace, l)},
          {"arrows", arrows_json(l)},
          {"bands", bands},
          {"badges", badges_json(trace, l)},
          {"violation", violation},
          {"history", history_json(l)},
          {"states", l.states}};
}

// JSON inside <script type="application/json">: only "</" could end the element early.
std::string embeddable(std::string text) {
  for (std::size_t pos = text.find("</"); pos != std::string::npos; pos = text.find("</", pos + 3)) text.replace(pos, 2, "<\\/");
  return text;
}

constexpr std::string_view page_css = R"(
body { font-family: system-ui, sans-serif; margin: 1em 1.5em; color: var(--ink); }
h1 { font-size: 1.3em; margin: 0 0 .3em; } .sub { color: var(--muted); margin: 0 0 .5em; }
.verdict { color: var(--violation-edge); font-weight: bold; margin: .3em 0; white-space: pre-wrap; }
.verdict.good { color: var(--op-ok); }
.controls button { font: inherit; margin-right: .3em; padding: .1em .6em; }
.controls span { color: var(--muted); margin-left: .8em; font-size: 13px; }
.legend { font-size: 12px; margin: .4em 0; line-height: 1.8; }
.item { white-space: nowrap; } .key { display: inline-block; width: 16px; height: 10px; margin: 0 4px 0 10px; vertical-align: middle; }
#frame { position: relative; border: 1px solid var(--rule); overflow: hidden; cursor: grab; user-select: none; }
#frame.dragging { cursor: grabbing; }
#tip { position: fixed; display: none; max-width: 560px; background: #fffff4; border: 1px solid #bbb; padding: .4em .6em;
  font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,.2); pointer-events: none; z-index: 2; white-space: pre-wrap; }
#tip .state { font-family: ui-monospace, monospace; color: #444; display: block; margin-top: .3em; }
#errors { color: var(--violation-edge); }
)";

std::string legend() {
  std::string out = R"(<div class="legend">)";
  const auto key = [&](const char* var, const char* text) {
    out += fmt::format(R"x(<span class="item"><span class="key" style="background: var(--{})"></span>{}</span>)x", var, text);
  };
  key("arrow", "message");
  key("duplicate", "duplicated (dashed)");
  key("dropped", "dropped (×)");
  key("in-flight", "never arrived in the trace");
  key("crashed", "crashed");
  key("paused", "paused");
  key("partitioned", "partitioned");
  key("clock", "clock jump / drift");
  key("loss-burst", "loss burst");
  key("badge", "badge (◆)");
  key("violation", "violating step");
  out += "<br>";
  key("op-ok", "ok");
  key("op-fail", "fail");
  key("op-info", "unknown outcome");
  key("op-open", "never returned");
  out += " &nbsp; Hover for the message and the node's state; wheel or +/− to zoom, drag to pan. A dotted line marks a "
         "collapsed quiet stretch.</div>";
  return out;
}

std::string verdict_line(const Trace& trace) {
  if (!trace.violation) return R"(<p class="verdict good">No violation in this trace.</p>)";
  const Violation& v = *trace.violation;
  return fmt::format(R"(<p class="verdict">{} at step {}, t={}: {}</p>)", escape_html(v.invariant), v.step,
                     format_duration_short(v.true_ns), escape_html(v.message));
}

}  // namespace

std::string render_html(const Trace& trace, const TraceWindow& window) {
  const Layout layout = layout_space_time(trace, window);
  const std::string title = fmt::format("{} / {}, seed {:#x}", trace.header.protocol, trace.header.variant, trace.header.seed);
  std::string out = fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corridor: {0}</title>
<style>{1}{2}</style></head><body>
<h1>{0}</h1><p class="sub">{3} events, {4} shown in {5} steps; {6} nodes, {7} clients; {8}; trace by {9}</p>
{10}{11}<div class="controls"><button id="fit">fit</button><button id="zoom-in">+</button><button id="zoom-out">−</button>{12}<span id="where"></span></div>
<div id="frame"><canvas id="diagram"></canvas></div><div id="tip"></div>
<ul id="errors"></ul><div id="status" data-errors="0"></div>
<script type="application/json" id="trace-data">)",
                                escape_html(title), style::palette_css, page_css, trace.events.size(), layout.marks.size(),
                                layout.columns.size(), trace.header.nodes, trace.header.clients,
                                escape_html(trace.header.config.faults_text.empty() ? "no faults" : "faults " + trace.header.config.faults_text),
                                escape_html(trace.header.tool), verdict_line(trace), legend(),
                                layout.has_violation ? R"(<button id="to-violation">violation</button>)" : "");
  out += embeddable(data_json(trace, layout).dump(-1, ' ', false, json::error_handler_t::replace));
  out += "</script>\n<script>";
  out += space_time_script;
  out += "</script>\n</body></html>\n";
  return out;
}

void write_trace_html(const std::string& path, const Trace& trace) { write_file_whole(path, render_html(trace, {})); }

}  // namespace corridor
