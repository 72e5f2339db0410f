#pragma once
// Our own PRNG and distributions. The standard library's distributions differ between
// implementations, so none of them may decide anything in a run (the determinism contract).
#include <array>
#include <cstdint>

#include "model/assert.hpp"
#include "model/time.hpp"

namespace corridor {

// splitmix64: seeds xoshiro and derives run seeds from a master seed.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The seed of run `index` of a campaign whose master seed is `master`.
constexpr std::uint64_t derive_seed(std::uint64_t master, std::uint64_t index) {
  std::uint64_t state = master ^ (index * 0xD1B54A32D192ED03ULL);
  splitmix64(state);
  return splitmix64(state);
}

// xoshiro256** (Blackman and Vigna): fast, 256-bit state, good statistical quality.
class Xoshiro256 {
 public:
  explicit constexpr Xoshiro256(std::uint64_t seed = 0) { reseed(seed); }

  constexpr void reseed(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : state_) word = splitmix64(sm);
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

// Uniform integer in [0, bound) by Lemire's multiply-shift with rejection: unbiased and exact.
template <class Next>
std::uint64_t uniform_below(Next&& next, std::uint64_t bound) {
  CORRIDOR_ASSERT(bound > 0);
  uint128 m = static_cast<uint128>(next()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<uint128>(next()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

// A double in [0, 1) from the top 53 bits of one draw.
constexpr double unit_interval(std::uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// Distributions over one raw 64-bit draw each (so one draw is one logged choice).
// exponential and normal use log/sqrt/cos, which IEEE-754 glibc computes the same on every
// x86-64 and arm64 build; golden values in tests/model hold us to it.
double exponential_from_draw(std::uint64_t bits, double mean);
// Box-Muller on the two 32-bit halves of one draw.
double normal_from_draw(std::uint64_t bits, double mean, double stddev);

}  // namespace corridor
