#!/usr/bin/env bash
# Runs the libFuzzer programs (fuzz/) built in a clang build with CORRIDOR_BUILD_FUZZ=ON (by default
# build-fuzz/, which scripts/test.sh --sanitize configures so). Each target starts from its seed
# corpus (fuzz/corpus/NAME, read only) and the inputs once found (fuzz/regressions/NAME); new inputs
# go to a scratch folder, never into the tree. A crash, hang, leak or sanitizer report fails the
# target: its input is copied to BUILD_DIR/fuzz-artifacts/NAME/ and named on stderr. Keep it as
# fuzz/regressions/NAME/<what>.txt once fixed, so the GoogleTest suite replays it.
#
# Usage: scripts/fuzz.sh [--build-dir DIR] [--seconds N | --runs N] [--seed N] [--timeout N] [TARGET...]
#   --seconds N  each target runs N seconds (default 5: the CI smoke)
#   --runs N     each target runs N executions instead (the 10-million runs of bench/RESULTS.md)
#   --seed N     libFuzzer's random seed (default 1, so a smoke repeats; 0 picks one)
#   --timeout N  seconds one input may take before it counts as a hang (default 10; the long runs
#                beside compiles use more, as a starved process can stall for seconds)
# Without TARGET, every target of fuzz/targets.cmake runs, one after the other.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$here/build-fuzz"
seconds=5
runs=""
seed=1
timeout_s=10
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -*) echo "fuzz.sh: unknown option '$1' (expected --build-dir, --seconds, --runs, --seed or --timeout)" >&2; exit 64 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ "${#targets[@]}" = 0 ]; then
  # The names between "set(corridor_fuzz_targets" and ")" in fuzz/targets.cmake.
  mapfile -t targets < <(sed -n '/^set(corridor_fuzz_targets/,/)/p' "$here/fuzz/targets.cmake" |
    sed -e 's/set(corridor_fuzz_targets//' -e 's/)//' | tr -s ' ' '\n' | grep -v '^$')
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for name in "${targets[@]}"; do
  program="$build_dir/fuzz/fuzz_$name"
  if [ ! -x "$program" ]; then
    echo "fuzz.sh: $program is not built (cmake --build $build_dir --target fuzz_$name)" >&2
    exit 64
  fi
  mkdir -p "$scratch/$name/corpus" "$scratch/$name/artifacts"
  seeds=("$here/fuzz/corpus/$name")
  if [ -d "$here/fuzz/regressions/$name" ]; then seeds+=("$here/fuzz/regressions/$name"); fi
  budget=(-max_total_time="$seconds")
  if [ -n "$runs" ]; then budget=(-runs="$runs"); fi
  # -timeout: one input that takes 10 s (--timeout) is a hang; -max_len: inputs up to 64 KiB (a trace of a few
  # hundred events); detect_leaks: a reader that leaks on bad input is a defect too.
  log="$scratch/$name/log"
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$program" "${budget[@]}" -seed="$seed" -timeout="$timeout_s" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$scratch/$name/artifacts/" "$scratch/$name/corpus" "${seeds[@]}" > "$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    per_s=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    echo "fuzz $name: $execs executions, $per_s exec/s, coverage $cov edges, no crash"
  else
    mkdir -p "$build_dir/fuzz-artifacts/$name"
    cp "$scratch/$name/artifacts/"* "$build_dir/fuzz-artifacts/$name/" 2>/dev/null || true
    tail -n 60 "$log" >&2
    echo "fuzz $name: FAILED; the input is in $build_dir/fuzz-artifacts/$name/" >&2
    failed+=("$name")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz.sh: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
