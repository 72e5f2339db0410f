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

void append_dotted_version(std::vector<std::int64_t>& out, std::int64_t value, std::span<const std::uint32_t> context,
                           Dot dot) {
  append_version(out, value, context);
  out.push_back(dot.replica);
  out.push_back(dot.counter);
}

bool context_covers(std::span<const std::uint32_t> context, Dot dot) {
  return dot.counter > 0 && dot.replica < context.size() && context[dot.replica] >= dot.counter;
}

std::optional<std::vector<HistoryVersion>> parse_versions(const HistoryValue& value, std::uint32_t replicas) {
  return parse_versions(value, replicas, false);
}

std::optional<std::vector<HistoryVersion>> parse_versions(const HistoryValue& value, std::uint32_t entries,
                                                          bool dotted) {
  const auto* flat = std::get_if<std::vector<std::int64_t>>(&value);
  const std::size_t stride = std::size_t{entries} + 1 + (dotted ? 2 : 0);
  if (flat == nullptr || flat->size() % stride != 0) return std::nullopt;
  std::vector<HistoryVersion> versions(flat->size() / stride);
  for (std::size_t v = 0; v < versions.size(); ++v) {
    versions[v].value = (*flat)[v * stride];
    std::vector<std::uint32_t> rest;  // the clock, then the dot's two fields
    for (std::size_t i = 1; i < stride; ++i) {
      const std::int64_t entry = (*flat)[v * stride + i];
      if (entry < 0 || entry > std::int64_t{UINT32_MAX}) return std::nullopt;
      rest.push_back(static_cast<std::uint32_t>(entry));
    }
    if (dotted) {
      versions[v].dot = Dot{rest[entries], rest[entries + 1]};
      rest.resize(entries);
    }
    versions[v].clock = std::move(rest);
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
  entries_ = layout_.clock_entries != 0 ? layout_.clock_entries : info.nodes;
  history_seen_ = 0;
  open_.clear();
  writes_.clear();
  dots_.clear();
  violation_.reset();
}

namespace {

const HistoryVersion& single_version(const std::vector<HistoryVersion>& versions) {
  CORRIDOR_ASSERT_MSG(versions.size() == 1, "a put's invoke and ok carry one version");
  return versions.front();
}

std::string format_dot(Dot dot) { return fmt::format("({},{})", dot.replica, dot.counter); }

// A dotted version as value@dot+context: 1001@(0,1)+[0,0,0].
std::string format_version(const HistoryVersion& v) {
  if (v.dot.counter == 0) return fmt::format("{}@{}", v.value, format_clock(v.clock));
  return fmt::format("{}@{}+{}", v.value, format_dot(v.dot), format_clock(v.clock));
}

std::string format_versions(const std::vector<HistoryVersion>& versions) {
  std::string out = "{";
  for (const HistoryVersion& v : versions) out += fmt::format("{}{}", out.size() > 1 ? ", " : "", format_version(v));
  return out + "}";
}

}  // namespace

std::vector<HistoryVersion> SiblingCausalityMonitor::versions_of(const HistoryEvent& h) const {
  std::optional<std::vector<HistoryVersion>> versions = parse_versions(h.value, entries_, layout_.dotted);
  CORRIDOR_ASSERT_MSG(versions.has_value(), "a versioned store's put and get values are [value, clock...] lists");
  return std::move(*versions);
}

std::span<const std::uint32_t> SiblingCausalityMonitor::writer_context(const HistoryVersion& s) const {
  const auto w = writes_.find(s.value);
  return w == writes_.end() ? std::span<const std::uint32_t>(s.clock) : std::span<const std::uint32_t>(w->second.context);
}

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
    on_put_ok(view, single_version(versions_of(h)), index);
  } else if (op.f == "get") {
    const std::vector<HistoryVersion> siblings = versions_of(h);
    CORRIDOR_ASSERT_MSG(siblings.size() <= siblings_max, "more siblings in one read than the monitor checks");
    on_read(view, op, siblings);
  }
}

