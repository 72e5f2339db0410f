#!/usr/bin/env bash
# Slurm's entry for one array task: the index Slurm sets, the count of the array (or
# CORRIDOR_SHARDS when the array is not 0..N-1 of N). See deploy/corridor-shard.sh for the rest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  echo "shard-entry.sh: SLURM_ARRAY_TASK_ID is not set: submit with sbatch --array=0-N-1 (see deploy/slurm/README.md)" >&2
  exit 64
fi
count=${CORRIDOR_SHARDS:-${SLURM_ARRAY_TASK_COUNT:-}}
if [ -z "$count" ]; then
  echo "shard-entry.sh: neither CORRIDOR_SHARDS nor SLURM_ARRAY_TASK_COUNT is set" >&2
  exit 64
fi
export CORRIDOR_JOBS=${CORRIDOR_JOBS:-${SLURM_CPUS_PER_TASK:-}}
exec "$here/../corridor-shard.sh" "$SLURM_ARRAY_TASK_ID" "$count"
