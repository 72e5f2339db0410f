#!/usr/bin/env bash
# Seeds/s and events/s of the reference protocols (issue 5) at 3 and 5 nodes under their fault
# models, on one thread and on every core, and the seconds `corridor run` takes to find each
# planted bug (median over 20 master seeds, one thread; wall time of the whole command, which
# also writes the failing trace and its timeline). Prints Markdown tables.
#   bench/reference_protocols.sh [build/corridor] [seeds]
set -euo pipefail
corridor=${1:-build/corridor}
seeds=${2:-2000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
jobs_all=$(nproc)

# "N runs in Xs on T threads (R runs/s, E events/s)" -> "R E"
rates() { sed -n 's/.*(\([0-9.]*k\{0,1\}\) runs\/s, \([0-9.]*[kM]\{0,1\}\) events\/s).*/\1 \2/p' | tail -1; }

echo "| protocol | nodes | seeds/s (1 thread) | events/s (1 thread) | seeds/s ($jobs_all threads) | events/s ($jobs_all threads) |"
echo "|---|---|---|---|---|---|"
for p in lamport-total-order chandy-lamport multi-paxos-kv; do
  for n in 3 5; do
    one=$("$corridor" run "$p" --nodes "$n" --seeds "$seeds" --master-seed 1 -j 1 -q --out "$out" 2>&1 | rates)
    all=$("$corridor" run "$p" --nodes "$n" --seeds "$seeds" --master-seed 1 -j "$jobs_all" -q --out "$out" 2>&1 | rates)
    echo "| $p | $n | ${one% *} | ${one#* } | ${all% *} | ${all#* } |"
  done
done

echo
echo "| protocol | planted bug | median seconds to find (20 master seeds, 1 thread, whole command) | median runs |"
echo "|---|---|---|---|"
find_bug() {  # protocol variant faults
  local times=() runs=()
  for m in $(seq 1 20); do
    local text start end
    start=$(date +%s%N)
    text=$("$corridor" run "$1" --variant "$2" --faults "$3" --seeds 100000 --master-seed "$m" -j 1 -q --out "$out" 2>&1 || true)
    end=$(date +%s%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')")
    runs+=("$(echo "$text" | sed -n 's/^\([0-9]*\) runs in .*/\1/p' | tail -1)")
  done
  local t r
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n '10,11p' | awk '{s+=$1} END {printf "%.3f", s/NR}')
  r=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n '10,11p' | awk '{s+=$1} END {printf "%.1f", s/NR}')
  echo "| $1 | $2 | $t | $r |"
}
find_bug lamport-total-order deliver-on-arrival "delay=exp:1ms:10ms,fifo,dup=0.05,pause=1"
find_bug chandy-lamport record-after-marker "delay=exp:1ms:10ms,fifo,pause=2"
find_bug chandy-lamport no-in-flight "delay=exp:1ms:10ms,fifo,pause=2"
paxos_demo="crash=1,partition=2,pause=1,loss=0.05,dup=0.05,delay=uniform:1ms:10ms"
for v in reply-before-majority no-dedup accept-below-promise skip-recovery; do find_bug multi-paxos-kv "$v" "$paxos_demo"; done
