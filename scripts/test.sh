#!/usr/bin/env bash
# Sets everything up (Debian packages, a build with warnings as errors) and runs every test.
# With --sanitize it also builds with AddressSanitizer and UndefinedBehaviorSanitizer in
# build-asan/ and runs the tests there.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    *) echo "test.sh: unknown option '$arg' (expected --sanitize)" >&2; exit 64 ;;
  esac
done

jobs=$(nproc 2>/dev/null || echo 2)
# --with-render-tools: graphviz and chromium, for the tests that draw pictures (tests/render);
# --with-mpi: Open MPI, for the distributed search and its tests (tests/mpi).
CORRIDOR_WERROR=ON "$here/scripts/setup.sh" --with-render-tools --with-mpi
ctest --test-dir "$here/build" --output-on-failure -j "$jobs" --timeout 900

if [ "$sanitize" = 1 ]; then
  cmake -S "$here" -B "$here/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCORRIDOR_WERROR=ON \
    -DCORRIDOR_SANITIZE=address,undefined -DCORRIDOR_BUILD_BENCH=OFF
  cmake --build "$here/build-asan" -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$here/build-asan" --output-on-failure -j "$jobs" --timeout 1800
fi
