// The pictures of a run, without outside tools: the shared space-time layout, ShiViz's clock rules
// re-derived from the log, the DOT graph's structure and its transitive reduction, Mermaid's
// statements and its refusal of long traces, the HTML page's embedded data.
#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/verdict.hpp"
#include "render_fixture.hpp"
#include "traces/happens_before.hpp"
#include "traces/render_dot.hpp"
#include "traces/render_html.hpp"
#include "traces/render_mermaid.hpp"
#include "traces/render_shiviz.hpp"
#include "traces/render_svg.hpp"
#include "traces/space_time_layout.hpp"

using namespace corridor;

namespace {

const Trace& trace() {
  static const Trace t = test::lease_trace(seconds(3));
  return t;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

std::size_t count_kind(const SpaceTimeLayout& l, SpaceTimeLayout::ArrowKind kind) {
  return static_cast<std::size_t>(std::count_if(l.arrows.begin(), l.arrows.end(), [&](const auto& a) { return a.kind == kind; }));
}

bool has_band(const SpaceTimeLayout& l, SpaceTimeLayout::BandKind kind, const std::string& lane) {
  return std::any_of(l.bands.begin(), l.bands.end(), [&](const auto& b) { return b.kind == kind && l.lanes[b.lane].name == lane; });
}

}  // namespace

TEST(SpaceTimeLayout, DrawsEveryMessageFaultBadgeAndOperation) {
  const Trace& t = trace();
  const SpaceTimeLayout l = layout_space_time(t, {});
  ASSERT_EQ(l.lanes.size(), t.header.nodes + t.header.clients);
  std::map<std::uint64_t, int> deliveries;
  std::size_t drops = 0, repeats = 0, invokes = 0;
  for (const EventRecord& e : t.events) {
    if (e.kind == EventKind::deliver && deliveries[e.message_id]++ > 0) ++repeats;
    if (e.kind == EventKind::drop) ++drops;
  }
  for (const HistoryEvent& h : t.history) invokes += h.type == OpType::invoke;
  ASSERT_GT(repeats, 0u) << "the fixture should duplicate some message";
  ASSERT_GT(drops, 0u) << "the fixture should drop some message";
  EXPECT_EQ(count_kind(l, SpaceTimeLayout::ArrowKind::delivered) + count_kind(l, SpaceTimeLayout::ArrowKind::duplicate),
            deliveries.size() + repeats);
  EXPECT_GE(count_kind(l, SpaceTimeLayout::ArrowKind::duplicate), 1u);
  EXPECT_EQ(count_kind(l, SpaceTimeLayout::ArrowKind::dropped), drops);
  EXPECT_TRUE(has_band(l, SpaceTimeLayout::BandKind::paused, "n2"));
  EXPECT_TRUE(has_band(l, SpaceTimeLayout::BandKind::crashed, "n1"));
  EXPECT_TRUE(has_band(l, SpaceTimeLayout::BandKind::partitioned, "n0"));
  EXPECT_TRUE(has_band(l, SpaceTimeLayout::BandKind::partitioned, "n2"));
  EXPECT_FALSE(has_band(l, SpaceTimeLayout::BandKind::partitioned, "n1"));
  EXPECT_TRUE(has_band(l, SpaceTimeLayout::BandKind::clock, "n0"));
  EXPECT_TRUE(has_band(l, SpaceTimeLayout::BandKind::loss_burst, "c0"));
  ASSERT_EQ(l.badges.size(), 2u);
  EXPECT_EQ(l.lanes[l.badges[1].lane].name, "n2");
  EXPECT_EQ(l.columns[l.badges[0].column].step, t.badges[0].step);
  ASSERT_TRUE(l.has_violation);
  EXPECT_EQ(l.columns[l.violation_column].step, t.violation->step);
  EXPECT_EQ(l.violation_lanes, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(l.history_bars.size(), invokes);
  EXPECT_EQ(l.history_rows.size(), 2u);
  // Every arrow and mark points inside the layout, arrows never run backwards in time.
  for (const auto& a : l.arrows) {
    EXPECT_LE(a.from_column, a.to_column);
    EXPECT_LT(a.to_column, l.columns.size());
    EXPECT_LT(std::max(a.from_lane, a.to_lane), l.lanes.size());
  }
  for (std::size_t c = 1; c < l.columns.size(); ++c) EXPECT_GT(l.columns[c].x, l.columns[c - 1].x);
}

TEST(SpaceTimeLayout, WindowKeepsOnlyItsStepsAndLanes) {
  const Trace& t = trace();
  TraceWindow w;
  w.from_step = 100;
  w.to_step = 200;
  w.actors = {0, 2};
  const SpaceTimeLayout l = layout_space_time(t, w);
  ASSERT_EQ(l.lanes.size(), 2u);
  EXPECT_EQ(l.lanes[1].name, "n2");
  ASSERT_FALSE(l.columns.empty());
  EXPECT_GE(l.columns.front().step, 100u);
  EXPECT_LE(l.columns.back().step, 200u);
  for (const auto& m : l.marks) {
    const NodeId actor = t.events[m.event].actor;
    EXPECT_TRUE(actor == 0 || actor == 2);
  }
  EXPECT_FALSE(l.arrows.empty());
  EXPECT_FALSE(l.has_violation);  // the violation's step lies after the window
}

// ShiViz's rules, re-derived from the log alone: each host's own entry starts at 1 and rises by
// exactly 1 per logged event; any other entry k names the k-th event of that host, which was
// logged earlier; a receive's clock is the entrywise maximum of its previous clock and its send's
// clock, plus 1 for itself; a local event only adds 1 to its own entry.
void expect_shiviz_rules(const std::string& text) {
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0], shiviz_regex);
  EXPECT_EQ(lines[1], "");
  ASSERT_EQ(lines.size() % 2, 0u);
  const std::regex host_line(R"(^(\S+) (\{.*\})$)");
  const std::regex send_text(R"(^(\S+) -> (\S+) #(\d+) )");
  const std::regex receive_text(R"(^(\S+) <- (\S+) #(\d+) )");
  using Clock = std::map<std::string, std::uint64_t>;
  std::map<std::string, Clock> last;                 // host -> its previous clock
  std::map<std::string, std::vector<Clock>> logged;  // host -> its events' clocks, in order
  std::map<std::string, Clock> sends;                // message id -> the send's clock
  std::size_t receives_checked = 0;
  for (std::size_t i = 2; i < lines.size(); i += 2) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(lines[i], m, host_line)) << "line " << i + 1 << ": " << lines[i];
    const std::string host = m[1];
    const Clock clock = nlohmann::json::parse(m[2].str()).get<Clock>();
    const std::string& event = lines[i + 1];
    ASSERT_TRUE(clock.count(host)) << "line " << i + 1 << ": the host's own entry is missing";
    EXPECT_EQ(clock.at(host), logged[host].size() + 1) << "line " << i + 1 << ": own entry must rise by exactly 1";
    for (const auto& [other, k] : clock) {
      if (other == host) continue;
      ASSERT_GE(k, 1u);
      ASSERT_LE(k, logged[other].size()) << "line " << i + 1 << ": names " << other << "'s event " << k << " not yet logged";
      for (const auto& [h, v] : logged[other][k - 1]) EXPECT_LE(v, clock.count(h) ? clock.at(h) : 0) << "line " << i + 1;
    }
    Clock expected = last[host];
    std::smatch r;
    if (std::regex_search(event, r, receive_text) && sends.count(r[3])) {
      for (const auto& [h, v] : sends.at(r[3])) expected[h] = std::max(expected[h], v);
      ++receives_checked;
    }
    expected[host] += 1;
    EXPECT_EQ(clock, expected) << "line " << i + 1 << ": " << event;
    if (std::regex_search(event, r, send_text)) sends[r[3]] = clock;
    last[host] = clock;
    logged[host].push_back(clock);
  }
  EXPECT_GT(receives_checked, 10u);
}

