#pragma once
// Swarm testing (Groce, Zhang, Eide, Chen and Regehr, ISSTA 2012): instead of every run facing
// every fault the spec allows, each run draws which kinds of fault are on at all, and how much of
// each, from its own seed. A bug that a crash hides (a partition that needs the node the crash
// took) or that needs a quiet network but one long pause is found in the runs whose mix leaves the
// masking fault out; a campaign of such runs covers mixes no single spec gives.
//
// The draw is within the given spec, as its ceiling: each fault kind (crash, crash-stop, partition,
// pause, loss-burst, loss, dup, and the clock's drift, skew, jumps and drift changes) is on with
// probability 1/2; when on, a count is uniform in [1, the spec's count] and a rate or a size is a
// quarter, a half, three quarters or all of the spec's. The delay distribution keeps its kind with
// its spread (uniform's upper end, exponential's mean, normal's deviation) drawn the same way;
// FIFO order and link capacity are assumptions of the protocol, not faults, and stay as given,
// as do the per-link overrides.
//
// The result is an ordinary configuration whose faults_text and clock_text say what was drawn:
// a run under it is an ordinary timed run, its trace header records the mix, and `--seed S
// --faults F --clock C` (the rerun line) runs it again without the swarm.
#include <cstdint>

#include "model/sim_config.hpp"

namespace corridor {

// Run `seed`'s configuration under swarm testing within `base` (see above). A pure function of
// base and seed; its draws come from their own stream, so the run's draws are those of `seed`.
SimConfig swarm_config(const SimConfig& base, std::uint64_t seed);

// The --faults text that gives `config`'s faults and default link when applied to a
// configuration with none ("crash=1,loss=0.02,delay=uniform:1ms:10ms,fifo"), and the --clock
// text that gives its clock model ("none" and "" where there is nothing).
std::string fault_spec_text(const FaultSpec& faults, const LinkSpec& link);
std::string clock_spec_text(const ClockSpec& clock);

}  // namespace corridor
