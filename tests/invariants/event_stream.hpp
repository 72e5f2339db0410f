#pragma once
// Hand-made event streams for monitor tests: notes and history events with explicit vector
// clocks, fed to a monitor one at a time, with the step and true time a real run would give.
#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

#include "model/engine.hpp"

namespace corridor::test_support {

class EventStream {
 public:
  EventStream(RunObserver& monitor, RunInfo info) : monitor_(monitor), info_(info) { monitor_.on_run_start(info_); }

  // A note at `actor` at true time t_ns with the actor's vector clock after it.
  void note(NodeId actor, std::string_view name, std::uint64_t a, std::vector<std::uint32_t> vc, time_ns t_ns = 0) {
    note(actor, name, a, 0, std::move(vc), t_ns);
  }
  // The same with the note's second value (ctx.note(name, a, b)).
  void note(NodeId actor, std::string_view name, std::uint64_t a, std::uint64_t b, std::vector<std::uint32_t> vc,
            time_ns t_ns = 0) {
    EventView v = base(EventKind::note, actor, t_ns);
    vcs_.push_back(std::move(vc));
    v.vc = vcs_.back();
    v.note = name;
    v.note_a = a;
    v.note_b = b;
    monitor_.on_event(v);
  }

  void history(std::uint32_t process, OpType type, time_ns t_ns, std::string f = "write") {
    history(process, type, t_ns, std::move(f), {}, {});
  }
  // The same with the operation's key and value (a kv's get and put).
  void history(std::uint32_t process, OpType type, time_ns t_ns, std::string f, std::string key, HistoryValue value) {
    HistoryEvent h;
    h.process = process;
    h.type = type;
    h.f = std::move(f);
    h.key = std::move(key);
    h.value = std::move(value);
    h.true_time_ns = t_ns;
    history_.push_back(std::move(h));
    EventView v = base(EventKind::history, info_.nodes + process, t_ns);
    v.history = &history_.back();
    monitor_.on_event(v);
  }

  // An event of `kind` at `actor` (a crash, a delivery, a drop...), without anything attached.
  void event(EventKind kind, NodeId actor, time_ns t_ns) { monitor_.on_event(base(kind, actor, t_ns)); }

  // Any other event, to let time pass.
  void tick(time_ns t_ns) { monitor_.on_event(base(EventKind::timer, 0, t_ns)); }

  const std::optional<Violation>& violation() const { return *monitor_.violation(); }

 private:
  EventView base(EventKind kind, NodeId actor, time_ns t_ns) {
    EventView v;
    v.step = ++step_;
    v.true_ns = t_ns;
    v.actor = actor;
    v.kind = kind;
    return v;
  }

  RunObserver& monitor_;
  RunInfo info_;
  std::uint64_t step_ = 0;
  std::deque<std::vector<std::uint32_t>> vcs_;  // stable addresses for the views' spans
  std::deque<HistoryEvent> history_;
};

}  // namespace corridor::test_support
