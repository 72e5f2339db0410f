#pragma once
// The bodies of the fuzz harnesses: one function per reader of outside input, taking the raw bytes
// and returning whether the reader accepted them.
// A reader may reject its input only with the error the program turns into one sentence and an
// exit code (InputError: 65, UsageError: 64); any other exception, a crash, a hang or a sanitizer
// report is a defect. The libFuzzer programs (fuzz/harness.cpp) and the GoogleTest suite
// (tests/fuzz/fuzz_regression_test.cpp, over the seed corpora and every input a fuzzer found)
// call these same functions, so a found input stays a regression test in every build.
//
// What is read back must also round-trip where corridor writes it again: a trace header stores the
// fault plan as format_fault and the default delay as DelaySpec::text, so a plan or delay that does
// not parse back as itself would make a trace that does not replay.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "invariants/lincheck/formats/history_file.hpp"
#include "model/assert.hpp"
#include "model/fault_plan.hpp"
#include "model/sim_config.hpp"
#include "model/verdict.hpp"
#include "traces/trace.hpp"

namespace corridor::fuzz {

// Actors a fuzzed fault plan may name (n0 to n7): enough for every fault kind and group shape.
inline constexpr std::uint32_t fault_plan_actors = 8;

inline void delay_round_trips(const DelaySpec& delay) {
  const auto again = parse_delay_spec(delay.text());
  CORRIDOR_ASSERT_MSG(again.has_value() && *again == delay, "a delay does not parse back as its own text");
}

inline bool trace(std::string_view text) {
  try {
    const Trace parsed = parse_trace(text, "fuzz.trace");
    CORRIDOR_ASSERT(parsed.footer.events == parsed.events.size());
  } catch (const InputError&) {
    return false;
  }
  return true;
}

inline bool history(std::string_view text, lincheck::HistoryFormat format) {
  try {
    const lincheck::ParsedHistory parsed = lincheck::parse_history(text, "fuzz.history", format);
    CORRIDOR_ASSERT(parsed.events.size() == parsed.event_lines.size());
    (void)lincheck::infer_model(parsed);
  } catch (const InputError&) {
    return false;
  }
  return true;
}

inline bool history_etcd(std::string_view text) { return history(text, lincheck::HistoryFormat::etcd); }
inline bool history_edn(std::string_view text) { return history(text, lincheck::HistoryFormat::edn); }
inline bool history_jsonl(std::string_view text) { return history(text, lincheck::HistoryFormat::jsonl); }

inline bool fault_plan(std::string_view text) {
  FaultPlan plan;
  try {
    plan = parse_fault_plan(text, fault_plan_actors, "fuzz.plan");
  } catch (const InputError&) {
    return false;
  }
  // The plan as a trace header writes it must read back as the same plan.
  const std::string written = format_fault_plan(plan);
  try {
    CORRIDOR_ASSERT_MSG(parse_fault_plan(written, fault_plan_actors, "fuzz.plan.written") == plan,
                        "a fault plan does not parse back as itself");
  } catch (const InputError&) {
    CORRIDOR_ASSERT_MSG(false, "a fault plan as written does not parse");
  }
  return true;
}

inline bool fault_spec(std::string_view text) {
  SimConfig config;
  try {
    apply_fault_spec(text, config);
  } catch (const UsageError&) {
    return false;
  }
  delay_round_trips(config.link.delay);
  return true;
}

inline bool clock_spec(std::string_view text) {
  SimConfig config;
  try {
    apply_clock_spec(text, config);
  } catch (const UsageError&) {
    return false;
  }
  return true;
}

inline bool link_spec(std::string_view text) {
  LinkOverride link;
  try {
    link = parse_link_override(text, LinkSpec{});
  } catch (const UsageError&) {
    return false;
  }
  delay_round_trips(link.spec.delay);
  // A trace header keeps the override as given and parses it again on replay.
  CORRIDOR_ASSERT_MSG(parse_link_override(link.text, LinkSpec{}) == link, "a --link override does not parse back");
  return true;
}

// The suite-file (TOML) reader of `corridor grade` (issue 13) gets its harness here, as
// `inline bool suite_file(std::string_view text)`, with a line in fuzz/targets.cmake and a seed
// corpus in fuzz/corpus/suite_file/, once that reader is on this branch.

// Every target by name, for the GoogleTest suite that runs the corpora (the names of
// fuzz/targets.cmake and of the folders under fuzz/corpus/).
struct Target {
  const char* name;
  bool (*read)(std::string_view text);
};
inline constexpr Target targets[] = {
    {"trace", trace},           {"history_etcd", history_etcd}, {"history_edn", history_edn},
    {"history_jsonl", history_jsonl}, {"fault_plan", fault_plan}, {"fault_spec", fault_spec},
    {"clock_spec", clock_spec}, {"link_spec", link_spec},
};

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace corridor::fuzz
