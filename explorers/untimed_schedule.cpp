#include "explorers/untimed_schedule.hpp"

#include <algorithm>

#include "model/assert.hpp"

namespace corridor {

namespace {

ScheduledEvent name_of(const EnabledEvent& e, time_ns at_ns) { return {e.kind, e.actor, e.source, e.due_ns, at_ns, {}}; }

bool names(const ScheduledEvent& s, const EnabledEvent& e) {
  return s.kind == e.kind && s.actor == e.actor && s.source == e.source && s.due_ns == e.due_ns;
}

// Where `s` is among the pending events (sorted by due time, then scheduling order): the first of
// its name, so that two copies of one message fire in the order they did. Else, for a delivery or
// a timer, the first pending one of the same kind at the same node from the same sender: when
// events before it were left out, what it names may have been sent or set at another time (a
// left-out tick never set the next tick; the one it would have followed is still pending). That
// stand-in fires at the wanted event's time (build_schedule). DEMi matches by message contents; a
// pending event's kind, node, sender and due time are what the simulation shows of it, and a
// stand-in that does not fail the same way is not kept.
std::optional<std::size_t> find_event(const std::vector<EnabledEvent>& enabled, const ScheduledEvent& s) {
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    if (names(s, enabled[i])) return i;
  }
  constexpr std::uint8_t delivery = 1;
  constexpr std::uint8_t timer = 2;
  if (s.kind != delivery && s.kind != timer) return std::nullopt;
  for (std::size_t i = 0; i < enabled.size(); ++i) {
    const EnabledEvent& e = enabled[i];
    if (e.kind == s.kind && e.actor == s.actor && e.source == s.source) return i;
  }
  return std::nullopt;
}

// The decisions the run recorded from `first` on (what one step's handler decided).
std::vector<Choice> recorded_since(const Simulation& sim, std::size_t first) {
  const std::vector<Choice>& log = sim.choices().entries();
  CORRIDOR_ASSERT(first <= log.size());
  return {log.begin() + static_cast<std::ptrdiff_t>(first), log.end()};
}

// Ends a schedule's run as run_untimed does (the end-of-run checks at its last event's time) and
// records what it violated.
void conclude(Simulation& sim, EventSchedule& out) {
  if (!sim.violation()) sim.finish(sim.now_ns());
  out.violation = sim.violation();
  out.violation_step = out.violation ? out.violation->step : 0;
}

// The plan of `base` less the entries whose fault never begins in `events`. A fault begins at
// its entry's time (a fault-begin event due then); entries at one time stand or fall together.
FaultPlan plan_for(const FaultPlan& plan, std::span<const ScheduledEvent> events) {
  constexpr std::uint8_t fault_begins = 3;
  FaultPlan kept;
  for (const FaultEvent& f : plan) {
    const bool begins = std::any_of(events.begin(), events.end(), [&](const ScheduledEvent& e) {
      return e.kind == fault_begins && e.actor == no_node && e.due_ns == f.at_ns;
    });
    if (begins) kept.push_back(f);
  }
  return kept;
}

}  // namespace

EventSchedule schedule_of(Simulation& sim, const FailingRun& run, bool record) {
  const RunInFlightScope in_flight(run.seed, nullptr);
  SimConfig config = run.config;
  const bool timed = config.explorer == ExplorerKind::timed;
  // A timed run is read as the untimed world firing the earliest due event: the walk explorer's
  // loop with every pick the first event, and the run's own log for every other decision.
  if (timed) config.explorer = ExplorerKind::walk;
  sim.start(config, run.seed, &run.plan, &run.choices, record);
  EventSchedule out;
  std::vector<EnabledEvent> enabled;
  Chooser& chooser = sim.chooser();
  while (!sim.violation() && sim.steps() < config.max_steps) {
    enabled.clear();
    sim.enabled_events(config.time_limit_ns, enabled);
    if (enabled.empty()) break;
    std::uint64_t index = 0;
    time_ns at_ns = 0;
    if (config.explorer == ExplorerKind::schedule) {
      const std::optional<Chooser::ScheduledStep> step = chooser.scheduled_step(enabled.size());
      if (!step) break;
      index = step->index;
      at_ns = static_cast<time_ns>(step->at_ns);
    } else if (!timed) {
      index = chooser.below(ChoiceKind::pick, enabled.size());
    }
    CORRIDOR_ASSERT(index < enabled.size());
    const std::size_t first = sim.choices().size();
    sim.fire_at(enabled[index].slot, at_ns);
    ScheduledEvent e = name_of(enabled[index], at_ns);
    e.decisions = recorded_since(sim, first);
    out.events.push_back(std::move(e));
  }
  conclude(sim, out);
  CORRIDOR_ASSERT(out.events.size() == sim.steps());
  return out;
}

