#pragma once
// How the space-time diagram looks, in one place for the SVG and the HTML page: the pixel
// geometry (the page's script reads it from the embedded data) and the palette as CSS variables
// (the script reads them with getComputedStyle, the SVG uses the classes). Colours follow the
// lincheck page: green completed, red failing, orange concurrent/duplicated, grey the rest.
#include <string_view>

namespace corridor::space_time_style {

inline constexpr int label_px = 64;         // the lane names at the left
inline constexpr int axis_px = 22;          // the step axis at the top
inline constexpr int lane_px = 30;          // one lane
inline constexpr int history_gap_px = 18;   // between the lanes and the client history
inline constexpr int history_row_px = 18;   // one client's operations
inline constexpr int unit_px = 14;          // one column at zoom 1 (the SVG's fixed zoom)
inline constexpr int mark_radius_px = 4;

inline constexpr std::string_view palette_css = R"(:root {
  --ink: #222; --muted: #777; --rule: #e4e4e4; --paper: #fff;
  --send: #1565c0; --deliver: #1565c0; --timer: #6a1b9a; --note: #00838f; --history: #00838f;
  --handler: #37474f; --arrow: #5c7fa8; --duplicate: #ef8f00; --dropped: #c62828; --in-flight: #9e9e9e;
  --crashed: rgba(198, 40, 40, .28); --paused: rgba(239, 143, 0, .28); --partitioned: rgba(106, 27, 154, .20);
  --clock: rgba(0, 131, 143, .55); --loss-burst: rgba(120, 120, 120, .16); --badge: #d81b60;
  --violation: rgba(198, 40, 40, .18); --violation-edge: #c62828;
  --op-ok: #2e7d32; --op-fail: #c62828; --op-info: #ef8f00; --op-open: #9e9e9e;
}
)";

}  // namespace corridor::space_time_style
