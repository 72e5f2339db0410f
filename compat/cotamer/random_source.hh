#pragma once
// random_source.hh for course code, on corridor (compat/cotamer). Every draw goes through the
// run's chooser, so it is in the choice log: a run replays and shrinks with its draws, and the
// seed the course passed to seed() is corridor's run seed instead (seed() is accepted and
// ignored). The distributions are our own arithmetic, not <random>'s, whose results differ
// between standard libraries. Outside a run (while corridor first builds a program to learn its
// node names) draws come from a fixed generator of its own.
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <type_traits>

#include "cotamer/host.hh"
#include "model/prng.hpp"

class random_source {
 public:
  random_source() = default;
  explicit random_source(std::uint64_t) {}
  random_source(const random_source&) = delete;
  random_source& operator=(const random_source&) = delete;

  // Corridor seeds every run itself (and replays without a seed): nothing to do.
  void seed(std::uint64_t) {}

  // Uniform in [0, bound), bound >= 1: the one primitive every distribution below uses.
  std::uint64_t below(std::uint64_t bound) {
    CORRIDOR_ASSERT_MSG(bound >= 1, "random_source draws below a bound of at least 1");
    if (corridor::Chooser* chooser = run_chooser()) return chooser->below(corridor::ChoiceKind::random, bound);
    return corridor::uniform_below([this] { return probe_.next(); }, bound);
  }

  bool coin_flip() { return below(2) == 1; }
  bool coin_flip(double probability_of_true) {
    if (probability_of_true <= 0.0) return false;  // no draw: a zero probability costs no choice
    if (probability_of_true >= 1.0) return true;
    return unit() < probability_of_true;
  }

  template <class U>
  U uniform(std::initializer_list<U> list) {
    CORRIDOR_ASSERT_MSG(list.size() > 0, "random_source::uniform picks from a non-empty list");
    return list.begin()[below(list.size())];
  }
  // Uniform in [min, max], both included.
  template <std::integral I>
  I uniform(I min, I max) {
    CORRIDOR_ASSERT_MSG(min <= max, "random_source::uniform(min, max) has min <= max");
    const auto span = static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(min);
    if (span == std::numeric_limits<std::uint64_t>::max()) return static_cast<I>(static_cast<std::uint64_t>(min) + raw());
    return static_cast<I>(static_cast<std::uint64_t>(min) + below(span + 1));
  }
  // Uniform in [min, max).
  template <std::floating_point F>
  F uniform(F min, F max) {
    return min + static_cast<F>(unit()) * (max - min);
  }
  // A duration uniform in [min, max], in the finer of the two units.
  template <class R1, class P1, class R2, class P2>
  std::common_type_t<std::chrono::duration<R1, P1>, std::chrono::duration<R2, P2>> uniform(std::chrono::duration<R1, P1> min,
                                                                                          std::chrono::duration<R2, P2> max) {
    using D = std::common_type_t<std::chrono::duration<R1, P1>, std::chrono::duration<R2, P2>>;
    return D(uniform<typename D::rep>(D(min).count(), D(max).count()));
  }

  // Exponential with the given mean (network delays with a long tail).
  template <std::floating_point F>
  F exponential(F mean) {
    return static_cast<F>(-static_cast<double>(mean) * std::log1p(-unit()));
  }
  template <class R, class P>
  std::chrono::duration<R, P> exponential(std::chrono::duration<R, P> mean) {
    return std::chrono::duration<R, P>(static_cast<R>(exponential(static_cast<double>(mean.count()))));
  }
  // Normal (Box-Muller); the duration form clamps negative draws to zero.
  template <std::floating_point F>
  F normal(F mean, F stddev) {
    const double u1 = 1.0 - unit();  // (0, 1]: log is finite
    const double u2 = unit();
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2);
    return static_cast<F>(static_cast<double>(mean) + z * static_cast<double>(stddev));
  }
  template <class R, class P>
  std::chrono::duration<R, P> normal(std::chrono::duration<R, P> mean, std::chrono::duration<R, P> stddev) {
    const double v = normal(static_cast<double>(mean.count()), static_cast<double>(stddev.count()));
    return std::chrono::duration<R, P>(static_cast<R>(v < 0.0 ? 0.0 : v));
  }

 private:
  static corridor::Chooser* run_chooser() {
    corridor::cotamer_compat::World* world = corridor::cotamer_compat::current_world();
    return world ? world->chooser() : nullptr;
  }
  // [0, 1) in steps of 2^-53: one draw.
  double unit() { return static_cast<double>(below(std::uint64_t{1} << 53)) * 0x1.0p-53; }
  std::uint64_t raw() { return (below(std::uint64_t{1} << 32) << 32) | below(std::uint64_t{1} << 32); }

  corridor::Xoshiro256 probe_{0x636f74616d6572};
};
