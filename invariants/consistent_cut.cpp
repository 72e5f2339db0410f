#include "invariants/consistent_cut.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/snapshot_notes.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

void ConsistentCutMonitor::on_run_start(const RunInfo& info) {
  nodes_ = info.nodes;
  width_ = info.nodes + info.clients;
  cuts_.clear();
  before_.assign(std::size_t{nodes_} * width_, 0);
  latest_.assign(std::size_t{nodes_} * width_, 0);
  latest_step_.assign(nodes_, 0);
  violation_.reset();
}

void ConsistentCutMonitor::track(const EventView& view) {
  const auto row = static_cast<std::ptrdiff_t>(std::size_t{view.actor} * width_);
  if (latest_step_[view.actor] != view.step) {
    std::copy_n(latest_.begin() + row, width_, before_.begin() + row);
    latest_step_[view.actor] = view.step;
  }
  std::copy(view.vc.begin(), view.vc.end(), latest_.begin() + row);
}

void ConsistentCutMonitor::on_event(const EventView& view) {
  if (violation_ || view.actor >= nodes_ || view.vc.size() != width_) return;
  track(view);
  if (view.kind != EventKind::note || view.note != snapshot_state_note) return;
  const auto id = static_cast<std::uint32_t>(view.note_a);
  auto [it, fresh] = cuts_.try_emplace(id);
  Cut& cut = it->second;
  if (fresh) {
    CORRIDOR_ASSERT_MSG(cuts_.size() <= snapshots_max, "snapshots without bound");
    cut.vcs.assign(std::size_t{nodes_} * width_, 0);
    cut.recorded.assign(nodes_, false);
  }
  if (cut.recorded[view.actor]) return;  // recording twice is the conservation monitor's concern
  cut.recorded[view.actor] = true;
  ++cut.count;
  const auto row = static_cast<std::ptrdiff_t>(std::size_t{view.actor} * width_);
  std::copy_n(before_.begin() + row, width_, cut.vcs.begin() + row);
  if (cut.count == nodes_) check(view, id, cut);
}

void ConsistentCutMonitor::check(const EventView& view, std::uint32_t id, const Cut& cut) {
  for (NodeId i = 0; i < nodes_; ++i) {
    const std::uint32_t own = cut.vcs[std::size_t{i} * width_ + i];
    for (NodeId j = 0; j < nodes_; ++j) {
      const std::uint32_t seen = cut.vcs[std::size_t{j} * width_ + i];
      if (j == i || seen <= own) continue;
      violation_ = Violation{.invariant = invariant_, .step = view.step, .true_ns = view.true_ns,
                             .nodes = {std::min(i, j), std::max(i, j)},
                             .message = fmt::format("snapshot {} is not a consistent cut: node {} recorded its state after seeing event {} of node {}, "
                      "but node {} recorded its state after its event {} (a message sent after a recording was received "
                      "before one)",
                      id, j, seen, i, i, own)};
      return;
    }
  }
}

}  // namespace corridor::invariants
