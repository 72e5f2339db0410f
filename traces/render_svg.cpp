#include "traces/render_svg.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/lincheck/html_report.hpp"
#include "model/units.hpp"
#include "traces/space_time_layout.hpp"
#include "traces/space_time_style.hpp"
#include "traces/timeline.hpp"

namespace corridor {

namespace {

namespace style = space_time_style;
using lincheck::escape_html;
using Layout = SpaceTimeLayout;

constexpr std::string_view svg_css = R"(
text { font: 11px system-ui, sans-serif; fill: var(--ink); } .axis { fill: var(--muted); font-size: 10px; }
.rule { stroke: var(--rule); } .lane-line { stroke: #cfd8dc; stroke-width: 2; } .gap { stroke: var(--muted); stroke-dasharray: 2 3; }
.band.crashed { fill: var(--crashed); } .band.paused { fill: var(--paused); } .band.partitioned { fill: var(--partitioned); }
.band.clock { fill: var(--clock); } .band.loss-burst { fill: var(--loss-burst); }
.arrow { stroke: var(--arrow); stroke-width: 1.2; fill: none; } .arrow.duplicate { stroke: var(--duplicate); stroke-dasharray: 5 3; }
.arrow.dropped { stroke: var(--dropped); stroke-dasharray: 2 2; } .arrow.in-flight { stroke: var(--in-flight); stroke-dasharray: 1 3; }
.cross { stroke: var(--dropped); stroke-width: 2; } .mark { fill: var(--handler); } .mark.send { fill: var(--send); }
.mark.timer { fill: var(--timer); } .mark.note, .mark.history { fill: var(--note); } .badge { fill: var(--badge); }
.violation { fill: var(--violation); stroke: var(--violation-edge); } .violating { fill: var(--violation-edge); font-weight: bold; }
.op.ok { fill: var(--op-ok); } .op.fail { fill: var(--op-fail); } .op.info { fill: var(--op-info); } .op.open { fill: var(--op-open); }
)";

class SvgWriter {
 public:
  SvgWriter(const Trace& trace, const Layout& layout) : trace_(trace), l_(layout) {}

  std::string write() {
    const double width = style::label_px + l_.width * style::unit_px + 40;
    const int height = history_top() + static_cast<int>(l_.history_rows.size()) * style::history_row_px + 8;
    out_ = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{:.0f}" height="{}" viewBox="0 0 {:.0f} {}">)",
                       width, height, width, height);
    out_ += "<defs><style>" + std::string(style::palette_css) + std::string(svg_css) + "</style>";
    out_ += R"(<marker id="head" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">)"
            R"(<path d="M0,0 L8,4 L0,8 z" fill="#5c7fa8"/></marker></defs>)";
    out_ += fmt::format(R"(<rect width="100%" height="100%" fill="#fff"/><title>{}</title>)", escape_html(title()));
    write_lanes(width);
    write_axis();
    for (const Layout::Band& b : l_.bands) write_band(b);
    write_violation();
    for (const Layout::Arrow& a : l_.arrows) write_arrow(a);
    for (const Layout::Mark& m : l_.marks) write_mark(m);
    for (const Layout::BadgeMark& b : l_.badges) write_badge(b);
    write_history();
    return out_ + "</svg>\n";
  }

 private:
  double x(std::uint32_t column) const { return style::label_px + (l_.columns[column].x + 0.5) * style::unit_px; }
  static double y(std::uint32_t lane) { return style::axis_px + (lane + 0.5) * style::lane_px; }
  int history_top() const {
    return style::axis_px + static_cast<int>(l_.lanes.size()) * style::lane_px + style::history_gap_px;
  }
  std::string title() const {
    return fmt::format("{} / {}, seed {:#x}", trace_.header.protocol, trace_.header.variant, trace_.header.seed);
  }
  std::string event_text(std::uint32_t event) const {
    return describe_event(trace_.events[event], trace_.header.nodes, 300);
  }

  void write_lanes(double width) {
    for (std::uint32_t i = 0; i < l_.lanes.size(); ++i) {
      const bool violating = std::find(l_.violation_lanes.begin(), l_.violation_lanes.end(), i) != l_.violation_lanes.end();
      out_ += fmt::format(R"(<text x="6" y="{:.0f}"{}>{}</text><line class="lane-line" x1="{}" x2="{:.0f}" y1="{:.0f}" y2="{:.0f}"/>)",
                          y(i) + 4, violating ? R"( class="violating")" : "", l_.lanes[i].name, style::label_px, width - 10,
                          y(i), y(i));
    }
  }

  void write_axis() {
    const int bottom = style::axis_px + static_cast<int>(l_.lanes.size()) * style::lane_px;
    double last_label = -1e9;
    for (std::uint32_t c = 0; c < l_.columns.size(); ++c) {
      const Layout::Column& col = l_.columns[c];
      if (col.gap_before_ns > 0) {
        const double gx = x(c) - (layout_gap_units / 2 + 0.5) * style::unit_px;
        out_ += fmt::format(R"(<line class="gap" x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}"><title>{3} with no event here</title></line>)",
                            gx, style::axis_px, bottom, format_duration_short(col.gap_before_ns));
      }
      if (x(c) - last_label < 60) continue;
      last_label = x(c);
      out_ += fmt::format(R"(<text class="axis" x="{:.1f}" y="14">{} · {}</text>)", x(c) - 4, col.step,
                          format_duration_short(col.true_ns));
    }
  }

