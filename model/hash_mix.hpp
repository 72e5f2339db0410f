#pragma once
// splitmix64's finaliser: a cheap bijective mix, so that integer keys and states hash well
// (lincheck's tables, two-phase-commit's fingerprints: one mixer for every such use).
#include <cstdint>

namespace corridor {

inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace corridor
