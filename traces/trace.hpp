#pragma once
// The trace file, version 1: JSON Lines. One header line (tool version, protocol, variant,
// configuration, seed, fault plan, choice log), one line per event, the violation if any, and a
// footer (counts and a digest of the event lines). It is at once the replay input, the shrinker
// input and the renderer input.
//
//   {"corridor_trace":1,"tool":"corridor 0.1.0","protocol":"leader-lease","variant":"no-drift-margin",
//    "seed":42,"config":{...},"actors":{"nodes":4,"clients":2},"fault_plan":["500ms crash n1 for 2s"],
//    "choices":"d1500000 l0 ..."}
//   {"step":12,"t":1500000,"node":1,"local":1499000,"kind":"deliver","src":0,"dst":1,"msg":5,
//    "summary":"Ping{3}","state":"Node{...}","vc":[1,2,0]}
//   {"kind":"badge","step":40,"t":..,"node":2,"local":..,"type":"COHERENCE_DRIFT","module":"network",
//    "monitor":"message-delay","boundary":"send/receive","view":"omniscient","context":"delay_exceeded",
//    "details":{"delay":"12ms","bound":"10ms"}}
//   {"kind":"violation","invariant":"unique-lease-holder","verdict":"safety-violation","step":..,...}
//   {"kind":"footer","events":812,"steps":400,"end_ns":..,"digest":"xxh3:0123abcd..."}
//
// Badge lines sit after the event line of their step; the digest covers event lines only, so a run
// with badge monitors on and off has the same digest.
//
// Client history events carry the history fields too ("process","type","f","key","value"), so
// `corridor lincheck` reads a trace directly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/badge.hpp"
#include "model/chooser.hpp"
#include "model/event.hpp"
#include "model/fault_plan.hpp"
#include "model/history.hpp"
#include "model/simulation.hpp"
#include "model/sim_config.hpp"
#include "model/violation.hpp"

namespace corridor {

inline constexpr int trace_version = 1;

struct TraceHeader {
  std::string tool;
  std::string protocol;
  std::string variant;
  std::uint64_t seed = 0;
  SimConfig config;
  std::uint32_t nodes = 0;    // actors that are nodes
  std::uint32_t clients = 0;  // actors after the nodes
  FaultPlan fault_plan;
  ChoiceLog choices;
};

struct TraceFooter {
  std::uint64_t events = 0;
  std::uint64_t steps = 0;
  time_ns end_ns = 0;
  std::string digest;  // "xxh3:<16 hex digits>" over the event lines
};

struct Trace {
  TraceHeader header;
  std::vector<EventRecord> events;
  History history;  // the client history, in order (from the history event lines)
  std::vector<Badge> badges;  // in step order
  std::optional<Violation> violation;
  TraceFooter footer;
};

// The event lines of a trace, exactly as written (the digest covers them).
std::vector<std::string> event_lines(const std::vector<EventRecord>& events, const History& history);
std::string digest_of_lines(const std::vector<std::string>& lines);

// Writes `trace` to `path` (footer computed from the events). Throws std::runtime_error when the
// file cannot be written; the file appears whole or not at all (written beside, then renamed).
void write_trace(const std::string& path, const Trace& trace);
std::string trace_to_string(const Trace& trace);
// Writes `text` to `path` whole or not at all (beside, then renamed); creates missing folders.
// Throws std::runtime_error naming the path when it cannot.
void write_file_whole(const std::string& path, std::string_view text);

// Reads a trace. A malformed or wrong-version file throws InputError "file:line: ...".
Trace read_trace(const std::string& path);
Trace parse_trace(std::string_view text, std::string_view name);

// The trace of the run `sim` has just finished with recording on; `violation`, `steps` and
// `end_ns` are the run's outcome (explorers/random_explorer.hpp's RunOutcome).
Trace trace_of_run(std::string protocol, std::string variant, const SimConfig& config, std::uint64_t seed,
                   const Simulation& sim, const std::optional<Violation>& violation, std::uint64_t steps,
                   time_ns end_ns);

// The program that writes traces: "corridor", or the name a corridor_add_tool program was given.
// Its main sets it once, before any thread starts; every header's "tool" names it, so that a trace
// of a protocol only that program knows says where to replay it.
void set_trace_tool_name(std::string name);
const std::string& trace_tool_name();
// The header's "tool" text: "corridor 0.1.0", or "pset3 (corridor 0.1.0)" for a tool of one's own.
std::string trace_tool_text(std::string_view tool_name);
// The program named by a header's "tool" text (its first word): "corridor", "pset3".
std::string tool_program_of(std::string_view tool_text);

// Node names for people: n0.. for nodes, c0.. for clients.
std::string actor_name(NodeId actor, std::uint32_t nodes);

}  // namespace corridor
