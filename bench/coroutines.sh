#!/usr/bin/env bash
# Events/s of ping-pong and of the Multi-Paxos kv written as coroutines (co-ping-pong,
# co-multi-paxos-kv) against their handler versions, in the same script, best of 3 each (target:
# the coroutine version at >= 0.5x); and the schedules/s of `explore --stateless`.
# Usage: bench/coroutines.sh [path/to/corridor]
set -euo pipefail
corridor=$(realpath "${1:-build/corridor}")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rate() {  # events/s of one campaign, from its summary line
  (cd "$out" && "$corridor" run "$1" --seeds 2000 --jobs 1 --keep-going 2>&1) |
    sed -n 's/.* runs\/s, \([0-9.]*\)\([kM]\) events\/s.*/\1 \2/p' |
    awk '{ print ($2 == "M" ? $1 * 1000000 : $1 * 1000) }'
}
best() { sort -n | tail -1; }
handler=$( { rate ping-pong; rate ping-pong; rate ping-pong; } | best)
coro=$( { rate co-ping-pong; rate co-ping-pong; rate co-ping-pong; } | best)
awk -v h="$handler" -v c="$coro" 'BEGIN { printf "ping-pong events/s: handlers %.0f, coroutines %.0f, ratio %.2fx\n", h, c, c / h }'
# Each under its registered fault model (crash-restart, partition, loss, duplication, drift). The
# workloads differ (the coroutine version's clients run the lock-sequence workload on string
# values), so events/s, not runs/s, is what compares.
handler=$( { rate multi-paxos-kv; rate multi-paxos-kv; rate multi-paxos-kv; } | best)
coro=$( { rate co-multi-paxos-kv; rate co-multi-paxos-kv; rate co-multi-paxos-kv; } | best)
awk -v h="$handler" -v c="$coro" 'BEGIN { printf "multi-paxos-kv events/s: handlers %.0f, coroutines %.0f, ratio %.2fx\n", h, c, c / h }'
corridor_abs=$corridor
(cd "$out" && "$corridor_abs" explore token-ring --stateless --depth 10 --jobs 1 | tail -1 | sed 's/^/token-ring --stateless --depth 10 --jobs 1: /')
(cd "$out" && "$corridor_abs" explore token-ring --stateless --depth 10 | tail -1 | sed 's/^/token-ring --stateless --depth 10 (every core): /')
(cd "$out" && "$corridor_abs" explore co-token-ring --stateless --depth 10 --jobs 1 | tail -1 | sed 's/^/co-token-ring --stateless --depth 10 --jobs 1: /')
(cd "$out" && "$corridor_abs" explore co-multi-paxos-kv --stateless --depth 8 --jobs 1 | tail -1 | sed 's/^/co-multi-paxos-kv --stateless --depth 8 --jobs 1: /')
