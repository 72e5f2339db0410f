#!/usr/bin/env bash
# The exhaustive explorer of this tree against a baseline commit's, on the hand-written
# two-phase commit: compiles bench/probe_ratio/two_phase_commit_search.cpp against both versions of
# explorers/ (and protocols/two_phase_commit/), then runs them in turns, ROUNDS times each, and
# prints each run's CPU seconds (user + sys, from /usr/bin/time: what the search costs whatever
# else the machine runs), wall seconds and peak RSS, then the ratio of the median CPU seconds.
#
# Usage: bench/exhaustive_probe_ratio.sh BASELINE_COMMIT RMS [JOBS [ROUNDS]]
set -euo pipefail
baseline=${1:?baseline commit}
rms=${2:?resource managers}
jobs=${3:-1}
rounds=${4:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

build() {  # build SOURCE_TREE OUTPUT
  local sources=()
  for f in "$1"/explorers/exhaustive_options.cpp "$1"/explorers/exhaustive_progress.cpp "$1"/explorers/memory_budget.cpp; do
    [ -f "$f" ] && sources+=("$f")
  done
  g++ -std=c++20 -O2 -DNDEBUG -I"$1" "$root/bench/probe_ratio/two_phase_commit_search.cpp" "${sources[@]}" \
      -o "$2" -lfmt -lpthread
}

mkdir -p "$scratch/baseline"
git -C "$root" archive "$baseline" explorers model protocols/two_phase_commit | tar -x -C "$scratch/baseline"
build "$scratch/baseline" "$scratch/before" &
build "$root" "$scratch/after" &
wait

echo "| round | version | unique states | CPU s | wall s | peak RSS |"
echo "|---:|---|---:|---:|---:|---:|"
for round in $(seq "$rounds"); do
  for version in before after; do
    /usr/bin/time -f "%U %S %e %M" -o "$scratch/time" "$scratch/$version" "$rms" "$jobs" >"$scratch/out"
    read -r verdict unique _generated _seconds <"$scratch/out"
    read -r user sys wall rss_kb <"$scratch/time"
    [ "$verdict" = held ] || { echo "unexpected verdict $verdict" >&2; exit 1; }
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "$cpu" >>"$scratch/$version.cpu"
    echo "| $round | $version | $unique | $cpu | $wall | $((rss_kb / 1024)) MiB |"
  done
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
before=$(median "$scratch/before.cpu")
after=$(median "$scratch/after.cpu")
echo
ratio=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a / b }')
echo "median CPU seconds: before $before, after $after: after takes ${ratio}x the CPU of before ($rms RMs, $jobs job(s), baseline $baseline)"
