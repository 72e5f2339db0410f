#pragma once
// Plugs badge monitors into the engine's observer mechanism. The observer holds the engine by
// const reference and hands each monitor a const event view, a read-only WorldView and the
// append-only sink; it never reports a violation, so a run goes on exactly as without it.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "invariants/badges/badge_monitor.hpp"
#include "model/assert.hpp"

namespace corridor::invariants {

template <class E>
class BadgeObserver final : public RunObserver, private WorldView {
 public:
  BadgeObserver(const E& engine, std::vector<Badge>& out) : engine_(engine), sink_(out) {}

  BadgeObserver& add(std::unique_ptr<BadgeMonitor> monitor) {
    CORRIDOR_ASSERT_MSG(monitors_.size() < 64, "badge monitors without bound");
    kinds_.push_back(monitor->event_kinds());
    kinds_any_ |= monitor->event_kinds();
    monitors_.push_back(std::move(monitor));
    return *this;
  }

  void on_run_start(const RunInfo& info) override {
    for (auto& m : monitors_) m->on_run_start(info);
  }
  void on_event(const EventView& event) override {
    const std::uint32_t bit = kind_bit(event.kind);
    // Most events interest no monitor (operation-latency looks at history events only): one test.
    if ((kinds_any_ & bit) == 0) return;
    for (std::size_t i = 0; i < monitors_.size(); ++i) {
      if (kinds_[i] & bit) monitors_[i]->observe(event, *this, sink_);
    }
  }
  const std::optional<Violation>* violation() const override { return &none_; }

 private:
  std::uint32_t node_count() const override { return engine_.layout_nodes(); }
  time_ns true_ns() const override { return engine_.now_ns(); }
  time_ns wall_ns(NodeId node) const override { return engine_.wall_ns(node); }
  bool is_alive(NodeId node) const override { return engine_.is_running(node); }

  const E& engine_;
  BadgeSink sink_;
  std::vector<std::unique_ptr<BadgeMonitor>> monitors_;
  std::vector<std::uint32_t> kinds_;  // per monitor, its event_kinds()
  std::uint32_t kinds_any_ = 0;       // the union of kinds_
  std::optional<Violation> none_;
};

}  // namespace corridor::invariants
