#include "cli/explorable.hpp"

#include <algorithm>

#include "model/assert.hpp"

namespace corridor::cli {

namespace {

// Construct-on-first-use, as protocols/registry.cpp: registrars run before main, in link order.
struct ExplorableState {
  std::vector<ExplorableProtocol> added;
  std::vector<ExplorableProtocol> all;
  bool frozen = false;
};

ExplorableState& explorable_state() {
  static ExplorableState state;
  return state;
}

void freeze(ExplorableState& state) {
  std::vector<ExplorableProtocol> all = {two_phase_commit_explorable()};
  std::vector<ExplorableProtocol> added = state.added;
  std::sort(added.begin(), added.end(),
            [](const ExplorableProtocol& a, const ExplorableProtocol& b) { return a.name < b.name; });
  for (ExplorableProtocol& model : added) {
    for (const ExplorableProtocol& known : all) {
      CORRIDOR_ASSERT_MSG(known.name != model.name, "an explore-only model's name is registered twice");
    }
    CORRIDOR_ASSERT_MSG(find_protocol(model.name) == nullptr, "an explore-only model has a registered protocol's name");
    all.push_back(std::move(model));
  }
  state.all = std::move(all);
  state.frozen = true;
}

}  // namespace

void register_explorable(ExplorableProtocol model) {
  ExplorableState& state = explorable_state();
  CORRIDOR_ASSERT_MSG(!state.frozen, "register_explorable after the models were first read");
  CORRIDOR_ASSERT_MSG(!model.name.empty() && !model.variants.empty(), "an explore-only model needs a name and variants");
  CORRIDOR_ASSERT_MSG(static_cast<bool>(model.explore), "an explore-only model needs `explore`");
  CORRIDOR_ASSERT(state.added.size() < 1024);
  state.added.push_back(std::move(model));
}

const std::vector<ExplorableProtocol>& explore_only_models() {
  ExplorableState& state = explorable_state();
  if (!state.frozen) freeze(state);
  return state.all;
}

}  // namespace corridor::cli