TEST(RenderShiviz, FollowsShivizClockRules) { expect_shiviz_rules(render_shiviz(trace(), {})); }

TEST(RenderShiviz, WindowedLogRestartsClocksAtOne) {
  TraceWindow w;
  w.from_step = 150;
  w.to_step = 400;
  w.actors = {0, 1, 4};
  const std::string text = render_shiviz(trace(), w);
  expect_shiviz_rules(text);
  EXPECT_EQ(text.find("\nn2 "), std::string::npos);
}

TEST(RenderShiviz, NamesDroppedMessages) { EXPECT_NE(render_shiviz(trace(), {}).find("[dropped: "), std::string::npos); }

TEST(RenderDot, DeclaresEveryVertexOnceAndDrawsEveryDelivery) {
  const std::string dot = render_dot(trace(), {}, false);
  ASSERT_TRUE(dot.starts_with("digraph happens_before {"));
  ASSERT_TRUE(dot.ends_with("}\n"));
  const std::regex vertex(R"(^    e(\d+) \[)"), edge(R"(^  e(\d+) -> e(\d+) \[)");
  std::set<std::string> declared;
  std::size_t messages = 0;
  for (const std::string& line : lines_of(dot)) {
    std::smatch m;
    if (std::regex_search(line, m, vertex)) {
      EXPECT_TRUE(declared.insert(m[1]).second) << "declared twice: " << line;
    }
  }
  for (const std::string& line : lines_of(dot)) {
    std::smatch m;
    if (!std::regex_search(line, m, edge)) continue;
    EXPECT_TRUE(declared.count(m[1]) && declared.count(m[2])) << line;
    EXPECT_LT(std::stoul(m[1]), std::stoul(m[2])) << "edges follow the events' order: " << line;
    messages += line.find("#1565c0") != std::string::npos;
  }
  std::size_t deliveries = 0;
  for (const EventRecord& e : trace().events) deliveries += e.kind == EventKind::deliver;
  EXPECT_EQ(messages, deliveries);
  EXPECT_NE(dot.find("subgraph cluster_c1"), std::string::npos);
  EXPECT_NE(dot.find("VIOLATION test-invariant"), std::string::npos);
}

