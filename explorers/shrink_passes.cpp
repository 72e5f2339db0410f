#include "explorers/shrink_passes.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "explorers/untimed_schedule.hpp"
#include "model/assert.hpp"

namespace corridor {

namespace {

// Halvings of a fault's time toward 0, of an operation budget toward 0, and of a decision's value
// toward its default: a bisection spends at most this many replays per number.
constexpr int fault_bisection_steps_max = 8;
constexpr int operation_bisection_steps_max = 40;
constexpr int value_bisection_steps_max = 3;

// ---- the two moves, over views of the candidate ------------------------------------------------

// A list of the candidate that chunks are removed from.
struct ListView {
  std::size_t (*size)(const FailingRun& run);
  void (*erase)(FailingRun& run, std::size_t begin, std::size_t length);
};

struct Move {
  std::uint64_t value;
  std::uint64_t target;
};

// A number of each element of a list, and the target it moves toward.
struct NumberView {
  std::size_t (*count)(const ShrinkSearch& search);
  // Element i's number and its target; nullopt when element i has nothing to move.
  std::optional<Move> (*get)(const ShrinkSearch& search, std::size_t i);
  void (*set)(const ShrinkSearch& search, FailingRun& candidate, std::size_t i, std::uint64_t value);
  int bisection_steps_max;
  // false where the pass before offered each target already (default-chunks before choice-values):
  // the move then starts one above the target instead of offering the target again.
  bool target_first = true;
};

// Runs of `chunk` entries of a list removed for chunk = size/2, size/4, ..., 1: `size()` is the
// list's length in the best run, `offer_without(begin, length)` offers the best run without that
// run of entries and says whether it was kept. After a kept candidate what followed the run starts
// at `begin`, so the position stays. The loop ends: every iteration either advances `begin` or
// spends a replay on a kept candidate, and the search's budget bounds those.
template <class Size, class OfferWithout>
bool remove_chunks(ShrinkSearch& search, Size&& size, OfferWithout&& offer_without) {
  bool any = false;
  for (std::size_t chunk = std::max<std::size_t>(size() / 2, 1);; chunk /= 2) {
    for (std::size_t begin = 0; begin < size() && !search.spent();) {
      const std::size_t length = std::min(chunk, size() - begin);
      if (offer_without(begin, length)) any = true;
      else begin += length;
    }
    if (chunk <= 1 || search.spent()) break;
  }
  return any;
}

bool remove_chunks(ShrinkSearch& search, const ListView& list) {
  return remove_chunks(
      search, [&] { return list.size(search.best()); },
      [&](std::size_t begin, std::size_t length) {
        FailingRun candidate = search.best();
        list.erase(candidate, begin, length);
        CORRIDOR_ASSERT(list.size(candidate) + length == list.size(search.best()));
        return search.offer(std::move(candidate));
      });
}

// Element i's number moved down toward its target: the target itself first (or one above it, where
// the view says the target was offered already), then bisection between the highest value known
// not to be kept (`low`) and the current one.
bool move_toward(ShrinkSearch& search, const NumberView& number, std::size_t i) {
  const std::optional<Move> start = number.get(search, i);
  if (!start) return false;
  const std::uint64_t first = number.target_first ? start->target : start->target + 1;
  if (start->value <= first) return false;
  auto offer_value = [&](std::uint64_t value) {
    FailingRun candidate = search.best();
    number.set(search, candidate, i, value);
    return search.offer(std::move(candidate));
  };
  if (offer_value(first)) return true;
  bool any = false;
  std::uint64_t low = first;
  std::uint64_t current = start->value;
  for (int step = 0; step < number.bisection_steps_max && current > low + 1 && !search.spent(); ++step) {
    const std::uint64_t mid = low + (current - low) / 2;
    if (offer_value(mid)) {
      any = true;
      // The kept run's own value (its replay may have changed it), or the end if element i is gone.
      const std::optional<Move> now = i < number.count(search) ? number.get(search, i) : std::nullopt;
      current = now ? std::min(now->value, mid) : low;
    } else {
      low = mid;
    }
  }
  return any;
}

// Every element, each of its numbers in turn (RapidCheck's eachElement, with one shrink per number).
bool move_each_toward(ShrinkSearch& search, std::span<const NumberView> numbers) {
  CORRIDOR_ASSERT(!numbers.empty());
  bool any = false;
  for (std::size_t i = 0; i < numbers.front().count(search) && !search.spent(); ++i) {
    for (const NumberView& number : numbers) {
      if (i < number.count(search)) any = move_toward(search, number, i) || any;
    }
  }
  return any;
}

// Runs of elements set to their targets at once, halving the run length down to one element; runs
// where nothing would change are not offered.
bool chunks_to_target(ShrinkSearch& search, const NumberView& number) {
  bool any = false;
  for (std::size_t chunk = std::max<std::size_t>(number.count(search) / 2, 1);; chunk /= 2) {
    for (std::size_t begin = 0; begin < number.count(search) && !search.spent(); begin += chunk) {
      FailingRun candidate = search.best();
      const std::size_t end = std::min(begin + chunk, number.count(search));
      bool changes = false;
      for (std::size_t i = begin; i < end; ++i) {
        const std::optional<Move> m = number.get(search, i);
        if (!m || m->value == m->target) continue;
        number.set(search, candidate, i, m->target);
        changes = true;
      }
      if (changes && search.offer(std::move(candidate))) any = true;
    }
    if (chunk <= 1 || search.spent()) break;
  }
  return any;
}

// ---- the views --------------------------------------------------------------------------------

template <class Vector>
void erase_run(Vector& v, std::size_t begin, std::size_t length) {
  CORRIDOR_ASSERT(begin + length <= v.size());
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(begin), v.begin() + static_cast<std::ptrdiff_t>(begin + length));
}

constexpr ListView fault_plan_list{
    [](const FailingRun& r) { return r.plan.size(); },
    [](FailingRun& r, std::size_t begin, std::size_t length) { erase_run(r.plan, begin, length); }};

constexpr ListView choice_log_list{
    [](const FailingRun& r) { return r.choices.size(); },
    [](FailingRun& r, std::size_t begin, std::size_t length) { erase_run(r.choices.entries(), begin, length); }};

std::size_t fault_count(const ShrinkSearch& s) { return s.best().plan.size(); }
std::size_t choice_count(const ShrinkSearch& s) { return s.best().choices.size(); }
std::size_t actor_count(const ShrinkSearch& s) { return s.best_operations().size(); }

constexpr NumberView fault_start{
    fault_count,
    [](const ShrinkSearch& s, std::size_t i) -> std::optional<Move> {
      return Move{static_cast<std::uint64_t>(s.best().plan[i].at_ns), 0};
    },
    [](const ShrinkSearch&, FailingRun& c, std::size_t i, std::uint64_t v) { c.plan[i].at_ns = static_cast<time_ns>(v); },
    fault_bisection_steps_max};

// A fault for ever (duration -1) stays so: making it end would add an event.
constexpr NumberView fault_duration{
    fault_count,
    [](const ShrinkSearch& s, std::size_t i) -> std::optional<Move> {
      const time_ns d = s.best().plan[i].duration_ns;
      if (d <= 0) return std::nullopt;
      return Move{static_cast<std::uint64_t>(d), 1};
    },
    [](const ShrinkSearch&, FailingRun& c, std::size_t i, std::uint64_t v) {
      c.plan[i].duration_ns = static_cast<time_ns>(v);
    },
    fault_bisection_steps_max};

// The budgets a candidate gets are the ones the best run uses, exactly, with actor a's changed.
constexpr NumberView operation_budget{
    actor_count,
    [](const ShrinkSearch& s, std::size_t a) -> std::optional<Move> { return Move{s.best_operations()[a], 0}; },
    [](const ShrinkSearch& s, FailingRun& c, std::size_t a, std::uint64_t v) {
      c.config.operations_max = s.best_operations();
      c.config.operations_max[a] = static_cast<std::uint32_t>(v);
    },
    operation_bisection_steps_max};

void set_choice(const ShrinkSearch&, FailingRun& c, std::size_t i, std::uint64_t v) { c.choices.entries()[i].value = v; }

std::optional<Move> choice_toward_default(const ShrinkSearch& s, std::size_t i) {
  const Choice& c = s.best().choices.entries()[i];
  return Move{c.value, choice_default(c.kind, delay_floor(s.best().config))};
}

constexpr NumberView choice_default_view{choice_count, choice_toward_default, set_choice, value_bisection_steps_max};
constexpr NumberView choice_value{choice_count, choice_toward_default, set_choice, value_bisection_steps_max, /*target_first=*/
                                  false};

// Only moves delays up to the ceiling; a delay already there (or past it, on a slower link) stays.
constexpr NumberView delay_postponed{
    choice_count,
    [](const ShrinkSearch& s, std::size_t i) -> std::optional<Move> {
      const Choice& c = s.best().choices.entries()[i];
      const std::uint64_t ceiling = delay_ceiling(s.best().config);
      if (c.kind != ChoiceKind::delay || c.value >= ceiling) return std::nullopt;
      return Move{c.value, ceiling};
    },
    set_choice, value_bisection_steps_max};

// ---- the passes -------------------------------------------------------------------------------

bool fault_chunks(ShrinkSearch& s) { return remove_chunks(s, fault_plan_list); }

bool fault_times(ShrinkSearch& s) {
  constexpr std::array numbers{fault_start, fault_duration};
  return move_each_toward(s, numbers);
}

bool operation_budgets(ShrinkSearch& s) {
  constexpr std::array numbers{operation_budget};
  return move_each_toward(s, numbers);
}

bool choice_chunks(ShrinkSearch& s) { return remove_chunks(s, choice_log_list); }

// What deleting a delivery is in DEMi's untimed terms: a timed run cannot skip a due event, but a
// delivery postponed past the violation is not in the counterexample.
bool postpone_deliveries(ShrinkSearch& s) {
  if (delay_ceiling(s.best().config) <= delay_floor(s.best().config)) return false;
  return chunks_to_target(s, delay_postponed);
}

bool default_chunks(ShrinkSearch& s) { return chunks_to_target(s, choice_default_view); }

bool choice_values(ShrinkSearch& s) {
  constexpr std::array numbers{choice_value};
  return move_each_toward(s, numbers);
}

// DEMi's delta debugging over the events of an untimed schedule (explorers/untimed_schedule.hpp):
// the best run read as a schedule (a timed run as the untimed world firing the earliest due event,
// the same run), then its violation's causal past offered as a whole, then runs of its events left
// out, halving the run length down to one event.
bool untimed_events(ShrinkSearch& s) {
  if (s.spent()) return false;
  Simulation& sim = s.simulation();
  const bool record = true;  // the vector clocks, for the causal past
  EventSchedule current = schedule_of(sim, s.best(), record);
  const Violation& failure = s.failure();
  // A run the untimed world does not reproduce (a paused node's events are timed otherwise there;
  // a liveness verdict is not one an untimed run gives): nothing to offer.
  if (!current.violation || current.violation->invariant != failure.invariant ||
      current.violation->verdict != failure.verdict) {
    return false;
  }
  bool any = false;
  auto offer_events = [&](std::span<const ScheduledEvent> events) {
    BuiltSchedule built = build_schedule(sim, s.best(), events);
    if (!s.offer(std::move(built.run))) return false;
    current = std::move(built.fired);
    any = true;
    return true;
  };
  // The causal past of the step the violation was found at, and (for one found at the end, by a
  // history checker) of every client's last step.
  const std::uint64_t at = current.violation_step;
  std::vector<std::uint64_t> last_steps;
  if (at >= 1 && at <= current.events.size()) last_steps.push_back(at);
  std::vector<std::uint64_t> clients_last(sim.actor_count(), 0);
  for (std::size_t i = 0; i < current.events.size(); ++i) {
    const NodeId a = current.events[i].actor;
    if (a != no_node && a >= sim.node_count() && a < clients_last.size()) clients_last[a] = i + 1;
  }
  std::vector<std::uint64_t> client_steps;
  for (std::uint64_t step : clients_last) {
    if (step > 0) client_steps.push_back(step);
  }
  const std::vector<EventRecord> records = sim.records();
  for (const std::vector<std::uint64_t>& of : {last_steps, client_steps}) {
    if (of.empty() || s.spent()) continue;
    const std::vector<ScheduledEvent> past = causal_past(current, records, of);
    if (past.size() < current.events.size() && offer_events(past)) break;
  }
  remove_chunks(
      s, [&] { return current.events.size(); },
      [&](std::size_t begin, std::size_t length) {
        std::vector<ScheduledEvent> events;
        events.reserve(current.events.size() - length);
        events.insert(events.end(), current.events.begin(), current.events.begin() + static_cast<std::ptrdiff_t>(begin));
        events.insert(events.end(), current.events.begin() + static_cast<std::ptrdiff_t>(begin + length),
                      current.events.end());
        return offer_events(events);
      });
  return any;
}

constexpr ShrinkPass default_passes[] = {
    {"fault-chunks", "removes runs of fault-plan entries, halving the run length down to one entry", fault_chunks},
    {"fault-times", "moves each fault toward time 0 and its duration toward 1 ns (bisection)", fault_times},
    {"operation-budgets", "lowers each actor's client-operation budget toward 0 (bisection)", operation_budgets},
    {"choice-chunks", "removes runs of choice-log decisions, halving the run length down to one", choice_chunks},
    {"postpone-deliveries",
     "sets runs of message delays to the longest a link draws, so deliveries the violation does not need come after it",
     postpone_deliveries},
    {"default-chunks", "sets runs of decisions to their defaults (no loss, no duplication, draw 0, shortest delay)",
     default_chunks},
    {"choice-values", "moves each decision's value toward its default (bisection)", choice_values},
    {"untimed-events",
     "reads the run as an untimed schedule (its events in order) and leaves out runs of events, halving down to one: "
     "what the violation does not need is delayed past it",
     untimed_events, /*on_schedules=*/true},
};

}  // namespace

