#include "model/prng.hpp"

#include <cmath>

namespace corridor {

double exponential_from_draw(std::uint64_t bits, double mean) {
  const double u = unit_interval(bits);  // in [0, 1), so 1 - u is in (0, 1]
  return -std::log1p(-u) * mean;
}

double normal_from_draw(std::uint64_t bits, double mean, double stddev) {
  const double u1 = (static_cast<double>(bits >> 32) + 1.0) * 0x1.0p-32;  // (0, 1]
  const double u2 = static_cast<double>(bits & 0xFFFFFFFFULL) * 0x1.0p-32;  // [0, 1)
  const double radius = std::sqrt(-2.0 * std::log(u1));
  return mean + stddev * radius * std::cos(6.283185307179586 * u2);
}

}  // namespace corridor
