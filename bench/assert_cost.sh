#!/usr/bin/env bash
# What CORRIDOR_ASSERT costs on the engine's hot path (issue 12, target: at most 5% on ping-pong).
# Builds bench_engine twice from this tree: with the assertions compiled in, as every build has
# them (in build/, configured as scripts/setup.sh does if it is not there yet), and compiled out
# (build-assert-off/, the same build type with -DCORRIDOR_ASSERTS_COMPILED_OUT: this script is the
# only place that sets it). Then it runs BM_PingPong from each alternately, ROUNDS times, swapping
# which goes first every round, so that a noisy shared machine slows both alike, and prints each
# round's events/s and ratio, and the median ratio on / off.
#   bench/assert_cost.sh [rounds, default 9] [min seconds per run, default 1]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-9}
min_time=${2:-1}
export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

on_dir=$root/build
off_dir=$root/build-assert-off
if [ ! -f "$on_dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$on_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$on_dir/CMakeCache.txt")
if [ ! -f "$off_dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$off_dir" -G Ninja "-DCMAKE_BUILD_TYPE=$build_type" -DCORRIDOR_BUILD_TESTS=OFF \
    -DCORRIDOR_BUILD_CLI=OFF -DCMAKE_CXX_FLAGS=-DCORRIDOR_ASSERTS_COMPILED_OUT "${launcher[@]}" >/dev/null
fi
ninja -C "$on_dir" bench_engine >/dev/null
ninja -C "$off_dir" bench_engine >/dev/null

# The events/s counter of one BM_PingPong run, in events per second.
events_per_s() {
  "$1/bench/bench_engine" --benchmark_filter='^BM_PingPong$' --benchmark_min_time="$min_time" \
    --benchmark_format=csv 2>/dev/null |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "\"events/s\"" || $i == "events/s") col = i; next }
             /BM_PingPong/ { print $col }'
}

ratios=()
echo "round  on (events/s)  off (events/s)  on/off"
for ((r = 1; r <= rounds; ++r)); do
  if ((r % 2)); then
    on=$(events_per_s "$on_dir"); off=$(events_per_s "$off_dir")
  else
    off=$(events_per_s "$off_dir"); on=$(events_per_s "$on_dir")
  fi
  ratio=$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.4f", a / b }')
  ratios+=("$ratio")
  printf "%5d  %13.0f  %14.0f  %s\n" "$r" "$on" "$off" "$ratio"
done
median=$(printf "%s\n" "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
cost=$(awk -v m="$median" 'BEGIN { printf "%.1f", (1 - m) * 100 }')
echo "median on/off over $rounds rounds: $median (assertions cost $cost% of ping-pong's event rate)"
