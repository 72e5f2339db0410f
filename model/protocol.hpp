#pragma once
// What a protocol is, checked once where it is registered (Engine, SimulationSpec, SimulationOf):
// a missing handler or a wrong signature gives one static_assert naming the handler and the
// signature expected, instead of an error deep inside the engine.
//
// A protocol is a bundle type P:
//
//   struct MyProtocol {
//     enum class Variant { correct, some_bug };   // optional: the correct variant first
//     struct Ping {...}; struct Pong {...};
//     using Message = std::variant<Ping, Pong>;   // aggregates, compared/hashed/printed through PFR
//     struct Tick {...}; struct Retry {...};
//     using Timer = std::variant<Tick, Retry>;    // optional: an enum, or a variant of aggregates
//     struct Durable {...};                       // optional: kept across crash-restart
//     using Ctx = corridor::Context<MyProtocol>;
//     struct Node {...data and handlers...};      // the server; its data members are volatile state
//     struct Client {...data and handlers...};    // optional: simulated clients that record history
//   };
//
// Handlers of Node (and of Client, when there is one):
//   void on_start(Ctx& ctx);
//   void on_message(Ctx& ctx, NodeId from, const Message& m);
//   void on_timer(Ctx& ctx, const Timer& t);    required when the bundle declares a Timer
//   void on_recover(Ctx& ctx);                  optional: a crash-restart calls on_start without it
#include <concepts>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "model/event.hpp"
#include "model/reflect.hpp"

namespace corridor {

struct NoDurable {
  friend bool operator==(const NoDurable&, const NoDurable&) = default;
};
struct NoClient {};
struct NoTimer {};
// The variant of a protocol that declares none.
enum class OnlyVariant : std::uint32_t { correct };

template <class P> struct durable_of { using type = NoDurable; };
template <class P> requires requires { typename P::Durable; } struct durable_of<P> { using type = typename P::Durable; };
template <class P> struct client_of { using type = NoClient; };
template <class P> requires requires { typename P::Client; } struct client_of<P> { using type = typename P::Client; };
template <class P> struct timer_of { using type = NoTimer; };
template <class P> requires requires { typename P::Timer; } struct timer_of<P> { using type = typename P::Timer; };
template <class P> struct variant_of { using type = OnlyVariant; };
template <class P> requires requires { typename P::Variant; } struct variant_of<P> { using type = typename P::Variant; };

template <class P> using durable_t = typename durable_of<P>::type;
template <class P> using client_t = typename client_of<P>::type;
template <class P> using timer_t = typename timer_of<P>::type;
template <class P> using variant_t = typename variant_of<P>::type;
template <class P> inline constexpr bool has_timers = !std::is_same_v<timer_t<P>, NoTimer>;

template <class P> class Context;

namespace protocol_detail {

template <class P>
concept has_message = requires { typename P::Message; } && is_std_variant<typename P::Message>::value;
template <class P>
concept has_node = requires { typename P::Node; } && std::is_default_constructible_v<typename P::Node> &&
                   std::is_copy_constructible_v<typename P::Node>;
template <class T>
concept timer_value = std::is_enum_v<T> || is_std_variant<T>::value || std::is_aggregate_v<T>;
template <class P>
concept good_timer = !requires { typename P::Timer; } || timer_value<typename P::Timer>;
template <class P>
concept good_variant = !requires { typename P::Variant; } ||
                       (std::is_enum_v<typename P::Variant> && static_cast<int>(P::Variant::correct) == 0);

template <class P, class A>
concept on_start = requires(A& a, Context<P>& ctx) { a.on_start(ctx); };
template <class P, class A>
concept on_message = requires(A& a, Context<P>& ctx, NodeId from, const typename P::Message& m) { a.on_message(ctx, from, m); };
template <class P, class A>
concept on_timer = !has_timers<P> || requires(A& a, Context<P>& ctx, const timer_t<P>& t) { a.on_timer(ctx, t); };
template <class P, class A>
concept declares_on_recover = requires { &A::on_recover; };
template <class P, class A>
concept on_recover = !declares_on_recover<P, A> || requires(A& a, Context<P>& ctx) { a.on_recover(ctx); };

template <class P, class A>
concept actor = on_start<P, A> && on_message<P, A> && on_timer<P, A> && on_recover<P, A>;

// One actor type's handlers, first failure only.
template <class P, class A>
constexpr bool check_actor() {
  if constexpr (!on_start<P, A>) {
    static_assert(on_start<P, A>, "corridor: a protocol's Node and Client need `void on_start(Ctx& ctx)` "
                                  "(Ctx is corridor::Context<P>); it is missing or has another signature");
  } else if constexpr (!on_message<P, A>) {
    static_assert(on_message<P, A>, "corridor: a protocol's Node and Client need "
                                    "`void on_message(Ctx& ctx, NodeId from, const Message& m)`; it is missing or "
                                    "has another signature");
  } else if constexpr (!on_timer<P, A>) {
    static_assert(on_timer<P, A>, "corridor: a protocol that declares `using Timer` needs, in Node and Client, "
                                  "`void on_timer(Ctx& ctx, const Timer& t)`; it is missing or has another "
                                  "signature");
  } else if constexpr (!on_recover<P, A>) {
    static_assert(on_recover<P, A>, "corridor: on_recover is optional (without it a restart calls on_start), but "
                                    "when declared it must be `void on_recover(Ctx& ctx)`");
  }
  return actor<P, A>;
}

}  // namespace protocol_detail

template <class P>
concept Protocol = protocol_detail::has_message<P> && protocol_detail::has_node<P> && protocol_detail::good_timer<P> &&
                   protocol_detail::good_variant<P> && protocol_detail::actor<P, typename P::Node> &&
                   (std::is_same_v<client_t<P>, NoClient> || protocol_detail::actor<P, client_t<P>>);

// Checks P with one readable message for the first thing wrong; true when P is a Protocol.
// Use as `static_assert(check_protocol<P>())`.
template <class P>
constexpr bool check_protocol() {
  using namespace protocol_detail;
  if constexpr (!has_message<P>) {
    static_assert(has_message<P>, "corridor: a protocol bundle needs `using Message = std::variant<...>;` "
                                  "(the aggregates its actors send)");
  } else if constexpr (!has_node<P>) {
    static_assert(has_node<P>, "corridor: a protocol bundle needs `struct Node` (default-constructible and "
                               "copyable: its data members are the node's volatile state)");
  } else if constexpr (!good_timer<P>) {
    static_assert(good_timer<P>, "corridor: `using Timer` must name an enum or a std::variant of aggregates");
  } else if constexpr (!good_variant<P>) {
    static_assert(good_variant<P>, "corridor: `Variant` must be an enum whose first enumerator is `correct`");
  } else if constexpr (!check_actor<P, typename P::Node>()) {
    // check_actor named what is wrong.
  } else if constexpr (!std::is_same_v<client_t<P>, NoClient>) {
    check_actor<P, client_t<P>>();
  }
  return true;  // a failure above already stopped the build, with its one message
}

}  // namespace corridor