// Reachability over a Boost graph, by depth-first search from every vertex.
std::vector<std::vector<bool>> reachability(const HappensBeforeGraph::Graph& g) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (std::size_t s = 0; s < n; ++s) {
    std::vector<std::size_t> stack{s};
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      for (const auto& e : boost::make_iterator_range(boost::out_edges(v, g))) {
        const std::size_t t = boost::target(e, g);
        if (!reach[s][t]) {
          reach[s][t] = true;
          stack.push_back(t);
        }
      }
    }
  }
  return reach;
}

TEST(HappensBefore, TransitiveReductionKeepsReachabilityAndDropsImpliedEdges) {
  TraceWindow w;
  w.to_step = 250;
  const HappensBeforeGraph full = happens_before_graph(trace(), w, false);
  const HappensBeforeGraph reduced = happens_before_graph(trace(), w, true);
  ASSERT_EQ(boost::num_vertices(full.graph), boost::num_vertices(reduced.graph));
  ASSERT_GT(boost::num_vertices(full.graph), 100u);
  EXPECT_LT(boost::num_edges(reduced.graph), boost::num_edges(full.graph));
  EXPECT_EQ(reachability(full.graph), reachability(reduced.graph));
  // No kept edge u->v is implied by another path u->w->...->v.
  const auto reach = reachability(reduced.graph);
  for (std::size_t u = 0; u < boost::num_vertices(reduced.graph); ++u) {
    for (const auto& e : boost::make_iterator_range(boost::out_edges(u, reduced.graph))) {
      const std::size_t v = boost::target(e, reduced.graph);
      for (const auto& f : boost::make_iterator_range(boost::out_edges(u, reduced.graph))) {
        const std::size_t w2 = boost::target(f, reduced.graph);
        EXPECT_FALSE(w2 != v && reach[w2][v]) << "edge " << u << "->" << v << " is implied through " << w2;
      }
    }
  }
}

