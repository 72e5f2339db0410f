#include "invariants/linearizability.hpp"

#include <fmt/format.h>

#include "invariants/lincheck/lincheck.hpp"

namespace corridor::invariants {

namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

HistoryChecker linearizability(const LinearizabilityOptions& options) {
  return {"linearizable", [options](const History& history) -> std::optional<Violation> {
            lincheck::LincheckOptions o;
            o.model = options.model;
            o.time_budget_s = options.time_budget_s;
            o.memory_budget_bytes = options.memory_budget_bytes;
            o.threads = 1;
            o.source = "the run's history";
            const lincheck::LincheckResult r = lincheck::check_history(history, o);
            if (r.verdict == lincheck::LinVerdict::linearizable) return std::nullopt;
            Violation v;
            v.invariant = "linearizable";
            v.verdict = lincheck::to_verdict(r.verdict);
            if (r.violation) {
              v.operations.push_back(r.operations.at(r.violation->operation).call_event);
              for (const auto& c : r.violation->concurrent) v.operations.push_back(r.operations.at(c.operation).call_event);
            }
            v.message = r.verdict == lincheck::LinVerdict::unknown
                            ? fmt::format("linearizability ({}) unknown: {}", options.model, first_line(r.explanation))
                            : fmt::format("the client history is not linearizable ({}): {}", options.model, r.explanation);
            return v;
          }};
}

}  // namespace corridor::invariants
