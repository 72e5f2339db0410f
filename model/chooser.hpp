#pragma once
// The chooser: the one place every nondeterministic decision of a run goes through (which event
// fires among equals, a message's delay, loss, duplication, each protocol random draw, ...).
// Each decision appends its outcome to the choice log. Replaying the log reproduces the run
// without the seed; the shrinker edits the log, so replay tolerates a short or edited log by
// falling back to each decision's default and counting the divergence.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/prng.hpp"

namespace corridor {

enum class ChoiceKind : char {
  delay = 'd',     // a message's delay in ns (default: the link's minimum delay)
  loss = 'l',      // 1 if a message is lost (default 0)
  dup = 'u',       // 1 if a message is duplicated (default 0)
  random = 'r',    // a protocol's ctx.random(bound) draw (default 0)
  timer = 't',     // a timer's delay above its minimum, ctx.set_timer(t, min, max) (default 0)
  pick = 'p',      // which enabled event fires, for untimed explorers (default 0)
  at = 'a',        // a schedule's step fired late: the true time it fired at, in ns (after its pick)
};

struct Choice {
  ChoiceKind kind;
  std::uint64_t value;
  friend bool operator==(const Choice&, const Choice&) = default;
};

class ChoiceLog {
 public:
  void clear() { entries_.clear(); }
  void push(Choice c) { entries_.push_back(c); }
  std::size_t size() const { return entries_.size(); }
  const std::vector<Choice>& entries() const { return entries_; }
  std::vector<Choice>& entries() { return entries_; }
  void reserve(std::size_t n) { entries_.reserve(n); }

  // Text form in traces: kind letter followed by the value, space separated ("d1500000 l0 r3").
  std::string encode() const;
  // Throws std::invalid_argument naming the offending token's position.
  static ChoiceLog decode(std::string_view text);

  friend bool operator==(const ChoiceLog&, const ChoiceLog&) = default;

 private:
  std::vector<Choice> entries_;
};

class Chooser {
 public:
  // Fresh decisions from the PRNG, seeded by the run seed.
  void start_random(std::uint64_t seed);
  // Decisions from a recorded log (the seed is not needed).
  void start_replay(const ChoiceLog& log);
  // Every decision takes its default, and nothing is logged: the exhaustive explorer enumerates
  // the choices that matter to it (which event, loss, duplication, crash) as actions instead.
  void start_defaults();

  // Uniform in [0, bound); bound >= 1.
  std::uint64_t below(ChoiceKind kind, std::uint64_t bound);
  // A decision an explorer made itself (which enabled event fires, by PCT's priorities), in
  // [0, bound): logged like any other; in replay the logged value is returned instead.
  std::uint64_t decided(ChoiceKind kind, std::uint64_t value, std::uint64_t bound);
  // True with probability p (no decision, and nothing logged, when p <= 0).
  bool chance(ChoiceKind kind, double p) { return p > 0.0 && chance_drawn(kind, p); }
  // A raw 64-bit draw, transformed by `make` into the logged value (delays). In replay the
  // logged value comes back without calling `make`; `fallback` is used when the log is spent.
  template <class Make>
  std::uint64_t value(ChoiceKind kind, std::uint64_t fallback, Make&& make) {
    if (!replaying_) {
      const std::uint64_t v = make(rng_.next());
      log_.push({kind, v});
      return v;
    }
    return replayed(kind, fallback, UINT64_MAX);
  }

  // A schedule's step (ExplorerKind::schedule): the next pick of the replayed log, read and logged
  // even when only one event is enabled, since a schedule names every step and the end of its log
  // is the end of the run; and, when the entry after it is an `at`, the true time the step fires
  // at (later than its due time: the schedule delayed it), else 0. nullopt once the log is spent
  // (or without a log to replay). An entry of another kind where a pick is due is skipped as a
  // divergence; a pick out of range becomes 0, a divergence too.
  struct ScheduledStep {
    std::uint64_t index = 0;
    std::uint64_t at_ns = 0;
  };
  std::optional<ScheduledStep> scheduled_step(std::uint64_t bound);
  // How many entries of the replayed log were read (0 outside replay): what an explorer that
  // writes the log as it goes (explorers/untimed_schedule.cpp) trims its unread tail to.
  std::size_t replay_position() const { return replay_pos_; }
  const ChoiceLog& log() const { return log_; }
  bool replaying() const { return replaying_; }
  // Replay decisions that did not match the log (kind mismatch, out of range, or log spent).
  std::uint64_t divergences() const { return divergences_; }

 private:
  std::uint64_t replayed(ChoiceKind kind, std::uint64_t fallback, std::uint64_t bound);
  bool chance_drawn(ChoiceKind kind, double p);

  Xoshiro256 rng_;
  ChoiceLog log_;
  const ChoiceLog* replay_ = nullptr;
  std::size_t replay_pos_ = 0;
  bool replaying_ = false;
  std::uint64_t divergences_ = 0;
};

}  // namespace corridor
