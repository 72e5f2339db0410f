// Render time and file size of every picture format at 1,000 and 10,000 events, next to writing
// the trace itself (trace_to_string) as the baseline measured in the same run.
//
//   build/bench/bench_render [--runs N] [--pages DIR]
//
// prints a Markdown table. The traces are the renderer tests' leader-lease run (every fault the
// pictures draw, two badges, a violation), cut to exactly N events. With --pages DIR it also
// writes DIR/render-1k.html and DIR/render-10k.html, for bench/render_browser.sh to time the
// page's own drawing in headless Chromium.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/render/render_fixture.hpp"
#include "traces/render_dot.hpp"
#include "traces/render_html.hpp"
#include "traces/render_mermaid.hpp"
#include "traces/render_shiviz.hpp"
#include "traces/render_svg.hpp"
#include "traces/timeline.hpp"

using namespace corridor;

namespace {

// The first `events` events of `full`, with the history, badges and violation that fall in them.
Trace cut(const Trace& full, std::size_t events) {
  Trace t = full;
  t.events.resize(std::min(events, t.events.size()));
  const std::uint64_t last = t.events.back().step;
  std::erase_if(t.history, [&](const HistoryEvent& h) { return h.step > last; });
  std::erase_if(t.badges, [&](const Badge& b) { return b.step > last; });
  if (t.violation && t.violation->step > last) t.violation->step = last;
  return t;
}

struct Timing {
  double median_ms = 0;
  std::size_t bytes = 0;
};

Timing measure(int runs, const std::function<std::string()>& render) {
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const std::string out = render();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    bytes = out.size();
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], bytes};
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  std::string pages;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--pages") pages = argv[i + 1];
  }
  const Trace full = test::lease_trace(seconds(30), 11);
  fmt::print("| events | format | median render | size | time / writing the trace |\n|---:|---|---:|---:|---:|\n");
  for (const std::size_t events : {std::size_t{1'000}, std::size_t{10'000}}) {
    const Trace t = cut(full, events);
    if (!pages.empty()) write_trace_html(fmt::format("{}/render-{}k.html", pages, events / 1000), t);
    const Timing baseline = measure(runs, [&] { return trace_to_string(t); });
    const std::vector<std::pair<std::string, std::function<std::string()>>> formats{
        {"trace (.jsonl, baseline)", [&] { return trace_to_string(t); }},
        {"html", [&] { return render_html(t, {}); }},
        {"svg", [&] { return render_svg(t, {}); }},
        {"dot", [&] { return render_dot(t, {}, false); }},
        {"dot --reduce", [&] { return render_dot(t, {}, true); }},
        {"shiviz", [&] { return render_shiviz(t, {}); }},
        {"text", [&] { return render_timeline(t, {}); }},
    };
    for (const auto& [name, render] : formats) {
      const Timing m = measure(runs, render);
      fmt::print("| {} | {} | {:.1f} ms | {:.0f} KiB | {:.2f} |\n", t.events.size(), name, m.median_ms,
                 static_cast<double>(m.bytes) / 1024.0, m.median_ms / baseline.median_ms);
    }
  }
  return 0;
}
