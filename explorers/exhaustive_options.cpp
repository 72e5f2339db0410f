#include "explorers/exhaustive_options.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace corridor {

const char* to_string(ExhaustiveVerdict verdict) {
  switch (verdict) {
    case ExhaustiveVerdict::held: return "held";
    case ExhaustiveVerdict::violation: return "violation";
    case ExhaustiveVerdict::unknown: return "unknown";
  }
  return "?";
}

std::optional<std::string> validate_exhaustive_options(const ExhaustiveOptions& options) {
  if (options.jobs < 1 || options.jobs > 1024) {
    return fmt::format("--jobs {} is not a thread count between 1 and 1024", options.jobs);
  }
  if (options.symmetry && options.por) {
    return std::string(
        "--symmetry and --por together are not supported yet (a sleep set names actions of the state before "
        "canonicalisation); use one");
  }
  if (options.states_max == 0) return std::string("--max-states must be at least 1");
  if (options.memory_bytes_max == 0) return std::string("--memory must be more than 0 bytes");
  if (!std::isfinite(options.time_limit_s) || options.time_limit_s < 0) {
    return std::string("--time-limit must be a positive duration, or none");
  }
  return std::nullopt;
}

std::size_t witnesses_reached(const ExhaustiveSummary& summary) {
  return static_cast<std::size_t>(std::count_if(summary.witnesses.begin(), summary.witnesses.end(),
                                                [](const WitnessReport& w) { return w.reached; }));
}

std::optional<std::string> vacuity(const std::vector<WitnessReport>& witnesses, bool violation, const std::string& how) {
  const bool reached = std::any_of(witnesses.begin(), witnesses.end(), [](const WitnessReport& w) { return w.reached; });
  if (witnesses.empty() || violation || reached) return std::nullopt;
  std::string names;
  for (const WitnessReport& w : witnesses) names += (names.empty() ? "" : ", ") + w.name;
  return fmt::format(
      "no witness reached: the search {} and no state reached any of the {} witness{} the protocol declares ({}), "
      "so its invariants held vacuously",
      how, witnesses.size(), witnesses.size() == 1 ? "" : "es", names);
}

std::optional<std::string> vacuity(const ExhaustiveSummary& summary) {
  const std::string how = summary.verdict == ExhaustiveVerdict::unknown
                              ? fmt::format("stopped ({}) at depth {}", summary.stop_reason, summary.depth)
                              : fmt::format("explored every reachable state to depth {}", summary.depth);
  return vacuity(summary.witnesses, summary.violation.has_value(), how);
}

Verdict exit_verdict(const ExhaustiveSummary& summary) {
  switch (summary.verdict) {
    case ExhaustiveVerdict::held: return vacuity(summary) ? Verdict::liveness : Verdict::pass;
    case ExhaustiveVerdict::violation: return Verdict::safety;
    case ExhaustiveVerdict::unknown: return Verdict::hung;
  }
  return Verdict::hung;
}

double fingerprint_collision_probability(std::uint64_t unique_states) {
  const double n = static_cast<double>(unique_states);
  return n * n / 36893488147419103232.0;  // 2^65
}

}  // namespace corridor
