#pragma once
// A protocol written as coroutines (corridor::co), made an ordinary protocol for the engine.
//
//   struct PingPongCo {                                   // the coroutine bundle S
//     struct Ping {...}; struct Pong {...};
//     using Message = std::variant<Ping, Pong>;
//     struct Node {                                       // an aggregate: its fields are the node's
//       std::uint64_t exchanges = 0;                      // volatile state, shown in traces
//       co::task<> main(co::Env<PingPongCo>& env);        // starts at on_start and after a restart
//     };
//     // optional, as in a handler bundle: Variant, Durable, Client (with its own main)
//   };
//   using PingPongCoProtocol = co::Protocol<PingPongCo>;  // what register_protocol takes
//
// co::Protocol<S> has the same Message, Variant and Durable as S, the engine timer co::Wake, and
// Node (and Client) types whose handlers feed the coroutines: a delivery is offered to the
// node's waiting receives (in the order they began to wait) or kept in its inbox, a timer resumes
// the wait that armed it, and then the node's ready coroutines run until each waits again. The
// engine's events, choices and traces are those of any handler protocol, so every explorer and
// tool serves coroutine protocols unchanged. A crash-restart replaces the node (Node{}): its
// frames are destroyed, its durable state kept, and main() starts again.
#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "model/co/task.hpp"
#include "model/engine.hpp"

namespace corridor::co {

template <class S> struct Protocol;
template <class S> class Runtime;

// What a receive gives: who sent it, and the message (the alternative asked for, or the whole
// Message variant).
template <class T>
struct Received {
  NodeId from = no_node;
  T message;
};

namespace detail {

template <class S>
struct Envelope {
  // Built in place (std::optional::emplace, vector::emplace) from a sender and the message moved
  // in: a constructor, since clang before 16 has no parenthesised aggregate initialisation.
  Envelope(NodeId sender, typename S::Message&& moved) : from(sender), message(std::move(moved)) {}
  NodeId from = no_node;
  typename S::Message message;
};

// A receive waiting in its node's queue of receives, with the test of which messages it takes.
template <class S>
class ReceiveWait : public Waiter {
 public:
  using Message = typename S::Message;
  ReceiveWait(Runtime<S>* runtime, bool (*accepts)(const Message&)) : runtime_(runtime), accepts_(accepts) {}
  ReceiveWait(const ReceiveWait& other) : Waiter(other), runtime_(other.runtime_), accepts_(other.accepts_) {
    CORRIDOR_ASSERT_MSG(!other.linked_ && !other.got_, "a receive is copied only before it waits");
  }
  ~ReceiveWait();

 protected:
  friend class Runtime<S>;
  Runtime<S>* runtime_;
  bool (*accepts_)(const Message&);
  std::optional<Envelope<S>> got_;
  ReceiveWait* prev_ = nullptr;
  ReceiveWait* next_ = nullptr;
  bool linked_ = false;
};

template <class S, class T>
bool accepts(const typename S::Message& m) {
  if constexpr (std::is_same_v<T, typename S::Message>) return true;
  else return std::holds_alternative<T>(m);
}

}  // namespace detail

// co_await env.receive<T>(): the next message of type T (or any message, for the Message type).
template <class S, class T>
class [[nodiscard]] Receive : public detail::ReceiveWait<S> {
  using Base = detail::ReceiveWait<S>;

 public:
  explicit Receive(Runtime<S>* runtime) : Base(runtime, &detail::accepts<S, T>) {}
  bool await_ready();
  void await_suspend(std::coroutine_handle<> awaiting);
  Received<T> await_resume() {
    CORRIDOR_ASSERT_MSG(this->got_.has_value(), "a resumed receive holds its message");
    // Straight from the held envelope into the result (one move of the message, not two).
    detail::Envelope<S>& envelope = *this->got_;
    Received<T> received = [&]() -> Received<T> {
      if constexpr (std::is_same_v<T, typename S::Message>) return {envelope.from, std::move(envelope.message)};
      else return {envelope.from, std::get<T>(std::move(envelope.message))};
    }();
    this->got_.reset();
    return received;
  }
};

// co_await env.receive_until<T>(deadline_ns): the next message of type T, or nullopt once the
// node's monotonic clock reads deadline_ns. What co::attempt(env.receive<T>(), co::at(deadline_ns))
// does, in the same order of engine effects (a message already in the inbox arms no timer; else
// the receive queues and then the timer is armed; the losing side is withdrawn before the
// coroutine resumes), but as one awaitable in the awaiting frame: no race frames per wait, which
// matters in a client's call loop that waits once per reply.
template <class S, class T>
class [[nodiscard]] ReceiveUntil : public detail::ReceiveWait<S> {
  using Base = detail::ReceiveWait<S>;

