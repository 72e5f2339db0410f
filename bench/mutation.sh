#!/usr/bin/env bash
# Mutation check (issue 16, item 5): applies each mutant of bench/mutants/ to a temporary copy of
# the source tree, builds `corridor` in that copy's own build folder (ccache: a one-line change
# recompiles one file and relinks), runs the mutated protocol's default campaign (`corridor run P`,
# the registration's sizes and clocks, the default 4,603 seeds) and reports killed or survived.
#
#   bench/mutation.sh [MUTANT...]       (default: every bench/mutants/*.mutant)
#
# A mutant file holds one-line diffs described without sed (so it applies to the tree as it is):
#   protocol: multi-paxos-kv
#   class: off-by-one quorum
#   file: protocols/multi_paxos_kv/multi_paxos_kv.cpp
#   from: <a line of the file, exactly, once>
#   to: <what it becomes>
# A mutant whose `from` line is not found exactly once is reported as "stale", never run.
# Output: one line per mutant (name, protocol, class, killed/survived, the invariant, seconds) on
# stdout and in $MUTATION_WORK/results.tsv (MUTATION_WORK: /tmp/corridor-mutation; MUTATION_SEEDS,
# MUTATION_MASTER_SEED and MUTATION_RESULTS override). Runs at nice 15: the CPU is shared.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
work=${MUTATION_WORK:-/tmp/corridor-mutation}
seeds=${MUTATION_SEEDS:-4603}
master=${MUTATION_MASTER_SEED:-0xC0441D04}
out=${MUTATION_RESULTS:-$work/results.tsv}
mutants=("$@")
[ ${#mutants[@]} -eq 0 ] && mutants=("$root"/bench/mutants/*.mutant)
mkdir -p "$work"
field() { sed -n "s/^$1: //p" "$2" | head -n 1; }

# The unmutated tree, copied once (sources only: no build folders, no .git).
base="$work/base"
rm -rf "$base" && mkdir -p "$base"
(cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$base")

printf "mutant\tprotocol\tclass\tresult\tinvariant\tseconds\n" > "$out"
killed=0; total=0
for m in "${mutants[@]}"; do
  name=$(basename "$m" .mutant)
  protocol=$(field protocol "$m"); class=$(field class "$m"); file=$(field file "$m")
  # The build folder sits where the worktree's does (src/build), so that ccache, which hashes paths
  # relative to CCACHE_BASEDIR, finds the objects the worktree's own build compiled.
  src="$work/$name/src"; build="$src/build"
  rm -rf "$work/$name" && mkdir -p "$work/$name" && cp -a "$base" "$src"
  if ! python3 - "$m" "$src/$file" <<'PY'
import sys
lines = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith(("from: ", "to: ")):
        key, _, value = line.partition(": ")
        lines[key] = value.rstrip("\n")
text = open(sys.argv[2], encoding="utf-8").read()
old = lines["from"] + "\n"
if text.count(old) != 1:
    sys.exit(1)
open(sys.argv[2], "w", encoding="utf-8").write(text.replace(old, lines["to"] + "\n"))
PY
  then
    printf "%s\t%s\t%s\tstale\t-\t0\n" "$name" "$protocol" "$class" | tee -a "$out"
    continue
  fi
  started=$(date +%s)
  # The main build's flags, so that ccache serves every file the mutant does not touch.
  if ! (cd "$src" && export CCACHE_BASEDIR=$src CCACHE_NOHASHDIR=true &&
        nice -n 15 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCORRIDOR_WERROR=ON \
          -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > "$work/$name/cmake.log" 2>&1 &&
        nice -n 15 ninja -C "$build" corridor > "$work/$name/build.log" 2>&1); then
    printf "%s\t%s\t%s\tbuild-failed\t-\t%s\n" "$name" "$protocol" "$class" $(( $(date +%s) - started )) | tee -a "$out"
    continue
  fi
  total=$((total + 1))
  # A mutant may make runs spin or grow without end: 4 GiB of address space and 10 minutes, so the
  # shared machine survives it (exit 137 or 124: reported as "limit", not as a corridor verdict).
  (cd "$work/$name" && ulimit -v 4194304 && nice -n 15 timeout 600 "$build/corridor" run "$protocol" --seeds "$seeds" --master-seed "$master" \
     --json --quiet --no-shrink --out "$work/$name/results" > summary.json 2> run.log)
  code=$?
  invariant=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); f=j.get("failures",[]); print(f[0].get("invariant","-") if f else "-")' "$work/$name/summary.json" 2>/dev/null || echo "-")
  case $code in
    0) result=survived ;;
    1|2|3|4) result=killed; killed=$((killed + 1)) ;;
    *) result=limit ;;
  esac
  printf "%s\t%s\t%s\t%s (exit %s)\t%s\t%s\n" "$name" "$protocol" "$class" "$result" "$code" "$invariant" \
    $(( $(date +%s) - started )) | tee -a "$out"
  rm -rf "$src"  # keep the logs and results, not the copy
done
echo "killed $killed of $total mutants built and run" | tee -a "$out"
