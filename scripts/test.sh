#!/usr/bin/env bash
# Sets everything up (Debian packages, a build with warnings as errors) and runs every test: the
# GoogleTest suites and the install tests. With CORRIDOR_CHECK_DETERMINISM=1 in the environment,
# also the gcc/libstdc++ vs clang/libc++ trace comparison (determinism/compare.sh, its build in
# build-libcxx/; .ci/run sets it, see README "Reliability checks").
# With --sanitize it also builds with AddressSanitizer and UndefinedBehaviorSanitizer in
# build-asan/ and runs the tests there. With --fuzz it builds the libFuzzer programs of fuzz/ with
# clang in build-fuzz/ and runs each for a few seconds (scripts/fuzz.sh).
# With --tsan it builds the threaded tests with ThreadSanitizer in build-tsan/ and runs them.
# .ci/run gives all three (README "Reliability checks").
# Every build goes through ccache (scripts/setup.sh), so an unchanged file compiles once per
# configuration on this machine. Each phase prints its wall time and CPU time (user + sys of
# everything it ran), and a table of all phases closes the run.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sanitize=0
tsan=0
fuzz=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    --tsan) tsan=1 ;;
    --fuzz) fuzz=1 ;;
    *) echo "test.sh: unknown option '$arg' (expected --sanitize, --tsan or --fuzz)" >&2; exit 64 ;;
  esac
done

jobs=$(nproc 2>/dev/null || echo 2)
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=true
phase_log=$(mktemp)
run_start=$SECONDS

print_phases() {
  local status=$?
  echo
  echo "test.sh: phase times (wall; CPU = user + sys of the phase's processes)"
  awk '{printf "  %-12s %6.0f s wall %7.0f s CPU  (user %.0f + sys %.0f)\n", $1, $2, $3 + $4, $3, $4;
        wall += $2; cpu += $3 + $4}
       END {printf "  %-12s %6.0f s wall %7.0f s CPU\n", "total", wall, cpu}' "$phase_log"
  echo "test.sh: $((SECONDS - run_start)) s in all, exit $status"
  rm -f "$phase_log"
}
trap print_phases EXIT

# phase NAME COMMAND...: runs COMMAND and appends "NAME wall user sys" (seconds) to the phase log.
phase() {
  local name=$1
  shift
  echo "test.sh: phase $name"
  local TIMEFORMAT="$name %R %U %S"
  { time { "$@" 2>&3; }; } 3>&2 2>> "$phase_log"
  tail -n 1 "$phase_log" | awk '{printf "test.sh: phase %s took %.0f s wall, %.0f s CPU\n", $1, $2, $3 + $4}'
}

ccache_stats() {
  if command -v ccache > /dev/null; then ccache --show-stats 2>/dev/null | grep -E 'Hits|Misses' | head -n 3 || true; fi
}

# --with-render-tools: graphviz and chromium, for the tests that draw pictures (tests/render).
# --with-check-tools: clang, libFuzzer, libc++ (the fuzzers, the sanitizer builds, determinism).
phase setup "$here/scripts/setup.sh" --no-build --with-render-tools --with-check-tools
# With --sanitize, every GoogleTest program runs in the sanitizer build below, so the optimised
# build makes only tests_cli (its crash-handler test cannot run under ASan) beside the install,
# compile-fail and example tests: the other programs' compile was half of this build's CPU
# (bench/RESULTS.md, "CI time"). Without --sanitize, it builds and runs them all.
unit_test_dirs=""
if [ "$sanitize" = 1 ]; then unit_test_dirs="cli"; fi
phase build env CORRIDOR_WERROR=ON CORRIDOR_UNIT_TEST_DIRS="$unit_test_dirs" "$here/scripts/setup.sh" --with-render-tools --with-check-tools
ccache_stats
phase test ctest --test-dir "$here/build" --output-on-failure -j "$jobs" --timeout 900
if [ "${CORRIDOR_CHECK_DETERMINISM:-0}" = 1 ]; then
  phase libcxx-build bash "$here/determinism/compare.sh" "$here"
  phase determinism bash "$here/determinism/compare.sh" "$here" "$here/build/determinism/trace_digests"
