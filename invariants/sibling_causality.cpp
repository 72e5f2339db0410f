#include "invariants/sibling_causality.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace corridor::invariants {

ClockOrder compare_clocks(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
  CORRIDOR_ASSERT_MSG(a.size() == b.size(), "vector clocks of one store have one entry per replica");
  bool a_below = false;  // some entry of a is below b's
  bool b_below = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    a_below = a_below || a[i] < b[i];
    b_below = b_below || b[i] < a[i];
  }
  if (a_below && b_below) return ClockOrder::concurrent;
  if (a_below) return ClockOrder::before;
  if (b_below) return ClockOrder::after;
  return ClockOrder::equal;
}

void merge_clock_into(std::span<std::uint32_t> a, std::span<const std::uint32_t> b) {
  CORRIDOR_ASSERT_MSG(a.size() == b.size(), "vector clocks of one store have one entry per replica");
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::max(a[i], b[i]);
}

std::string format_clock(std::span<const std::uint32_t> clock) { return fmt::format("[{}]", fmt::join(clock, ",")); }

void append_version(std::vector<std::int64_t>& out, std::int64_t value, std::span<const std::uint32_t> clock) {
  out.push_back(value);
  for (const std::uint32_t entry : clock) out.push_back(entry);
}

std::optional<std::vector<HistoryVersion>> parse_versions(const HistoryValue& value, std::uint32_t replicas) {
  const auto* flat = std::get_if<std::vector<std::int64_t>>(&value);
  const std::size_t stride = std::size_t{replicas} + 1;
  if (flat == nullptr || flat->size() % stride != 0) return std::nullopt;
  std::vector<HistoryVersion> versions(flat->size() / stride);
  for (std::size_t v = 0; v < versions.size(); ++v) {
    versions[v].value = (*flat)[v * stride];
    for (std::size_t i = 1; i < stride; ++i) {
      const std::int64_t entry = (*flat)[v * stride + i];
      if (entry < 0 || entry > std::int64_t{UINT32_MAX}) return std::nullopt;
      versions[v].clock.push_back(static_cast<std::uint32_t>(entry));
    }
  }
  return versions;
}

std::string_view SiblingCausalityMonitor::invariant_name() const {
  switch (check_) {
    case Check::no_lost_write: return "no-lost-write";
    case Check::siblings_concurrent: return "siblings-concurrent";
  }
  return {};
}

void SiblingCausalityMonitor::on_run_start(const RunInfo& info) {
  replicas_ = info.nodes;
  history_seen_ = 0;
  open_.clear();
  writes_.clear();
  violation_.reset();
}

namespace {

std::vector<HistoryVersion> versions_of(const HistoryEvent& h, std::uint32_t replicas) {
  std::optional<std::vector<HistoryVersion>> versions = parse_versions(h.value, replicas);
  CORRIDOR_ASSERT_MSG(versions.has_value(), "a versioned store's put and get values are [value, clock...] lists");
  return std::move(*versions);
}

const HistoryVersion& single_version(const std::vector<HistoryVersion>& versions) {
  CORRIDOR_ASSERT_MSG(versions.size() == 1, "a put's invoke and ok carry one version");
  return versions.front();
}

std::string format_versions(const std::vector<HistoryVersion>& versions) {
  std::string out = "{";
  for (const HistoryVersion& v : versions) out += fmt::format("{}{}@{}", out.size() > 1 ? ", " : "", v.value, format_clock(v.clock));
  return out + "}";
}

}  // namespace

void SiblingCausalityMonitor::on_event(const EventView& view) {
  if (violation_ || view.kind != EventKind::history || view.history == nullptr) return;
  const HistoryEvent& h = *view.history;
  const std::uint64_t index = history_seen_++;
  if (h.type == OpType::invoke) {
    open_[h.process] = Open{h.f, h.key, index};
    if (h.f == "put") on_invoke(h);
    return;
  }
  const auto it = open_.find(h.process);
  if (it == open_.end()) return;
  const Open op = std::move(it->second);
  open_.erase(it);
  if (h.type != OpType::ok) return;
  if (op.f == "put") {
    const HistoryVersion v = single_version(versions_of(h, replicas_));
    const auto w = writes_.find(v.value);
    CORRIDOR_ASSERT_MSG(w != writes_.end(), "a put's ok carries the value of its invoke");
    w->second.clock = v.clock;
    w->second.ack_index = index;
  } else if (op.f == "get") {
    const std::vector<HistoryVersion> siblings = versions_of(h, replicas_);
    CORRIDOR_ASSERT_MSG(siblings.size() <= siblings_max, "more siblings in one read than the monitor checks");
    on_read(view, op, siblings);
  }
}

