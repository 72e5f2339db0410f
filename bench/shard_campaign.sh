#!/usr/bin/env bash
# Sharding's cost: one campaign run whole against the same campaign as N shards run one after
# another (each its own process, as a job array's tasks are) plus the merge, in the same script,
# alternating, so the machine's load hits both alike. Prints seeds/s of each and their ratio
# (target: the shards within 10% of the whole).
# Usage: bench/shard_campaign.sh BUILD_DIR [SHARDS=4] [SEEDS=20000] [REPEATS=3]
set -euo pipefail
build=$1
shards=${2:-4}
seeds=${3:-20000}
repeats=${4:-3}
corridor="$build/corridor"
work=$(mktemp -d "${TMPDIR:-/tmp}/corridor-bench-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT
args=(run ping-pong --seeds "$seeds" --master-seed 0x5 --quiet --no-shrink --jobs 2)
now() { date +%s.%N; }

echo "corridor ${args[*]}: whole vs $shards shards one after another (+ merge), $repeats times"
printf '%-8s %12s %12s %12s %12s %8s\n' repeat "whole s" "shards s" "whole/s" "sharded/s" ratio
ratios=()
for ((r = 1; r <= repeats; r++)); do
  rm -rf "$work"/*
  t0=$(now)
  "$corridor" "${args[@]}" --out "$work/whole" > /dev/null
  t1=$(now)
  dirs=()
  for ((i = 0; i < shards; i++)); do
    "$corridor" "${args[@]}" --shard "$i/$shards" --out "$work/shard-$i" > /dev/null
    dirs+=("$work/shard-$i")
  done
  "$corridor" merge "${dirs[@]}" --out "$work/merged" > /dev/null
  t2=$(now)
  whole=$(echo "$t1 - $t0" | bc -l)
  sharded=$(echo "$t2 - $t1" | bc -l)
  ratio=$(echo "$whole / $sharded" | bc -l)
  ratios+=("$ratio")
  printf '%-8s %12.2f %12.2f %12.0f %12.0f %8.3f\n' "$r" "$whole" "$sharded" "$(echo "$seeds / $whole" | bc -l)" \
    "$(echo "$seeds / $sharded" | bc -l)" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | sed -n "$(((repeats + 1) / 2))p")
printf 'median sharded/whole seeds/s: %.3f (target >= 0.90)\n' "$median"
