#pragma once
// What happened in a run, one event at a time. The engine hands every event to the observers
// (monitors) as an EventView, without strings; when a trace is being recorded it also keeps an
// EventRecord with the message summary, the node state and the vector clock.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/history.hpp"
#include "model/time.hpp"

namespace corridor {

using NodeId = std::uint32_t;
inline constexpr NodeId no_node = UINT32_MAX;

enum class EventKind : std::uint8_t {
  start,        // a node's on_start ran
  recover,      // a crashed node restarted: on_recover ran with its durable state
  deliver,      // a message arrived and on_message ran
  timer,        // a timer fired and on_timer ran
  send,         // a handler sent a message (an effect of the step)
  drop,         // the network dropped a message (reason in `detail`)
  crash,        // a node crashed (stop or restart later)
  pause,        // a node paused: no handler runs, its events wait
  resume,       // a paused node resumed
  clock_jump,   // a node's wall clock jumped
  drift,        // a node's drift changed
  partition,    // links were cut
  heal,         // links were restored
  loss_burst,   // a period of extra loss began or ended
  note,         // a protocol observation for monitors (ctx.note)
  history,      // a client history event (ctx.record)
};

const char* to_string(EventKind kind);
// "note: deliver 0:1" for people: the kind, then the summary, unless the summary already starts
// with the kind's name (a timer's summary is "timer Election{}"; its label is not "timer: timer ...").
std::string kind_and_summary(EventKind kind, std::string_view summary);
std::optional<EventKind> event_kind_from_string(std::string_view name);

// Drop reasons, kept short because they go in traces.
enum class DropReason : std::uint8_t { loss, partition, down, capacity };
const char* to_string(DropReason reason);

// Handed to observers for every event; valid only during the call.
struct EventView {
  std::uint64_t step = 0;
  time_ns true_ns = 0;
  NodeId actor = no_node;        // the node the event happened at (no_node: the network)
  time_ns local_ns = 0;          // that node's wall clock at the event
  EventKind kind = EventKind::start;
  NodeId source = no_node;       // sender of a message
  NodeId target = no_node;       // receiver of a message
  std::uint64_t message_id = 0;  // unique per send; a duplicate keeps its original's id
  std::span<const std::uint32_t> vc;  // the actor's vector clock after the event (empty for network events)
  std::string_view note;         // ctx.note name, for kind == note
  std::uint64_t note_a = 0;
  std::uint64_t note_b = 0;
  const HistoryEvent* history = nullptr;  // for kind == history
  DropReason drop_reason = DropReason::loss;
};

// The recorded form, for traces and renderers.
struct EventRecord {
  std::uint64_t step = 0;
  time_ns true_ns = 0;
  NodeId actor = no_node;
  time_ns local_ns = 0;
  EventKind kind = EventKind::start;
  NodeId source = no_node;
  NodeId target = no_node;
  std::uint64_t message_id = 0;
  std::string summary;  // the message, the fault, the note or the history event, in words
  std::string state;    // the node's state after a handler ran (deliver, timer, start, recover)
  std::vector<std::uint32_t> vc;
  friend bool operator==(const EventRecord&, const EventRecord&) = default;
};

// Monitors: they see events, they cannot act (a const view, no context).
struct Violation;
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  virtual void on_event(const EventView& event) = 0;
  // A violation found by this observer, if any (checked after every step).
  virtual const std::optional<Violation>* violation() const = 0;
};

}  // namespace corridor
