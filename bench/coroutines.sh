#!/usr/bin/env bash
# Events/s of ping-pong and of the Multi-Paxos kv written as coroutines (co-ping-pong,
# co-multi-paxos-kv) against their handler versions, in the same script, best of 3 each, alternating
# (target: the coroutine version at >= 0.5x); for the Multi-Paxos kv also simulated seconds per wall
# second (see below why); and the schedules/s of `explore --stateless`.
# Usage: bench/coroutines.sh [path/to/corridor]
set -euo pipefail
corridor=$(realpath "${1:-build/corridor}")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One campaign's rates, from its JSON summary: "events/s runs/s".
campaign() {  # protocol [extra run options...]
  (cd "$out" && "$corridor" run "$@" --seeds 2000 --jobs 1 --keep-going --json 2>/dev/null) |
    awk -F'[:,]' '/"events_per_s"/ { e = $2 } /"runs_per_s"/ { r = $2 } END { print e + 0, r + 0 }'
}
# Best of 3 campaigns, per measure: "events/s runs/s".
best() { awk '{ if ($1 > e) e = $1; if ($2 > r) r = $2 } END { print e, r }' "$1"; }
# The handler and the coroutine campaigns alternate (h c h c h c), so that a change of load on a
# shared machine hits both sides alike; best of 3 each. Leaves "events/s runs/s" of each in
# $out/handler and $out/coro.
pair() {  # handler-protocol coroutine-protocol [extra run options...]
  local h=$1 c=$2
  shift 2
  : >"$out/h.txt"
  : >"$out/c.txt"
  for _ in 1 2 3; do
    campaign "$h" "$@" >>"$out/h.txt"
    campaign "$c" "$@" >>"$out/c.txt"
  done
  best "$out/h.txt" >"$out/handler"
  best "$out/c.txt" >"$out/coro"
}
pair ping-pong co-ping-pong
read -r handler _ <"$out/handler"
read -r coro _ <"$out/coro"
awk -v h="$handler" -v c="$coro" 'BEGIN { printf "ping-pong events/s: handlers %.0f, coroutines %.0f, ratio %.2fx\n", h, c, c / h }'
# Each under its registered fault model (crash-restart, partition, loss, duplication, drift) and
# the same simulated time per run (3 s, given explicitly: both keep timers armed to the end, so
# every passing run simulates all of it). events/s is the issue's target, but the two versions'
# event mixes differ (the handler replicas tick every 10 ms, mostly doing nothing; the coroutine
# replicas arm a timer only for a deadline they wait on), so the script also prints simulated
# seconds per wall second: the same 3-replica world, faults and time span, whatever it is made of.
# The client workloads still differ (the coroutine clients run the lock-sequence workload on
# string values, the handler clients 12 random operations each on integers).
limit_s=3
pair multi-paxos-kv co-multi-paxos-kv --time-limit ${limit_s}s
read -r handler handler_runs <"$out/handler"
read -r coro coro_runs <"$out/coro"
awk -v h="$handler" -v c="$coro" 'BEGIN { printf "multi-paxos-kv events/s: handlers %.0f, coroutines %.0f, ratio %.2fx\n", h, c, c / h }'
awk -v h="$handler_runs" -v c="$coro_runs" -v t="$limit_s" 'BEGIN { printf "multi-paxos-kv simulated s per wall s: handlers %.0f, coroutines %.0f, ratio %.2fx\n", h * t, c * t, c / h }'
corridor_abs=$corridor
(cd "$out" && "$corridor_abs" explore token-ring --stateless --depth 10 --jobs 1 | grep -m1 'schedules/s' | sed 's/^/token-ring --stateless --depth 10 --jobs 1: /')
(cd "$out" && "$corridor_abs" explore token-ring --stateless --depth 10 | grep -m1 'schedules/s' | sed 's/^/token-ring --stateless --depth 10 (every core): /')
(cd "$out" && "$corridor_abs" explore co-token-ring --stateless --depth 10 --jobs 1 | grep -m1 'schedules/s' | sed 's/^/co-token-ring --stateless --depth 10 --jobs 1: /')
(cd "$out" && "$corridor_abs" explore co-multi-paxos-kv --stateless --depth 8 --jobs 1 | grep -m1 'schedules/s' | sed 's/^/co-multi-paxos-kv --stateless --depth 8 --jobs 1: /')
