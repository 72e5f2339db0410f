#include "traces/space_time_layout.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/fault_plan.hpp"

namespace corridor {

const char* to_string(SpaceTimeLayout::ArrowKind kind) {
  switch (kind) {
    case SpaceTimeLayout::ArrowKind::delivered: return "delivered";
    case SpaceTimeLayout::ArrowKind::duplicate: return "duplicate";
    case SpaceTimeLayout::ArrowKind::dropped: return "dropped";
    case SpaceTimeLayout::ArrowKind::in_flight: return "in-flight";
  }
  return "delivered";
}

const char* to_string(SpaceTimeLayout::BandKind kind) {
  switch (kind) {
    case SpaceTimeLayout::BandKind::crashed: return "crashed";
    case SpaceTimeLayout::BandKind::paused: return "paused";
    case SpaceTimeLayout::BandKind::partitioned: return "partitioned";
    case SpaceTimeLayout::BandKind::clock: return "clock";
    case SpaceTimeLayout::BandKind::loss_burst: return "loss-burst";
  }
  return "crashed";
}

namespace {

using Layout = SpaceTimeLayout;
constexpr std::uint32_t no_lane = UINT32_MAX;

class Builder {
 public:
  Builder(const Trace& trace, const TraceWindow& window) : trace_(trace), window_(window) {
    const std::uint32_t actors = trace.header.nodes + trace.header.clients;
    lane_of_.assign(actors, no_lane);
    for (NodeId a : window.lanes(trace.header)) {
      lane_of_[a] = static_cast<std::uint32_t>(out_.lanes.size());
      out_.lanes.push_back({a, actor_name(a, trace.header.nodes), a >= trace.header.nodes});
    }
    out_.states.emplace_back();
    state_index_.emplace(std::string(), 0);
    actor_state_.assign(actors, 0);
  }

  Layout build() {
    add_columns();
    if (out_.columns.empty()) return std::move(out_);
    for (std::uint32_t i = 0; i < trace_.events.size(); ++i) add_event(i);
    finish_open();
    add_badges();
    add_violation();
    add_history();
    std::stable_sort(out_.arrows.begin(), out_.arrows.end(),
                     [](const Layout::Arrow& a, const Layout::Arrow& b) { return a.from_column < b.from_column; });
    out_.width = out_.columns.back().x + 1;
    return std::move(out_);
  }

 private:
  struct Sent {
    std::uint32_t event = 0;
    std::uint32_t ends = 0;  // deliveries and drops seen so far
  };
  struct Open {
    std::uint64_t step = 0;
    std::vector<std::uint32_t> lanes;
    Layout::BandKind kind = Layout::BandKind::crashed;
    std::string label;
  };

  std::uint32_t lane(NodeId actor) const { return actor < lane_of_.size() ? lane_of_[actor] : no_lane; }

  bool shown(const EventRecord& e) const {
    if (e.actor != no_node) return lane(e.actor) != no_lane;
    if (e.kind == EventKind::drop) return lane(e.source) != no_lane || lane(e.target) != no_lane;
    return true;  // partitions, heals and loss bursts concern every lane
  }

  void add_columns() {
    for (const EventRecord& e : trace_.events) {
      if (!window_.has_step(e.step) || !shown(e)) continue;
      if (!out_.columns.empty() && out_.columns.back().step == e.step) continue;
      out_.columns.push_back({e.step, e.true_ns, 0, 0});
    }
    std::vector<time_ns> gaps;
    for (std::size_t i = 1; i < out_.columns.size(); ++i) {
      const time_ns gap = out_.columns[i].true_ns - out_.columns[i - 1].true_ns;
      if (gap > 0) gaps.push_back(gap);
    }
    time_ns threshold = INT64_MAX;
    if (gaps.size() >= 8) {
      std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
      threshold = static_cast<time_ns>(static_cast<double>(gaps[gaps.size() / 2]) * layout_gap_factor);
    }
    double x = 0;
    for (std::size_t i = 0; i < out_.columns.size(); ++i) {
      if (i > 0) {
        const time_ns gap = out_.columns[i].true_ns - out_.columns[i - 1].true_ns;
        x += 1;
        if (gap > threshold) {
          out_.columns[i].gap_before_ns = gap;
          x += layout_gap_units;
        }
      }
      out_.columns[i].x = x;
    }
  }

  // The last column at or before `step` (the first column for earlier steps): things that
  // began before the window start at its left edge.
  std::uint32_t column(std::uint64_t step) const {
    const auto it = std::upper_bound(out_.columns.begin(), out_.columns.end(), step,
                                     [](std::uint64_t s, const Layout::Column& c) { return s < c.step; });
    return it == out_.columns.begin() ? 0 : static_cast<std::uint32_t>(it - out_.columns.begin() - 1);
  }
  bool overlaps(std::uint64_t from_step, std::uint64_t to_step) const {
    return from_step <= std::min(window_.to_step, out_.columns.back().step) &&
           to_step >= std::max(window_.from_step, out_.columns.front().step);
  }

