#pragma once
// Each CRDT type's own semantics, checked at every read against the updates in the reader's
// causal past (the engine's vector clocks, not the protocol's word). A protocol whose replicas
// hold every update that happened before their current event (state-based gossip of the whole
// replica, kept across restarts) notes
//
//   ctx.note("replica-update", op, element << 32 | amount)   at the origin of each update, and
//   ctx.note("g-read", value), ("pn-read", value as two's complement), ("set-read", bitmask of the
//   elements the OR-set shows)                                at each read;
//
// and the monitors check, each one invariant:
//   g-counter-read   a G-counter read is exactly the sum of the increments in its causal past;
//   pn-counter-read  a PN-counter read is exactly the increments minus the decrements there;
//   or-set-read      an OR-set read shows element x iff some add of x is in its causal past that
//                    no remove of x in its causal past had observed (observed-remove, add wins):
//                    a remove observes the adds in its own causal past.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine.hpp"

namespace corridor::invariants {

enum class CrdtOp : std::uint8_t { g_increment, pn_increment, pn_decrement, set_add, set_remove };
inline constexpr std::uint32_t crdt_elements_max = 64;  // a set read is a 64-bit mask

struct CrdtNotes {
  std::string_view update = "replica-update";
  std::string_view g_read = "g-read";
  std::string_view pn_read = "pn-read";
  std::string_view set_read = "set-read";
};

class CrdtReadMonitor final : public RunObserver {
 public:
  enum class Check { g_counter, pn_counter, or_set };
  static constexpr std::size_t updates_max = 1'000'000;  // per run

  explicit CrdtReadMonitor(Check check, CrdtNotes notes = {}) : check_(check), notes_(notes) {}

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override;
  std::unique_ptr<RunObserver> clone() const override { return std::make_unique<CrdtReadMonitor>(*this); }

 private:
  struct Update {
    std::uint32_t counter = 0;  // the origin's own vector-clock entry at the note
    CrdtOp op = CrdtOp::g_increment;
    std::uint32_t element = 0;
    std::uint64_t amount = 0;
    std::int64_t g_sum = 0;   // the origin's G-counter increments up to and including this one
    std::int64_t pn_sum = 0;  // its PN-counter increments minus decrements, likewise
    std::vector<std::uint32_t> vc;  // set removes only: the remove's vector clock (what it observed)
  };

  void on_update(const EventView& view);
  // Of node j's updates, how many are in the causal past of an event with vector clock `vc`.
  std::size_t in_past(NodeId j, std::span<const std::uint32_t> vc) const;
  std::int64_t expected_counter(std::span<const std::uint32_t> vc) const;
  std::uint64_t expected_set(std::span<const std::uint32_t> vc) const;
  bool observed_by_a_remove(NodeId origin, const Update& add, std::span<const std::uint32_t> vc) const;
  std::string seen_per_origin(std::span<const std::uint32_t> vc) const;
  void fail(const EventView& view, std::string message);

  Check check_;
  CrdtNotes notes_;
  std::vector<std::vector<Update>> updates_;  // per origin node, in counter order
  std::size_t updates_seen_ = 0;
  std::optional<Violation> violation_;
};

// "{0, 3}": the elements of a set read's mask.
std::string set_text(std::uint64_t mask);

}  // namespace corridor::invariants
