#!/usr/bin/env bash
# What recording reachability witnesses costs the exhaustive search: the same search by a build
# without witnesses (a baseline program, e.g. main's build from before them) and by this one,
# alternated run by run so that both see the same machine load. The model is the hand-written
# two-phase commit, the search where a per-state cost shows most (tens of millions of states a
# second); every new state is asked which witnesses hold until both are reached. Prints each
# run's search seconds and the median ratio this/baseline.
#
# Usage: bench/witness_overhead.sh BASELINE_CORRIDOR [THIS_CORRIDOR] [RMs] [ROUNDS]
set -euo pipefail
baseline=${1:?a corridor program built without witnesses}
this=${2:-build/corridor}
rms=${3:-8}
rounds=${4:-5}
command=(explore two-phase-commit --nodes "$rms" --jobs 1 --json -q)
ratios=()
for ((round = 1; round <= rounds; ++round)); do
  base_s=$("$baseline" "${command[@]}" 2>/dev/null | jq .seconds)
  this_s=$("$this" "${command[@]}" 2>/dev/null | jq .seconds)
  ratio=$(echo "$this_s / $base_s" | bc -l)
  ratios+=("$ratio")
  printf 'round %d: baseline %.3f s, this %.3f s, ratio %.3f\n' "$round" "$base_s" "$this_s" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
printf 'median ratio (this / baseline) over %d rounds, %d RMs: %.3f\n' "$rounds" "$rms" "$median"
