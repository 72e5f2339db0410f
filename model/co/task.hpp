#pragma once
// corridor::co tasks and the waits that need no message type: task<T>, after, at, now, asap,
// event, and the combinators first, attempt, any, all.
//
// A task is eager (it runs from its call to its first wait), move-only and awaited at most once;
// `detach()` hands it to its node, which destroys it at a crash. Dropping a task that has not
// finished cancels it: its frame is destroyed, and with it whatever it was waiting on (a timer is
// cancelled with the engine, a receive leaves the queue). The combinators rely on exactly that:
// the moment one alternative finishes, the others are destroyed, before any of them can take a
// message. An exception that escapes a task, awaited or not, fails the run (exit 3) naming the
// task as (node, spawn order).
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "model/co/scheduler.hpp"

namespace corridor::co {

template <class T = void> class task;

namespace detail {

struct PromiseBase {
  Scheduler* sched = co::current_scheduler();
  std::uint64_t id = sched ? sched->spawn() : 0;
  std::coroutine_handle<> continuation;
  std::exception_ptr error;
  bool detached = false;

  static void* operator new(std::size_t bytes) {
    Scheduler* sched = co::current_scheduler();
    return FrameArena::allocate(sched ? &sched->arena() : nullptr, bytes);
  }
  static void operator delete(void* frame, std::size_t) noexcept { FrameArena::release(frame); }

