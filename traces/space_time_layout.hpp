#pragma once
// The space-time diagram of a trace, laid out once for both pictures that draw it (the static SVG
// and the interactive HTML page): a lane per actor, one column per step (so quiet stretches of
// true time take no room; long ones are marked as breaks), message arrows, fault bands, badge
// markers, the violation, and the client history as invoke-to-return bars.
//
// Positions are in abstract units along the time axis (`Column::x`); a renderer multiplies them
// by its zoom. Everything refers to columns and lanes by index, so the layout is cheap to embed.
#include <cstdint>
#include <string>
#include <vector>

#include "model/history.hpp"
#include "traces/trace.hpp"
#include "traces/trace_window.hpp"

namespace corridor {

struct SpaceTimeLayout {
  struct Lane {
    NodeId actor = 0;
    std::string name;  // n0, c1
    bool client = false;
  };
  struct Column {
    std::uint64_t step = 0;
    time_ns true_ns = 0;
    double x = 0;             // position along the time axis, in units
    time_ns gap_before_ns = 0;  // > 0: a quiet stretch this long was collapsed before this column
  };
  // An event drawn as a dot on its lane.
  struct Mark {
    std::uint32_t column = 0;
    std::uint32_t lane = 0;
    EventKind kind = EventKind::start;
    std::uint32_t event = 0;  // index into Trace::events
    std::uint32_t state = 0;  // index into `states`: the actor's state after this event (0: none known)
  };
  enum class ArrowKind : std::uint8_t { delivered, duplicate, dropped, in_flight };
  struct Arrow {
    std::uint32_t from_column = 0, from_lane = 0, to_column = 0, to_lane = 0;
    ArrowKind kind = ArrowKind::delivered;
    std::uint32_t send_event = 0;  // index into Trace::events
    std::uint32_t end_event = 0;   // the deliver or drop; == send_event when in flight
  };
  enum class BandKind : std::uint8_t { crashed, paused, partitioned, clock, loss_burst };
  struct Band {
    std::uint32_t lane = 0;
    std::uint32_t from_column = 0, to_column = 0;  // inclusive
    BandKind kind = BandKind::crashed;
    std::string label;
  };
  struct BadgeMark {
    std::uint32_t column = 0;
    std::uint32_t lane = 0;
    std::uint32_t badge = 0;  // index into Trace::badges
  };
  struct HistoryRow {
    std::uint32_t process = 0;
    std::string name;  // "client 0" (the history's process)
  };
  struct HistoryBar {
    std::uint32_t row = 0;
    std::uint32_t from_column = 0, to_column = 0;
    OpType outcome = OpType::info;  // info also for an operation that never completed
    bool open = false;              // no completion in the trace
    std::string label;              // "write 3 -> ok"
  };

  std::vector<Lane> lanes;
  std::vector<Column> columns;
  std::vector<Mark> marks;          // in column order
  std::vector<Arrow> arrows;        // in from_column order
  std::vector<Band> bands;
  std::vector<BadgeMark> badges;
  std::vector<HistoryRow> history_rows;
  std::vector<HistoryBar> history_bars;  // in from_column order
  std::vector<std::string> states;  // distinct node states; states[0] is ""
  bool has_violation = false;       // the violation's step is in the window
  std::uint32_t violation_column = 0;
  std::vector<std::uint32_t> violation_lanes;
  double width = 0;                 // x of the last column + 1
};

// How long a quiet stretch of true time must be, relative to the median step, to be drawn as a
// break; and how much room a break takes, in column units.
inline constexpr double layout_gap_factor = 20.0;
inline constexpr double layout_gap_units = 2.0;

SpaceTimeLayout layout_space_time(const Trace& trace, const TraceWindow& window);

const char* to_string(SpaceTimeLayout::ArrowKind kind);
const char* to_string(SpaceTimeLayout::BandKind kind);

}  // namespace corridor
