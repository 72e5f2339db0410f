#pragma once
// The type-erased face of Engine<P> that explorers, the seed runner and the program drive:
// one virtual call per step, the engine's inner loop stays templated. One Simulation per thread,
// reused across seeds, so a warm engine allocates nothing per event.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/badge.hpp"
#include "model/engine.hpp"
#include "model/state_machine.hpp"
#include "model/verdict.hpp"
#include "model/witness.hpp"

namespace corridor {

struct WorldLimits;
template <class P> class WorldModel;

class Simulation {
 public:
  virtual ~Simulation() = default;
  // A fresh run. plan == nullptr: the config's plan text, or one generated from the seed.
  // replay != nullptr: decisions come from that log instead of the seed.
  virtual void start(const SimConfig& config, std::uint64_t seed, const FaultPlan* plan, const ChoiceLog* replay,
                     bool record) = 0;
  virtual bool step(time_ns limit_ns) = 0;
  virtual void finish(time_ns end_ns) = 0;

  virtual const std::optional<Violation>& violation() const = 0;
  virtual std::uint64_t steps() const = 0;
  virtual time_ns now_ns() const = 0;
  virtual const std::vector<EventRecord>& records() const = 0;
  virtual const History& history() const = 0;
  virtual const ChoiceLog& choices() const = 0;
  virtual std::uint64_t replay_divergences() const = 0;
  virtual const FaultPlan& fault_plan() const = 0;
  virtual std::uint32_t actor_count() const = 0;
  virtual std::uint32_t node_count() const = 0;
  virtual std::uint64_t messages_sent() const = 0;
  // Operations each actor started this run (Context::start_operation).
  virtual const std::vector<std::uint32_t>& operations_started() const = 0;
  virtual FaultTargets fault_targets(const SimConfig& config) const = 0;
  // Coherence badges of the last run (empty when the protocol declares no badge monitors or they
  // are off). Monitors only observe: turning them off changes nothing else in a run.
  virtual const std::vector<Badge>& badges() const = 0;
  virtual void set_badge_monitors(bool on) = 0;

  // Untimed runs (explorers/pct): the events that may fire, firing one, and the chooser that
  // logs (or, in replay, supplies) the picks. The config's explorer makes start() untimed.
  virtual void enabled_events(time_ns limit_ns, std::vector<EnabledEvent>& out) const = 0;
  virtual void fire(std::uint32_t slot) = 0;
  // The same, at true time at_ns where that is later than its due time (schedules: a delayed event).
  virtual void fire_at(std::uint32_t slot, time_ns at_ns) = 0;
  virtual Chooser& chooser() = 0;
  // The same protocol as a StateMachine for exhaustive search (model/world_model.hpp).
  virtual AnyStateMachine world_model(const SimConfig& config, const WorldLimits& limits) const = 0;
  // Whether world_model can branch this protocol's world (coroutine frames cannot be copied).
  virtual bool copyable_world() const = 0;
  // The names of the invariants a run under `config` checks, read from what the protocol's set-up
  // installs (state invariants, then monitors, then history checkers), so a list written by hand
  // cannot disagree with the checks.
  virtual std::vector<std::string> invariant_names(const SimConfig& config) const = 0;
  // The protocol's reachability witnesses (SimulationSpec::witnesses), and, as bit i, whether
  // witness i holds in the current run's world.
  virtual std::vector<WitnessInfo> witnesses() const = 0;
  virtual std::uint64_t witnesses_holding() const = 0;
};

// How a protocol sets up a run: its actor layout, who faults may hit, and its checks.
template <class P>
struct SimulationSpec {
  static_assert(check_protocol<P>());
  using E = Engine<P>;
  std::function<typename E::Layout(const SimConfig&)> layout;
  std::function<FaultTargets(const SimConfig&)> targets;
  // Adds state invariants, history checkers and observers (owned by `observers`) to a fresh run.
  std::function<void(E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&)> install;
  // Optional: adds badge monitors (as observers owned by `observers`) that append to `badges`.
  std::function<void(E&, std::vector<std::unique_ptr<RunObserver>>& observers, const SimConfig&,
                     std::vector<Badge>& badges)>
      install_badges;
  // The states a search must reach (model/witness.hpp), declared here next to the checks: a search
  // that reaches none of them is vacuous and fails. Every reference protocol declares at least one.
  std::vector<Witness<E>> witnesses;
};

template <class P>
class SimulationOf final : public Simulation {
  static_assert(check_protocol<P>());

 public:
  explicit SimulationOf(SimulationSpec<P> spec) : spec_(std::move(spec)) {}