// Dotted layout: two acknowledged puts of one key with one dot are one version to the store, which keeps
// whichever it met first and drops the other as already known.
void SiblingCausalityMonitor::on_put_ok(const EventView& view, const HistoryVersion& v, std::uint64_t index) {
  const auto w = writes_.find(v.value);
  CORRIDOR_ASSERT_MSG(w != writes_.end(), "a put's ok carries the value of its invoke");
  w->second.clock = v.clock;
  w->second.dot = v.dot;
  w->second.ack_index = index;
  if (!layout_.dotted || check_ != Check::no_lost_write) return;
  CORRIDOR_ASSERT_MSG(v.dot.counter > 0, "an acknowledged dotted version carries its dot");
  const auto [other, fresh] = dots_.emplace(std::pair{w->second.key, v.dot}, v.value);
  if (fresh) return;
  const Write& first = writes_.at(other->second);
  fail(view, {*first.ack_index, index},
       fmt::format("put {} = {} by client {} was acknowledged with dot {}, which put {} = {} by client {} already carries: "
                   "a replica holding one takes the other for it and drops it, so an acknowledged write is lost",
                   w->second.key, v.value, w->second.client, format_dot(v.dot), first.key, other->second, first.client,
                   format_dot(v.dot)));
}

void SiblingCausalityMonitor::on_invoke(const HistoryEvent& h) {
  const HistoryVersion v = single_version(versions_of(h));
  CORRIDOR_ASSERT_MSG(writes_.size() < writes_max, "more puts in a run than the monitor follows");
  const bool fresh = writes_.emplace(v.value, Write{h.key, h.process, v.clock, {}, Dot{}, std::nullopt}).second;
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
    if (layout_.dotted) {
      check_dotted_write(view, read, siblings, value, w);
      if (violation_) return;
      continue;
    }
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

// Exact with dots: the write is kept if it is among the siblings, or if the writer of one had it
// in the context it sent (had read it, or a version whose history holds it).
void SiblingCausalityMonitor::check_dotted_write(const EventView& view, const Open& read,
                                                 const std::vector<HistoryVersion>& siblings, std::int64_t value,
                                                 const Write& w) {
  bool kept = false;
  bool claimed = false;  // a sibling's history, as the store returned it, holds the write's dot
  for (const HistoryVersion& s : siblings) {
    kept = kept || s.value == value || context_covers(writer_context(s), w.dot);
    claimed = claimed || s.dot == w.dot || context_covers(s.clock, w.dot);
  }
  if (kept) return;
  fail(view, {*w.ack_index, history_seen_ - 1},
       fmt::format("{}; put {} = {} by client {} with dot {}, acknowledged before the get was invoked, is neither among "
                   "them nor in the context any of their writers sent: {}",
                   describe_read(view, read, siblings), read.key, value, w.client, format_dot(w.dot),
                   claimed ? "a version whose writer never saw it claims its dot, so it was superseded unseen and the "
                             "acknowledged write was lost"
                           : "it was dropped beside concurrent siblings, so the acknowledged write was lost"));
}

// Dotted layout: s and t are concurrent unless they carry one dot or t's history (the context the
// store returned, or the one t's writer sent) holds s's dot. Returns whether it failed.
bool SiblingCausalityMonitor::check_dotted_pair(const EventView& view, const Open& read,
                                                const std::vector<HistoryVersion>& siblings, const HistoryVersion& s,
                                                const HistoryVersion& t) {
  if (s.dot == t.dot) {
    fail(view, {history_seen_ - 1},
         fmt::format("{}: siblings {} and {} carry one dot {}, so they are not two concurrent writes",
                     describe_read(view, read, siblings), s.value, t.value, format_dot(s.dot)));
    return true;
  }
  const std::span<const std::uint32_t> sent = writer_context(t);
  if (!context_covers(t.clock, s.dot) && !context_covers(sent, s.dot)) return false;
  fail(view, {history_seen_ - 1},
       fmt::format("{}: sibling {}'s history (context {}, sent by its writer {}) holds sibling {}'s dot {}, so it "
                   "obsoletes that write and the two are not concurrent",
                   describe_read(view, read, siblings), t.value, format_clock(t.clock), format_clock(sent), s.value,
                   format_dot(s.dot)));
  return true;
}

void SiblingCausalityMonitor::check_siblings_concurrent(const EventView& view, const Open& read,
                                                        const std::vector<HistoryVersion>& siblings) {
  for (const HistoryVersion& s : siblings) {
    for (const HistoryVersion& t : siblings) {
      if (&s == &t) continue;
      if (layout_.dotted) {
        if (check_dotted_pair(view, read, siblings, s, t)) return;
        continue;
      }
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
