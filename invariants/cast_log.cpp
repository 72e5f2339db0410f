#include "invariants/cast_log.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "model/assert.hpp"

namespace corridor::invariants {

void CastLog::clear() {
  casts_.clear();
  vcs_.clear();
  width_ = 0;
  by_origin_.clear();
  index_of_id_.clear();
}

bool CastLog::add(const EventView& view) {
  CORRIDOR_ASSERT(view.kind == EventKind::note && view.actor != no_node);
  if (index_of_id_.contains(view.note_a)) return false;
  CORRIDOR_ASSERT_MSG(casts_.size() < casts_max, "casts without bound");
  if (casts_.empty()) width_ = static_cast<std::uint32_t>(view.vc.size());
  CORRIDOR_ASSERT(view.vc.size() == width_);
  const NodeId origin = view.actor;
  if (by_origin_.size() <= origin) by_origin_.resize(std::size_t{origin} + 1);
  auto& list = by_origin_[origin];
  const auto self = static_cast<std::uint32_t>(casts_.size());
  const std::uint32_t origin_vc = origin < view.vc.size() ? view.vc[origin] : 0;
  // The origin's own component grows with each of its events, so each list stays sorted by it.
  CORRIDOR_ASSERT(list.empty() || casts_[list.back()].origin_vc < origin_vc);
  casts_.push_back({view.note_a, origin, static_cast<std::uint32_t>(list.size()), origin_vc});
  vcs_.insert(vcs_.end(), view.vc.begin(), view.vc.end());
  list.push_back(self);
  index_of_id_.emplace(view.note_a, self);
  return true;
}

const CastLog::Cast* CastLog::find(std::uint64_t id) const {
  const auto it = index_of_id_.find(id);
  return it == index_of_id_.end() ? nullptr : &casts_[it->second];
}

std::span<const std::uint32_t> CastLog::vc(const Cast& cast) const {
  const auto self = static_cast<std::size_t>(&cast - casts_.data());
  CORRIDOR_ASSERT(self < casts_.size());
  return {&vcs_[self * width_], width_};
}

std::uint32_t CastLog::casts_up_to(NodeId origin, std::uint32_t origin_component) const {
  if (origin >= by_origin_.size()) return 0;
  const auto& list = by_origin_[origin];
  const auto it = std::upper_bound(list.begin(), list.end(), origin_component,
                                   [this](std::uint32_t value, std::uint32_t i) { return value < casts_[i].origin_vc; });
  return static_cast<std::uint32_t>(it - list.begin());
}

const std::vector<std::uint32_t>& CastLog::by_origin(NodeId origin) const {
  static const std::vector<std::uint32_t> none;
  return origin < by_origin_.size() ? by_origin_[origin] : none;
}

std::string cast_id_text(std::uint64_t id) { return fmt::format("{}:{}", id >> 32, id & 0xFFFF'FFFFu); }

}  // namespace corridor::invariants
