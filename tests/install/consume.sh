#!/usr/bin/env bash
# Builds examples/minimal against corridor twice: installed (cmake --install, then
# find_package(corridor)) and as a subdirectory (add_subdirectory). Each build must pass on the
# correct protocol and find the planted bug.
set -euo pipefail
source_dir=$1
build_dir=$2
work="$build_dir/consumer-test"
rm -rf "$work"
mkdir -p "$work"

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/examples/minimal" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$work/configure-installed.log"
cmake --build "$work/installed" > "$work/build-installed.log"
"$work/installed/token_ring"
"$work/installed/token_ring" --buggy

cmake -S "$source_dir/examples/minimal" -B "$work/subdir" -G Ninja -DCORRIDOR_SOURCE_DIR="$source_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$work/configure-subdir.log"
cmake --build "$work/subdir" --target token_ring > "$work/build-subdir.log"
"$work/subdir/token_ring"
"$work/subdir/token_ring" --buggy
echo "consumer builds: installed and add_subdirectory both work"

# The property-suite example (GoogleTest + RapidCheck, find_package(corridor COMPONENTS testing)).
# The correct ring passes; the planted bug fails with a shrunk trace, a replay line that
# reproduces the violation, and RapidCheck's reproduce token.
cmake -S "$source_dir/examples/property_suite" -B "$work/suite" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$work/configure-suite.log"
cmake --build "$work/suite" > "$work/build-suite.log"
if ! CORRIDOR_RESULTS="$work/suite-results" "$work/suite/token_ring_tests" > "$work/suite-correct.log" 2>&1; then
  cat "$work/suite-correct.log"
  echo "property suite example: the correct variant failed"
  exit 1
fi
if TOKEN_RING_VARIANT=buggy CORRIDOR_RESULTS="$work/suite-results" "$work/suite/token_ring_tests" \
    > "$work/suite-buggy.log" 2>&1; then
  cat "$work/suite-buggy.log"
  echo "property suite example: the planted bug was not found"
  exit 1
fi
for expected in "single-token" "shrunk: $work/suite-results/token-ring/buggy/seed-" "replay: CORRIDOR_REPLAY=" \
    "reproduce="; do
  if ! grep -qF "$expected" "$work/suite-buggy.log"; then
    cat "$work/suite-buggy.log"
    echo "property suite example: the failure output lacks '$expected'"
    exit 1
  fi
done
replay_line=$(grep -o "CORRIDOR_REPLAY=.*" "$work/suite-buggy.log" | head -n 1)
if eval "$replay_line" > "$work/suite-replay.log" 2>&1 || ! grep -q "single-token" "$work/suite-replay.log"; then
  cat "$work/suite-replay.log"
  echo "property suite example: the replay line did not reproduce the violation: $replay_line"
  exit 1
fi
echo "property suite example: correct variant passes, planted bug fails with a shrunk trace that replays"
