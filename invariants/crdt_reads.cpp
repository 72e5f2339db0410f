#include "invariants/crdt_reads.hpp"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

namespace corridor::invariants {

std::string set_text(std::uint64_t mask) {
  std::string out = "{";
  for (std::uint32_t x = 0; x < crdt_elements_max; ++x) {
    if ((mask >> x & 1) == 0) continue;
    if (out.size() > 1) out += ", ";
    out += fmt::format("{}", x);
  }
  return out + "}";
}

std::string_view CrdtReadMonitor::invariant_name() const {
  switch (check_) {
    case Check::g_counter: return "g-counter-read";
    case Check::pn_counter: return "pn-counter-read";
    case Check::or_set: return "or-set-read";
  }
  return {};
}

void CrdtReadMonitor::on_run_start(const RunInfo& info) {
  updates_.assign(info.nodes, {});
  updates_seen_ = 0;
  violation_.reset();
}

void CrdtReadMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::note) return;
  if (view.actor >= updates_.size() || view.actor >= view.vc.size()) return;  // not a node of the layout
  if (view.note == notes_.update) return on_update(view);
  if (check_ == Check::g_counter && view.note == notes_.g_read) {
    const std::int64_t expected = expected_counter(view.vc);
    if (static_cast<std::int64_t>(view.note_a) == expected) return;
    fail(view, fmt::format("node {} read the G-counter as {}, but the increments in its causal past sum to {} "
                           "(updates seen per origin: {})",
                           view.actor, view.note_a, expected, seen_per_origin(view.vc)));
  } else if (check_ == Check::pn_counter && view.note == notes_.pn_read) {
    const std::int64_t expected = expected_counter(view.vc);
    const auto read = static_cast<std::int64_t>(view.note_a);
    if (read == expected) return;
    fail(view, fmt::format("node {} read the PN-counter as {}, but the increments minus decrements in its causal "
                           "past come to {} (updates seen per origin: {})",
                           view.actor, read, expected, seen_per_origin(view.vc)));
  } else if (check_ == Check::or_set && view.note == notes_.set_read) {
    const std::uint64_t expected = expected_set(view.vc);
    if (view.note_a == expected) return;
    const std::uint64_t wrong = view.note_a ^ expected;
    const auto x = static_cast<std::uint32_t>(std::countr_zero(wrong));
    const bool shown = (view.note_a >> x & 1) != 0;
    fail(view, fmt::format("node {} read the OR-set as {}, but the updates in its causal past give {}: element {} {} "
                           "(updates seen per origin: {})",
                           view.actor, set_text(view.note_a), set_text(expected), x,
                           shown ? "is shown, yet every add of it seen was observed by a remove seen"
                                 : "is missing, yet an add of it seen was observed by no remove seen",
                           seen_per_origin(view.vc)));
  }
}

void CrdtReadMonitor::on_update(const EventView& view) {
  CORRIDOR_ASSERT_MSG(++updates_seen_ <= updates_max, "more CRDT updates in a run than the monitor follows");
  std::vector<Update>& mine = updates_[view.actor];
  Update u{.counter = view.vc[view.actor], .op = static_cast<CrdtOp>(view.note_a),
           .element = static_cast<std::uint32_t>(view.note_b >> 32), .amount = view.note_b & 0xffff'ffff};
  CORRIDOR_ASSERT_MSG(u.op <= CrdtOp::set_remove && u.element < crdt_elements_max, "a replica-update note names an op");
  CORRIDOR_ASSERT_MSG(mine.empty() || mine.back().counter < u.counter, "a node's notes have increasing counters");
  const auto amount = static_cast<std::int64_t>(u.amount);
  u.g_sum = (mine.empty() ? 0 : mine.back().g_sum) + (u.op == CrdtOp::g_increment ? amount : 0);
  u.pn_sum = (mine.empty() ? 0 : mine.back().pn_sum) + (u.op == CrdtOp::pn_increment   ? amount
                                                        : u.op == CrdtOp::pn_decrement ? -amount
                                                                                       : 0);
  // Only the set check reads what a remove observed: the others keep no vector clocks.
  if (check_ == Check::or_set && u.op == CrdtOp::set_remove) u.vc.assign(view.vc.begin(), view.vc.end());
  mine.push_back(std::move(u));
}

std::size_t CrdtReadMonitor::in_past(NodeId j, std::span<const std::uint32_t> vc) const {
  const std::vector<Update>& theirs = updates_[j];
  const std::uint32_t seen = j < vc.size() ? vc[j] : 0;
  return static_cast<std::size_t>(std::upper_bound(theirs.begin(), theirs.end(), seen,
                                                   [](std::uint32_t c, const Update& u) { return c < u.counter; }) -
                                  theirs.begin());
}

std::int64_t CrdtReadMonitor::expected_counter(std::span<const std::uint32_t> vc) const {
  std::int64_t sum = 0;
  for (NodeId j = 0; j < updates_.size(); ++j) {
    const std::size_t k = in_past(j, vc);
    if (k == 0) continue;
    const Update& last = updates_[j][k - 1];
    sum += check_ == Check::g_counter ? last.g_sum : last.pn_sum;
  }
  return sum;
}

bool CrdtReadMonitor::observed_by_a_remove(NodeId origin, const Update& add, std::span<const std::uint32_t> vc) const {
  for (NodeId j = 0; j < updates_.size(); ++j) {
    const std::size_t k = in_past(j, vc);
    for (std::size_t i = 0; i < k; ++i) {
      const Update& r = updates_[j][i];
      if (r.op == CrdtOp::set_remove && r.element == add.element && r.vc[origin] >= add.counter) return true;
    }
  }
  return false;
}

std::uint64_t CrdtReadMonitor::expected_set(std::span<const std::uint32_t> vc) const {
  std::uint64_t mask = 0;
  for (NodeId j = 0; j < updates_.size(); ++j) {
    const std::size_t k = in_past(j, vc);
    for (std::size_t i = 0; i < k; ++i) {
      const Update& a = updates_[j][i];
      if (a.op != CrdtOp::set_add || (mask >> a.element & 1) != 0) continue;
      if (!observed_by_a_remove(j, a, vc)) mask |= std::uint64_t{1} << a.element;
    }
  }
  return mask;
}

std::string CrdtReadMonitor::seen_per_origin(std::span<const std::uint32_t> vc) const {
  std::string out = "[";
  for (NodeId j = 0; j < updates_.size(); ++j) out += fmt::format("{}{}", j == 0 ? "" : ", ", in_past(j, vc));
  return out + "]";
}

void CrdtReadMonitor::fail(const EventView& view, std::string message) {
  violation_ = Violation{.invariant = std::string(invariant_name()), .verdict = Verdict::safety, .step = view.step,
                         .true_ns = view.true_ns, .nodes = {view.actor}, .operations = {},
                         .message = std::move(message)};
}

}  // namespace corridor::invariants
