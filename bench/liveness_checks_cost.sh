#!/usr/bin/env bash
# What the failure-detector checks (heartbeat-register) and the leader-stability check
# (leader-lease) cost a campaign: CPU seconds (user + system) of the same campaign (same master
# seed, same seeds, one job) with a program built without them (BASE) and with them (NEW),
# alternating base/new five times, best of 5 each; prints new/base. CPU time rather than wall
# time or runs/s, because the machine is shared and wall time moved by 25% between identical
# runs; per campaign rather than per event, because the new program's runs also carry the notes
# the checks read ("trust"; "election", "leader", "step-down"), which are events.
# Both programs must be built with the same flags.
# Usage: bench/liveness_checks_cost.sh BASE_CORRIDOR NEW_CORRIDOR [PROTOCOL:SEEDS ...]
# (default: the two above). Issue 16's bounded liveness checks (eventual-delivery,
# snapshot-completion, decision-bound, exchange-continues, token-circulates, and progress-bound now
# counting multi-paxos-kv's operations) are measured the same way, by naming those protocols.
set -euo pipefail
base=$(realpath "$1")
new=$(realpath "$2")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
campaign() {  # program protocol seeds: prints CPU seconds
  local TIMEFORMAT='%U %S'
  { time (cd "$out" && "$1" run "$2" --seeds "$3" --master-seed 0x2026 --jobs 1 --keep-going -q >/dev/null 2>&1); } 2>&1 |
    awk '{ print $1 + $2 }'
}
best() { sort -g "$1" | head -1; }
shift 2
campaigns=("$@")
[ ${#campaigns[@]} -gt 0 ] || campaigns=(heartbeat-register:5000 leader-lease:1000)
for protocol_seeds in "${campaigns[@]}"; do
  protocol=${protocol_seeds%%:*}
  seeds=${protocol_seeds##*:}
  : >"$out/base.txt"
  : >"$out/new.txt"
  for _ in 1 2 3 4 5; do
    campaign "$base" "$protocol" "$seeds" >>"$out/base.txt"
    campaign "$new" "$protocol" "$seeds" >>"$out/new.txt"
  done
  awk -v p="$protocol" -v s="$seeds" -v b="$(best "$out/base.txt")" -v n="$(best "$out/new.txt")" \
    'BEGIN { printf "%s, %d seeds, 1 job: CPU s without the checks %.2f, with %.2f, ratio %.3fx\n", p, s, b, n, n / b }'
done
