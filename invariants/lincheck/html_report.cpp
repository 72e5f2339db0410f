#include "invariants/lincheck/html_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "invariants/lincheck/explanation.hpp"

namespace corridor::lincheck {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

constexpr int lane_height_px = 22;
constexpr int bar_height_px = 16;
constexpr int label_width_px = 90;
constexpr int event_width_px = 7;
constexpr int timeline_width_px_min = 600;

enum class Role : std::uint8_t { other, prefix, concurrent, failing };

struct Roles {
  std::vector<Role> role;
  std::vector<std::size_t> order;  // 1-based place in the prefix, 0 if not in it
};

Roles roles_of(const LincheckResult& result) {
  Roles roles{std::vector<Role>(result.operations.size(), Role::other), std::vector<std::size_t>(result.operations.size(), 0)};
  if (!result.violation) return roles;
  const Violation& violation = *result.violation;
  for (std::size_t i = 0; i < violation.longest_prefix.size(); ++i) {
    roles.role[violation.longest_prefix[i]] = Role::prefix;
    roles.order[violation.longest_prefix[i]] = i + 1;
  }
  for (const Violation::Concurrent& concurrent : violation.concurrent) roles.role[concurrent.operation] = Role::concurrent;
  roles.role[violation.operation] = Role::failing;
  return roles;
}

const char* css_class(Role role) {
  switch (role) {
    case Role::prefix: return "prefix";
    case Role::concurrent: return "concurrent";
    case Role::failing: return "failing";
    case Role::other: return "other";
  }
  return "other";
}

std::string render_timeline(const HtmlSection& section) {
  const LincheckResult& result = section.result;
  const Roles roles = roles_of(result);
  std::map<std::uint32_t, int> lanes;
  for (const CheckedOperation& op : result.operations) lanes.emplace(op.process, 0);
  int lane = 0;
  for (auto& entry : lanes) entry.second = lane++;
  const std::size_t events = std::max<std::size_t>(section.history.size(), 1);
  const int width = std::max<int>(timeline_width_px_min, static_cast<int>(events) * event_width_px);
  const int height = lane * lane_height_px + 8;
  auto x_of = [&](std::uint32_t event) { return label_width_px + static_cast<int>(event) * event_width_px; };
  std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}">)",
                                width + label_width_px, height);
  for (const auto& [process, row] : lanes) {
    svg += fmt::format(R"(<text x="4" y="{}" class="lane">process {}</text>)", row * lane_height_px + 16, process);
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{}" y2="{}" class="rule"/>)", label_width_px,
                       width + label_width_px, row * lane_height_px + 20, row * lane_height_px + 20);
  }
  for (std::uint32_t i = 0; i < result.operations.size(); ++i) {
    const CheckedOperation& op = result.operations[i];
    const bool open = op.return_event == no_event;
    const std::uint32_t end = open ? static_cast<std::uint32_t>(events) : op.return_event;
    const int x = x_of(op.call_event);
    const int w = std::max(3, x_of(end) - x - 1);
    const int y = lanes[op.process] * lane_height_px + 3;
    svg += fmt::format(R"(<g class="op {}{}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="3"/>)",
                       css_class(roles.role[i]), open ? " open" : "",
                       escape_html(describe_operation(section.options, result, i)), x, y, w, bar_height_px);
    const std::string label = roles.order[i] ? fmt::format("{}", roles.order[i]) : op.description;
    if (!label.empty() && w > 14) {
      svg += fmt::format(R"(<text x="{}" y="{}" class="bar">{}</text>)", x + 3, y + 12,
                         escape_html(label.substr(0, static_cast<std::size_t>(w / 6))));
    }
    svg += "</g>";
  }
  return svg + "</svg>";
}

std::string render_prefix(const HtmlSection& section) {
  const LincheckResult& result = section.result;
  if (!result.violation) return {};
  const Violation& violation = *result.violation;
  std::string out = fmt::format("<h3>Longest linearizable prefix ({} operations)</h3><ol>", violation.longest_prefix.size());
  for (const std::uint32_t id : violation.longest_prefix) {
    out += fmt::format("<li>{}</li>", escape_html(describe_operation(section.options, result, id)));
  }
  out += fmt::format("</ol><p>State after the prefix: <code>{}</code>. Then <span class=\"failing-text\">{}</span> "
                     "cannot be linearized.</p>",
                     escape_html(violation.state_after_prefix),
                     escape_html(describe_operation(section.options, result, violation.operation)));
  return out;
}

std::string render_section(const HtmlSection& section) {
  const LincheckResult& result = section.result;
  std::string out = fmt::format(R"(<section><h2>{}</h2><p class="verdict {}">{}</p>)", escape_html(section.title),
                                result.verdict == LinVerdict::linearizable ? "good" : "bad",
                                escape_html(fmt::format("{} ({} model, {} operations, {} partition{})",
                                                   to_string(result.verdict), result.model, result.operations.size(),
                                                   result.partitions, result.partitions == 1 ? "" : "s")));
  if (!result.explanation.empty()) out += fmt::format("<pre>{}</pre>", escape_html(result.explanation));
  out += R"(<div class="legend"><span class="key prefix"></span>in the longest linearizable prefix (numbered)
<span class="key failing"></span>cannot be linearized <span class="key concurrent"></span>concurrent with it
<span class="key other"></span>other operations; a hatched bar never completed. Time runs left to right in the
order of the history's events; hover a bar for the operation.</div>)";
  out += R"(<div class="timeline">)" + render_timeline(section) + "</div>";
  out += render_prefix(section);
  return out + "</section>";
}

constexpr std::string_view page_head = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corridor lincheck</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; }
.verdict.good { color: #1a7f37; font-weight: bold; } .verdict.bad { color: #c62828; font-weight: bold; }
.timeline { overflow-x: auto; border: 1px solid #ddd; margin: .8em 0; }
.lane { font-size: 11px; fill: #555; } .rule { stroke: #eee; } .bar { font-size: 10px; fill: #fff; pointer-events: none; }
.op rect { stroke: #333; stroke-width: .5; } .op.open rect { stroke-dasharray: 3 2; fill-opacity: .45; }
.op.prefix rect { fill: #2e7d32; } .op.failing rect { fill: #c62828; } .op.concurrent rect { fill: #ef8f00; }
.op.other rect { fill: #9e9e9e; } .op.other .bar { fill: #222; }
.legend { font-size: 13px; } .key { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; }
.key.prefix { background: #2e7d32; } .key.failing { background: #c62828; } .key.concurrent { background: #ef8f00; }
.key.other { background: #9e9e9e; } .failing-text { color: #c62828; font-weight: bold; }
</style></head><body><h1>corridor lincheck</h1>
)";

}  // namespace

std::string render_html(const std::vector<HtmlSection>& sections) {
  std::string out(page_head);
  for (const HtmlSection& section : sections) out += render_section(section);
  return out + "</body></html>\n";
}

}  // namespace corridor::lincheck
