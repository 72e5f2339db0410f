// How much work a long test does, by the build it runs in. The sanitizer builds (ASan + UBSan at
// -O0, scripts/test.sh) ran these tests 23-58x slower than the optimised build: the four longest
// took 1,106 s of the sanitizer test phase's 983 s of wall time at two jobs (bench/RESULTS.md,
// "CI time"), more than the whole optimised test phase. Under a sanitizer, a test that sweeps many seeds of a correct variant or
// searches deep sweeps a fifth of the seeds and searches two levels less; what it checks is the
// same. Tests that must find a planted bug within a stated number of seeds keep that number: a
// smaller budget would change what they claim.
#pragma once

#include <algorithm>
#include <cstdint>

namespace corridor::test_support {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif

inline constexpr std::uint64_t sanitized_seed_divisor = 5;
inline constexpr std::uint32_t sanitized_depth_cut = 2;

// Seeds for a sweep that must pass: `seeds` in an optimised build, a fifth (at least 1) under a sanitizer.
constexpr std::uint64_t passing_seeds(std::uint64_t seeds) {
  return sanitized_build ? std::max<std::uint64_t>(seeds / sanitized_seed_divisor, 1) : seeds;
}

// A search depth that must hold: `depth` in an optimised build, two less (at least 1) under a sanitizer.
constexpr std::uint32_t holding_depth(std::uint32_t depth) {
  return sanitized_build ? std::max<std::uint32_t>(depth, sanitized_depth_cut + 1) - sanitized_depth_cut : depth;
}

static_assert(passing_seeds(1000) >= 1 && passing_seeds(1) == 1);
static_assert(holding_depth(1) >= 1 && holding_depth(10) <= 10);

}  // namespace corridor::test_support