void SiblingCausalityMonitor::on_invoke(const HistoryEvent& h) {
  const HistoryVersion v = single_version(versions_of(h, replicas_));
  CORRIDOR_ASSERT_MSG(writes_.size() < writes_max, "more puts in a run than the monitor follows");
  const bool fresh = writes_.emplace(v.value, Write{h.key, h.process, v.clock, {}, std::nullopt}).second;
  CORRIDOR_ASSERT_MSG(fresh, "every put of a run writes a value of its own (the checker names writes by value)");
}

void SiblingCausalityMonitor::on_read(const EventView& view, const Open& read, const std::vector<HistoryVersion>& siblings) {
  switch (check_) {
    case Check::no_lost_write: check_no_lost_write(view, read, siblings); break;
    case Check::siblings_concurrent: check_siblings_concurrent(view, read, siblings); break;
  }
}

// Only writes acknowledged before the read was invoked: one acknowledged while the read ran may
// have come after it.
void SiblingCausalityMonitor::check_no_lost_write(const EventView& view, const Open& read,
                                                  const std::vector<HistoryVersion>& siblings) {
  for (const auto& [value, w] : writes_) {
    if (w.key != read.key || !w.ack_index || *w.ack_index > read.invoke_index) continue;
    bool kept = false;
    bool overwritten = false;  // a sibling's clock is below the write's: a version it saw came back in its place
    for (const HistoryVersion& s : siblings) {
      const ClockOrder order = compare_clocks(w.clock, s.clock);
      kept = kept || s.value == value || order == ClockOrder::before;
      overwritten = overwritten || order == ClockOrder::after;
    }
    if (kept) continue;
    fail(view, {*w.ack_index, history_seen_ - 1},
         fmt::format("{}; put {} = {} by client {} with clock {}, acknowledged before the get was invoked, is neither "
                     "among them nor below one of their clocks: {}",
                     describe_read(view, read, siblings), read.key, value, w.client, format_clock(w.clock),
                     overwritten ? "a version it had seen came back in its place, so the acknowledged write was lost"
                                 : "it was dropped beside concurrent siblings, so the acknowledged write was lost"));
    return;
  }
}

void SiblingCausalityMonitor::check_siblings_concurrent(const EventView& view, const Open& read,
                                                        const std::vector<HistoryVersion>& siblings) {
  for (const HistoryVersion& s : siblings) {
    for (const HistoryVersion& t : siblings) {
      if (&s == &t) continue;
      const ClockOrder order = compare_clocks(s.clock, t.clock);
      if (order == ClockOrder::before || (order == ClockOrder::equal && &s < &t)) {
        fail(view, {history_seen_ - 1},
             fmt::format("{}: sibling {}'s clock {} is {} sibling {}'s {}, so they are not concurrent writes",
                         describe_read(view, read, siblings), s.value, format_clock(s.clock),
                         order == ClockOrder::equal ? "equal to" : "below", t.value, format_clock(t.clock)));
        return;
      }
      const auto w = writes_.find(t.value);
      if (w == writes_.end()) continue;
      const ClockOrder seen = compare_clocks(s.clock, w->second.context);
      if (seen != ClockOrder::before && seen != ClockOrder::equal) continue;
      fail(view, {history_seen_ - 1},
           fmt::format("{}: sibling {} was written by client {} with context {}, which covers sibling {}'s clock {}, so "
                       "it resolved that write and the two are not concurrent",
                       describe_read(view, read, siblings), t.value, w->second.client, format_clock(w->second.context),
                       s.value, format_clock(s.clock)));
      return;
    }
  }
}

std::string SiblingCausalityMonitor::describe_read(const EventView& view, const Open& read,
                                                   const std::vector<HistoryVersion>& siblings) const {
  return fmt::format("get {} by client {} returned {}", read.key, view.history->process, format_versions(siblings));
}

void SiblingCausalityMonitor::fail(const EventView& view, std::vector<std::uint64_t> operations, std::string message) {
  violation_ = Violation{.invariant = std::string(invariant_name()), .verdict = Verdict::safety, .step = view.step,
                         .true_ns = view.true_ns, .nodes = {view.actor}, .operations = std::move(operations),
                         .message = std::move(message)};
}

}  // namespace corridor::invariants