 public:
  ReceiveUntil(Runtime<S>* runtime, time_ns deadline_ns) : Base(runtime, &detail::accepts<S, T>), deadline_ns_(deadline_ns) {}
  ReceiveUntil(const ReceiveUntil& other) : Base(other), deadline_ns_(other.deadline_ns_), timer_(other.timer_) {}
  bool await_ready();
  void await_suspend(std::coroutine_handle<> awaiting);
  std::optional<Received<T>> await_resume();

 private:
  static void timed_out(void* self);
  time_ns deadline_ns_;
  TimerWaiter timer_;
};

// What a coroutine acts through: the node's context (as a handler's), and receive.
template <class S>
class Env {
 public:
  using P = Protocol<S>;
  using Message = typename S::Message;
  using Ctx = Context<P>;

  explicit Env(Runtime<S>& runtime) : runtime_(&runtime) {}

  // The context of the event being handled (coroutines run only while their node handles one).
  Ctx& ctx() const;
  NodeId self() const { return ctx().self(); }
  std::uint32_t node_count() const { return ctx().node_count(); }
  variant_t<S> variant() const { return ctx().variant(); }
  // Forwarded as given (a message alternative or a Message), so the context's Message parameter is
  // built straight from it: a by-value Message here cost one more move and destruction per send.
  template <class T>
    requires std::is_constructible_v<Message, T&&>
  void send(NodeId to, T&& message) {
    ctx().send(to, std::forward<T>(message));
  }
  // A braced Message (`send(to, {...})`), which the template cannot deduce.
  void send(NodeId to, Message&& message) { ctx().send(to, std::move(message)); }
  void broadcast(const Message& message) { ctx().broadcast(message); }
  std::uint64_t random(std::uint64_t bound) { return ctx().random(bound); }
  durable_t<S>& durable() { return ctx().durable(); }
  template <class T = Message>
  Receive<S, T> receive() {
    static_assert(std::is_same_v<T, Message> || std::is_constructible_v<Message, T>,
                  "receive<T>: T is the protocol's Message or one of its alternatives");
    return Receive<S, T>(runtime_);
  }
  template <class T = Message>
  ReceiveUntil<S, T> receive_until(time_ns deadline_ns) {
    static_assert(std::is_same_v<T, Message> || std::is_constructible_v<Message, T>,
                  "receive_until<T>: T is the protocol's Message or one of its alternatives");
    return ReceiveUntil<S, T>(runtime_, deadline_ns);
  }

 private:
  Runtime<S>* runtime_;
};

// One node's coroutines: the scheduler, the inbox of messages nobody waits for yet, and the
// queue of waiting receives.
template <class S>
class Runtime final : public Scheduler {
 public:
  using P = Protocol<S>;
  using Message = typename S::Message;
  using Ctx = Context<P>;
  using Envelope = detail::Envelope<S>;
  using Wait = detail::ReceiveWait<S>;
  // Messages kept for receives that have not been asked yet: a node that never receives some
  // type fails loudly here instead of growing without bound.
  static constexpr std::size_t inbox_max = 1u << 16;

  explicit Runtime(NodeId self) : Scheduler(self), env_(*this) {}
  ~Runtime() override { tear_down(); }  // frames first: they point into the inbox and the env

  template <class U>
  void start(Ctx& ctx, U& actor) {
    const Handling handling(*this, ctx);
    task<> main = actor.main(env_);
    main.detach();
    drain();
  }
  void deliver(Ctx& ctx, NodeId from, const Message& message) { deliver(ctx, from, Message(message)); }
  // The engine hands over the message it no longer needs: it moves into the waiting receive (or
  // the inbox) without a copy.
  void deliver(Ctx& ctx, NodeId from, Message&& message) {
    const Handling handling(*this, ctx);
    offer(from, std::move(message), false);
    drain();
  }
  void wake(Ctx& ctx, const Wake& wake) {
    const Handling handling(*this, ctx);
    fire(wake);
    drain();
  }

