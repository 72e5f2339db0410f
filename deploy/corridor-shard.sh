#!/usr/bin/env bash
# One shard of a corridor campaign, as a cluster job array runs it: the entry scripts of
# deploy/slurm and deploy/kubernetes read the index their scheduler sets and call this.
#
# Usage: corridor-shard.sh INDEX COUNT
#   CORRIDOR_RUN_ARGS  the campaign, as `corridor` takes it, with --master-seed (required), e.g.
#                      "run leader-lease --variant no-drift-margin --clock drift=50000ppm --seeds 1000000 --master-seed 0x5"
#   CORRIDOR_RESULTS   the folder every shard writes below, one results folder each:
#                      $CORRIDOR_RESULTS/shard-INDEX (default: results)
#   CORRIDOR           the corridor program (default: corridor on PATH)
#   CORRIDOR_JOBS      threads for this shard (default: corridor's, every core it sees)
#
# Exit: 0 when the shard ran, whatever its verdict (a failing seed is a finding written to its
# folder, and `corridor merge` exits with the campaign's verdict; a job that "failed" would be
# retried by the scheduler for nothing, as the shard is deterministic); corridor's 64 or 65 for a
# bad campaign, 70 for an internal error, and 64 here for a bad index or count.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "corridor-shard.sh: expected INDEX COUNT, got $# arguments" >&2
  exit 64
fi
index=$1
count=$2
case "$index$count" in
  *[!0-9]* | "") echo "corridor-shard.sh: INDEX '$index' and COUNT '$count' must be whole numbers" >&2; exit 64 ;;
esac
if [ "$index" -ge "$count" ]; then
  echo "corridor-shard.sh: INDEX $index is not below COUNT $count (shards are counted from 0)" >&2
  exit 64
fi
if [ -z "${CORRIDOR_RUN_ARGS:-}" ]; then
  echo "corridor-shard.sh: CORRIDOR_RUN_ARGS is empty: set it to the campaign, e.g. 'run leader-lease --seeds 100000 --master-seed 0x5'" >&2
  exit 64
fi

corridor=${CORRIDOR:-corridor}
results=${CORRIDOR_RESULTS:-results}
out="$results/shard-$index"
mkdir -p "$results"
# The campaign's words are split as a shell would split them, without globbing.
set -f
# shellcheck disable=SC2206
run_args=($CORRIDOR_RUN_ARGS)
set +f
jobs_args=()
if [ -n "${CORRIDOR_JOBS:-}" ]; then jobs_args=(--jobs "$CORRIDOR_JOBS"); fi

echo "corridor-shard.sh: shard $index/$count -> $out"
status=0
"$corridor" "${run_args[@]}" "${jobs_args[@]}" --quiet --shard "$index/$count" --out "$out" || status=$?
case "$status" in
  0 | 1 | 2 | 3 | 4) echo "corridor-shard.sh: shard $index/$count done (corridor exit $status)"; exit 0 ;;
  *) echo "corridor-shard.sh: shard $index/$count: corridor exited $status" >&2; exit "$status" ;;
esac