  void start(const SimConfig& config, std::uint64_t seed, const FaultPlan* plan, const ChoiceLog* replay,
             bool record) override {
    if (!engine_) engine_ = std::make_unique<Engine<P>>();
    engine_->clear_checks();
    observers_.clear();
    if (spec_.install) spec_.install(*engine_, observers_, config);
    badges_.clear();
    if (badges_on_ && spec_.install_badges) spec_.install_badges(*engine_, observers_, config, badges_);
    for (auto& o : observers_) engine_->add_observer(o.get());
    FaultPlan chosen;
    const auto layout = spec_.layout(config);
    if (plan) chosen = *plan;
    else if (config.plan_text) chosen = parse_fault_plan(*config.plan_text, layout.nodes + layout.clients, "--fault-plan");
    else chosen = generate_fault_plan(config, spec_.targets(config), seed);
    if (replay) engine_->chooser().start_replay(*replay);
    else engine_->chooser().start_random(seed);
    engine_->set_untimed(config.explorer != ExplorerKind::timed);
    engine_->start(config, layout, std::move(chosen), record);
  }
  bool step(time_ns limit_ns) override { return engine_->step(limit_ns); }
  void finish(time_ns end_ns) override { engine_->finish(end_ns); }
  const std::optional<Violation>& violation() const override { return engine_->violation(); }
  std::uint64_t steps() const override { return engine_->step_count(); }
  time_ns now_ns() const override { return engine_->now_ns(); }
  const std::vector<EventRecord>& records() const override { return engine_->records(); }
  const History& history() const override { return engine_->history(); }
  const ChoiceLog& choices() const override { return engine_->chooser().log(); }
  std::uint64_t replay_divergences() const override { return engine_->chooser().divergences(); }
  const FaultPlan& fault_plan() const override { return engine_->fault_plan(); }
  std::uint32_t actor_count() const override { return engine_->actor_count(); }
  std::uint32_t node_count() const override { return engine_->layout_nodes(); }
  std::uint64_t messages_sent() const override { return engine_->messages_sent(); }
  const std::vector<std::uint32_t>& operations_started() const override { return engine_->operations_started(); }
  FaultTargets fault_targets(const SimConfig& config) const override { return spec_.targets(config); }
  const std::vector<Badge>& badges() const override { return badges_; }
  void set_badge_monitors(bool on) override { badges_on_ = on; }
  void enabled_events(time_ns limit_ns, std::vector<EnabledEvent>& out) const override {
    engine_->enabled_events(limit_ns, out);
  }
  void fire(std::uint32_t slot) override { engine_->fire(slot); }
  void fire_at(std::uint32_t slot, time_ns at_ns) override { engine_->fire_at(slot, at_ns); }
  Chooser& chooser() override { return engine_->chooser(); }
  bool copyable_world() const override { return !requires { P::stateless_only; }; }
  AnyStateMachine world_model(const SimConfig& config, const WorldLimits& limits) const override {
    if constexpr (requires { P::stateless_only; }) {
      // Coroutine frames (corridor::co) cannot be copied, so a world cannot be branched.
      throw UsageError("this protocol is written as coroutines: stateful exhaustive search cannot copy its frames; "
                       "use `corridor explore --stateless`");
    } else {
      return AnyStateMachine(WorldModel<P>(spec_, config, limits));
    }
  }

  std::vector<std::string> invariant_names(const SimConfig& config) const override {
    Engine<P> scratch;
    std::vector<std::unique_ptr<RunObserver>> observers;
    if (spec_.install) spec_.install(scratch, observers, config);
    std::vector<std::string> names;
    for (const auto& inv : scratch.state_invariants()) names.push_back(inv.name);
    for (const auto& o : observers) {
      if (!o->invariant_name().empty()) names.push_back(std::string(o->invariant_name()));
    }
    for (const auto& checker : scratch.history_checkers()) names.push_back(checker.name);
    return names;
  }

  std::vector<WitnessInfo> witnesses() const override { return witness_infos(spec_.witnesses); }
  std::uint64_t witnesses_holding() const override {
    CORRIDOR_ASSERT_MSG(engine_ != nullptr, "witnesses are read from a started run");
    return corridor::witnesses_holding(spec_.witnesses, *engine_);
  }

  Engine<P>& engine() { return *engine_; }

 private:
  SimulationSpec<P> spec_;
  std::unique_ptr<Engine<P>> engine_;
  std::vector<std::unique_ptr<RunObserver>> observers_;
  std::vector<Badge> badges_;
  bool badges_on_ = true;
};

}  // namespace corridor

#include "model/world_model.hpp"