TEST(HappensBefore, AgreesWithTheEnginesVectorClocks) {
  // Every path in the graph goes forward in the engine's vector clocks (entrywise <=).
  const HappensBeforeGraph g = happens_before_graph(trace(), {}, false);
  std::size_t checked = 0;
  for (std::size_t u = 0; u < boost::num_vertices(g.graph); ++u) {
    for (const auto& e : boost::make_iterator_range(boost::out_edges(u, g.graph))) {
      const EventRecord& a = trace().events[g.event_of[u]];
      const EventRecord& b = trace().events[g.event_of[boost::target(e, g.graph)]];
      if (a.vc.empty() || b.vc.empty()) continue;
      for (std::size_t i = 0; i < a.vc.size(); ++i) EXPECT_LE(a.vc[i], b.vc[i]);
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST(RenderMermaid, ShortWindowIsASequenceDiagram) {
  TraceWindow w;
  w.from_step = 100;
  w.to_step = 160;
  const std::string text = render_mermaid(trace(), w);
  const std::vector<std::string> lines = lines_of(text);
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines[0], "sequenceDiagram");
  const std::regex statement(
      R"(^  (%% .*|participant [nc]\d+|[nc]\d+(->>|-->>|-x)[nc]\d+: m\d+ [^#;]*(#35;|#59;)?[^;]*|Note over [nc]\d+(,[nc]\d+)?: [^;]*)$)");
  std::size_t arrows = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_TRUE(std::regex_match(lines[i], statement)) << "line " << i + 1 << ": " << lines[i];
    arrows += lines[i].find("->>") != std::string::npos;
  }
  std::size_t deliveries = 0;
  for (const EventRecord& e : trace().events) deliveries += e.kind == EventKind::deliver && w.has_step(e.step);
  EXPECT_EQ(arrows, deliveries);
  EXPECT_EQ(count_of(text, "participant "), trace().header.nodes + trace().header.clients);
}

TEST(RenderMermaid, RefusesALongTraceAndSuggestsAWindow) {
  try {
    render_mermaid(trace(), {});
    FAIL() << "a long trace was drawn as a sequence diagram";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--from"), std::string::npos) << what;
    // The suggested window itself renders.
    const std::regex window(R"(--from (\d+) --to (\d+))");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(what, m, window)) << what;
    TraceWindow w;
    w.from_step = std::stoull(m[1]);
    w.to_step = std::stoull(m[2]);
    EXPECT_EQ(w.to_step, trace().violation->step);
    EXPECT_NO_THROW(render_mermaid(trace(), w));
  }
}

TEST(RenderHtml, IsSelfContainedAndEmbedsTheLayout) {
  const std::string html = render_html(trace(), {});
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  const std::string open = R"(<script type="application/json" id="trace-data">)";
  const std::size_t begin = html.find(open);
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = html.find("</script>", begin);
  const nlohmann::json data = nlohmann::json::parse(html.substr(begin + open.size(), end - begin - open.size()));
  const SpaceTimeLayout l = layout_space_time(trace(), {});
  EXPECT_EQ(data["lanes"].size(), l.lanes.size());
  EXPECT_EQ(data["marks"]["col"].size(), l.marks.size());
  EXPECT_EQ(data["arrows"]["kind"].size(), l.arrows.size());
  EXPECT_EQ(data["badges"].size(), 2u);
  EXPECT_EQ(data["violation"]["col"], l.violation_column);
  EXPECT_EQ(data["history"]["bars"].size(), l.history_bars.size());
}

TEST(RenderHtml, ScriptEndingTextInTheTraceStaysData) {
  Trace t = trace();
  t.events[5].summary = "</script><script>alert(1)</script>";
  const std::string html = render_html(t, {});
  EXPECT_EQ(count_of(html, "</script>"), 2u);  // the data's and the program's, nothing more
}

TEST(RenderSvg, HasAnElementPerMarkArrowAndBar) {
  const std::string svg = render_svg(trace(), {});
  const SpaceTimeLayout l = layout_space_time(trace(), {});
  ASSERT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(count_of(svg, "<circle class=\"mark"), l.marks.size());
  EXPECT_EQ(count_of(svg, "<line class=\"arrow"), l.arrows.size());
  EXPECT_EQ(count_of(svg, "<rect class=\"op"), l.history_bars.size());
  EXPECT_EQ(count_of(svg, "<path class=\"badge\""), 2u);
  EXPECT_EQ(count_of(svg, "<rect class=\"violation\""), 1u);
  EXPECT_EQ(count_of(svg, "<"), count_of(svg, ">")) << "every tag is closed";
}
