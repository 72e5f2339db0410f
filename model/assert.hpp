#pragma once
// CORRIDOR_ASSERT: an assertion compiled into every build type (TIGER_STYLE: an invariant of our
// own code that is checked only in Debug is not checked). On failure it prints the condition,
// file:line and the seed and step of the run in flight on this thread, then exits 3 (the exit code
// of "code crashed", DESIGN.md), so a broken invariant of corridor is never mistaken for a verdict.
//
// Use them in pairs on both sides of a boundary: the caller asserts what it hands over, the
// callee asserts what it received.
#include <cstdint>

namespace corridor {

// The run this thread is executing, for the assertion message. The engine sets the step counter
// it owns; the seed runner (or whoever starts a run) sets the seed. Plain thread-locals: reading
// them costs nothing on the hot path, and a thread that runs no simulation leaves them unset.
struct RunInFlight {
  bool active = false;
  std::uint64_t seed = 0;
  const std::uint64_t* step = nullptr;  // the engine's own counter, read only when failing
};

RunInFlight& run_in_flight();

// Where a failing assertion is, one static record per assertion site, so that the failing
// branch at the site passes an address instead of three arguments (four made GCC stop inlining
// the engine's small pool functions: bench/RESULTS.md, "What the assertions cost").
struct AssertionSite {
  const char* condition;
  const char* file;
  int line;
};

// Cold and out of line: the compiler lays the failing branch out of the hot path. `detail` is a
// sentence saying what went wrong, or nullptr.
[[noreturn, gnu::cold, gnu::noinline]] void assertion_failed(const AssertionSite& site, const char* detail);

// Marks the run in flight for this thread for the lifetime of the object.
class RunInFlightScope {
 public:
  RunInFlightScope(std::uint64_t seed, const std::uint64_t* step) : saved_(run_in_flight()) {
    run_in_flight() = {true, seed, step};
  }
  ~RunInFlightScope() { run_in_flight() = saved_; }
  RunInFlightScope(const RunInFlightScope&) = delete;
  RunInFlightScope& operator=(const RunInFlightScope&) = delete;

 private:
  RunInFlight saved_;
};

}  // namespace corridor

// CORRIDOR_ASSERTS_COMPILED_OUT exists for one purpose: bench/assert_cost.sh builds bench_engine
// with it to measure what the assertions cost. Nothing else may set it; the condition is then not
// evaluated (sizeof keeps it compiled, so a variable used only in assertions stays used).
#ifdef CORRIDOR_ASSERTS_COMPILED_OUT
#define CORRIDOR_ASSERT(condition) static_cast<void>(sizeof((condition) ? 1 : 0))
#define CORRIDOR_ASSERT_MSG(condition, detail) static_cast<void>(sizeof((condition) ? 1 : 0))
#else
// The site's record is a static of a capture-less lambda that runs only on failure (it names the
// condition as text only, so it captures nothing); __builtin_expect tells the compiler which way
// the branch goes.
#define CORRIDOR_ASSERT_SITE_(condition)                                                           \
  ([]() -> const ::corridor::AssertionSite& {                                                      \
    static constexpr ::corridor::AssertionSite corridor_assert_site{#condition, __FILE__, __LINE__}; \
    return corridor_assert_site;                                                                   \
  }())
#define CORRIDOR_ASSERT(condition)                                                                 \
  (__builtin_expect(static_cast<bool>(condition), 1)                                               \
       ? static_cast<void>(0)                                                                      \
       : ::corridor::assertion_failed(CORRIDOR_ASSERT_SITE_(condition), nullptr))
// With a sentence saying what went wrong.
#define CORRIDOR_ASSERT_MSG(condition, detail)                                                     \
  (__builtin_expect(static_cast<bool>(condition), 1)                                               \
       ? static_cast<void>(0)                                                                      \
       : ::corridor::assertion_failed(CORRIDOR_ASSERT_SITE_(condition), detail))
#endif
