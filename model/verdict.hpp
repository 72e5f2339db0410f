#pragma once
// Outcomes of a run or a check, and the exit codes of DESIGN.md that the program maps them to.
#include <stdexcept>
#include <string>

namespace corridor {

enum class Verdict : int {
  pass = 0,       // every invariant held
  safety = 1,     // a safety invariant was violated (or a history is not linearizable)
  liveness = 2,   // a liveness bound was violated
  crashed = 3,    // protocol code threw
  hung = 4,       // a step or time budget ran out (or a check's budget: verdict unknown)
};

namespace exit_code {
inline constexpr int usage = 64;      // a bad argument
inline constexpr int bad_input = 65;  // a malformed input file
}  // namespace exit_code

const char* to_string(Verdict verdict);

// Thrown where a user's argument is wrong: one sentence that names what and where. Exit 64.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown where an input file is malformed: "file:line[:column]: what was expected". Exit 65.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown by protocol-side code that found a step spinning (corridor::co's per-step resumption
// budget): the engine records the run as hung (exit 4) instead of crashed.
struct HungError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace corridor
