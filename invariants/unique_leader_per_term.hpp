#pragma once
// Unique leader per term: at most one node is ever leader of a given term. Two nodes leading
// the same term at different times count too, so the invariant remembers every (term, leader)
// pair it has seen, not only the current leaders.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "invariants/time_text.hpp"
#include "model/assert.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

// The term a node currently leads, if it believes it leads one.
template <class Node>
using LeaderTermFn = std::function<std::optional<std::uint64_t>(const Node&)>;

namespace detail {

// Every (term -> first leader) seen in one run. A run starts at step 1; a smaller step than the
// last one seen means the engine was reused for a new run, and the memory starts over.
struct TermLeaders {
  struct Seen {
    NodeId node;
    time_ns since_ns;
  };
  static constexpr std::size_t terms_max = 10'000'000;
  std::map<std::uint64_t, Seen> by_term;
  std::uint64_t last_step = 0;

  void begin_step(std::uint64_t step) {
    if (step <= last_step) by_term.clear();
    last_step = step;
  }
};

}  // namespace detail

template <class E>
StateInvariant<E> unique_leader_per_term(LeaderTermFn<typename E::Node> leader_term,
                                         std::string name = "unique-leader") {
  auto seen = std::make_shared<detail::TermLeaders>();
  auto check = [seen, leader_term = std::move(leader_term)](const E& engine) -> std::optional<Violation> {
    seen->begin_step(engine.step_count());
    for (NodeId n = 0; n < engine.layout_nodes(); ++n) {
      const std::optional<std::uint64_t> term = leader_term(engine.node(n));
      if (!term) continue;
      const auto [it, fresh] = seen->by_term.try_emplace(*term, detail::TermLeaders::Seen{n, engine.now_ns()});
      if (fresh) {
        CORRIDOR_ASSERT_MSG(seen->by_term.size() <= detail::TermLeaders::terms_max, "terms without bound");
        continue;
      }
      if (it->second.node == n) continue;
      const NodeId first = it->second.node;
      Violation v;
      v.verdict = Verdict::safety;
      v.nodes = {first, n};
      v.message = fmt::format("nodes {} and {} both became leader of term {} (node {} since {}, node {} at {})", first, n,
                              *term, first, time_text(it->second.since_ns), n, time_text(engine.now_ns()));
      return v;
    }
    return std::nullopt;
  };
  return StateInvariant<E>{std::move(name), std::move(check)};
}

}  // namespace corridor::invariants
