#include "traces/render_mermaid.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "model/verdict.hpp"

namespace corridor {

namespace {

constexpr std::size_t text_chars_max = 80;
constexpr std::size_t violation_chars_max = 400;

// Message and note text: one line, with Mermaid's statement separator and entity marker escaped.
std::string text_of(std::string_view raw, std::size_t max = text_chars_max) {
  std::string out;
  for (const char c : raw.substr(0, max)) {
    if (c == '#') out += "#35;";
    else if (c == ';') out += "#59;";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  if (raw.size() > max) out += "...";
  return out;
}

struct Statement {
  std::uint64_t step = 0;
  std::string text;
};

class MermaidWriter {
 public:
  MermaidWriter(const Trace& trace, const TraceWindow& window) : trace_(trace), window_(window) {
    for (const EventRecord& e : trace.events) {
      if (e.kind == EventKind::send) summaries_.emplace(e.message_id, e.summary);
    }
  }

  std::vector<Statement> statements() {
    std::size_t next_badge = 0;
    for (const EventRecord& e : trace_.events) {
      for (; next_badge < trace_.badges.size() && trace_.badges[next_badge].step < e.step; ++next_badge) badge(trace_.badges[next_badge]);
      if (window_.has_step(e.step)) event(e);
    }
    for (; next_badge < trace_.badges.size(); ++next_badge) badge(trace_.badges[next_badge]);
    if (trace_.violation && window_.has_step(trace_.violation->step)) violation(*trace_.violation);
    return std::move(out_);
  }

 private:
  std::string name(NodeId actor) const { return actor_name(actor, trace_.header.nodes); }
  bool shown(NodeId actor) const { return actor != no_node && window_.has_actor(actor); }
  void add(std::uint64_t step, std::string text) { out_.push_back({step, std::move(text)}); }
  void note(std::uint64_t step, NodeId actor, std::string_view text) {
    add(step, fmt::format("Note over {}: {}", name(actor), text_of(text)));
  }
  void note_all(std::uint64_t step, std::string_view text, std::size_t max = text_chars_max) {
    const std::vector<NodeId> lanes = window_.lanes(trace_.header);
    if (lanes.empty()) return;
    add(step, fmt::format("Note over {},{}: {}", name(lanes.front()), name(lanes.back()), text_of(text, max)));
  }

  void event(const EventRecord& e) {
    switch (e.kind) {
      case EventKind::start:
      case EventKind::send: return;
      case EventKind::deliver: return message(e);
      case EventKind::drop:
        if (shown(e.source) && shown(e.target)) {
          add(e.step, fmt::format("{}-x{}: m{} {} (dropped: {})", name(e.source), name(e.target), e.message_id,
                                  text_of(summary_of(e.message_id)), e.summary));
        }
        return;
      case EventKind::partition:
      case EventKind::heal:
      case EventKind::loss_burst: return note_all(e.step, fmt::format("{}: {}", to_string(e.kind), e.summary));
      default:
        if (shown(e.actor)) note(e.step, e.actor, kind_and_summary(e.kind, e.summary));
        return;
    }
  }

  std::string summary_of(std::uint64_t message_id) const {
    const auto it = summaries_.find(message_id);
    return it == summaries_.end() ? std::string() : it->second;
  }

  void message(const EventRecord& e) {
    if (!shown(e.actor)) return;
    const bool duplicate = delivered_[e.message_id]++ > 0;
    if (!shown(e.source)) return note(e.step, e.actor, fmt::format("<- {} m{} {}", name(e.source), e.message_id, e.summary));
    add(e.step, fmt::format("{}{}{}: m{} {}{}", name(e.source), duplicate ? "-->>" : "->>", name(e.actor), e.message_id,
                            text_of(e.summary), duplicate ? " (duplicate)" : ""));
  }

  void badge(const Badge& b) {
    if (!window_.has_step(b.step) || !shown(b.node)) return;
    note(b.step, b.node, fmt::format("badge {} {}: {}", b.type, b.monitor, b.context));
  }

  void violation(const Violation& v) {
    std::vector<NodeId> lanes;
    for (NodeId a : v.nodes) {
      if (shown(a)) lanes.push_back(a);
    }
    std::sort(lanes.begin(), lanes.end());
    const std::string raw = fmt::format("VIOLATION {}: {}", v.invariant, v.message);
    if (lanes.empty()) return note_all(v.step, raw, violation_chars_max);
    const std::string text = text_of(raw, violation_chars_max);
    add(v.step, fmt::format("Note over {}{}: {}", name(lanes.front()),
                            lanes.size() > 1 ? "," + name(lanes.back()) : std::string(), text));
  }

  const Trace& trace_;
  const TraceWindow& window_;
  std::vector<Statement> out_;
  std::map<std::uint64_t, std::uint32_t> delivered_;
  std::map<std::uint64_t, std::string> summaries_;  // message id -> its send's summary
};

// A window of at most `max` statements ending at the violation (or the end of the window).
std::string suggest_window(const std::vector<Statement>& statements, std::size_t max, const Trace& trace) {
  std::uint64_t last = statements.back().step;
  if (trace.violation && trace.violation->step >= statements.front().step) last = std::min(last, trace.violation->step);
  auto end = std::upper_bound(statements.begin(), statements.end(), last,
                              [](std::uint64_t s, const Statement& st) { return s < st.step; });
  const auto begin = end - static_cast<std::ptrdiff_t>(std::min<std::size_t>(max, static_cast<std::size_t>(end - statements.begin())));
  std::uint64_t first = begin->step;
  if (begin != statements.begin() && (begin - 1)->step == first) ++first;  // keep a step whole
  return fmt::format("--from {} --to {}", first, last);
}

}  // namespace

std::string render_mermaid(const Trace& trace, const TraceWindow& window) {
  const std::vector<Statement> statements = MermaidWriter(trace, window).statements();
  if (statements.size() > mermaid_statements_max) {
    throw UsageError(fmt::format("--format mermaid: this window has {} diagram lines, more than the {} a sequence diagram stays "
                                 "readable with; pick a window with --from/--to (for example {}), or use --format html",
                                 statements.size(), mermaid_statements_max,
                                 suggest_window(statements, mermaid_statements_max * 3 / 5, trace)));
  }
  std::string out = fmt::format("sequenceDiagram\n  %% corridor: {} / {}, seed {:#x}\n", trace.header.protocol,
                                trace.header.variant, trace.header.seed);
  for (NodeId a : window.lanes(trace.header)) out += fmt::format("  participant {}\n", actor_name(a, trace.header.nodes));
  for (const Statement& s : statements) out += "  " + s.text + "\n";
  return out;
}

}  // namespace corridor
