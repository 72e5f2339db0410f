#include "model/swarm.hpp"

#include <string>

#include <fmt/format.h>

#include "model/assert.hpp"
#include "model/prng.hpp"
#include "model/units.hpp"

namespace corridor {
namespace {

// The swarm's own stream: its draws must not be the run's (which come from the seed itself).
constexpr std::uint64_t swarm_stream = 0x5357'4152'4D00'0001ULL;  // "SWARM", 1

class SwarmDraws {
 public:
  explicit SwarmDraws(std::uint64_t seed) : rng_(derive_seed(seed, swarm_stream)) {}

  bool on() { return (rng_.next() >> 63) != 0; }  // probability 1/2
  // Uniform in [1, ceiling], ceiling >= 1.
  std::uint32_t count(std::uint32_t ceiling) {
    CORRIDOR_ASSERT(ceiling >= 1);
    return 1 + static_cast<std::uint32_t>(uniform_below([this] { return rng_.next(); }, ceiling));
  }
  // A quarter, a half, three quarters or all of `ceiling`.
  double share(double ceiling) { return ceiling * static_cast<double>(count(4)) / 4.0; }
  std::int64_t share(std::int64_t ceiling) { return ceiling * static_cast<std::int64_t>(count(4)) / 4; }

  // A count fault kind: off, or uniform in [1, ceiling] (0 stays 0).
  std::uint32_t maybe_count(std::uint32_t ceiling) { return ceiling > 0 && on() ? count(ceiling) : 0; }
  double maybe_share(double ceiling) { return ceiling > 0 && on() ? share(ceiling) : 0.0; }
  std::int64_t maybe_share(std::int64_t ceiling) { return ceiling != 0 && on() ? share(ceiling) : 0; }

 private:
  Xoshiro256 rng_;
};

DelaySpec swarm_delay(const DelaySpec& base, SwarmDraws& draws) {
  DelaySpec d = base;
  switch (base.kind) {
    case DelaySpec::Kind::constant:
      break;
    case DelaySpec::Kind::uniform:
      d.b_ns = base.a_ns + draws.share(base.b_ns - base.a_ns);
      break;
    case DelaySpec::Kind::exponential:
    case DelaySpec::Kind::normal:
      d.b_ns = draws.share(base.b_ns);
      break;
  }
  CORRIDOR_ASSERT(d.kind != DelaySpec::Kind::uniform || d.b_ns >= d.a_ns);
  return d;
}

}  // namespace

std::string fault_spec_text(const FaultSpec& f, const LinkSpec& link) {
  std::string text;
  const auto item = [&text](const std::string& one) { text += (text.empty() ? "" : ",") + one; };
  const std::pair<const char*, std::uint32_t> counts[] = {{"crash", f.crash},         {"crash-stop", f.crash_stop},
                                                           {"partition", f.partition}, {"pause", f.pause},
                                                           {"loss-burst", f.loss_burst}};
  for (const auto& [name, n] : counts) {
    if (n > 0) item(fmt::format("{}={}", name, n));
  }
  if (link.loss > 0) item(fmt::format("loss={}", link.loss));
  if (link.dup > 0) item(fmt::format("dup={}", link.dup));
  item("delay=" + link.delay.text());
  if (link.fifo) item("fifo");
  if (link.capacity > 0) item(fmt::format("capacity={}", link.capacity));
  return text;
}

std::string clock_spec_text(const ClockSpec& c) {
  std::string text;
  const auto item = [&text](const std::string& one) { text += (text.empty() ? "" : ",") + one; };
  if (c.drift_ppm > 0) item(fmt::format("drift={}ppm", c.drift_ppm));
  if (c.skew_ns > 0) item("skew=" + format_duration(c.skew_ns));
  if (c.jumps > 0) item(fmt::format("jump={},jumps={}", format_duration(c.jump_ns), c.jumps));
  if (c.drift_changes > 0) item(fmt::format("drift-changes={}", c.drift_changes));
  return text;
}

SimConfig swarm_config(const SimConfig& base, std::uint64_t seed) {
  SwarmDraws draws(seed);
  SimConfig run = base;
  // One draw after another in a fixed order, so that the mix is a function of the seed alone.
  run.faults.crash = draws.maybe_count(base.faults.crash);
  run.faults.crash_stop = draws.maybe_count(base.faults.crash_stop);
  run.faults.partition = draws.maybe_count(base.faults.partition);
  run.faults.pause = draws.maybe_count(base.faults.pause);
  run.faults.loss_burst = draws.maybe_count(base.faults.loss_burst);
  run.link.loss = draws.maybe_share(base.link.loss);
  run.link.dup = draws.maybe_share(base.link.dup);
  run.link.delay = swarm_delay(base.link.delay, draws);
  run.clock.drift_ppm = draws.maybe_share(base.clock.drift_ppm);
  run.clock.skew_ns = draws.maybe_share(base.clock.skew_ns);
  run.clock.jumps = draws.maybe_count(base.clock.jumps);
  run.clock.jump_ns = run.clock.jumps > 0 ? draws.share(base.clock.jump_ns) : 0;
  run.clock.drift_changes = draws.maybe_count(base.clock.drift_changes);
  run.faults_text = fault_spec_text(run.faults, run.link);
  run.clock_text = clock_spec_text(run.clock);
  CORRIDOR_ASSERT(run.faults.crash <= base.faults.crash && run.faults.partition <= base.faults.partition);
  CORRIDOR_ASSERT(run.link.loss <= base.link.loss && run.link.dup <= base.link.dup);
  return run;
}

}  // namespace corridor
