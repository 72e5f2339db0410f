#!/usr/bin/env bash
# The merge job's entry: every shard folder in $CORRIDOR_RESULTS into $CORRIDOR_RESULTS/merged.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/../corridor-merge.sh"