std::span<const ShrinkPass> shrink_passes() { return default_passes; }

std::span<const ShrinkPass> timed_shrink_passes() {
  static_assert(std::size(default_passes) >= 2);
  CORRIDOR_ASSERT(std::string_view(default_passes[std::size(default_passes) - 1].name) == "untimed-events");
  return std::span<const ShrinkPass>(default_passes).first(std::size(default_passes) - 1);
}

std::uint64_t delay_floor(const SimConfig& config) {
  auto floor_of = [](const DelaySpec& d) -> time_ns { return d.kind == DelaySpec::Kind::normal ? 0 : d.a_ns; };
  time_ns floor = floor_of(config.link.delay);
  for (const LinkOverride& o : config.links) floor = std::min(floor, floor_of(o.spec.delay));
  return static_cast<std::uint64_t>(std::max<time_ns>(floor, 0));
}

std::uint64_t choice_default(ChoiceKind kind, std::uint64_t delay_floor_ns) {
  return kind == ChoiceKind::delay ? delay_floor_ns : 0;
}

// A uniform link's upper bound; drawn_delay_ns_max, the engine's cap, for exponential and normal
// links. Constant links draw nothing and do not count.
std::uint64_t delay_ceiling(const SimConfig& config) {
  auto ceiling_of = [](const DelaySpec& d) -> time_ns {
    switch (d.kind) {
      case DelaySpec::Kind::constant: return drawn_delay_ns_max;
      case DelaySpec::Kind::uniform: return d.b_ns;
      case DelaySpec::Kind::exponential:
      case DelaySpec::Kind::normal: return drawn_delay_ns_max;
    }
    return d.a_ns;
  };
  time_ns ceiling = ceiling_of(config.link.delay);
  for (const LinkOverride& o : config.links) ceiling = std::min(ceiling, ceiling_of(o.spec.delay));
  return static_cast<std::uint64_t>(std::max<time_ns>(ceiling, 0));
}

}  // namespace corridor
