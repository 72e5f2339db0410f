// One exhaustive search of the hand-written two-phase commit (protocols/two_phase_commit/), for
// bench/exhaustive_probe_ratio.sh: the script compiles this same file against two versions of the
// explorer and runs both, so their CPU seconds compare like for like. Not part of the build.
//
// Usage: two_phase_commit_search RMS JOBS
#include <cstdio>
#include <cstdlib>

#include "explorers/exhaustive.hpp"
#include "protocols/two_phase_commit/two_phase_commit.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s RMS JOBS\n", argv[0]);
    return 64;
  }
  const auto rms = static_cast<std::uint32_t>(std::atoi(argv[1]));
  corridor::ExhaustiveOptions options;
  options.jobs = static_cast<std::uint32_t>(std::atoi(argv[2]));
  options.memory_bytes_max = std::uint64_t{8} << 30;
  const auto result = corridor::explore_exhaustive(corridor::protocols::TwoPhaseCommit(rms), options);
  const corridor::ExhaustiveSummary& s = result.summary;
  std::printf("%s %llu %llu %.3f\n", corridor::to_string(s.verdict), static_cast<unsigned long long>(s.unique_states),
              static_cast<unsigned long long>(s.generated_states), s.seconds);
  return s.verdict == corridor::ExhaustiveVerdict::held ? 0 : 1;
}
