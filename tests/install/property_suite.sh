#!/usr/bin/env bash
# Builds examples/property_suite (GoogleTest + RapidCheck, find_package(corridor COMPONENTS
# testing)) against corridor installed. The correct ring must pass; the planted bug must fail
# with a shrunk trace, a replay line that reproduces the violation, and RapidCheck's reproduce
# token.
set -euo pipefail
source_dir=$1
build_dir=$2
work="$build_dir/property-suite-test"
rm -rf "$work"
mkdir -p "$work"
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1 without debug information, as `corridor grade` builds submissions: the suite runs for
# seconds, so its compile time is what counts.

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/examples/property_suite" -B "$work/suite" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 "${launcher[@]}" > "$work/configure.log"
cmake --build "$work/suite" > "$work/build.log"

if ! CORRIDOR_RESULTS="$work/results" "$work/suite/token_ring_tests" > "$work/correct.log" 2>&1; then
  cat "$work/correct.log"
  echo "property suite example: the correct variant failed"
  exit 1
fi
if TOKEN_RING_VARIANT=buggy CORRIDOR_RESULTS="$work/results" "$work/suite/token_ring_tests" > "$work/buggy.log" 2>&1; then
  cat "$work/buggy.log"
  echo "property suite example: the planted bug was not found"
  exit 1
fi
for expected in "single-token" "shrunk: $work/results/my-token-ring/buggy/seed-" "replay: CORRIDOR_REPLAY=" "reproduce="; do
  if ! grep -qF "$expected" "$work/buggy.log"; then
    cat "$work/buggy.log"
    echo "property suite example: the failure output lacks '$expected'"
    exit 1
  fi
done
replay_line=$(grep -o "CORRIDOR_REPLAY=.*" "$work/buggy.log" | head -n 1)
if eval "$replay_line" > "$work/replay.log" 2>&1 || ! grep -q "single-token" "$work/replay.log"; then
  cat "$work/replay.log"
  echo "property suite example: the replay line did not reproduce the violation: $replay_line"
  exit 1
fi
# The shrunk trace names ring, the example's corridor_add_tool program, which replays, shrinks and
# renders it; the stock corridor sends the user there (exit 65).
shrunk=$(grep -o "shrunk: [^ ]*" "$work/buggy.log" | head -n 1 | cut -d' ' -f2)
head -n 1 "$shrunk" | grep -q '"tool":"ring (corridor ' || { echo "property suite example: $shrunk does not name ring"; exit 1; }
grep -qF "or:     ring replay $shrunk" "$work/buggy.log" || { cat "$work/buggy.log"; echo "property suite example: no 'ring replay' line"; exit 1; }
rc=0; "$work/suite/ring" replay "$shrunk" > "$work/ring-replay.log" 2>&1 || rc=$?
if [[ $rc != 1 ]] || ! grep -q "same violation: single-token" "$work/ring-replay.log"; then
  cat "$work/ring-replay.log"; echo "property suite example: ring replay exited $rc"; exit 1
fi
"$work/suite/ring" shrink "$shrunk" --out "$work/reshrunk" > "$work/ring-shrink.log" 2>&1 || true
grep -q "replay: ring replay" "$work/ring-shrink.log" || { cat "$work/ring-shrink.log"; echo "property suite example: ring shrink"; exit 1; }
"$work/suite/ring" render "$shrunk" --format html --out "$work/shrunk.html"
rc=0; "$work/prefix/bin/corridor" replay "$shrunk" > "$work/stock.log" 2>&1 || rc=$?
if [[ $rc != 65 ]] || ! grep -q "written by 'ring (corridor " "$work/stock.log"; then
  cat "$work/stock.log"; echo "property suite example: corridor replay of ring's trace exited $rc"; exit 1
fi
echo "property suite example: the correct variant passes; the planted bug fails with a shrunk trace that replays (test binary and ring)"
