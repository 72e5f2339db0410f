#include "invariants/lincheck/explanation.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "invariants/lincheck/operation_pairing.hpp"

namespace corridor::lincheck {

namespace {

// How many operations of the longest prefix the words list (the last ones: where it got stuck).
constexpr std::size_t prefix_shown_max = 8;

std::string where(const LincheckOptions& options, std::uint32_t event) {
  if (event < options.event_lines.size()) return fmt::format("line {}", options.event_lines[event]);
  return fmt::format("event {}", event + 1);
}

std::string interval(const LincheckOptions& options, const CheckedOperation& op) {
  if (op.return_event == no_event) return fmt::format("invoked at {}, never completed", where(options, op.call_event));
  return fmt::format("{} to {}", where(options, op.call_event), where(options, op.return_event));
}

}  // namespace

std::string describe_operation(const LincheckOptions& options, const LincheckResult& result, std::uint32_t id) {
  const CheckedOperation& op = result.operations[id];
  const char* outcome = op.outcome == Outcome::unknown ? ", outcome unknown" : "";
  return fmt::format("#{} (process {}, {}{}, {})", id + 1, op.process, op.description, outcome, interval(options, op));
}

std::string explain_violation_in_words(const LincheckOptions& options, const LincheckResult& result) {
  const Violation& violation = *result.violation;
  const std::string object = violation.key.empty() ? result.model : fmt::format("{} key \"{}\"", result.model, violation.key);
  std::string out = fmt::format("Operation {} cannot be linearized ({}).\n",
                                describe_operation(options, result, violation.operation), object);
  const std::size_t prefix = violation.longest_prefix.size();
  out += fmt::format("The longest linearizable prefix has {} operation{}", prefix, prefix == 1 ? "" : "s");
  if (prefix == 0) {
    out += fmt::format("; the state is the initial one, {}.\n", violation.state_after_prefix);
  } else {
    out += prefix > prefix_shown_max ? fmt::format("; the last {} are:\n", prefix_shown_max) : ":\n";
    for (std::size_t i = prefix - std::min(prefix, prefix_shown_max); i < prefix; ++i) {
      out += fmt::format("  {}. {}\n", i + 1, describe_operation(options, result, violation.longest_prefix[i]));
    }
    out += fmt::format("after which the state is {}.\n", violation.state_after_prefix);
  }
  out += fmt::format("No order of what may come next lets #{} fit before it returns. What may come next (invoked "
                     "before #{} returned, not in the prefix):\n",
                     violation.operation + 1, violation.operation + 1);
  for (const Violation::Concurrent& concurrent : violation.concurrent) {
    out += fmt::format("  {}: ", describe_operation(options, result, concurrent.operation));
    if (concurrent.fits) {
      out += fmt::format("fits (the state becomes {}), but no linearization of the rest follows\n", concurrent.state_after);
    } else {
      out += fmt::format("does not fit state {}\n", violation.state_after_prefix);
    }
  }
  return out;
}

std::string explain_unknown(const LincheckOptions& options, const LincheckResult& result, bool out_of_time) {
  if (out_of_time) {
    return fmt::format("The search ran out of its time budget ({} s) after {} configurations; no violation was found "
                       "so far.\n",
                       options.time_budget_s, result.configurations);
  }
  return fmt::format("The search ran out of its memory budget ({} MiB) after {} configurations; no violation was "
                     "found so far.\n",
                     options.memory_budget_bytes >> 20, result.configurations);
}

}  // namespace corridor::lincheck
