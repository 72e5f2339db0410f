// A token ring written outside corridor, checked two ways: a property suite (one GoogleTest test,
// N seeds from CORRIDOR_SEEDS, a shrunk trace and a replay line on failure) and a RapidCheck
// property over generated cluster sizes and fault plans (RapidCheck shrinks the scenario and
// prints a reproduce token). TOKEN_RING_VARIANT=buggy runs the planted bug: a node sometimes keeps
// a copy of the token it passes on.
#include <cstdlib>
#include <cstring>
#include <variant>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "testing/generators.hpp"
#include "testing/property_suite.hpp"
#include "token_ring.hpp"

namespace {

using namespace corridor;
using ring::make_token_ring;
using ring::TokenRing;

bool buggy() {
  const char* v = std::getenv("TOKEN_RING_VARIANT");
  return v && std::strcmp(v, "buggy") == 0;
}

SimConfig ring_config() {
  SimConfig config;
  config.nodes = 4;
  config.variant = static_cast<std::uint32_t>(buggy() ? TokenRing::Variant::buggy : TokenRing::Variant::correct);
  config.time_limit_ns = ms(200);
  apply_fault_spec("pause=2,partition=1,delay=uniform:1ms:5ms", config);
  return config;
}

}  // namespace

TEST(TokenRing, OneTokenForEverySeed) {
  const corridor::property::Suite suite{.protocol = "my-token-ring",
                                        .variant = buggy() ? "buggy" : "correct",
                                        .make = make_token_ring,
                                        .config = ring_config(),
                                        .seeds = 200,
                                        .tool = "ring"};
  EXPECT_TRUE(corridor::property::holds(suite));
}

RC_GTEST_PROP(TokenRing, OneTokenUnderGeneratedFaults, ()) {
  const corridor::property::Scenario s = *corridor::property::gen::scenario(
      {.nodes_min = 2, .nodes_max = 6, .horizon_ns = corridor::ms(150), .faults_max = 3,
       .kinds = {corridor::FaultKind::pause, corridor::FaultKind::partition}});
  auto sim = make_token_ring();
  const corridor::RunOutcome out = corridor::property::run_scenario(*sim, ring_config(), s);
  RC_ASSERT(out.verdict == corridor::Verdict::pass);
}
