#pragma once
// Explore-only models: protocols written directly against the model interface (a StateMachine,
// model/state_machine.hpp), TLA+ style, that `corridor explore` searches and `list` shows but
// that have no simulated world to `run`. Built in: two-phase-commit. A corridor_add_tool program
// adds its own the way it adds protocols (protocols/registry.hpp):
//
//   static const corridor::cli::ExplorableRegistrar mutex_model{my_mutex_explorable};
//
// They live here, not in protocols/registry, because what a search hands back (ExhaustiveSummary)
// belongs to explorers/, which protocols/ may not include (DESIGN.md's layering).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explorers/exhaustive.hpp"
#include "protocols/registry.hpp"

namespace corridor::cli {

// What an explored model hands back: the summary, and with a counterexample the state before the
// first action and after each one, rendered for people (empty where a model cannot render).
struct ExploreReport {
  ExhaustiveSummary summary;
  std::vector<std::string> states;
};

// A protocol `corridor explore` can search.
struct ExplorableProtocol {
  std::string name;
  std::string description;
  std::vector<VariantInfo> variants;  // variants[0] is the correct one
  std::uint32_t default_nodes = 3;
  std::uint32_t min_nodes = 1;
  std::uint32_t max_nodes = 16;
  bool symmetry = false;  // has a canonicalize hook
  bool world = false;     // the simulated world: --crashes, --losses, --dups apply
  std::vector<std::string> invariants;  // for `list`
  std::function<ExploreReport(std::uint32_t nodes, std::uint32_t variant, const ExhaustiveOptions&)> explore;
};

// Any StateMachine, searched by the template (full speed), with the counterexample's states
// rendered by `render` when given.
template <StateMachine M>
ExploreReport explore_model(const M& model, const ExhaustiveOptions& options,
                            const std::function<std::string(const typename M::State&)>& render) {
  Exploration<M> exploration = explore_exhaustive(model, options);
  ExploreReport report{std::move(exploration.summary), {}};
  if (!render || exploration.path.empty()) return report;
  std::vector<typename M::State> initial;
  model.initial_states(initial);
  // The path starts at whichever initial state leads along it; with one initial state, that one.
  if (initial.size() != 1) return report;
  typename M::State state = initial.front();
  report.states.push_back(render(state));
  for (const auto& action : exploration.path) {
    state = model.next(state, action);
    report.states.push_back(render(state));
  }
  return report;
}

// The built-in explore-only model (cli/cmd_explore.cpp).
ExplorableProtocol two_phase_commit_explorable();

// Every explore-only model: the built-in ones, then those registered, sorted by name. The first
// call freezes the list; a name registered twice (here or in the protocol registry) stops the
// program at start-up (CORRIDOR_ASSERT).
const std::vector<ExplorableProtocol>& explore_only_models();
void register_explorable(ExplorableProtocol model);

struct ExplorableRegistrar {
  explicit ExplorableRegistrar(ExplorableProtocol (*make_model)()) { register_explorable(make_model()); }
};

}  // namespace corridor::cli
