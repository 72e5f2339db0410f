#!/usr/bin/env bash
# The entry script of a scheduler's job array, run here N times with the index variable the
# scheduler would set, then the merge step: the merged results must be the unsharded campaign's
# (summary.json less its measured fields, every trace byte for byte), for a passing and a failing
# campaign; and a missing shard must make the merge refuse (exit 65).
# Usage: job_array_test.sh slurm|kubernetes CORRIDOR SOURCE_DIR
set -euo pipefail
scheduler=$1
corridor=$2
src=$3
case "$scheduler" in
  slurm) entry="$src/deploy/slurm/shard-entry.sh"; merge="$src/deploy/slurm/merge-entry.sh" ;;
  kubernetes) entry="$src/deploy/kubernetes/shard-entry.sh"; merge="$src/deploy/kubernetes/merge-entry.sh" ;;
  *) echo "job_array_test.sh: unknown scheduler '$scheduler'" >&2; exit 64 ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/corridor-deploy-$scheduler.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# The measured fields of summary.json (cli/campaign_report.hpp) are on lines of their own.
computed() { grep -v -E '^ *"(seconds|runs_per_s|events_per_s|jobs)": ' "$1"; }

# One array task, with the environment its scheduler gives it.
run_task() {
  local index=$1 count=$2
  if [ "$scheduler" = slurm ]; then
    env SLURM_ARRAY_TASK_ID="$index" SLURM_ARRAY_TASK_COUNT="$count" SLURM_CPUS_PER_TASK=2 bash "$entry"
  else
    env JOB_COMPLETION_INDEX="$index" CORRIDOR_SHARDS="$count" CORRIDOR_JOBS=2 bash "$entry"
  fi
}

# check NAME SHARDS EXIT ARGS: the campaign whole (written to results/merged, the merge's folder,
# so the paths inside summary.json are the same text) and as SHARDS tasks merged.
check() {
  local name=$1 shards=$2 exit_expected=$3 args=$4
  mkdir -p "$work/$name/whole" "$work/$name/array"
  local status=0
  (cd "$work/$name/whole" && "$corridor" $args --quiet --jobs 2 --out results/merged > whole.log 2>&1) || status=$?
  if [ "$status" != "$exit_expected" ]; then
    echo "FAIL $name: the unsharded campaign exited $status, not $exit_expected"; cat "$work/$name/whole/whole.log"; failures=$((failures + 1)); return
  fi
  export CORRIDOR="$corridor" CORRIDOR_RESULTS=results CORRIDOR_RUN_ARGS="$args"
  for ((i = 0; i < shards; i++)); do
    if ! (cd "$work/$name/array" && run_task "$i" "$shards" > "task-$i.log" 2>&1); then
      echo "FAIL $name: task $i of $shards exited non-zero"; cat "$work/$name/array/task-$i.log"; failures=$((failures + 1)); return
    fi
  done
  status=0
  (cd "$work/$name/array" && bash "$merge" > merge.log 2>&1) || status=$?
  if [ "$status" != "$exit_expected" ]; then
    echo "FAIL $name: the merge exited $status, not $exit_expected"; cat "$work/$name/array/merge.log"; failures=$((failures + 1)); return
  fi
  local whole="$work/$name/whole/results/merged" merged="$work/$name/array/results/merged"
  if ! diff <(cd "$whole" && find . -type f | sort) <(cd "$merged" && find . -type f | sort); then
    echo "FAIL $name: the merged results hold other files than the unsharded ones"; failures=$((failures + 1)); return
  fi
  local file
  while IFS= read -r file; do
    if [[ "$file" == */summary.json ]]; then
      if ! diff <(computed "$whole/$file") <(computed "$merged/$file"); then
        echo "FAIL $name: $file differs"; failures=$((failures + 1)); return
      fi
    elif ! cmp -s "$whole/$file" "$merged/$file"; then
      echo "FAIL $name: $file differs"; failures=$((failures + 1)); return
    fi
  done < <(cd "$whole" && find . -type f | sort)
  echo "ok $name: $shards tasks merged equal the unsharded campaign ($(cd "$whole" && find . -type f | wc -l) files)"

  # A task that never ran: the merge names it and refuses.
  rm -rf "$work/$name/array/results/shard-1" "$work/$name/array/results/merged"
  status=0
  (cd "$work/$name/array" && bash "$merge" > refused.log 2>&1) || status=$?
  if [ "$status" != 65 ] || ! grep -q "shard(s) 1 of $shards missing" "$work/$name/array/refused.log"; then
    echo "FAIL $name: with shard 1 missing the merge exited $status:"; cat "$work/$name/array/refused.log"; failures=$((failures + 1)); return
  fi
  echo "ok $name: with shard 1 missing the merge refuses (exit 65)"
}

check passing 3 0 "run leader-lease --seeds 30 --master-seed 0x11"
check failing 4 1 "run leader-lease --variant no-drift-margin --clock drift=50000ppm --seeds 40 --master-seed 0x3"

if [ "$failures" -gt 0 ]; then
  echo "job_array_test.sh $scheduler: $failures check(s) failed"
  exit 1
fi
echo "job_array_test.sh $scheduler: every check passed"
