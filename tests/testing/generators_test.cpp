// The scenario generators shrink toward the simplest scenario, field by field.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/shrinkable/Operations.h>

#include "testing/generators.hpp"

using namespace corridor;

// A drift change shrinks toward no drift at all (0 ppm), not toward the fastest clock allowed.
TEST(Generators, ADriftChangeShrinksTowardNoDrift) {
  const rc::Gen<FaultEvent> gen = property::gen::fault(3, seconds(1), {FaultKind::drift});
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const rc::Shrinkable<FaultEvent> generated = gen(rc::Random(seed), rc::kNominalSize);
    ASSERT_EQ(generated.value().kind, FaultKind::drift);
    EXPECT_GE(generated.value().drift_ppm, -50'000);
    EXPECT_LE(generated.value().drift_ppm, 50'000);
    // Every shrink is accepted: where shrinking ends is the generator's simplest value.
    const auto minimal = rc::shrinkable::findLocalMin(generated, [](const FaultEvent&) { return true; });
    EXPECT_EQ(minimal.first.drift_ppm, 0) << "seed " << seed << ", generated " << generated.value().drift_ppm << " ppm";
  }
}
