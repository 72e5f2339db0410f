#!/usr/bin/env bash
# The Multi-Paxos kv's events per instruction, coroutines (co-multi-paxos-kv) against handlers
# (multi-paxos-kv), counted by callgrind over the same campaign: a measure of the 0.5x events/s
# target that the machine's load does not move (bench/coroutines.sh measures wall-clock rates,
# which a shared 2-core machine moves by 2x). Instructions are not time (cache misses, malloc and
# branch behaviour differ), so this complements coroutines.sh rather than replacing it.
# Usage: bench/coroutines_instructions.sh [path/to/corridor] [seeds]
set -euo pipefail
corridor=$(realpath "${1:-build/corridor}")
seeds=${2:-200}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# "instructions events" of one campaign (one thread, fixed master seed, 3 s per run).
measure() {  # protocol
  local args=(run "$1" --seeds "$seeds" --jobs 1 --master-seed 0x1234 --keep-going --time-limit 3s --quiet)
  local instructions events
  instructions=$(cd "$out" && valgrind --tool=callgrind --callgrind-out-file=/dev/null "$corridor" "${args[@]}" 2>&1 |
    awk '/Collected/ { print $4 }')
  events=$(cd "$out" && "$corridor" "${args[@]}" --json 2>/dev/null | awk -F'[:,]' '/"events"/ { print $2 + 0 }')
  echo "$instructions $events"
}
read -r hi he < <(measure multi-paxos-kv)
read -r ci ce < <(measure co-multi-paxos-kv)
awk -v hi="$hi" -v he="$he" -v ci="$ci" -v ce="$ce" -v s="$seeds" 'BEGIN {
  printf "multi-paxos-kv, %d seeds: %d instructions, %d events, %.0f instructions/event\n", s, hi, he, hi / he
  printf "co-multi-paxos-kv, %d seeds: %d instructions, %d events, %.0f instructions/event\n", s, ci, ce, ci / ce
  printf "events per instruction, coroutines / handlers: %.2fx\n", (ce / ci) / (he / hi)
}'
