#pragma once
// cotamer/cotamer.hh for course code, on corridor (compat/cotamer). The names and shapes are
// Cotamer's (task<T>, event, after, at, asap, now, first, attempt, race, any, all, resolve); the
// runtime is corridor::co's, so each coroutine runs on the corridor node that started it:
//
//   - a task's frame comes from its node's arena, is named (node, spawn order), and an exception
//     escaping it, awaited or not, fails the run (exit 3) instead of vanishing;
//   - after(d) is an engine timer on the node's monotonic clock: drift moves it, untimed
//     explorers may fire it early or late, a crash cancels it;
//   - now() is the node's own wall clock (offset, drift and jumps included), from a fixed epoch.
//
// What Cotamer's driver does by itself (loop, poll, clear, reset, real time, file descriptors)
// corridor's engine does instead, so those are not here: a program registers with
// CORRIDOR_COTAMER_PROGRAM (corridor_cotamer.hh) in place of its try_one_seed and main.
#include <array>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "cotamer/host.hh"
#include "model/co/task.hpp"

namespace cotamer {

using duration = std::chrono::nanoseconds;
using system_time_point = std::chrono::time_point<std::chrono::system_clock, duration>;
using steady_time_point = std::chrono::time_point<std::chrono::steady_clock, duration>;

// Where a node's wall clock reads 0: Cotamer's virtual clocks start at a fixed instant too, so
// course output carries dates, and they are the same on every run.
inline constexpr std::chrono::seconds virtual_epoch{1'634'070'069};  // 2021-10-12 20:21:09 UTC

template <class T = void> class task;
class event;

namespace detail {

namespace co = corridor::co;

// ---- task ------------------------------------------------------------------------------------

// corridor::co's promise (arena frames, naming, exceptions that fail the run, detach), plus the
// resolution point of Cotamer's `co_await resolve{}`: a task that reaches one before anybody
// awaits it waits there, so a combinator that takes another alternative destroys it before it
// takes anything (a receive pops its message only past the point).
struct promise_base : co::detail::PromiseBase {
  bool at_resolution = false;
};

template <class T>
struct promise : promise_base {
  std::optional<T> value;
  task<T> get_return_object();
  co::detail::FinalAwaiter<promise> final_suspend() noexcept { return {}; }
  template <class U>
  void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
  T take() {
    if (error) std::rethrow_exception(error);
    CORRIDOR_ASSERT_MSG(value.has_value(), "a finished task has its value");
    return std::move(*value);
  }
};

template <>
struct promise<void> : promise_base {
  task<void> get_return_object();
  co::detail::FinalAwaiter<promise> final_suspend() noexcept { return {}; }
  void return_void() {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

// Awaits a task: resumes it at once if it waits at a resolution point.
template <class T>
struct task_awaiter {
  std::coroutine_handle<promise<T>> frame;
  bool await_ready() const { return frame.done() && !frame.promise().stops_awaiter(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) {
    promise<T>& p = frame.promise();
    CORRIDOR_ASSERT_MSG(!p.continuation, "a task is awaited once");
    p.continuation = awaiting;
    if (p.at_resolution) {
      p.at_resolution = false;
      return frame;
    }
    return std::noop_coroutine();
  }
  T await_resume() { return frame.promise().take(); }
};

// ---- event -----------------------------------------------------------------------------------

// The shared occurrence behind copies of one event. Waiters resume in the order they began to
// wait. An event made by after() or asap() owns the coroutine that triggers it, so dropping the
// last copy of an untriggered timer event cancels its engine timer.
class event_state {
 public:
  class waiter : public co::Waiter {
   public:
    explicit waiter(std::shared_ptr<event_state> state) : state_(std::move(state)) {}
    waiter(const waiter& other) : co::Waiter(other), state_(other.state_) {
      CORRIDOR_ASSERT_MSG(!other.linked_, "a waiting event wait is not copied");
    }
    ~waiter() {
      if (linked_) state_->unlink(this);
    }
    event_state& state() const { return *state_; }

   private:
    friend class event_state;
    std::shared_ptr<event_state> state_;
    waiter* prev_ = nullptr;
    waiter* next_ = nullptr;
    bool linked_ = false;
  };

  event_state() = default;
  event_state(const event_state&) = delete;
  event_state& operator=(const event_state&) = delete;

  bool triggered() const { return triggered_; }
  bool idle() const { return head_ == nullptr; }
  bool trigger() {
    if (triggered_) return false;
    triggered_ = true;
    for (std::uint32_t guard = 0; head_ != nullptr; ++guard) {
      CORRIDOR_ASSERT(guard < waiters_max);
      waiter* w = head_;
      unlink(w);
      // A coroutine resumes on its own node only: an event is one node's, as in a real program
      // each server's events are its own process's.
      CORRIDOR_ASSERT_MSG(corridor::co::current_scheduler() == nullptr || &w->scheduler() == corridor::co::current_scheduler(),
                          "a cot::event is triggered on the node whose coroutines wait for it");
      w->wake();
    }
    return true;
  }
  void link(waiter* w) {
    w->prev_ = tail_;
    w->next_ = nullptr;
    (tail_ ? tail_->next_ : head_) = w;
    tail_ = w;
    w->linked_ = true;
  }
  void set_source(co::task<> source) { source_ = std::move(source); }

 private:
  static constexpr std::uint32_t waiters_max = 1u << 20;
  void unlink(waiter* w) {
    (w->prev_ ? w->prev_->next_ : head_) = w->next_;
    (w->next_ ? w->next_->prev_ : tail_) = w->prev_;
    w->prev_ = w->next_ = nullptr;
    w->linked_ = false;
  }
  bool triggered_ = false;
  waiter* head_ = nullptr;
  waiter* tail_ = nullptr;
  co::task<> source_;  // last member: destroyed first, while the list it may touch still exists
};

struct event_awaiter {
  event_state::waiter wait;
  bool await_ready() const { return wait.state().triggered(); }
  void await_suspend(std::coroutine_handle<> awaiting) {
    wait.park(awaiting);
    wait.state().link(&wait);
  }
  void await_resume() const {}
};

inline co::task<> trigger_after(event_state* state, corridor::time_ns delay_ns) {
  co_await co::after(delay_ns);
  state->trigger();
}
inline co::task<> trigger_asap(event_state* state) {
  co_await co::asap();
  state->trigger();
}

}  // namespace detail

// A one-shot occurrence: untriggered until trigger(), then triggered for good. Copies share it.
class event {
 public:
  event() : state_(std::make_shared<detail::event_state>()) {}
  explicit event(std::nullptr_t) : event() { state_->trigger(); }  // already triggered

  bool triggered() const noexcept { return state_->triggered(); }
  bool idle() const noexcept { return state_->idle(); }
  bool trigger() { return state_->trigger(); }
  // A fresh untriggered event in place of a triggered one (other copies keep the old one).
  event& arm() {
    if (triggered()) *this = event();
    return *this;
  }
  bool operator==(const event& other) const noexcept { return state_ == other.state_; }
  bool operator!=(const event& other) const noexcept { return state_ != other.state_; }

  detail::event_awaiter operator co_await() const { return detail::event_awaiter{detail::event_state::waiter(state_)}; }
  detail::event_state& state() const { return *state_; }

 private:
  std::shared_ptr<detail::event_state> state_;
};

inline event triggered_event() { return event(nullptr); }

// A coroutine that produces a T: eager (it runs from its call to its first wait), move-only,
// awaited at most once; dropping it unfinished destroys it, detach() hands it to its node.
template <class T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;

  task() noexcept = default;
  explicit task(handle_type frame) noexcept : frame_(frame) {}
  task(event e) requires std::is_void_v<T> : task(wait_for(std::move(e))) {}  // NOLINT: implicit, as Cotamer's
  task(task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { destroy(); }

  explicit operator bool() const noexcept { return bool(frame_); }
  bool empty() const noexcept { return !frame_; }
  bool done() const { return frame_ && frame_.done(); }
  void start() {}  // tasks are eager here: there is no interest{} to wait for
  void destroy() {
    if (frame_) std::exchange(frame_, {}).destroy();
  }
  void detach() {
    CORRIDOR_ASSERT_MSG(frame_, "detach of an empty task");
    auto frame = std::exchange(frame_, {});
    if (frame.done()) {
      frame.destroy();
      return;
    }
    auto& p = frame.promise();
    p.detached = true;
    if (p.sched) p.sched->add_root(frame);
    if (p.at_resolution) {  // nobody will ever ask for its value: let it run on
      p.at_resolution = false;
      frame.resume();
    }
  }

  detail::task_awaiter<T> operator co_await() const noexcept {
    CORRIDOR_ASSERT_MSG(frame_, "co_await of an empty (moved-from or detached) task");
    return {frame_};
  }

 private:
  static task wait_for(event e) { co_await e; }
  handle_type frame_;
};

namespace detail {
template <class T>
task<T> promise<T>::get_return_object() { return task<T>(std::coroutine_handle<promise<T>>::from_promise(*this)); }
inline task<void> promise<void>::get_return_object() {
  return task<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}
}  // namespace detail

// `co_await resolve{}`: a resolution point (see detail::promise_base). Awaited directly, a task
// goes on; raced by first/attempt/race, it goes on only if it is the one chosen.
struct resolve {
  bool await_ready() const noexcept { return false; }
  template <class T>
  bool await_suspend(std::coroutine_handle<detail::promise<T>> frame) const noexcept {
    auto& p = frame.promise();
    if (p.continuation || p.detached) return false;
    p.at_resolution = true;
    return true;
  }
  void await_resume() const noexcept {}
};

// ---- time ------------------------------------------------------------------------------------

// The node's wall clock: it drifts, may jump, and may go back.
inline system_time_point now() {
  const auto& host = corridor::cotamer_compat::require_host("cot::now() is read inside a coroutine of a corridor node");
  return system_time_point(virtual_epoch + duration(host.wall_ns()));
}
// The node's monotonic clock: it drifts and never goes back.
inline steady_time_point steady_now() {
  const auto& host = corridor::cotamer_compat::require_host("cot::steady_now() is read inside a coroutine of a corridor node");
  return steady_time_point(duration(host.monotonic_ns()));
}

// Triggers after `d` of the node's monotonic clock (an engine timer).
template <class Rep, class Period>
event after(std::chrono::duration<Rep, Period> d) {
  corridor::cotamer_compat::require_host("cot::after() is called inside a coroutine of a corridor node");
  event e;
  const auto delay_ns = std::chrono::duration_cast<duration>(d).count();
  e.state().set_source(detail::trigger_after(&e.state(), delay_ns < 0 ? 0 : delay_ns));
  return e;
}
inline event at(steady_time_point t) { return after(t - steady_now()); }
inline event at(system_time_point t) { return after(t - now()); }
// Triggers once the node's other ready coroutines have run, in the same engine step.
inline event asap() {
  corridor::cotamer_compat::require_host("cot::asap() is called inside a coroutine of a corridor node");
  event e;
  e.state().set_source(detail::trigger_asap(&e.state()));
  return e;
}

// ---- combinators -----------------------------------------------------------------------------

namespace detail {

template <class A> struct alternative;
template <class T>
struct alternative<task<T>> {
  using value_type = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
};
template <>
struct alternative<event> {
  using value_type = std::monostate;
};
template <class A>
using alternative_t = typename alternative<std::remove_cvref_t<A>>::value_type;

// One alternative of a race as corridor::co::first sees it: a lazy wait that, when it wins,
// stores its value in the race's slot at index I. corridor::co::first awaits the alternatives one
// at a time and destroys the others the moment one finishes, so a task waiting at a resolution
// point is resumed only if nothing before it won.
template <std::size_t I, class Slot, class A>
class slot_wait;

template <std::size_t I, class Slot, class T>
class slot_wait<I, Slot, task<T>> {
 public:
  slot_wait(Slot& slot, task<T> t) : slot_(&slot), task_(std::move(t)), awaiter_(task_.operator co_await()) {}
  slot_wait(slot_wait&& other) noexcept : slot_(other.slot_), task_(std::move(other.task_)), awaiter_(other.awaiter_) {}
  bool await_ready() { return awaiter_.await_ready(); }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) { return awaiter_.await_suspend(awaiting); }
  void await_resume() {
    if constexpr (std::is_void_v<T>) {
      awaiter_.await_resume();
      slot_->emplace(std::in_place_index<I>);
    } else {
      slot_->emplace(std::in_place_index<I>, awaiter_.await_resume());
    }
  }

 private:
  Slot* slot_;
  task<T> task_;
  task_awaiter<T> awaiter_;
};

template <std::size_t I, class Slot>
class slot_wait<I, Slot, event> {
 public:
  slot_wait(Slot& slot, event e) : slot_(&slot), event_(std::move(e)) {}
  bool await_ready() const { return event_.triggered(); }
  void await_suspend(std::coroutine_handle<> awaiting) {
    wait_.emplace(event_.operator co_await());
    wait_->await_suspend(awaiting);
  }
  void await_resume() { slot_->emplace(std::in_place_index<I>); }

 private:
  Slot* slot_;
  event event_;
  std::optional<event_awaiter> wait_;
};

template <class Slot, std::size_t... I, class... A>
task<> race_into(Slot& slot, std::index_sequence<I...>, A... alternatives) {
  (void)co_await co::first(slot_wait<I, Slot, std::remove_cvref_t<A>>(slot, std::move(alternatives))...);
}

template <class... A>
using first_result_t = std::variant<alternative_t<A>...>;

}  // namespace detail

// The value of the first alternative (a task or an event) to finish, as a variant whose index()
// says which; the others are destroyed at that moment.
template <class... A>
task<detail::first_result_t<A...>> first(A... alternatives) {
  static_assert(sizeof...(A) >= 1, "cot::first needs an alternative");
  std::optional<detail::first_result_t<A...>> slot;
  co_await detail::race_into(slot, std::index_sequence_for<A...>{}, std::move(alternatives)...);
  co_return std::move(*slot);
}

// The task's value if it finishes before any of the events triggers, else nullopt (the task is
// then destroyed).
template <class T, class... E>
task<std::optional<detail::alternative_t<task<T>>>> attempt(task<T> primary, E... events) {
  static_assert(sizeof...(E) >= 1, "cot::attempt needs a task and at least one event (a timeout)");
  std::optional<detail::first_result_t<task<T>, E...>> slot;
  co_await detail::race_into(slot, std::index_sequence_for<task<T>, E...>{}, std::move(primary), std::move(events)...);
  if (slot->index() != 0) co_return std::nullopt;
  co_return std::move(std::get<0>(*slot));
}

// The value of the first of several tasks of one type to finish (the others are destroyed).
template <class T, class... U>
task<T> race(task<T> a, task<U>... rest) {
  static_assert((std::is_same_v<T, U> && ...), "cot::race takes tasks of one type (cot::first takes any)");
  auto won = co_await first(std::move(a), std::move(rest)...);
  co_return std::visit([](auto& value) -> T { return std::move(value); }, won);
}

namespace detail {
template <class... E>
task<> trigger_on_any(event result, E... events) {
  (void)co_await first(std::move(events)...);
  result.trigger();
}
template <class... E>
task<> trigger_on_all(event result, E... events) {
  (co_await events, ...);
  result.trigger();
}
}  // namespace detail

// An event that triggers when one of `events` does.
template <class... E>
event any(E... events) {
  static_assert(sizeof...(E) >= 1 && (std::is_same_v<E, event> && ...), "cot::any combines events");
  event result;
  if ((events.triggered() || ...)) result.trigger();
  else detail::trigger_on_any(result, std::move(events)...).detach();
  return result;
}
// An event that triggers once all of `events` have.
template <class... E>
event all(E... events) {
  static_assert((std::is_same_v<E, event> && ...), "cot::all combines events");
  event result;
  if ((events.triggered() && ...)) result.trigger();
  else detail::trigger_on_all(result, std::move(events)...).detach();
  return result;
}

}  // namespace cotamer
