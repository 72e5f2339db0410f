#!/usr/bin/env bash
# Exhaustive search on two-phase commit (Lamport's TwoPhase spec): 7, 8, 9 and 10 resource
# managers, with and without symmetry, on 1 and 2 threads. Prints a Markdown table: wall seconds,
# CPU seconds (user + sys: what the search costs whatever else the machine runs), unique states
# per wall second and per CPU second, peak RSS. The 2-thread rows carry their speed-up over the
# 1-thread row measured in the same run.
#
# Usage: bench/exhaustive_two_phase_commit.sh [path/to/corridor] [RMs...]
set -euo pipefail
corridor=${1:-build/corridor}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(7 8 9 10)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "| RMs | symmetry | jobs | unique states | generated | wall s | CPU s | unique states/s (wall) | unique states/CPU-s | peak RSS | 2 vs 1 thread (wall) |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  for symmetry in "" "--symmetry"; do
    wall_one=""
    for jobs in 1 2; do
      /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" \
        "$corridor" explore two-phase-commit --nodes "$n" $symmetry --jobs "$jobs" --json -q >"$scratch/json" 2>/dev/null || true
      read -r wall user sys rss_kb <"$scratch/time"
      unique=$(jq .unique_states "$scratch/json")
      generated=$(jq .generated_states "$scratch/json")
      verdict=$(jq -r .verdict "$scratch/json")
      [ "$verdict" = held ] || { echo "unexpected verdict $verdict for $n RMs" >&2; exit 1; }
      cpu=$(echo "$user + $sys" | bc -l)
      speedup="-"
      if [ "$jobs" = 1 ]; then wall_one=$wall; else speedup=$(printf "%.2fx" "$(echo "$wall_one / $wall" | bc -l)"); fi
      printf "| %s | %s | %s | %'d | %'d | %.1f | %.1f | %'.0f | %'.0f | %s MiB | %s |\n" \
        "$n" "$([ -n "$symmetry" ] && echo yes || echo no)" "$jobs" "$unique" "$generated" "$wall" "$cpu" \
        "$(echo "$unique / $wall" | bc -l)" "$(echo "$unique / $cpu" | bc -l)" "$((rss_kb / 1024))" "$speedup"
    done
  done
done
