#pragma once
// Explore-only models: protocols written directly against the model interface (a StateMachine,
// model/state_machine.hpp), TLA+ style, that `corridor explore` searches and `list` shows but
// that have no simulated world to `run`. They are registered like every other protocol, in the
// one registry (protocols/registry.hpp), with an entry register_model<M> makes:
//
//   corridor::ProtocolEntry mutex_entry() {
//     return corridor::cli::register_model<Mutex>({.name = "mutex", ...},
//         [](std::uint32_t nodes, std::uint32_t variant) { return Mutex(nodes, Mutex::Variant(variant)); });
//   }
//   static const corridor::ProtocolRegistrar mutex{mutex_entry};
//
// Its witnesses (states a search must reach, model/witness.hpp) are the model's own hooks,
// witnesses() and witnesses_holding(state); register_model reads their names into the registry.
//
// This header, not protocols/, holds them because what a search hands back (ExhaustiveSummary)
// belongs to explorers/, which protocols/ may not include (DESIGN.md's layering); the registry
// entry only points at an ExploreOnlyModel.
#include <cstdint>
#include <functional>
#include <memory>
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

}  // namespace corridor::cli

namespace corridor {

// The search of an explore-only model, typed where it was registered.
struct ExploreOnlyModel {
  bool symmetry = false;  // has a canonicalize hook
  std::function<cli::ExploreReport(std::uint32_t nodes, std::uint32_t variant, const ExhaustiveOptions&)> explore;
};

}  // namespace corridor

namespace corridor::cli {

// The one registration of an explore-only model M: its description (variants named by the
// enumerators of its Variant enum; its invariants listed by hand, as a StateMachine has no set-up
// to read them from) and how to make it for a node count and variant. `render` draws a state
// for a counterexample (optional).
template <StateMachine M>
ProtocolEntry register_model(ProtocolInfo info, std::function<M(std::uint32_t nodes, std::uint32_t variant)> make_model,
                             std::function<std::string(const M&, const typename M::State&)> render = {}) {
  CORRIDOR_ASSERT_MSG(static_cast<bool>(make_model), "an explore-only model needs a way to make it");
  CORRIDOR_ASSERT_MSG(!info.invariants.empty(), "an explore-only model lists the invariants its check() names");
  check_registration(info, enum_count<typename M::Variant>());
  auto model = std::make_shared<ExploreOnlyModel>();
  model->symmetry = supports_symmetry(make_model(info.default_nodes, 0));
  info.witnesses = declared_witnesses(make_model(info.default_nodes, 0));
  check_witnesses(info.witnesses);
  model->explore = [make_model, render](std::uint32_t nodes, std::uint32_t variant, const ExhaustiveOptions& options) {
    const M m = make_model(nodes, variant);
    std::function<std::string(const typename M::State&)> draw;
    if (render) draw = [&m, &render](const typename M::State& s) { return render(m, s); };
    return explore_model<M>(m, options, draw);
  };
  ProtocolEntry entry;
  entry.info = std::move(info);
  entry.explore_only = std::move(model);
  return entry;
}

// The built-in explore-only model, two-phase-commit (cli/explorable.cpp). tool_main adds it to the
// registry as built in.
ProtocolEntry two_phase_commit_model();

}  // namespace corridor::cli
