#pragma once
// Everything that configures a simulated run, besides the protocol and the seed. It is written
// into every trace header, so that a trace replays without the command line that made it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/time.hpp"

namespace corridor {

struct DelaySpec {
  enum class Kind : std::uint8_t { constant, uniform, exponential, normal };
  Kind kind = Kind::uniform;
  // constant: a; uniform: [a, b]; exponential: a + Exp(mean b); normal: mean a, stddev b (>= 0).
  time_ns a_ns = ms(1);
  time_ns b_ns = ms(10);
  std::string text() const;  // "uniform:1ms:10ms"
  friend bool operator==(const DelaySpec&, const DelaySpec&) = default;
};

// The longest delay a link draws: exponential and normal tails are cut here (the engine), and
// where the shrinker postpones a delivery the violation does not need.
inline constexpr time_ns drawn_delay_ns_max = seconds(1000);

struct LinkSpec {
  DelaySpec delay;
  double loss = 0.0;            // probability a message is lost
  double dup = 0.0;             // probability a message is delivered twice
  bool fifo = false;            // per-link FIFO (no reordering on one link)
  std::uint32_t capacity = 0;   // messages in flight per link before drops (0: unbounded)
  friend bool operator==(const LinkSpec&, const LinkSpec&) = default;
};

// A link whose settings differ from the default: "n0->n1:delay=const:50ms,loss=0.1" (one way)
// or "n0<->n1:..." (both ways).
struct LinkOverride {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  bool both_ways = false;
  LinkSpec spec;
  std::string text;  // as given
  friend bool operator==(const LinkOverride&, const LinkOverride&) = default;
};

// How many faults of each kind a generated fault plan holds.
struct FaultSpec {
  std::uint32_t crash = 0;        // crash-restart
  std::uint32_t crash_stop = 0;
  std::uint32_t partition = 0;
  std::uint32_t pause = 0;
  std::uint32_t loss_burst = 0;
  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

struct ClockSpec {
  std::int64_t drift_ppm = 0;      // each node's drift drawn from [-drift, +drift]
  time_ns skew_ns = 0;             // each node's initial offset drawn from [0, skew]
  time_ns jump_ns = 0;             // size of each clock jump (sign kept)
  std::uint32_t jumps = 0;         // how many jumps
  std::uint32_t drift_changes = 0; // how many drift changes during the run
  friend bool operator==(const ClockSpec&, const ClockSpec&) = default;
};

// Steps between two counts of what a run's world holds against SimConfig::run_bytes_max
// (model/engine.hpp): a count walks every pending message and node state, so one per 1,024 steps
// is cheap beside the steps.
inline constexpr std::uint64_t run_memory_check_steps = 1024;

// Who picks the next event: the timed random explorer (earliest due event), or an untimed one
// that may fire any pending event (DESIGN.md, "Two ways to pick events"). `schedule` is an untimed
// run that only replays: every step's pick is in its choice log, and the run ends where the log
// does (with the end-of-run checks at the last event's time). The untimed shrinker writes these
// (explorers/untimed_schedule.hpp): the events a violation needs, in order, and nothing after.
enum class ExplorerKind : std::uint8_t { timed, pct, walk, schedule };

// The name a trace header and the program's lines use: "random", "pct", "walk", "schedule".
const char* explorer_name(ExplorerKind kind);

struct SimConfig {
  std::uint32_t nodes = 3;              // the user's node count (the protocol maps it to actors)
  std::uint32_t variant = 0;            // 0 is the correct variant
  LinkSpec link;                        // every link, unless overridden
  std::vector<LinkOverride> links;      // per-link settings
  FaultSpec faults;
  ClockSpec clock;
  std::string faults_text;              // the --faults spec as given, for headers and replay lines
  std::string clock_text;               // the --clock spec as given
  std::optional<std::string> plan_text; // an explicit fault plan (overrides generation)
  time_ns time_limit_ns = seconds(10);  // simulated time per run
  std::uint64_t max_steps = 2'000'000;  // a run with more steps than this hung
  // A run whose world (pending events and their messages, node and client states, the history)
  // holds more than this hung too ("memory-budget", exit 4): a protocol that sends or keeps without
  // bound gets a verdict and a seed, not std::bad_alloc. The engine counts every
  // run_memory_check_steps steps, so it stops within that many steps' growth.
  std::uint64_t run_bytes_max = std::uint64_t{1} << 30;
  // The workload's size: how many operations (client requests, broadcasts: what the protocol
  // counts with ctx.start_operation()) each actor may start. Empty: no limit; otherwise actor a
  // may start operations_max[min(a, size - 1)]. The shrinker lowers these.
  std::vector<std::uint32_t> operations_max;
  ExplorerKind explorer = ExplorerKind::timed;
  std::uint32_t pct_depth = 3;          // pct: bug depth d (d - 1 priority change points)
  std::uint64_t pct_steps = 1000;       // pct: k, the run length the change points are drawn over
  friend bool operator==(const SimConfig&, const SimConfig&) = default;
};

// Parses "--faults" ("crash=2,partition,loss=0.02,dup=0.01,delay=uniform:1ms:10ms,fifo") into
// `config`. Throws UsageError with one sentence naming the bad item.
void apply_fault_spec(std::string_view text, SimConfig& config);
// Parses "--clock" ("drift=200ppm,skew=5ms,jump=-2s,jumps=2,drift-changes=1").
void apply_clock_spec(std::string_view text, SimConfig& config);
// Parses one --link override; the link items are those of --faults that describe a link
// (delay, loss, dup, fifo, capacity), starting from the config's default link.
LinkOverride parse_link_override(std::string_view text, const LinkSpec& base);
// Parses a delay distribution ("const:2ms", "uniform:1ms:10ms", "exp:1ms:5ms", "normal:5ms:1ms").
std::optional<DelaySpec> parse_delay_spec(std::string_view text);

// The grammar, for --help and the README.
extern const char* const fault_spec_help;
extern const char* const clock_spec_help;

}  // namespace corridor
