#!/usr/bin/env bash
# corridor grade on protocols written as coroutines (corridor::co), against corridor installed
# into a prefix: two students' token rings (tests/install/grade_co/). The reference scores full
# marks; `regenerates` (node 0 makes a second token when the first is late) loses exactly the
# scenario with a pause, charged to the invariant single-token; a regrade is byte-identical.
set -euo pipefail
source_dir=$1
build_dir=$2
work="$build_dir/grade-co-test"
prefix="$build_dir/grade-co-prefix"
rm -rf "$work"
mkdir -p "$work"
fail() {
  echo "grade coroutine test: $*"
  exit 1
}

cmake --install "$build_dir" --prefix "$prefix" > "$work/install.log"
corridor="$prefix/bin/corridor"
export CCACHE_BASEDIR=$work CCACHE_NOHASHDIR=true
score() {  # score DIR SUBMISSION
  python3 -c "import json,sys; print('%g' % json.load(open(sys.argv[1]))['score'])" "$1/$2/results.json"
}

cd "$source_dir/tests/install/grade_co"
for run in 1 2; do
  "$corridor" grade suite.toml reference regenerates --out "$work/g$run" --jobs 2 --corridor-prefix "$prefix" \
    > "$work/g$run.log" 2>&1 || { cat "$work/g$run.log"; fail "grading (run $run) failed"; }
done
cat "$work/g1.log"
[[ $(score "$work/g1" reference) == 10 ]] || fail "reference scored $(score "$work/g1" reference), not 10"
[[ $(score "$work/g1" regenerates) == 5 ]] || fail "regenerates scored $(score "$work/g1" regenerates), not 5"
grep -q "2.1 pause, 4 nodes: safety" "$work/g1.log" || fail "the second token was not charged to the pause scenario as safety"
grep -q "single-token" "$work/g1/regenerates/report.md" || fail "the report does not name single-token"
for sub in reference regenerates; do
  for f in results.json junit.xml report.md grade.json; do
    cmp -s "$work/g1/$sub/$f" "$work/g2/$sub/$f" || fail "$sub/$f differs on a regrade"
  done
done
echo "grade coroutine test: the coroutine submissions score as expected, twice with identical outputs"
