// corridor render FILE: a trace as a picture. The terminal timeline is here; the other formats
// (html, svg, dot, mermaid, shiviz) come with the pictures issue.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/units.hpp"
#include "traces/timeline.hpp"

namespace corridor::cli {

namespace {

struct RenderCommand {
  std::string file;
  std::string format = "text";
  std::optional<std::uint64_t> from;
  std::optional<std::uint64_t> to;
  std::string nodes;
  bool show_state = false;
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

int execute(const RenderCommand& c) {
  if (c.format != "text") {
    throw UsageError(fmt::format("--format {} is not available yet: this build renders 'text'", c.format));
  }
  const Trace trace = read_trace(c.file);
  TimelineOptions options;
  if (c.from) options.from_step = *c.from;
  if (c.to) options.to_step = *c.to;
  options.nodes = parse_nodes(c.nodes, trace);
  options.show_state = c.show_state;
  options.color = is_terminal(1);
  fmt::print("{}", render_timeline(trace, options));
  return 0;
}

}  // namespace

void add_render_command(CLI::App& app, int& exit_code) {
  static RenderCommand c;
  auto* cmd = app.add_subcommand("render", "Render a trace (terminal timeline)");
  cmd->add_option("file", c.file, "A trace file (.trace.jsonl)")->required();
  cmd->add_option("--format", c.format, "text (default)");
  cmd->add_option("--from", c.from, "First step to show");
  cmd->add_option("--to", c.to, "Last step to show");
  cmd->add_option("--nodes", c.nodes, "Only these nodes, e.g. n0,n2,c0");
  cmd->add_flag("--state", c.show_state, "Show each handler's resulting node state");
  cmd->callback([&exit_code] { exit_code = execute(c); });
}

}  // namespace corridor::cli
