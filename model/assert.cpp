#include "model/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace corridor {

RunInFlight& run_in_flight() {
  static thread_local RunInFlight run;
  return run;
}

void assertion_failed(const AssertionSite& site, const char* detail) {
  const RunInFlight& run = run_in_flight();
  std::fprintf(stderr, "corridor: internal assertion failed: %s%s%s%s\n  at %s:%d\n", site.condition,
               detail ? " (" : "", detail ? detail : "", detail ? ")" : "", site.file, site.line);
  if (run.active) {
    std::fprintf(stderr, "  in the run of seed 0x%016llx at step %llu\n", static_cast<unsigned long long>(run.seed),
                 static_cast<unsigned long long>(run.step ? *run.step : 0));
  }
  std::fprintf(stderr, "  this is a defect of corridor (or of code breaking its contract), not a verdict\n");
  std::fflush(stderr);
  std::_Exit(3);
}

}  // namespace corridor
