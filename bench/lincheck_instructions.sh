#!/bin/bash
# Instructions executed inside check_history (callgrind) for five checks of every Porcupine file,
# one line per bench_lincheck row: a before/after measure that the machine's load does not change.
#   bench/lincheck_instructions.sh build/bench/bench_lincheck_instructions > after.tsv
# The histories: $CORRIDOR_SHARED_DATA/histories/porcupine (default: ../shared/data beside the checkout).
set -euo pipefail
BIN=$1
DATA=${CORRIDOR_SHARED_DATA:-$(dirname "$0")/../../shared/data}/histories/porcupine
run() {
  local n
  n=$(valgrind --tool=callgrind --toggle-collect='corridor::lincheck::check_history*' --callgrind-out-file=/dev/null \
        "$BIN" "$DATA/$1" ${2:-} 2>&1 | grep Collected | awk '{print $4}')
  echo -e "$1${2:+ whole-map-model}\t$n"
}
for i in $(seq -w 0 49); do run "etcd/etcd_0$i.log"; done
for kv in c01-ok c01-bad c10-ok c10-bad c50-ok c50-bad; do run "kv/$kv.txt"; done
for kv in c01-ok c01-bad c10-ok c10-bad; do run "kv/$kv.txt" whole; done
