// corridor render FILE: a trace as a picture: the terminal timeline, a self-contained HTML
// space-time diagram, a standalone SVG, the happens-before graph for Graphviz, a Mermaid sequence
// diagram or a ShiViz log. Printed on stdout, or written whole to --out.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/units.hpp"
#include "traces/render_dot.hpp"
#include "traces/render_html.hpp"
#include "traces/render_mermaid.hpp"
#include "traces/render_shiviz.hpp"
#include "traces/render_svg.hpp"
#include "traces/timeline.hpp"

namespace corridor::cli {

namespace {

constexpr const char* formats = "html, svg, dot, mermaid, shiviz or text";

struct RenderCommand {
  std::string file;
  std::string format = "text";
  std::optional<std::uint64_t> from;
  std::optional<std::uint64_t> to;
  std::string nodes;
  std::string out;
  bool show_state = false;
  bool reduce = false;
};

std::vector<NodeId> parse_nodes(const std::string& text, const Trace& trace) {
  std::vector<NodeId> out;
  std::size_t pos = 0;
  while (pos < text.size() && out.size() < 4096) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string name = text.substr(pos, comma - pos);
    bool found = false;
    for (NodeId a = 0; a < trace.header.nodes + trace.header.clients; ++a) {
      if (actor_name(a, trace.header.nodes) == name) {
        out.push_back(a);
        found = true;
      }
    }
    if (!found) throw UsageError(fmt::format("--nodes: '{}' is not a node of this trace (n0.. for nodes, c0.. for clients)", name));
    pos = comma + 1;
  }
  return out;
}

std::string render(const RenderCommand& c, const Trace& trace, const TraceWindow& window) {
  if (c.format == "html") return render_html(trace, window);
  if (c.format == "svg") return render_svg(trace, window);
  if (c.format == "dot") return render_dot(trace, window, c.reduce);
  if (c.format == "mermaid") return render_mermaid(trace, window);
  if (c.format == "shiviz") return render_shiviz(trace, window);
  TimelineOptions options;
  options.from_step = window.from_step;
  options.to_step = window.to_step;
  options.nodes = window.actors;
  options.show_state = c.show_state;
  options.color = c.out.empty() && is_terminal(1);
  return render_timeline(trace, options);
}

int execute(const RenderCommand& c) {
  if (c.format != "text" && c.format != "html" && c.format != "svg" && c.format != "dot" && c.format != "mermaid" &&
      c.format != "shiviz") {
    throw UsageError(fmt::format("--format {}: not a format; expected {}", c.format, formats));
  }
  if (c.from && c.to && *c.from > *c.to) {
    throw UsageError(fmt::format("--from {} is after --to {}: the window would be empty", *c.from, *c.to));
  }
  if (c.reduce && c.format != "dot") throw UsageError("--reduce applies to --format dot only");
  const Trace trace = read_trace(c.file);
  TraceWindow window;
  if (c.from) window.from_step = *c.from;
  if (c.to) window.to_step = *c.to;
  window.actors = parse_nodes(c.nodes, trace);
  const std::string text = render(c, trace, window);
  if (c.out.empty()) {
    fmt::print("{}", text);
    return 0;
  }
  try {
    write_file_whole(c.out, text);
  } catch (const std::exception&) {
    throw UsageError(fmt::format("--out {}: cannot write there (a missing or read-only folder?)", c.out));
  }
  return 0;
}

}  // namespace

void add_render_command(CLI::App& app, int& exit_code) {
  static RenderCommand c;
  auto* cmd = app.add_subcommand("render", "Render a trace: terminal timeline, HTML or SVG space-time diagram, DOT, Mermaid, ShiViz");
  cmd->add_option("file", c.file, "A trace file (.trace.jsonl)")->required();
  cmd->add_option("--format", c.format, "html, svg, dot, mermaid, shiviz or text (default)");
  cmd->add_option("--from", c.from, "First step to show");
  cmd->add_option("--to", c.to, "Last step to show");
  cmd->add_option("--nodes", c.nodes, "Only these nodes, e.g. n0,n2,c0");
  cmd->add_option("--out", c.out, "Write the picture to this file (default: stdout)");
  cmd->add_flag("--state", c.show_state, "text: show each handler's resulting node state");
  cmd->add_flag("--reduce", c.reduce, "dot: keep only the edges no other path implies (transitive reduction)");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli
