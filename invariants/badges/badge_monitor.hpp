#pragma once
// Coherence badge monitors: observation without coordination.
//
// A badge monitor declares
//   - an assumption: one sentence the protocol silently relies on ("messages arrive within 15ms"),
//   - a corridor: the bounds of that assumption, units last in every name (delay_ns_max = 15ms),
//   - a boundary: where it watches (send/receive, replica update, leader change, timeout),
// and emits a Badge (model/badge.hpp) when behaviour leaves the corridor.
//
// The restraint, enforced by types. observe() receives
//   - `const EventView&`: the event, read-only,
//   - `const WorldView&`: read-only questions about the world (clocks, who is alive), nothing else,
//   - `BadgeSink&`: whose only operation appends a badge.
// A monitor never receives a Context, the engine, a node or the chooser, so it has nothing to
// send, retry, re-elect, resynchronise or block with, and nothing that draws a random number: a
// run with monitors is the run without them, plus badges (tests/invariants/badges_test.cpp shows
// it, and static_asserts this signature). What a monitor learns about the protocol it learns from
// ctx.note events (invariants/badges/badge_notes.hpp) or the event stream itself.
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "model/badge.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

// Append-only: the one thing a monitor can do. At most badges_max are kept per run; the rest are
// counted (a badge storm must not exhaust memory).
class BadgeSink {
 public:
  static constexpr std::size_t badges_max = 100'000;

  explicit BadgeSink(std::vector<Badge>& out) : out_(&out) {}
  void append(Badge badge) {
    if (out_->size() < badges_max) out_->push_back(std::move(badge));
    else ++dropped_;
  }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::vector<Badge>* out_;
  std::uint64_t dropped_ = 0;
};

// Read-only questions about the world at the current step.
class WorldView {
 public:
  virtual ~WorldView() = default;
  virtual std::uint32_t node_count() const = 0;
  virtual time_ns true_ns() const = 0;
  virtual time_ns wall_ns(NodeId node) const = 0;  // the node's wall clock now
  virtual bool is_alive(NodeId node) const = 0;    // running (up or paused), not crashed
};

constexpr std::uint32_t kind_bit(EventKind kind) { return std::uint32_t{1} << static_cast<unsigned>(kind); }
inline constexpr std::uint32_t all_event_kinds = ~std::uint32_t{0};

class BadgeMonitor {
 public:
  virtual ~BadgeMonitor() = default;
  virtual const BadgeDeclaration& declaration() const = 0;
  // The event kinds observe() looks at (kind_bit bits): the observer skips the call for others,
  // which is most of what monitors cost.
  virtual std::uint32_t event_kinds() const { return all_event_kinds; }
  virtual void on_run_start(const RunInfo& /*info*/) {}
  virtual void observe(const EventView& event, const WorldView& world, BadgeSink& sink) = 0;

 protected:
  // A badge with the declaration's names filled in, observed by `node` at the event's step.
  Badge badge_at(const EventView& event, const WorldView& world, NodeId node, std::string view,
                 std::string context) const;
};

// A measured duration in a badge's details: milliseconds with microsecond digits, so that a gap of
// 100.4ms against a 100ms bound does not read "100ms".
inline std::string badge_duration_text(time_ns ns) { return fmt::format("{:.3f}ms", static_cast<double>(ns) / 1e6); }

// The restraint as a compile-time fact: observe takes const views and an append-only sink.
template <class M>
concept RestrainedMonitor =
    std::is_same_v<decltype(&M::observe), void (M::*)(const EventView&, const WorldView&, BadgeSink&)> ||
    std::is_same_v<decltype(&M::observe), void (BadgeMonitor::*)(const EventView&, const WorldView&, BadgeSink&)>;

}  // namespace corridor::invariants
