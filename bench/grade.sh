#!/usr/bin/env bash
# Grading's costs, on this machine (bench/RESULTS.md has the figures):
#  1. grading the example suite (examples/grading: every scenario, the seeds it declares) for one
#     submission, wall time and the share spent building it: once with the compile cached
#     (ccache warm, as on a regrade) and once with ccache off (CCACHE_DISABLE=1, a first build);
#  2. running seeds through sandboxed child processes (`corridor grade --jobs 1`) against the same
#     seeds in one process per test (`TOOL grade-child ... --keep-going`, no sandbox, same single
#     core), twice: with the suite as it is (each seed's trace written by the child and its history
#     re-checked by the grader) and with the re-check off (the suite without history_model), so
#     that the cost of isolation and the cost of the re-check show apart.
# Usage: bench/grade.sh BUILD_DIR  (corridor built there; it is installed into BUILD_DIR/grade-prefix)
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$(cd "$1" && pwd)
prefix="$build_dir/grade-prefix"
work="$build_dir/bench-grade"
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
corridor="$prefix/bin/corridor"
cd "$source_dir/examples/grading"
now() { date +%s.%N; }

grade_once() {  # OUT [env...]
  local out=$1; shift
  local t0 t1
  t0=$(now)
  env "$@" "$corridor" grade suite.toml submissions/reference --out "$out" --jobs 2 --corridor-prefix "$prefix" > "$out.log"
  t1=$(now)
  python3 - "$out/reference/timings.json" "$t0" "$t1" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); wall = float(sys.argv[3]) - float(sys.argv[2])
print(f"wall {wall:.1f} s, building {t['build_seconds']:.1f} s ({100 * t['build_seconds'] / wall:.0f}%), "
      f"running {t['run_seconds']:.1f} s")
PY
}
echo "1. the example suite for one submission (2 jobs):"
echo -n "   ccache warm: "; grade_once "$work/warm" CCACHE_BASEDIR="$work" CCACHE_NOHASHDIR=true
echo -n "   ccache off:  "; grade_once "$work/cold" CCACHE_DISABLE=1

echo "2. child processes against one process per test, same seeds, one core:"
grep -v '^history_model' suite.toml > "$work/suite-no-recheck.toml"
# Each side is measured `repeats` times and the fastest run kept: a test here is a fraction of a
# second, so a single run says more about the other processes of the machine than about ours.
repeats=5
children_vs_one() {  # LABEL SUITE
  local label=$1 suite=$2 out="$work/one-job-${1// /}" i
  local timings=()
  for i in $(seq "$repeats"); do
    "$corridor" grade "$suite" "$PWD/submissions/reference" --out "$out" --jobs 1 --corridor-prefix "$prefix" > "$out.log"
    cp "$out/reference/timings.json" "$out.timings-$i.json"
    timings+=("$out.timings-$i.json")
  done
  python3 - "$label" "$out/build/reference/build/reference" "$repeats" "${timings[@]}" <<'PY'
import json, subprocess, sys, time
label, tool, repeats, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
runs = [json.load(open(f)) for f in files]
children = min(sum(t["seconds"] for t in r["tests"].values()) for r in runs)
seeds = sum(len(t["seeds"]) for t in runs[0]["tests"].values())
one = None
for _ in range(repeats):
    t0 = time.monotonic()
    for name, t in runs[0]["tests"].items():
        subprocess.run([tool] + t["arguments"] + ["--seeds", ",".join(t["seeds"]), "--keep-going"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.monotonic() - t0
    one = elapsed if one is None else min(one, elapsed)
print(f"   {label}: {len(runs[0]['tests'])} tests, {seeds} seeds; sandboxed children (grade --jobs 1) {children:.3f} s; "
      f"one process per test, no sandbox, no re-check {one:.3f} s; ratio {children / one:.2f}x (fastest of {repeats})")
PY
}
children_vs_one "re-check on " "$PWD/suite.toml"
children_vs_one "re-check off" "$work/suite-no-recheck.toml"
# The same with ten times the seeds per scenario: how the fixed cost of a child (fork, exec, the
# sandbox, the registry at start-up) spreads over more seeds.
sed -E 's/^seeds = ([0-9]+)/seeds = \10/' suite.toml > "$work/suite-10x.toml"
grep -v '^history_model' "$work/suite-10x.toml" > "$work/suite-10x-no-recheck.toml"
children_vs_one "10x seeds, re-check on " "$work/suite-10x.toml"
children_vs_one "10x seeds, re-check off" "$work/suite-10x-no-recheck.toml"