  void write_band(const Layout::Band& b) {
    const double x0 = x(b.from_column) - style::unit_px / 2.0;
    const double x1 = x(b.to_column) + style::unit_px / 2.0;
    const double h = b.kind == Layout::BandKind::clock ? style::lane_px - 4 : style::lane_px - 8;
    out_ += fmt::format(R"(<rect class="band {}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{}</title></rect>)",
                        to_string(b.kind), x0, y(b.lane) - h / 2, x1 - x0, h, escape_html(b.label));
  }

  void write_violation() {
    if (!l_.has_violation || !trace_.violation) return;
    const double h = static_cast<double>(l_.lanes.size()) * style::lane_px;
    out_ += fmt::format(R"(<rect class="violation" x="{:.1f}" y="{}" width="{}" height="{:.0f}"><title>{}</title></rect>)",
                        x(l_.violation_column) - style::unit_px / 2.0, style::axis_px, style::unit_px, h,
                        escape_html(fmt::format("VIOLATION {} at step {}: {}", trace_.violation->invariant,
                                                trace_.violation->step, trace_.violation->message)));
  }

  void write_arrow(const Layout::Arrow& a) {
    const double x0 = x(a.from_column), y0 = y(a.from_lane);
    double x1 = x(a.to_column), y1 = y(a.to_lane);
    if (a.kind == Layout::ArrowKind::dropped) y1 = y0 + (y1 - y0) * 0.6;  // it never arrived
    const std::string text = escape_html(event_text(a.send_event) + " (" + to_string(a.kind) + ")");
    out_ += fmt::format(R"(<line class="arrow {}" x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}"{}><title>{}</title></line>)",
                        to_string(a.kind), x0, y0, x1, y1,
                        a.kind == Layout::ArrowKind::dropped ? "" : R"x( marker-end="url(#head)")x", text);
    if (a.kind == Layout::ArrowKind::dropped) {
      out_ += fmt::format(R"(<path class="cross" d="M{0:.1f},{1:.1f} l6,6 m0,-6 l-6,6"/>)", x1 - 3, y1 - 3);
    }
  }

  void write_mark(const Layout::Mark& m) {
    std::string text = event_text(m.event);
    if (m.state != 0) text += "\nstate: " + l_.states[m.state];
    out_ += fmt::format(R"(<circle class="mark {}" cx="{:.1f}" cy="{:.1f}" r="{}"><title>{}</title></circle>)",
                        to_string(m.kind), x(m.column), y(m.lane), style::mark_radius_px, escape_html(text));
  }

  void write_badge(const Layout::BadgeMark& b) {
    const Badge& badge = trace_.badges[b.badge];
    std::string text = fmt::format("[{}] {} ({}, {}) at {}: {}", badge.type, badge.monitor, badge.module, badge.boundary,
                                   actor_name(badge.node, trace_.header.nodes), badge.context);
    for (const auto& [name, value] : badge.details) text += fmt::format(" {}={}", name, value);
    const double cx = x(b.column), cy = y(b.lane) - style::lane_px / 2.0 + 5;
    out_ += fmt::format(R"(<path class="badge" d="M{:.1f},{:.1f} l5,5 l-5,5 l-5,-5 z"><title>{}</title></path>)", cx,
                        cy - 5, escape_html(text));
  }

  void write_history() {
    const int top = history_top();
    if (!l_.history_rows.empty()) out_ += fmt::format(R"(<text class="axis" x="6" y="{}">client history</text>)", top - 4);
    for (std::uint32_t r = 0; r < l_.history_rows.size(); ++r) {
      out_ += fmt::format(R"(<text x="6" y="{}">{}</text>)", top + r * style::history_row_px + 13, l_.history_rows[r].name);
    }
    for (const Layout::HistoryBar& b : l_.history_bars) {
      const double x0 = x(b.from_column) - 3, x1 = x(b.to_column) + 3;
      out_ += fmt::format(R"(<rect class="op {}" x="{:.1f}" y="{}" width="{:.1f}" height="{}" rx="3"><title>{}</title></rect>)",
                          b.open ? "open" : to_string(b.outcome), x0, top + static_cast<int>(b.row) * style::history_row_px + 3,
                          x1 - x0, style::history_row_px - 6, escape_html(b.label));
    }
  }

  const Trace& trace_;
  const Layout& l_;
  std::string out_;
};

}  // namespace

std::string render_svg(const Trace& trace, const TraceWindow& window) {
  const Layout layout = layout_space_time(trace, window);
  return SvgWriter(trace, layout).write();
}

}  // namespace corridor
