#include "invariants/lincheck/operation_pairing.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "model/verdict.hpp"

namespace corridor::lincheck {

std::string event_location(const std::string& source, const std::vector<std::uint32_t>& event_lines,
                           std::uint32_t index) {
  if (index < event_lines.size()) return fmt::format("{}:{}", source, event_lines[index]);
  return fmt::format("{}, event {}", source, index + 1);
}

namespace {

// The open operation of each process: a flat vector when process ids are small (the usual case),
// a hash map otherwise.
class OpenOperations {
 public:
  explicit OpenOperations(std::uint32_t process_max) {
    if (process_max < dense_limit) dense_.assign(process_max + 1, no_event);
  }
  std::uint32_t& at(std::uint32_t process) {
    if (!dense_.empty()) return dense_[process];
    return sparse_.try_emplace(process, no_event).first->second;
  }

 private:
  static constexpr std::uint32_t dense_limit = 1u << 20;
  std::vector<std::uint32_t> dense_;
  std::unordered_map<std::uint32_t, std::uint32_t> sparse_;
};

Outcome outcome_of(OpType type) {
  switch (type) {
    case OpType::ok: return Outcome::ok;
    case OpType::fail: return Outcome::fail;
    default: return Outcome::unknown;
  }
}

}  // namespace

std::vector<PairedOperation> pair_operations(const History& history, const std::string& source,
                                             const std::vector<std::uint32_t>& event_lines) {
  if (history.size() >= no_event) throw InputError(fmt::format("{}: too many events", source));
  std::uint32_t process_max = 0;
  for (const HistoryEvent& event : history) process_max = std::max(process_max, event.process);
  OpenOperations open(process_max);
  std::vector<PairedOperation> ops;
  ops.reserve(history.size() / 2 + 1);
  for (std::uint32_t i = 0; i < history.size(); ++i) {
    const HistoryEvent& event = history[i];
    std::uint32_t& slot = open.at(event.process);
    if (event.type == OpType::invoke) {
      if (slot != no_event) {
        throw InputError(fmt::format("{}: process {} invokes {} while its {} (invoked at {}) has not completed",
                                     event_location(source, event_lines, i), event.process, event.f,
                                     history[ops[slot].call_event].f,
                                     event_location(source, event_lines, ops[slot].call_event)));
      }
      slot = static_cast<std::uint32_t>(ops.size());
      ops.push_back(PairedOperation{i, no_event, Outcome::unknown});
      continue;
    }
    if (slot == no_event) {
      throw InputError(fmt::format("{}: process {} completes {} ({}) without a pending invocation",
                                   event_location(source, event_lines, i), event.process, event.f,
                                   to_string(event.type)));
    }
    PairedOperation& op = ops[slot];
    if (history[op.call_event].f != event.f) {
      throw InputError(fmt::format("{}: process {} completes {} but invoked {}", event_location(source, event_lines, i),
                                   event.process, event.f, history[op.call_event].f));
    }
    op.outcome = outcome_of(event.type);
    op.completion_event = i;
    slot = no_event;
  }
  return ops;
}

}  // namespace corridor::lincheck
