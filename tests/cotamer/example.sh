#!/usr/bin/env bash
# The course-style example (examples/cotamer) as course code is built: with clang, against this
# build's libraries (examples/cotamer/build.sh). Its program, pbkv: the correct variant holds
# under crash-restart, duplication and drift; both planted bugs break lock-sequence (the client
# model's end-state check) with the course's FAILURE line; a failing trace replays exactly,
# shrinks and renders. Usage: example.sh SOURCE_DIR BUILD_DIR. Exit 77 (skip) without clang++.
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
status=0
bash "$src/examples/cotamer/build.sh" "$src" "$build" || status=$?
[ "$status" = 0 ] || exit "$status"
pbkv=$build/examples/cotamer/pbkv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
faults=delay=uniform:1ms:20ms,dup=0.05,crash=1

"$pbkv" list >list.out   # to a file: grep -q on a pipe could stop pbkv with SIGPIPE
grep -q '^  pb-kv: \[own\]' list.out
"$pbkv" run pb-kv --seeds 100 --faults "$faults" --clock drift=200ppm --quiet --master-seed 0x5eed

expect_failure() {  # VARIANT: the planted bug is found, breaking lock-sequence
  local status=0
  "$pbkv" run pb-kv --variant "$1" --seeds 500 --faults "$faults" --clock drift=200ppm --quiet --master-seed 0x5eed \
    --shrink-budget 20s >"$1.out" 2>&1 || status=$?
  cat "$1.out"
  [ "$status" = 1 ] || { echo "example.sh: $1 should fail with exit 1, got $status"; exit 1; }
  grep -q 'lock-sequence' "$1.out"
  grep -q '\*\*\* FAILURE on seed 0x' "$1.out"
}
expect_failure no-dedup
expect_failure reply-before-backup

trace=$(ls results/pb-kv/no-dedup/*.trace.jsonl | grep -v shrunk | head -1)
shrunk=$(ls results/pb-kv/no-dedup/*.shrunk.trace.jsonl | head -1)
status=0
"$pbkv" replay "$trace" >replay.out 2>&1 || status=$?
cat replay.out
[ "$status" = 1 ] || { echo "example.sh: the replay should fail again with exit 1, got $status"; exit 1; }
grep -q 'matches' replay.out
grep -q 'same violation: lock-sequence' replay.out
status=0
"$pbkv" replay "$shrunk" >shrunk.out 2>&1 || status=$?
[ "$status" = 1 ] || { cat shrunk.out; echo "example.sh: the shrunk trace should fail with exit 1, got $status"; exit 1; }
"$pbkv" render "$shrunk" --format html --out picture.html
grep -qi '<html' picture.html
"$pbkv" render "$shrunk" >picture.txt
grep -q 'R0' picture.txt
echo "example.sh: pbkv run, replay, shrink and render behave"