  std::suspend_never initial_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept {
    error = std::current_exception();
    if (sched) sched->fail(id, error);
  }
  // Inside a node an escaped exception fails the run, so nobody resumes after it; outside one
  // (a unit test) the awaiter gets the exception.
  bool stops_awaiter() const { return error && sched; }
};

template <class Promise>
struct FinalAwaiter {
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> frame) noexcept {
    PromiseBase& p = frame.promise();
    if (p.detached) {
      if (p.sched) p.sched->forget_root(frame);
      frame.destroy();
      return std::noop_coroutine();
    }
    if (p.continuation && !p.stops_awaiter()) return p.continuation;
    return std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  task<T> get_return_object();
  FinalAwaiter<Promise> final_suspend() noexcept { return {}; }
  template <class U>
  void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
  T take() {
    if (error) std::rethrow_exception(error);
    CORRIDOR_ASSERT_MSG(value.has_value(), "a finished task has its value");
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  task<void> get_return_object();
  FinalAwaiter<Promise> final_suspend() noexcept { return {}; }
  void return_void() {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace detail

template <class T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::Promise<T>;
  using value_type = T;

  task() = default;
  explicit task(std::coroutine_handle<promise_type> frame) : frame_(frame) {}
  task(task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      cancel();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { cancel(); }

  bool valid() const { return bool(frame_); }
  bool done() const { return frame_ && frame_.done(); }
  // (node, spawn order): the name the run's failure gives this task.
  std::uint64_t id() const { return frame_.promise().id; }

  // Destroys the frame, finished or not: a task waiting on something stops waiting.
  void cancel() {
    if (frame_) std::exchange(frame_, {}).destroy();
  }
  // The node owns the task from now on; it runs to its end or until the node crashes.
  void detach() {
    CORRIDOR_ASSERT_MSG(frame_, "detach of an empty task");
    auto frame = std::exchange(frame_, {});
    if (frame.done()) {
      frame.destroy();
      return;
    }
    detail::PromiseBase& p = frame.promise();
    p.detached = true;
    if (p.sched) p.sched->add_root(frame);
  }

  auto operator co_await() && {
    struct Awaiter {
      std::coroutine_handle<promise_type> frame;
      bool await_ready() const { return frame.done() && !frame.promise().stops_awaiter(); }
      void await_suspend(std::coroutine_handle<> awaiting) {
        CORRIDOR_ASSERT_MSG(!frame.promise().continuation, "a task is awaited once");
        frame.promise().continuation = awaiting;  // a task that failed in a node never resumes it
      }
      T await_resume() { return frame.promise().take(); }
    };
    CORRIDOR_ASSERT_MSG(frame_, "co_await of an empty (moved-from or detached) task");
    return Awaiter{frame_};
  }

 private:
  std::coroutine_handle<promise_type> frame_;
};

namespace detail {
template <class T>
task<T> Promise<T>::get_return_object() { return task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this)); }
inline task<void> Promise<void>::get_return_object() {
  return task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

// ---- time ------------------------------------------------------------------------------------

// The node's monotonic clock: it drifts with the node's clock and never goes back.
inline time_ns now() {
  Scheduler* sched = current_scheduler();
  CORRIDOR_ASSERT_MSG(sched != nullptr, "co::now() is asked inside a coroutine node's handler");
  return sched->monotonic_ns();
}

// Resumes after delay_ns of the node's monotonic clock: an engine timer, so drift moves it and
// untimed explorers may fire it early or late relative to other events.
class [[nodiscard]] after {
 public:
  explicit after(time_ns delay_ns) : delay_ns_(delay_ns < 0 ? 0 : delay_ns) {}
  bool await_ready() const { return false; }
  void await_suspend(std::coroutine_handle<> awaiting) {
    waiter_.park(awaiting);
    waiter_.arm(delay_ns_);
  }
  void await_resume() const {}

 private:
  time_ns delay_ns_;
  TimerWaiter waiter_;
};

// Resumes when the node's monotonic clock reads deadline_ns (at once, through a zero timer, when
// it is past).
inline after at(time_ns deadline_ns) { return after(deadline_ns - now()); }

// Lets every other ready coroutine of the node run first, within the same step.
class [[nodiscard]] asap {
 public:
  bool await_ready() const { return false; }
  void await_suspend(std::coroutine_handle<> awaiting) {
    waiter_.park(awaiting);
    waiter_.wake();
  }
  void await_resume() const {}

 private:
  Waiter waiter_;
};

// A one-shot signal inside one node: untriggered until trigger(), then triggered for good.
// Waiters resume in the order they began to wait.
class event {
 public:
  event() = default;
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  ~event() {
    for (Waiting* w = head_; w != nullptr; w = w->next) w->owner = nullptr;
  }

  bool triggered() const { return triggered_; }
  void trigger() {
    if (triggered_) return;
    triggered_ = true;
    for (std::uint32_t guard = 0; head_ != nullptr; ++guard) {
      CORRIDOR_ASSERT(guard < waiters_max);
      Waiting* w = head_;
      unlink(w);
      w->wake();
    }
  }

  class Waiting : public Waiter {
   public:
    explicit Waiting(event& signal) : owner(&signal) {}
    Waiting(const Waiting& other) : Waiter(other), owner(other.owner) {
      CORRIDOR_ASSERT_MSG(!other.linked, "a waiting event wait is not copied");
    }
    ~Waiting() {
      if (linked && owner) owner->unlink(this);
    }
    bool await_ready() const { return owner == nullptr || owner->triggered_; }
    void await_suspend(std::coroutine_handle<> awaiting) {
      park(awaiting);
      owner->link(this);
    }
    void await_resume() const {}

   private:
    friend class event;
    event* owner;
    Waiting* prev = nullptr;
    Waiting* next = nullptr;
    bool linked = false;
  };
  Waiting operator co_await() { return Waiting(*this); }

 private:
  static constexpr std::uint32_t waiters_max = 1u << 20;
  void link(Waiting* w) {
    w->prev = tail_;
    w->next = nullptr;
    (tail_ ? tail_->next : head_) = w;
    tail_ = w;
    w->linked = true;
  }
  void unlink(Waiting* w) {
    (w->prev ? w->prev->next : head_) = w->next;
    (w->next ? w->next->prev : tail_) = w->prev;
    w->prev = w->next = nullptr;
    w->linked = false;
  }
  Waiting* head_ = nullptr;
  Waiting* tail_ = nullptr;
  bool triggered_ = false;
};

// ---- combinators -----------------------------------------------------------------------------

namespace detail {

template <class A>
using await_result_t = decltype(std::declval<A&&>().await_resume());
template <class A>
struct awaited_result {
  using type = await_result_t<A>;
};
template <class T>
struct awaited_result<task<T>> {
  using type = T;
};
template <class A>
using awaited_t = typename awaited_result<std::remove_cvref_t<A>>::type;
template <class T>
using stored_t = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// The alternatives of one race. The first to finish records itself and destroys the others
// there and then (synchronously, inside its own finish), so none of them resumes again or takes
// a message afterwards; then the racing coroutine resumes.
template <std::size_t N, class First>
struct Race {
  std::array<task<>, N> runners;
  std::optional<std::size_t> winner;
  std::optional<stored_t<First>> first_value;
  Waiter waiter;
  bool suspended = false;

  void finish(std::size_t index) {
    if (winner) return;
    winner = index;
    for (std::size_t i = 0; i < N; ++i) {
      if (i != index) runners[i].cancel();
    }
    if (suspended) waiter.wake();
  }
  struct Wait {
    Race& race;
    bool await_ready() const { return race.winner.has_value(); }
    void await_suspend(std::coroutine_handle<> awaiting) {
      race.waiter.park(awaiting);
      race.suspended = true;
    }
    void await_resume() const {}
  };
};

template <class R, std::size_t I, class A>
task<> run_alternative(R& race, A alternative) {
  using Result = awaited_t<A>;
  if constexpr (std::is_void_v<Result>) {
    co_await std::move(alternative);
  } else if constexpr (I == 0) {
    race.first_value.emplace(co_await std::move(alternative));
  } else {
    (void)co_await std::move(alternative);
  }
  race.finish(I);
}

template <class R, class Tuple, std::size_t... I>
void start_alternatives(R& race, Tuple& alternatives, std::index_sequence<I...>) {
  // One at a time, and none after a winner: an alternative that finishes at once (a message
  // already in the inbox) must not let a later one take a message too.
  ((race.winner ? void() : void(race.runners[I] = run_alternative<R, I>(race, std::move(std::get<I>(alternatives))))), ...);
}

template <class... A>
using race_of = Race<sizeof...(A), awaited_t<std::tuple_element_t<0, std::tuple<A...>>>>;

// Awaits one alternative and gives its value (std::monostate for a void one), as a task that
// starts at once: all() starts every alternative before it waits for the first.
template <class A>
task<stored_t<awaited_t<A>>> value_of(A alternative) {
  if constexpr (std::is_void_v<awaited_t<A>>) {
    co_await std::move(alternative);
    co_return std::monostate{};
  } else {
    co_return co_await std::move(alternative);
  }
}

// The values of tasks already running, awaited left to right (a braced list evaluates in order).
template <class... T, std::size_t... I>
task<std::tuple<T...>> await_each(std::tuple<task<T>...>& running, std::index_sequence<I...>) {
  co_return std::tuple<T...>{co_await std::move(std::get<I>(running))...};
}

// any(): the first task to return true wins; one returning false only counts down.
template <std::size_t N>
struct AnyTrue {
  std::array<task<>, N> runners;
  std::size_t falses = 0;
  bool decided = false;
  bool result = false;
  Waiter waiter;
  bool suspended = false;

  void report(std::size_t index, bool value) {
    if (decided) return;
    if (!value && ++falses < N) return;
    decided = true;
    result = value;
    for (std::size_t i = 0; i < N; ++i) {
      if (i != index) runners[i].cancel();
    }
    if (suspended) waiter.wake();
  }
};

template <std::size_t N>
task<> run_any(AnyTrue<N>& state, std::size_t index, task<bool> t) {
  const bool value = co_await std::move(t);
  state.report(index, value);
}

}  // namespace detail

// The index of the first alternative to finish (a task, or any co:: or receive wait); the others
// are cancelled at that moment.
template <class... A>
task<std::size_t> first(A... alternatives) {
  static_assert(sizeof...(A) >= 1, "first() needs an alternative");
  detail::race_of<A...> race;
  std::tuple<A...> pending(std::move(alternatives)...);
  detail::start_alternatives(race, pending, std::index_sequence_for<A...>{});
  co_await typename detail::race_of<A...>::Wait{race};
  co_return *race.winner;
}

// The value of `primary` if it finishes before any of `others` (typically an after(d)); nullopt
// when one of the others finishes first. The losers are cancelled.
template <class A, class... B>
task<std::optional<detail::stored_t<detail::awaited_t<A>>>> attempt(A primary, B... others) {
  static_assert(sizeof...(B) >= 1, "attempt() needs a primary and at least one alternative (a timeout)");
  detail::race_of<A, B...> race;
  std::tuple<A, B...> pending(std::move(primary), std::move(others)...);
  detail::start_alternatives(race, pending, std::index_sequence_for<A, B...>{});
  co_await typename detail::race_of<A, B...>::Wait{race};
  if (*race.winner != 0) co_return std::nullopt;
  co_return std::move(race.first_value);
}

// True as soon as one of the tasks returns true (the rest are cancelled then); false when every
// one returned false.
template <class... T>
task<bool> any(task<T>... tasks) {
  static_assert(sizeof...(T) >= 1 && (std::is_same_v<T, bool> && ...), "any() takes task<bool>s");
  constexpr std::size_t n = sizeof...(T);
  detail::AnyTrue<n> state;
  std::array<task<bool>, n> pending{std::move(tasks)...};
  for (std::size_t i = 0; i < n && !state.decided; ++i) state.runners[i] = detail::run_any(state, i, std::move(pending[i]));
  if (!state.decided) {
    struct Wait {
      detail::AnyTrue<n>& s;
      bool await_ready() const { return s.decided; }
      void await_suspend(std::coroutine_handle<> awaiting) {
        s.waiter.park(awaiting);
        s.suspended = true;
      }
      void await_resume() const {}
    };
    co_await Wait{state};
  }
  co_return state.result;
}

// Every alternative's value, in order (std::monostate for a void one), once all have finished.
// All start before the first is awaited, so they wait side by side.
template <class... A>
task<std::tuple<detail::stored_t<detail::awaited_t<A>>...>> all(A... alternatives) {
  std::tuple<task<detail::stored_t<detail::awaited_t<A>>>...> running{detail::value_of(std::move(alternatives))...};
  co_return co_await detail::await_each(running, std::index_sequence_for<A...>{});
}

}  // namespace corridor::co