fi

# The sanitizer builds keep line tables only (-g1: file:line in every report) and assert() on.
# ASan + UBSan at -O0: GCC 12 spent 2.5x the CPU on a file at -O1 (multi_paxos_kv.cpp: 127 s
# against 51 s at -O0 -g, 47 s at -O0 -g1); ThreadSanitizer at -O1 (28 s), since TSan at -O0 is
# slow to run. The ASan build compiles its test programs as unity builds (CORRIDOR_UNITY_TESTS,
# tests/CMakeLists.txt): half the CPU of compiling their files one by one. Figures: bench/RESULTS.md,
# "CI time".
if [ "$sanitize" = 1 ]; then
  asan_dir="$here/build-asan"
  phase asan-build bash -c "
    cmake -S '$here' -B '$asan_dir' -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG='-g1' -DCORRIDOR_WERROR=ON \
      -DCORRIDOR_SANITIZE=address,undefined -DCORRIDOR_BUILD_BENCH=OFF -DCORRIDOR_BUILD_DETERMINISM=OFF \
      -DCORRIDOR_UNITY_TESTS=ON -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > /dev/null &&
    cmake --build '$asan_dir' -j '$jobs'"
  ccache_stats
  phase asan-test env ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$asan_dir" --output-on-failure -j "$jobs" --timeout 1800

fi

if [ "$fuzz" = 1 ]; then
  # The libFuzzer programs: clang, ASan + UBSan, only the readers and the harnesses (fuzz/CMakeLists.txt).
  # Warnings are not errors here: the gcc builds hold the code to -Werror, and clang's set of
  # warnings differs from release to release.
  fuzz_dir="$here/build-fuzz"
  phase fuzz-build bash -c "
    cmake -S '$here' -B '$fuzz_dir' -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DCORRIDOR_WERROR=OFF -DCORRIDOR_SANITIZE=address,undefined -DCORRIDOR_BUILD_FUZZ=ON \
      -DCORRIDOR_BUILD_TESTS=OFF -DCORRIDOR_BUILD_CLI=OFF -DCORRIDOR_BUILD_BENCH=OFF \
      -DCORRIDOR_BUILD_DETERMINISM=OFF -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > /dev/null &&
    cmake --build '$fuzz_dir' -j '$jobs' --target corridor_fuzzers"
  phase fuzz-smoke "$here/scripts/fuzz.sh" --build-dir "$fuzz_dir" --seconds 5
fi

if [ "$tsan" = 1 ]; then
  # ThreadSanitizer: only tests_tsan (tests/CMakeLists.txt), the seed runner's and the parallel
  # BFS's tests, and of those the ones that run more than one thread.
  tsan_dir="$here/build-tsan"
  phase tsan-build bash -c "
    cmake -S '$here' -B '$tsan_dir' -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -g1' \
      -DCORRIDOR_WERROR=ON \
      -DCORRIDOR_SANITIZE=thread -DCORRIDOR_BUILD_BENCH=OFF -DCORRIDOR_BUILD_CLI=OFF \
      -DCORRIDOR_BUILD_DETERMINISM=OFF -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > /dev/null &&
    cmake --build '$tsan_dir' -j '$jobs' --target tests_tsan"
  phase tsan-test env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$tsan_dir/tests/tests_tsan" \
    --gtest_filter='SeedRunner.FirstFailureIsTheSameForAnyNumberOfJobs:SeedRunner.KeepGoing*:ExhaustiveTwoPhaseCommit.ExactUniqueStateCounts:ExhaustiveTwoPhaseCommit.PartialOrderReduction*:ExhaustiveBounds.*:ExhaustiveOrdered.*'
fi
