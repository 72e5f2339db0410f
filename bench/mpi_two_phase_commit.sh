#!/usr/bin/env bash
# The distributed search on two-phase commit at NODES RMs (default 9) with 1, 2 and 4 ranks
# (4 oversubscribed on a 2-core machine), against the single-process search on one thread, in
# the same script: unique states/s, records and bytes sent between ranks per unique state, and
# the peak memory of the largest rank.
# Usage: bench/mpi_two_phase_commit.sh BUILD_DIR [NODES=9]
set -euo pipefail
build=$1
nodes=${2:-9}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
field() { sed -n "s/^  \"$1\": \\([^,]*\\),\\{0,1\\}\$/\\1/p" | head -1; }

single=$("$build/corridor" explore two-phase-commit --nodes "$nodes" --jobs 1 --quiet --json 2> /dev/null)
s_unique=$(echo "$single" | field unique_states)
s_seconds=$(echo "$single" | field seconds)
s_rss=$(echo "$single" | field peak_rss_bytes)
printf '%-22s %12s %9s %14s %14s %14s %12s %14s\n' search "unique" seconds "states/s" "vs 1 process" "records/state" "bytes/state" "peak RSS/rank"
printf '%-22s %12s %9.2f %14.0f %14s %14s %12s %11.0f MiB\n' "explore --jobs 1" "$s_unique" "$s_seconds" \
  "$(echo "$s_unique / $s_seconds" | bc -l)" "1.00x" "-" "-" "$(echo "$s_rss / 1048576" | bc -l)"
for ranks in 1 2 4; do
  extra=()
  if [ "$ranks" -gt 2 ]; then extra=(--oversubscribe); fi
  out=$(mpirun -np "$ranks" "${extra[@]}" "$build/corridor-mpi-explore" two-phase-commit --nodes "$nodes" --json 2> /dev/null)
  unique=$(echo "$out" | field unique_states)
  seconds=$(echo "$out" | field seconds)
  records=$(echo "$out" | field records_sent_per_state)
  bytes=$(echo "$out" | field bytes_sent_per_state)
  rss=$(echo "$out" | grep '"peak_rss_bytes"' | tr -dc '0-9\n' | sort -n | tail -1)
  printf '%-22s %12s %9.2f %14.0f %13.2fx %14.2f %12.1f %11.0f MiB\n' "mpirun -np $ranks" "$unique" "$seconds" \
    "$(echo "$unique / $seconds" | bc -l)" "$(echo "($unique / $seconds) / ($s_unique / $s_seconds)" | bc -l)" "$records" "$bytes" \
    "$(echo "$rss / 1048576" | bc -l)"
done
