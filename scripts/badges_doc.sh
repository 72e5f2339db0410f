#!/usr/bin/env bash
# Regenerates docs/badges.md (the coherence badges worked example) and its plot and JSON in docs/,
# with the one command written at the top of that file. Usage: scripts/badges_doc.sh [path/to/corridor]
set -euo pipefail
cd "$(dirname "$0")/.."
corridor_bin=${1:-build/corridor}
"$corridor_bin" scale heartbeat-register --variant correct --nodes 2,5,9 --seeds 20 --master-seed 0x5CA1E \
  --faults delay=exp:1ms:3ms,loss=0.02 --clock skew=2ms,drift=2000ppm --time-limit 5s \
  --out docs --markdown docs/badges.md --quiet
