#!/usr/bin/env bash
# Exhaustive search on two-phase commit (Lamport's TwoPhase spec): 7, 8, 9 and 10 resource
# managers, with and without symmetry, on 1 and 2 threads. Prints a Markdown table: the search's
# seconds (its own clock), the process's CPU seconds (user + sys: what the search costs whatever
# else the machine runs), unique states per second and per CPU second, peak RSS. The 2-thread rows
# carry their speed-up over the 1-thread row measured in the same run.
#
# Usage: bench/exhaustive_two_phase_commit.sh [path/to/corridor] [RMs...]
set -euo pipefail
corridor=${1:-build/corridor}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(7 8 9 10)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "| RMs | symmetry | jobs | unique states | generated | search s | CPU s | unique states/s | unique states/CPU-s | peak RSS | 2 vs 1 thread |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  for symmetry in "" "--symmetry"; do
    seconds_one=""
    for jobs in 1 2; do
      /usr/bin/time -f "%U %S %M" -o "$scratch/time" \
        "$corridor" explore two-phase-commit --nodes "$n" $symmetry --jobs "$jobs" --json -q >"$scratch/json" 2>/dev/null || true
      read -r user sys rss_kb <"$scratch/time"
      verdict=$(jq -r .verdict "$scratch/json")
      [ "$verdict" = held ] || { echo "unexpected verdict $verdict for $n RMs" >&2; exit 1; }
      # The search's own clock (seconds) and the process's CPU time; the rest is arithmetic.
      jq -r --arg user "$user" --arg sys "$sys" --arg rss "$rss_kb" --arg jobs "$jobs" --arg one "$seconds_one" \
         --arg symmetry "$([ -n "$symmetry" ] && echo yes || echo no)" '
        def n: tostring | [splits("")] | reverse | [foreach .[] as $c (0; .+1; [$c, .])]
               | map(if .[1] % 3 == 0 and .[1] > 0 then [.[0], ","] else [.[0]] end) | add | reverse
               | join("") | ltrimstr(",");
        (($user|tonumber) + ($sys|tonumber)) as $cpu
        | "| \(.nodes) | \($symmetry) | \($jobs) | \(.unique_states|n) | \(.generated_states|n) | \(.seconds*100|round/100) | \($cpu*100|round/100) | \(.unique_states/.seconds|floor|n) | \(if $cpu > 0 then (.unique_states/$cpu|floor|n) else "-" end) | \(($rss|tonumber)/1024|floor) MiB | \(if $one == "" then "-" else "\(($one|tonumber)/.seconds*100|round/100)x" end) |"
      ' "$scratch/json"
      if [ "$jobs" = 1 ]; then seconds_one=$(jq .seconds "$scratch/json"); fi
    done
  done
done
