#!/usr/bin/env bash
# corridor grade end to end, against corridor installed into a prefix (cmake --install):
#  1. the worked course folder (examples/grading): the reference scores full marks and each buggy
#     submission exactly the points of the scenarios its bug breaks, twice with byte-identical
#     outputs, and `grade --verify` agrees;
#  2. submissions that crash, hang, flood their output, open a socket or do not compile are each
#     classified and charged, and grading goes on; a submission whose own program says "pass" on
#     a history that is not linearizable loses the points to the grader's re-check;
#  3. Gradescope's setup.sh and run_autograder against a fake /autograder folder.
set -euo pipefail
source_dir=$1
build_dir=$2
work="$build_dir/grade-test"
prefix="$build_dir/grade-prefix"
rm -rf "$work"
mkdir -p "$work"
fail() {
  echo "grade test: $*"
  exit 1
}

# One install, reused by every run here (and by bench/grade.sh).
cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
corridor="$prefix/bin/corridor"
export CCACHE_BASEDIR=$work CCACHE_NOHASHDIR=true

cd "$source_dir/examples/grading"
score() {  # score DIR SUBMISSION
  python3 -c "import json,sys; print('%g' % json.load(open(sys.argv[1]))['score'])" "$1/$2/results.json"
}

# 1. The worked example, twice.
for run in 1 2; do
  "$corridor" grade suite.toml submissions/* --out "$work/g$run" --jobs 2 --corridor-prefix "$prefix" \
    > "$work/g$run.log" 2>&1 || { cat "$work/g$run.log"; fail "grading the example (run $run) failed"; }
done
cat "$work/g1.log"
declare -A expected=([reference]=60 [commit-early]=40 [lease-no-margin]=50 [forgets-log]=50)
for sub in "${!expected[@]}"; do
  got=$(score "$work/g1" "$sub")
  [[ $got == "${expected[$sub]}" ]] || fail "$sub scored $got, not ${expected[$sub]}"
  for f in results.json junit.xml report.md grade.json; do
    cmp -s "$work/g1/$sub/$f" "$work/g2/$sub/$f" || fail "$sub/$f differs on a regrade"
  done
done
"$corridor" grade --verify "$work/g1/commit-early/grade.json" --corridor-prefix "$prefix" > "$work/verify.log" \
  || { cat "$work/verify.log"; fail "grade --verify found a difference"; }
grep -q "digests match" "$work/verify.log" || fail "grade --verify did not say the digests match"
if grep -rqE "$work|$(hostname)" "$work/g1/reference/results.json" "$work/g1/reference/report.md" "$work/g1/reference/junit.xml" "$work/g1/reference/grade.json"; then
  fail "an output names an absolute path or the host"
fi

# 2. Misbehaving submissions: each costs its own points, and the run goes on.
cd "$source_dir/tests/install/grade_bad"
"$corridor" grade suite.toml fine crash hang socket flood broken --out "$work/bad" --jobs 2 --corridor-prefix "$prefix" \
  > "$work/bad.log" 2>&1 || { cat "$work/bad.log"; fail "grading the misbehaving submissions failed"; }
cat "$work/bad.log"
[[ $(score "$work/bad" fine) == 4 ]] || fail "fine scored $(score "$work/bad" fine), not 4"
for sub in crash hang socket flood broken; do
  got=$(score "$work/bad" "$sub")
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 4 else 1)" "$got" || fail "$sub scored $got of 4"
done
grep -q "1.1 ping, 2 nodes: crash (the program exited 3" "$work/bad.log" || fail "the crash was not classed crash"
grep -q "1.1 ping, 2 nodes: hung (the seed ran longer than 3 s" "$work/bad.log" || fail "the hang was not classed hung"
grep -q "1.1 ping, 2 nodes: limit (the program tried to open a socket" "$work/bad.log" || fail "the socket was not classed limit"
grep -q "1.1 ping, 2 nodes: limit (the program printed more than" "$work/bad.log" || fail "the flood was not classed limit"
grep -q "broken: 0 of 4 points; the submission did not build" "$work/bad.log" || fail "the broken build was not scored 0"
grep -q "this_does_not_compile" "$work/bad/broken/report.md" || fail "the report lacks the compiler's error"
grep -q "bad.cpp:" "$work/bad/broken/report.md" || fail "the compiler's error does not name the file"

# 2b. The grader's own re-check of each history: a submission with no checker of its own whose
# reads are stale passes in its own program and loses the points to the re-check.
cd "$source_dir/tests/install/grade_recheck"
"$corridor" grade suite.toml honest unchecked --out "$work/recheck" --jobs 2 --corridor-prefix "$prefix" \
  > "$work/recheck.log" 2>&1 || { cat "$work/recheck.log"; fail "grading the re-check submissions failed"; }
cat "$work/recheck.log"
[[ $(score "$work/recheck" honest) == 2 ]] || fail "honest scored $(score "$work/recheck" honest), not 2"
[[ $(score "$work/recheck" unchecked) == 0 ]] || fail "unchecked scored $(score "$work/recheck" unchecked), not 0"
grep -q "1.1 write-then-read, 1 node: safety (the grader's own check of the history the program wrote" "$work/recheck.log" \
  || fail "the stale read was not found by the grader's re-check"
grep -q "History re-checked by the grader" "$work/recheck/unchecked/report.md" || fail "the report does not say histories are re-checked"
[[ -z $(find "$work/recheck/honest/traces" -name "histories-*.jsonl" 2> /dev/null) ]] || fail "histories of passing seeds were kept"

# 3. Gradescope, on a fake /autograder folder.
root="$work/autograder"
mkdir -p "$root/source" "$root/submission"
cp "$source_dir/examples/grading/suite.toml" "$root/source/"
ln -s "$source_dir" "$root/source/corridor"
cp "$source_dir/examples/grading/submissions/lease-no-margin/"* "$root/submission/"
AUTOGRADER_ROOT=$root CORRIDOR_PREFIX=$prefix bash "$source_dir/examples/grading/gradescope/setup.sh" > "$work/setup.log"
grep -q "already installed" "$work/setup.log" || fail "setup.sh did not find the installed corridor"
AUTOGRADER_ROOT=$root CORRIDOR_PREFIX=$prefix bash "$source_dir/examples/grading/gradescope/run_autograder" > "$work/autograder.log" 2>&1
[[ $(python3 -c "import json; print('%g' % json.load(open('$root/results/results.json'))['score'])") == "${expected[lease-no-margin]}" ]] \
  || { cat "$work/autograder.log"; fail "run_autograder's results.json has the wrong score"; }
rm -rf "$root/submission"/*
AUTOGRADER_ROOT=$root CORRIDOR_PREFIX=$prefix bash "$source_dir/examples/grading/gradescope/run_autograder" > "$work/autograder-empty.log" 2>&1
grep -q "could not be graded (corridor exited 65)" "$root/results/results.json" || fail "an empty submission did not get a results.json with the reason"
echo "grade test: the example scores as expected twice with identical outputs, misbehaving submissions are charged, Gradescope's scripts work"
