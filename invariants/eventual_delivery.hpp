#pragma once
// Eventual delivery with a bound (liveness): every message a node casts (ctx.note("cast", id)) is
// delivered (ctx.note("deliver", id)) at every node within bound_ns after the later of its cast
// and the moment the last fault healed (RunInfo.last_heal_ns). A paused node owes its deliveries
// too: the pause is a fault, so the bound counts from its end.
//
// What is owed is what a broadcast without retransmission promises: the check holds for runs in
// which no message is dropped and no node crashes. Once the network drops a message (loss, a
// partition, a full link) or a node crashes, a held-back message may wait for ever in a correct
// protocol (its predecessor is gone), so from then on nothing more is checked. A fault that never
// heals (last_heal_ns == time_ns_max) turns the check off too. At the end of the run, casts whose
// deadline has passed and that some node has not delivered are violations; those whose deadline
// lies beyond the end are not. A message in flight longer than the bound is a network fault
// (invariants/late_messages.hpp): nothing is owed while one is, and the bound counts from its
// arrival as from a heal.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "invariants/delivery_notes.hpp"
#include "invariants/late_messages.hpp"
#include "model/engine.hpp"

namespace corridor::invariants {

class EventualDeliveryMonitor final : public RunObserver {
 public:
  explicit EventualDeliveryMonitor(time_ns bound_ns, DeliveryNotes notes = {},
                                   std::string invariant = "eventual-delivery");

  void on_run_start(const RunInfo& info) override;
  void on_event(const EventView& view) override;
  void on_run_end(time_ns end_ns) override;
  const std::optional<Violation>* violation() const override { return &violation_; }
  std::string_view invariant_name() const override { return invariant_; }

 private:
  struct Cast {
    std::uint64_t id = 0;
    NodeId origin = no_node;
    time_ns cast_ns = 0;
    time_ns deadline_ns = 0;
    std::uint32_t delivered_count = 0;
    std::vector<std::uint8_t> delivered;  // per node: 1 once it delivered this cast
  };
  static constexpr std::size_t casts_max = 1'000'000;
  static constexpr std::uint32_t nodes_max = 1024;

  void on_note(const EventView& view);
  // Fails on the oldest cast not delivered everywhere if its deadline is before now_ns.
  void check_deadline(std::uint64_t step, time_ns now_ns);

  time_ns bound_ns_;
  DeliveryNotes notes_;
  std::string invariant_;

  bool active_ = false;
  std::uint32_t nodes_ = 0;
  time_ns last_heal_ns_ = 0;
  LateMessages late_;
  std::vector<Cast> casts_;                            // in cast order, so deadlines never decrease
  std::map<std::uint64_t, std::uint32_t> index_of_id_;  // id -> index into casts_
  std::size_t oldest_open_ = 0;                        // casts before it are delivered everywhere
  std::uint64_t last_step_ = 0;
  std::optional<Violation> violation_;
};

}  // namespace corridor::invariants
