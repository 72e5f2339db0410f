#!/usr/bin/env bash
# The entry of one pod of the Indexed Job: the index Kubernetes sets (JOB_COMPLETION_INDEX) and
# CORRIDOR_SHARDS, which campaign-job.yaml sets to the Job's completions. See
# deploy/corridor-shard.sh for the rest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${JOB_COMPLETION_INDEX:-}" ]; then
  echo "shard-entry.sh: JOB_COMPLETION_INDEX is not set: run it as a Job with completionMode: Indexed" >&2
  exit 64
fi
if [ -z "${CORRIDOR_SHARDS:-}" ]; then
  echo "shard-entry.sh: CORRIDOR_SHARDS is not set: set it to the Job's completions" >&2
  exit 64
fi
exec "$here/../corridor-shard.sh" "$JOB_COMPLETION_INDEX" "$CORRIDOR_SHARDS"
