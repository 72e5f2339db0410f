#include "invariants/txn/cycles.hpp"

#include <algorithm>
#include <optional>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>
#include <fmt/format.h>

#include "model/assert.hpp"

namespace corridor::txn {

namespace {

struct EdgeData {
  std::uint8_t kinds = 0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, EdgeData>;
using Vertex = Graph::vertex_descriptor;

// The part of the graph a search may use: edges of some kinds between vertices of one component.
struct KindFilter {
  const Graph* graph = nullptr;
  std::uint8_t mask = 0;
  bool operator()(Graph::edge_descriptor e) const { return ((*graph)[e].kinds & mask) != 0; }
};
struct MemberFilter {
  const std::vector<char>* members = nullptr;
  bool operator()(Vertex v) const { return (*members)[v] != 0; }
};
using View = boost::filtered_graph<Graph, KindFilter, MemberFilter>;

Graph build_graph(const Dependencies& deps) {
  Graph g(deps.vertices);
  for (const auto& [pair, kinds] : deps.edges) boost::add_edge(pair.first, pair.second, EdgeData{kinds}, g);
  return g;
}

// The components of `view` with more than one vertex (there are no self-loops), as member flags.
std::vector<std::vector<char>> cyclic_components(const View& view, std::size_t vertices) {
  std::vector<int> component(vertices, -1);
  const int count = boost::strong_components(
      view, boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, view)));
  std::vector<std::vector<char>> members(static_cast<std::size_t>(count), std::vector<char>(vertices, 0));
  std::vector<std::size_t> sizes(static_cast<std::size_t>(count), 0);
  for (std::size_t v = 0; v < vertices; ++v) {
    if (component[v] < 0) continue;
    members[static_cast<std::size_t>(component[v])][v] = 1;
    sizes[static_cast<std::size_t>(component[v])]++;
  }
  std::vector<std::vector<char>> out;
  for (std::size_t c = 0; c < members.size(); ++c) {
    if (sizes[c] > 1) out.push_back(std::move(members[c]));
  }
  // By smallest member, so the report does not depend on Tarjan's numbering.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a > b; });
  return out;
}

// A shortest path from `from` to `to` in `view` (both included), by breadth-first search.
std::optional<std::vector<Vertex>> shortest_path(const View& view, std::size_t vertices, Vertex from, Vertex to) {
  std::vector<Vertex> parent(vertices);
  for (std::size_t v = 0; v < vertices; ++v) parent[v] = v;
  boost::breadth_first_search(
      view, from,
      boost::visitor(boost::make_bfs_visitor(boost::record_predecessors(
          boost::make_iterator_property_map(parent.begin(), boost::get(boost::vertex_index, view)), boost::on_tree_edge()))));
  if (parent[to] == to && to != from) return std::nullopt;
  std::vector<Vertex> path{to};
  while (path.back() != from) {  // each step moves up the BFS tree: at most `vertices` steps
    CORRIDOR_ASSERT(path.size() <= vertices);
    path.push_back(parent[path.back()]);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// A shortest cycle through the smallest vertex of the first cyclic component of `view`.
std::optional<std::vector<Vertex>> find_cycle(const View& view, std::size_t vertices) {
  const std::vector<std::vector<char>> components = cyclic_components(view, vertices);
  if (components.empty()) return std::nullopt;
  const Vertex start = static_cast<Vertex>(std::find(components[0].begin(), components[0].end(), 1) - components[0].begin());
  std::optional<std::vector<Vertex>> best;
  for (const auto e : boost::make_iterator_range(boost::out_edges(start, view))) {
    const Vertex next = boost::target(e, view);
    auto path = shortest_path(view, vertices, next, start);
    if (path && (!best || path->size() < best->size())) best = std::move(path);
  }
  CORRIDOR_ASSERT(best.has_value());  // start lies on a cycle of its component
  best->pop_back();                   // the path ends where the cycle starts
  best->insert(best->begin(), start);
  return best;
}

class CycleSearch {
 public:
  explicit CycleSearch(const Dependencies& deps) : deps_(deps), graph_(build_graph(deps)) {}

  std::vector<Anomaly> run() {
    std::vector<Anomaly> out;
    const std::vector<char> everyone(deps_.vertices, 1);
    for (const std::vector<char>& members : cyclic_components(view(all_edges, everyone), deps_.vertices)) {
      out.push_back(classify(members));
    }
    return out;
  }

 private:
  View view(std::uint8_t mask, const std::vector<char>& members) const {
    return View(graph_, KindFilter{&graph_, mask}, MemberFilter{&members});
  }

  Anomaly classify(const std::vector<char>& members) const {
    if (auto cycle = find_cycle(view(ww, members), deps_.vertices)) return describe("G0", *cycle, ww, std::nullopt);
    if (auto cycle = find_cycle(view(ww | wr, members), deps_.vertices)) return describe("G1c", *cycle, ww | wr, std::nullopt);
    if (auto anomaly = g_single(members, ww | wr, "G-single")) return *anomaly;
    if (auto cycle = find_cycle(view(ww | wr | rw_between_writers, members), deps_.vertices)) {
      return describe("G-SIb", *cycle, ww | wr | rw_between_writers, std::nullopt);
    }
    if (auto anomaly = g_single(members, ww | wr | rw_between_writers, "G-SIb")) return *anomaly;
    auto cycle = find_cycle(view(all_edges, members), deps_.vertices);
    CORRIDOR_ASSERT(cycle.has_value());  // the component is cyclic
    return describe("G2", *cycle, all_edges, std::nullopt);
  }

  // A cycle with one rw edge a -> b: a path back from b to a on the edges of `path_mask`.
  std::optional<Anomaly> g_single(const std::vector<char>& members, std::uint8_t path_mask, const char* name) const {
    const View anti = view(rw, members);
    const View rest = view(path_mask, members);
    for (const auto e : boost::make_iterator_range(boost::edges(anti))) {  // bounded by the edges
      const Vertex a = boost::source(e, anti);
      const Vertex b = boost::target(e, anti);
      if (auto path = shortest_path(rest, deps_.vertices, b, a)) {
        path->pop_back();
        path->insert(path->begin(), a);
        return describe(name, *path, path_mask, std::size_t{0});
      }
    }
    return std::nullopt;
  }

  // The cycle's edges, each labelled with the first of ww, wr, rw it has among `mask` (the rw
  // edge of a G-single at `rw_at`), and the sentence.
  Anomaly describe(const char* name, const std::vector<Vertex>& cycle, std::uint8_t mask, std::optional<std::size_t> rw_at) const {
    Anomaly a;
    a.name = name;
    std::vector<std::string> reasons;
    std::string chain;
    for (std::size_t i = 0; i < cycle.size(); ++i) {
      const auto from = static_cast<std::uint32_t>(cycle[i]);
      const auto to = static_cast<std::uint32_t>(cycle[(i + 1) % cycle.size()]);
      std::uint8_t kinds = deps_.edges.at({from, to}) & (rw_at == i ? std::uint8_t{rw} : mask);
      if (kinds & rw_between_writers) kinds = static_cast<std::uint8_t>((kinds & ~rw_between_writers) | rw);
      const EdgeKind kind = (kinds & ww) ? ww : (kinds & wr) ? wr : rw;
      CORRIDOR_ASSERT((kinds & kind) != 0);
      a.transactions.push_back(from);
      a.edges.push_back(kind);
      reasons.push_back(deps_.reasons.at({{from, to}, std::uint8_t{kind}}));
      chain += fmt::format("{} -{}-> ", txn_name(from), to_string(kind));
    }
    chain += txn_name(a.transactions[0]);
    a.sentence = fmt::format("{} ({}): {}: {}", name, gloss(name), chain, fmt::join(reasons, "; "));
    return a;
  }

  static const char* gloss(std::string_view name) {
    if (name == "G0") return "write cycle";
    if (name == "G1c") return "circular information flow";
    if (name == "G-single") return "a cycle with one anti-dependency";
    if (name == "G-SIb") return "missed effects: a cycle whose other rw edges join writers of a common key";
    return "a cycle with anti-dependencies";
  }

  const Dependencies& deps_;
  Graph graph_;
};

}  // namespace

std::vector<Anomaly> find_cycles(const Dependencies& dependencies) { return CycleSearch(dependencies).run(); }

}  // namespace corridor::txn
