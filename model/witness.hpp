#pragma once
// Reachability witnesses (Stateright's "sometimes" properties, DESIGN.md "Invariants"): states a
// search of a protocol must reach, declared by the protocol with its invariants (a leader holds a
// lease, a value is committed, a snapshot completed). An invariant that holds in every explored
// state proves nothing when the search never got anywhere; a witness reached shows the search
// went where the protocol does its work, and a search that reaches none of them fails.
//
// A witness is a predicate over one state, like a state invariant. It must be a function of what
// the search fingerprints (node states, the history, what is in flight; not counters nor true
// time), and, for a protocol with a node symmetry, invariant under a renaming of its
// interchangeable nodes, so that a reduced search (symmetry, POR) reaches the same witnesses as
// the full one.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/history.hpp"

namespace corridor {

// At most this many witnesses per protocol: a search carries which ones a state holds as one word.
inline constexpr std::size_t witnesses_max = 64;

// What a person reads about a witness, and what the registry lists.
struct WitnessInfo {
  std::string name;         // "lease-held": kebab-case, unique within the protocol
  std::string description;  // "a leader holds a lease": one phrase, what the reached state shows
};

// A witness over states of type S (an Engine<P> for the simulated world, a model's State).
template <class S>
struct Witness {
  std::string name;
  std::string description;
  std::function<bool(const S&)> holds;
};

// Bit i set: witness i (in declaration order) holds at `s`.
template <class S>
std::uint64_t witnesses_holding(const std::vector<Witness<S>>& witnesses, const S& s) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < witnesses.size() && i < witnesses_max; ++i) {
    if (witnesses[i].holds(s)) mask |= std::uint64_t{1} << i;
  }
  return mask;
}

template <class S>
std::vector<WitnessInfo> witness_infos(const std::vector<Witness<S>>& witnesses) {
  std::vector<WitnessInfo> infos;
  infos.reserve(witnesses.size());
  for (const Witness<S>& w : witnesses) infos.push_back({w.name, w.description});
  return infos;
}

// A client operation completed (an ok in the history): a witness for any protocol with clients.
template <class World>
Witness<World> operation_completed(std::string description = "a client operation completed (ok)") {
  return {"operation-completed", std::move(description), [](const World& w) {
            for (const auto& event : w.history()) {
              if (event.type == OpType::ok) return true;
            }
            return false;
          }};
}

// Checks a protocol's declaration (names unique, kebab-case, described, at most witnesses_max);
// CORRIDOR_ASSERT on a mistake, a defect of the registration (protocols/registry.cpp).
void check_witnesses(const std::vector<WitnessInfo>& witnesses);

}  // namespace corridor