  Ctx& ctx() const {
    CORRIDOR_ASSERT_MSG(ctx_ != nullptr, "a coroutine acts only while its node handles an event");
    return *ctx_;
  }
  // The node's clock cannot move while it handles one event, so the first reading of a step
  // serves the rest of it (a replica asks for it several times per message).
  time_ns monotonic_ns() const override {
    if (!monotonic_read_) {
      monotonic_ns_ = ctx().monotonic();
      monotonic_read_ = true;
    }
    return monotonic_ns_;
  }
  std::size_t inbox_size() const { return inbox_.size(); }

  // A message the inbox may hand to `wait` at once (the oldest it accepts).
  bool take_from_inbox(Wait& wait) {
    for (std::size_t i = 0; i < inbox_.size(); ++i) {
      if (!wait.accepts_(inbox_[i].message)) continue;
      wait.got_.emplace(std::move(inbox_[i]));
      inbox_.erase(inbox_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
    return false;
  }
  void link(Wait* wait) {
    wait->prev_ = tail_;
    wait->next_ = nullptr;
    (tail_ ? tail_->next_ : head_) = wait;
    tail_ = wait;
    wait->linked_ = true;
  }
  void unlink(Wait* wait) {
    (wait->prev_ ? wait->prev_->next_ : head_) = wait->next_;
    (wait->next_ ? wait->next_->prev_ : tail_) = wait->prev_;
    wait->prev_ = wait->next_ = nullptr;
    wait->linked_ = false;
  }
  // A message a cancelled receive held but never returned goes back, ahead of newer ones.
  void put_back(Envelope envelope) {
    if (tearing_down()) return;
    offer(envelope.from, std::move(envelope.message), true);
  }

 protected:
  std::uint64_t set_engine_timer(const Wake& wake, time_ns delay_ns) override { return ctx().set_timer(wake, delay_ns); }
  void cancel_engine_timer(std::uint64_t timer_id) override { ctx().cancel_timer(timer_id); }
  bool in_handler() const override { return ctx_ != nullptr; }

 private:
  class Handling {
   public:
    Handling(Runtime& runtime, Ctx& ctx) : runtime_(runtime), current_(&runtime) {
      CORRIDOR_ASSERT(runtime.ctx_ == nullptr);
      runtime.ctx_ = &ctx;
      runtime.monotonic_read_ = false;
    }
    Handling(const Handling&) = delete;
    Handling& operator=(const Handling&) = delete;
    ~Handling() { runtime_.ctx_ = nullptr; }

   private:
    Runtime& runtime_;
    CurrentScheduler current_;
  };

  // To the first waiting receive that takes it, else into the inbox. The envelope is built where
  // it stays (the receive's slot or the inbox), so a delivery moves the message once on its way
  // in, not twice.
  void offer(NodeId from, Message&& message, bool to_front) {
    for (Wait* wait = head_; wait != nullptr; wait = wait->next_) {
      if (!wait->accepts_(message)) continue;
      unlink(wait);
      wait->got_.emplace(from, std::move(message));
      wait->wake();
      return;
    }
    if (inbox_.size() >= inbox_max) {
      throw std::length_error(fmt::format("node {} holds more than {} messages no coroutine receives", node(), inbox_max));
    }
    if (to_front) inbox_.emplace(inbox_.begin(), from, std::move(message));
    else inbox_.emplace_back(from, std::move(message));
  }

  Env<S> env_;
  Ctx* ctx_ = nullptr;
  mutable time_ns monotonic_ns_ = 0;  // this step's reading of the node's clock, once asked
  mutable bool monotonic_read_ = false;
  std::vector<Envelope> inbox_;
  Wait* head_ = nullptr;
  Wait* tail_ = nullptr;
};

// Defined inside the namespace: clang's -Wdtor-name rejects `detail::ReceiveWait<S>::~ReceiveWait`.
namespace detail {
template <class S>
ReceiveWait<S>::~ReceiveWait() {
  if (linked_) runtime_->unlink(this);
  if (got_) runtime_->put_back(std::move(*got_));  // cancelled after it took a message: nothing is lost
}
}  // namespace detail

template <class S, class T>
bool Receive<S, T>::await_ready() {
  return this->runtime_->take_from_inbox(*this);
}
template <class S, class T>
void Receive<S, T>::await_suspend(std::coroutine_handle<> awaiting) {
  this->park(awaiting);
  this->runtime_->link(this);
}

template <class S, class T>
bool ReceiveUntil<S, T>::await_ready() {
  return this->runtime_->take_from_inbox(*this);
}
template <class S, class T>
void ReceiveUntil<S, T>::await_suspend(std::coroutine_handle<> awaiting) {
  this->park(awaiting);
  this->runtime_->link(this);
  timer_.park(awaiting);
  timer_.on_fire(&ReceiveUntil::timed_out, this);
  timer_.arm(std::max<time_ns>(deadline_ns_ - co::now(), 0));  // as co::at: a deadline already past fires at once
}
// The timer fired: the receive leaves the queue before the coroutine is queued, so no message can
// wake it a second time. (It is already out of the queue, holding a message, only when a step
// failed after the message woke it and before it ran: then it resumes with that message.)
template <class S, class T>
void ReceiveUntil<S, T>::timed_out(void* self) {
  auto* wait = static_cast<ReceiveUntil*>(self);
  CORRIDOR_ASSERT_MSG(wait->linked_ != wait->got_.has_value(), "a waiting receive is queued or holds its message");
  if (wait->linked_) wait->runtime_->unlink(wait);
}
template <class S, class T>
std::optional<Received<T>> ReceiveUntil<S, T>::await_resume() {
  if (!this->got_) {
    CORRIDOR_ASSERT_MSG(!this->linked_ && !timer_.armed(), "a receive resumed without a message timed out");
    return std::nullopt;
  }
  timer_.disarm();  // the message won: its timer (if it has not fired) goes before the coroutine acts
  CORRIDOR_ASSERT(!this->linked_);
  detail::Envelope<S>& envelope = *this->got_;
  std::optional<Received<T>> received;
  if constexpr (std::is_same_v<T, typename S::Message>) received.emplace(Received<T>{envelope.from, std::move(envelope.message)});
  else received.emplace(Received<T>{envelope.from, std::get<T>(std::move(envelope.message))});
  this->got_.reset();
  return received;
}

template <class S>
typename Env<S>::Ctx& Env<S>::ctx() const {
  return runtime_->ctx();
}

// The engine's node (or client) for the coroutine actor U of bundle S: U's fields are the state
// traces show and fingerprints hash (reflected()); its frames live in the runtime. Copying is
// allowed only while no frame exists, since frames cannot be copied: exhaustive (stateful)
// search cannot branch a coroutine world, and says so; `explore --stateless` replays instead.
template <class S, class U>
struct Actor {
  using Message = typename S::Message;
  using Ctx = Context<Protocol<S>>;

  U user{};
  std::unique_ptr<Runtime<S>> runtime;

  Actor() = default;
  Actor(const Actor& other) : user(other.user) { require_frameless(other); }
  Actor& operator=(const Actor& other) {
    if (this == &other) return *this;
    require_frameless(other);
    runtime.reset();  // this node's frames go before the state they point into
    user = other.user;
    return *this;
  }
  ~Actor() { runtime.reset(); }

  const U& reflected() const { return user; }
  const Runtime<S>* coroutines() const { return runtime.get(); }

  void on_start(Ctx& ctx) {
    runtime = std::make_unique<Runtime<S>>(ctx.self());
    runtime->start(ctx, user);
  }
  void on_message(Ctx& ctx, NodeId from, const Message& message) {
    CORRIDOR_ASSERT_MSG(runtime != nullptr, "a running coroutine node has started");
    runtime->deliver(ctx, from, message);
  }
  void on_message(Ctx& ctx, NodeId from, Message&& message) {
    CORRIDOR_ASSERT_MSG(runtime != nullptr, "a running coroutine node has started");
    runtime->deliver(ctx, from, std::move(message));
  }
  void on_timer(Ctx& ctx, const Wake& wake) {
    CORRIDOR_ASSERT_MSG(runtime != nullptr, "a running coroutine node has started");
    runtime->wake(ctx, wake);
  }

 private:
  static void require_frameless(const Actor& other) {
    CORRIDOR_ASSERT_MSG(other.runtime == nullptr || other.runtime->idle(),
                        "a coroutine node cannot be copied while its coroutines run (stateful exhaustive search "
                        "copies worlds: use `corridor explore --stateless`)");
  }
};

namespace detail {
template <class S> struct ClientsOf {};
template <class S>
  requires requires { typename S::Client; }
struct ClientsOf<S> {
  using Client = Actor<S, typename S::Client>;
};
}  // namespace detail

template <class S>
struct Protocol : detail::ClientsOf<S> {
  using Spec = S;
  using Message = typename S::Message;
  using Timer = Wake;
  using Variant = variant_t<S>;
  using Durable = durable_t<S>;
  using Node = Actor<S, typename S::Node>;
  // Frames cannot be copied: exhaustive search of this protocol is the stateless one.
  static constexpr bool stateless_only = true;
};

}  // namespace corridor::co
