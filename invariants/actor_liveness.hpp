#pragma once
// Which actors are live (up and running handlers) and since when, read from the event stream:
// start, recover and resume make an actor live; crash and pause end it. Monitors of liveness
// properties (the failure detector's, leader stability) need the same notion, so it lives here
// once. A paused actor is not live: it runs no handler, so it can neither suspect nor lead.
#include <cstdint>
#include <vector>

#include "model/assert.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

class ActorLiveness {
 public:
  enum class State : std::uint8_t { not_started, live, paused, crashed };

  void reset(std::uint32_t actors) {
    CORRIDOR_ASSERT(actors <= actors_max);
    state_.assign(actors, State::not_started);
    since_ns_.assign(actors, 0);
    crashed_count_ = 0;
  }

  // Follows one event; true when it changed an actor's state.
  bool observe(const EventView& v) {
    if (v.actor == no_node || v.actor >= state_.size()) return false;
    switch (v.kind) {
      case EventKind::start:
      case EventKind::recover:
      case EventKind::resume: set(v.actor, State::live, v.true_ns); return true;
      case EventKind::crash: set(v.actor, State::crashed, v.true_ns); return true;
      case EventKind::pause: set(v.actor, State::paused, v.true_ns); return true;
      default: return false;
    }
  }

  bool live(NodeId a) const { return state_[a] == State::live; }
  bool crashed(NodeId a) const { return state_[a] == State::crashed; }
  // When the actor entered its current state (became live, crashed, paused).
  time_ns since_ns(NodeId a) const { return since_ns_[a]; }
  std::uint32_t crashed_count() const { return crashed_count_; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(state_.size()); }

 private:
  static constexpr std::uint32_t actors_max = 1u << 16;

  void set(NodeId a, State s, time_ns t_ns) {
    if (state_[a] == State::crashed) --crashed_count_;
    if (s == State::crashed) ++crashed_count_;
    state_[a] = s;
    since_ns_[a] = t_ns;
    CORRIDOR_ASSERT(crashed_count_ <= state_.size());
  }

  std::vector<State> state_;
  std::vector<time_ns> since_ns_;
  std::uint32_t crashed_count_ = 0;
};

}  // namespace corridor::invariants