  std::uint32_t intern_state(const std::string& state) {
    const auto [it, added] = state_index_.emplace(state, static_cast<std::uint32_t>(out_.states.size()));
    if (added) out_.states.push_back(state);
    return it->second;
  }

  void add_event(std::uint32_t i) {
    const EventRecord& e = trace_.events[i];
    if (e.actor != no_node && e.actor < actor_state_.size() && !e.state.empty()) actor_state_[e.actor] = intern_state(e.state);
    if (window_.has_step(e.step) && e.actor != no_node && lane(e.actor) != no_lane) {
      out_.marks.push_back({column(e.step), lane(e.actor), e.kind, i, actor_state_[e.actor]});
    }
    switch (e.kind) {
      case EventKind::send: sent_.emplace(e.message_id, Sent{i, 0}); break;
      case EventKind::deliver:
      case EventKind::drop: add_arrow(i); break;
      case EventKind::crash: open_band(e, Layout::BandKind::crashed, {lane(e.actor)}, e.summary); break;
      case EventKind::recover: close_band(e.step, Layout::BandKind::crashed, lane(e.actor), {}); break;
      case EventKind::pause: open_band(e, Layout::BandKind::paused, {lane(e.actor)}, e.summary); break;
      case EventKind::resume: close_band(e.step, Layout::BandKind::paused, lane(e.actor), {}); break;
      case EventKind::clock_jump:
      case EventKind::drift:
        if (lane(e.actor) != no_lane && window_.has_step(e.step)) {
          out_.bands.push_back({lane(e.actor), column(e.step), column(e.step), Layout::BandKind::clock, e.summary});
        }
        break;
      case EventKind::partition: open_band(e, Layout::BandKind::partitioned, partition_lanes(e.summary), e.summary); break;
      case EventKind::heal: heal(e); break;
      case EventKind::loss_burst:
        if (e.summary.ends_with("ends")) close_band(e.step, Layout::BandKind::loss_burst, no_lane, {});
        else open_band(e, Layout::BandKind::loss_burst, all_lanes(), e.summary);
        break;
      default: break;
    }
  }

  void add_arrow(std::uint32_t i) {
    const EventRecord& e = trace_.events[i];
    const auto it = sent_.find(e.message_id);
    if (it == sent_.end()) return;  // sent before the trace began: nothing to draw from
    const EventRecord& send = trace_.events[it->second.event];
    const std::uint32_t from_lane = lane(send.actor);
    const std::uint32_t to_lane = lane(e.kind == EventKind::drop ? e.target : e.actor);
    const bool repeat = it->second.ends++ > 0;
    if (from_lane == no_lane || to_lane == no_lane || !overlaps(send.step, e.step)) return;
    const Layout::ArrowKind kind = e.kind == EventKind::drop ? Layout::ArrowKind::dropped
                                   : repeat                  ? Layout::ArrowKind::duplicate
                                                             : Layout::ArrowKind::delivered;
    out_.arrows.push_back({column(send.step), from_lane, column(e.step), to_lane, kind, it->second.event, i});
  }

  std::vector<std::uint32_t> all_lanes() const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t l = 0; l < out_.lanes.size(); ++l) out.push_back(l);
    return out;
  }

  // The lanes a partition cuts, from its fault text ("1s partition n0,n1 | n2 for 2s").
  std::vector<std::uint32_t> partition_lanes(const std::string& summary) const {
    try {
      const FaultPlan plan = parse_fault_plan(summary, trace_.header.nodes + trace_.header.clients, "trace");
      std::vector<std::uint32_t> out;
      for (const FaultEvent& f : plan) {
        for (const auto* side : {&f.nodes, &f.others}) {
          for (NodeId a : *side) {
            if (lane(a) != no_lane && std::find(out.begin(), out.end(), lane(a)) == out.end()) out.push_back(lane(a));
          }
        }
      }
      std::sort(out.begin(), out.end());
      return out;
    } catch (const InputError&) {
      return all_lanes();  // an older or hand-written summary: the partition concerns everyone
    }
  }

  void open_band(const EventRecord& e, Layout::BandKind kind, std::vector<std::uint32_t> lanes, const std::string& label) {
    lanes.erase(std::remove(lanes.begin(), lanes.end(), no_lane), lanes.end());
    if (lanes.empty()) return;
    CORRIDOR_ASSERT(open_.size() < 1'000'000);
    open_.push_back({e.step, std::move(lanes), kind, label.empty() ? to_string(e.kind) : label});
  }

