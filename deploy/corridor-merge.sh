#!/usr/bin/env bash
# The merge step after a job array of corridor-shard.sh: every $CORRIDOR_RESULTS/shard-* folder
# into $CORRIDOR_RESULTS/merged, the campaign's summary and traces as one machine would write them.
#   CORRIDOR_RESULTS  (default: results)   CORRIDOR  the corridor program (default: corridor)
# Exit: corridor merge's: the campaign's verdict (0 all held, 1 safety, ...), 65 when the shards
# do not make one campaign (a shard missing, given twice, or of another campaign).
set -euo pipefail

corridor=${CORRIDOR:-corridor}
results=${CORRIDOR_RESULTS:-results}
shopt -s nullglob
shards=("$results"/shard-*)
if [ "${#shards[@]}" -eq 0 ]; then
  echo "corridor-merge.sh: no shard folders in $results (expected $results/shard-0 ...)" >&2
  exit 65
fi
exec "$corridor" merge "${shards[@]}" --out "$results/merged"