BuiltSchedule build_schedule(Simulation& sim, const FailingRun& base, std::span<const ScheduledEvent> events) {
  const RunInFlightScope in_flight(base.seed, nullptr);
  BuiltSchedule out;
  out.run.config = base.config;
  out.run.config.explorer = ExplorerKind::schedule;
  out.run.seed = base.seed;
  out.run.plan = plan_for(base.plan, events);
  // The log the chooser replays, written as the run goes: before each step, its pick and the
  // decisions its handler made where it came from. The chooser reads it through a pointer, so
  // what is appended is read next; what a handler did not read is cut before the next pick.
  ChoiceLog log;
  sim.start(out.run.config, base.seed, &out.run.plan, &log, false);
  CORRIDOR_ASSERT_MSG(sim.choices().size() == 0, "a run decides nothing before its first step");
  std::vector<EnabledEvent> enabled;
  Chooser& chooser = sim.chooser();
  for (const ScheduledEvent& wanted : events) {
    if (sim.violation() || sim.steps() >= out.run.config.max_steps) break;
    enabled.clear();
    sim.enabled_events(out.run.config.time_limit_ns, enabled);
    const std::optional<std::size_t> index = find_event(enabled, wanted);
    if (!index) continue;
    const EnabledEvent& chosen = enabled[*index];
    // When the wanted event fired (its time in the run it came from), if that is later than the
    // chosen event's due time and than now: a stand-in, or a step delayed in an earlier round.
    const time_ns wanted_ns = std::max(wanted.at_ns, wanted.due_ns);
    const time_ns at_ns = wanted_ns > std::max(chosen.due_ns, sim.now_ns()) ? wanted_ns : 0;
    log.entries().resize(std::min(log.size(), chooser.replay_position()));
    CORRIDOR_ASSERT(chooser.replay_position() == log.size());
    log.push({ChoiceKind::pick, *index});
    if (at_ns > 0) log.push({ChoiceKind::at, static_cast<std::uint64_t>(at_ns)});
    for (const Choice& c : wanted.decisions) log.push(c);
    const std::optional<Chooser::ScheduledStep> step = chooser.scheduled_step(enabled.size());
    CORRIDOR_ASSERT_MSG(step && step->index == *index && step->at_ns == static_cast<std::uint64_t>(at_ns),
                        "a schedule's step is read back as written");
    const std::size_t first = sim.choices().size();
    sim.fire_at(chosen.slot, at_ns);
    ScheduledEvent e = name_of(chosen, at_ns);
    e.decisions = recorded_since(sim, first);
    out.fired.events.push_back(std::move(e));
  }
  conclude(sim, out.fired);
  out.run.choices = sim.choices();
  CORRIDOR_ASSERT(out.fired.events.size() == sim.steps());
  CORRIDOR_ASSERT(out.fired.events.size() <= events.size());
  return out;
}

std::vector<ScheduledEvent> causal_past(const EventSchedule& schedule, const std::vector<EventRecord>& records,
                                        std::span<const std::uint64_t> of_steps) {
  const std::size_t steps = schedule.events.size();
  // Each step's first vector clock (the event itself; its sends come after it), and the join of
  // the vector clocks at `of_steps` (every record of those steps).
  std::vector<const std::vector<std::uint32_t>*> first(steps + 1, nullptr);
  std::vector<std::uint32_t> join;
  for (const EventRecord& r : records) {
    if (r.step == 0 || r.step > steps || r.vc.empty()) continue;
    if (!first[r.step]) first[r.step] = &r.vc;
    if (std::find(of_steps.begin(), of_steps.end(), r.step) == of_steps.end()) continue;
    if (join.size() < r.vc.size()) join.resize(r.vc.size(), 0);
    for (std::size_t i = 0; i < r.vc.size(); ++i) join[i] = std::max(join[i], r.vc[i]);
  }
  if (join.empty()) return schedule.events;  // nothing to cut by
  auto before = [&](const std::vector<std::uint32_t>& vc) {
    for (std::size_t i = 0; i < vc.size(); ++i) {
      if (vc[i] > (i < join.size() ? join[i] : 0)) return false;
    }
    return true;
  };
  std::vector<ScheduledEvent> past;
  for (std::size_t s = 1; s <= steps; ++s) {
    if (!first[s] || before(*first[s])) past.push_back(schedule.events[s - 1]);
  }
  return past;
}

}  // namespace corridor
