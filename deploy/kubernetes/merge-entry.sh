#!/usr/bin/env bash
# The merge Job's entry: every shard folder on the results volume into $CORRIDOR_RESULTS/merged.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/../corridor-merge.sh"
