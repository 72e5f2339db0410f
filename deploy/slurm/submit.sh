#!/usr/bin/env bash
# Queues a campaign of SHARDS array tasks and its merge.
# Usage: CORRIDOR_RUN_ARGS="run leader-lease --seeds 1000000 --master-seed 0x5" deploy/slurm/submit.sh SHARDS
#   (from the corridor checkout; CORRIDOR_RESULTS must be on a file system every node sees)
set -euo pipefail
if [ "$#" -ne 1 ] || [ -z "${CORRIDOR_RUN_ARGS:-}" ]; then
  echo "usage: CORRIDOR_RUN_ARGS='run PROTOCOL --seeds N --master-seed S ...' $0 SHARDS" >&2
  exit 64
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shards=$1
export CORRIDOR_SHARDS=$shards
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" "$here/campaign.sbatch")
sbatch --export=ALL --dependency="afterany:${array%%;*}" "$here/merge.sbatch"
