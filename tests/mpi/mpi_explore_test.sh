#!/usr/bin/env bash
# The distributed search (corridor-mpi-explore under mpirun with 1, 2 and 4 ranks) against the
# single-process one (corridor explore, explorers/exhaustive.hpp): the same verdict, unique and
# generated states and depth, and with a violation a counterexample of the same length (BFS: the
# shortest).
# Usage: mpi_explore_test.sh CORRIDOR CORRIDOR_MPI_EXPLORE MPIRUN EXPLORE-ARGUMENTS...
set -euo pipefail
corridor=$1
mpi_explore=$2
mpirun=$3
shift 3
args=("$@")
# mpirun refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d "${TMPDIR:-/tmp}/corridor-mpi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# "held: 296,448 unique states, 2,716,034 generated, depth 15, ..." and "counterexample, 9 actions"
# as "verdict unique generated depth length".
figures() {
  local line length
  line=$(grep -E '^(held|violation|unknown)( \(.*\))?: [0-9,]+ unique states' "$1" | head -1)
  [ -n "$line" ] || { echo "no summary line in $1:" >&2; cat "$1" >&2; return 1; }
  length=$(sed -n 's/^counterexample, \([0-9]*\) actions.*/\1/p' "$1" | head -1)
  case "$line" in
    # A violation stops the single-process search part-way through a level, wherever its threads
    # were: only the verdict and the counterexample's length are the search's own.
    violation*) echo "violation, counterexample of ${length:-none} actions" ;;
    *) echo "$line" | sed -E 's/^([a-z]+)( \([^)]*\))?: ([0-9,]+) unique states, ([0-9,]+) generated, depth ([0-9]+).*/\1 \3 unique \4 generated depth \5/' ;;
  esac
}

status=0
"$corridor" explore "${args[@]}" --quiet --jobs 1 > "$work/single.txt" 2>&1 || status=$?
case "$status" in 0 | 1 | 4) ;; *) echo "FAIL: corridor explore ${args[*]} exited $status"; cat "$work/single.txt"; exit 1 ;; esac
expected=$(figures "$work/single.txt")
echo "single process: $expected"

failures=0
for ranks in 1 2 4; do
  extra=()
  if [ "$ranks" -gt 2 ]; then extra=(--oversubscribe); fi
  status=0
  "$mpirun" -np "$ranks" "${extra[@]}" "$mpi_explore" "${args[@]}" > "$work/mpi-$ranks.txt" 2>&1 || status=$?
  case "$status" in 0 | 1 | 4) ;; *) echo "FAIL: $ranks ranks exited $status"; cat "$work/mpi-$ranks.txt"; failures=$((failures + 1)); continue ;; esac
  got=$(figures "$work/mpi-$ranks.txt")
  if [ "$got" = "$expected" ]; then
    echo "ok $ranks rank(s): $got"
  else
    echo "FAIL $ranks rank(s): $got, expected $expected"; cat "$work/mpi-$ranks.txt"; failures=$((failures + 1))
  fi
done
if [ "$failures" -gt 0 ]; then exit 1; fi
echo "mpi_explore_test.sh ${args[*]}: 1, 2 and 4 ranks agree with the single-process search"
