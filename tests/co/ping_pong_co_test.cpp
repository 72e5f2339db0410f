// Ping-pong written both ways (protocols/ping_pong as handlers, protocols/co_ping_pong as
// coroutines) gives the same event stream, line for line, and the same trace digest, under the
// same seed and faults: the coroutine layer adds no event and reorders none.
#include <cstdint>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "explorers/random_explorer.hpp"
#include "model/prng.hpp"
#include "protocols/registry.hpp"
#include "traces/trace.hpp"

using namespace corridor;

namespace {

struct Stream {
  std::vector<std::string> lines;
  std::string digest;
  std::uint64_t steps = 0;
};

Stream stream_of(std::string_view protocol, const std::string& faults, time_ns limit_ns, std::uint64_t seed) {
  const ProtocolEntry* entry = find_protocol(protocol);
  if (entry == nullptr) throw std::runtime_error("protocol not registered");
  SimConfig config = entry->default_config(0);
  apply_fault_spec(faults, config);
  config.time_limit_ns = limit_ns;
  auto sim = entry->make();
  RunOptions options;
  options.record = true;
  const RunOutcome out = run_once(*sim, config, seed, options);
  Stream s;
  s.lines = event_lines(sim->records(), sim->history());
  s.digest = digest_of_lines(s.lines);
  s.steps = out.steps;
  return s;
}

TEST(CoPingPong, SameEventStreamAndDigestAsTheHandlerVersion) {
  // Duplication multiplies the balls in play, so that model runs for a short time only.
  const std::pair<std::string, time_ns> fault_models[] = {{"delay=const:1ms", seconds(1)},
                                                           {"delay=uniform:1ms:5ms,loss=0.002", seconds(1)},
                                                           {"delay=exp:1ms:3ms,crash=1", seconds(1)},
                                                           {"delay=uniform:1ms:3ms,dup=0.05", ms(60)}};
  std::uint64_t total_steps = 0;
  for (const auto& [faults, limit_ns] : fault_models) {
    for (std::uint64_t i = 0; i < 20; ++i) {
      const std::uint64_t seed = derive_seed(0xC0, i);
      const Stream handlers = stream_of("ping-pong", faults, limit_ns, seed);
      const Stream coroutines = stream_of("co-ping-pong", faults, limit_ns, seed);
      total_steps += handlers.steps;
      ASSERT_EQ(handlers.lines.size(), coroutines.lines.size()) << faults << " seed " << seed;
      for (std::size_t k = 0; k < handlers.lines.size(); ++k) {
        ASSERT_EQ(handlers.lines[k], coroutines.lines[k]) << faults << " seed " << seed << " line " << k;
      }
      EXPECT_EQ(handlers.digest, coroutines.digest);
    }
  }
  EXPECT_GT(total_steps, 20'000u);  // the streams compared are long ones, not a handful of events
}

}  // namespace