  // Closes the oldest open band of `kind` on `lane` (no_lane: any), or with `label` when given.
  void close_band(std::uint64_t step, Layout::BandKind kind, std::uint32_t lane_index, const std::string& label) {
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (it->kind != kind) continue;
      if (lane_index != no_lane && std::find(it->lanes.begin(), it->lanes.end(), lane_index) == it->lanes.end()) continue;
      if (!label.empty() && it->label != label) continue;
      emit_band(*it, step);
      open_.erase(it);
      return;
    }
  }

  void heal(const EventRecord& e) {
    constexpr std::string_view end_of = "end of: ";
    if (e.summary.starts_with(end_of)) {
      close_band(e.step, Layout::BandKind::partitioned, no_lane, e.summary.substr(end_of.size()));
      return;
    }
    for (std::size_t guard = 0; guard < 1'000'000; ++guard) {
      const auto it = std::find_if(open_.begin(), open_.end(),
                                   [](const Open& o) { return o.kind == Layout::BandKind::partitioned; });
      if (it == open_.end()) return;
      emit_band(*it, e.step);
      open_.erase(it);
    }
  }

  void emit_band(const Open& o, std::uint64_t end_step) {
    if (!overlaps(o.step, end_step)) return;
    for (std::uint32_t l : o.lanes) out_.bands.push_back({l, column(o.step), column(end_step), o.kind, o.label});
  }

  void finish_open() {
    for (const Open& o : open_) emit_band(o, UINT64_MAX);
    open_.clear();
    for (const auto& [id, sent] : sent_) {
      const EventRecord& send = trace_.events[sent.event];
      if (sent.ends > 0 || !window_.has_step(send.step)) continue;
      const std::uint32_t from_lane = lane(send.actor);
      const std::uint32_t to_lane = lane(send.target);
      if (from_lane == no_lane || to_lane == no_lane) continue;
      const auto last = static_cast<std::uint32_t>(out_.columns.size() - 1);
      out_.arrows.push_back({column(send.step), from_lane, last, to_lane, Layout::ArrowKind::in_flight, sent.event, sent.event});
    }
  }

  void add_badges() {
    for (std::uint32_t i = 0; i < trace_.badges.size(); ++i) {
      const Badge& b = trace_.badges[i];
      if (!window_.has_step(b.step) || lane(b.node) == no_lane || b.step < out_.columns.front().step) continue;
      out_.badges.push_back({column(b.step), lane(b.node), i});
    }
  }

  void add_violation() {
    if (!trace_.violation || !window_.has_step(trace_.violation->step)) return;
    out_.has_violation = true;
    out_.violation_column = column(trace_.violation->step);
    for (NodeId a : trace_.violation->nodes) {
      if (lane(a) != no_lane) out_.violation_lanes.push_back(lane(a));
    }
  }

  void add_history() {
    std::map<std::uint32_t, std::uint32_t> row_of;
    for (const HistoryEvent& h : trace_.history) row_of.emplace(h.process, 0);
    for (auto& [process, row] : row_of) {
      row = static_cast<std::uint32_t>(out_.history_rows.size());
      out_.history_rows.push_back({process, fmt::format("client {}", process)});
    }
    std::map<std::uint32_t, std::size_t> pending;  // process -> its open invoke
    for (std::size_t i = 0; i < trace_.history.size(); ++i) {
      const HistoryEvent& h = trace_.history[i];
      if (h.type == OpType::invoke) {
        if (const auto it = pending.find(h.process); it != pending.end()) add_bar(trace_.history[it->second], nullptr, row_of);
        pending[h.process] = i;
        continue;
      }
      const auto it = pending.find(h.process);
      if (it == pending.end()) continue;  // a completion without its invoke: nothing to draw
      add_bar(trace_.history[it->second], &h, row_of);
      pending.erase(it);
    }
    for (const auto& [process, index] : pending) add_bar(trace_.history[index], nullptr, row_of);
    std::stable_sort(out_.history_bars.begin(), out_.history_bars.end(),
                     [](const Layout::HistoryBar& a, const Layout::HistoryBar& b) { return a.from_column < b.from_column; });
  }

  void add_bar(const HistoryEvent& invoke, const HistoryEvent* done, const std::map<std::uint32_t, std::uint32_t>& row_of) {
    const std::uint64_t end_step = done ? done->step : UINT64_MAX;
    if (!overlaps(invoke.step, end_step)) return;
    std::string label = invoke.f;
    if (!invoke.key.empty()) label += " " + invoke.key;
    if (invoke.value.index() != 0) label += " " + format_history_value(invoke.value);
    if (done) {
      label += fmt::format(" -> {}", to_string(done->type));
      if (done->value.index() != 0) label += " " + format_history_value(done->value);
    } else {
      label += " (never returned)";
    }
    const auto last = static_cast<std::uint32_t>(out_.columns.size() - 1);
    out_.history_bars.push_back({row_of.at(invoke.process), column(invoke.step), done ? column(done->step) : last,
                                 done ? done->type : OpType::info, done == nullptr, std::move(label)});
  }

  const Trace& trace_;
  const TraceWindow& window_;
  Layout out_;
  std::vector<std::uint32_t> lane_of_;
  std::map<std::string, std::uint32_t> state_index_;
  std::vector<std::uint32_t> actor_state_;
  std::map<std::uint64_t, Sent> sent_;
  std::vector<Open> open_;
};

}  // namespace

SpaceTimeLayout layout_space_time(const Trace& trace, const TraceWindow& window) {
  return Builder(trace, window).build();
}

}  // namespace corridor
