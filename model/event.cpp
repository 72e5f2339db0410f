#include "model/event.hpp"

#include <array>

namespace corridor {

namespace {
constexpr std::array<const char*, 16> event_kind_names = {
    "start", "recover", "deliver", "timer", "send", "drop", "crash", "pause",
    "resume", "clock-jump", "drift", "partition", "heal", "loss-burst", "note", "history"};
}

const char* to_string(EventKind kind) { return event_kind_names.at(static_cast<std::size_t>(kind)); }

std::string kind_and_summary(EventKind kind, std::string_view summary) {
  const std::string_view name = to_string(kind);
  if (summary.empty()) return std::string(name);
  if (summary.starts_with(name) && (summary.size() == name.size() || summary[name.size()] == ' ')) return std::string(summary);
  return std::string(name) + ": " + std::string(summary);
}

std::optional<EventKind> event_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < event_kind_names.size(); ++i) {
    if (name == event_kind_names[i]) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

const char* to_string(DropReason reason) {
  switch (reason) {
    case DropReason::loss: return "loss";
    case DropReason::partition: return "partition";
    case DropReason::down: return "down";
    case DropReason::capacity: return "capacity";
  }
  return "?";
}

}  // namespace corridor
