#!/usr/bin/env bash
# Builds examples/minimal against corridor twice: installed (cmake --install, then
# find_package(corridor)) and as a subdirectory (add_subdirectory). Each build must pass on the
# correct protocol and find the planted bug, both by hand (token_ring) and through the `ring`
# program corridor_add_tool builds (every subcommand over the token ring); the stock corridor
# given ring's trace names ring and exits 65.
#
# The add_subdirectory build compiles the library again. Through ccache that costs nothing when
# its commands are those of the main build: the same flags (RelWithDebInfo with the main build's
# flags for it, -Werror as the main build has it) and the same paths relative to the build folder, which ccache compares once
# CCACHE_BASEDIR is the source tree. So that build sits beside the main one (BUILD-consumer-subdir),
# at the same depth, rather than inside it.
set -euo pipefail
source_dir=$1
build_dir=$2
work="$build_dir/consumer-test"
subdir_build="$(dirname "$build_dir")/$(basename "$build_dir")-consumer-subdir"
rm -rf "$work" "$subdir_build"
mkdir -p "$work"
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$source_dir" CCACHE_NOHASHDIR=true
fi
werror=$(sed -n 's/^CORRIDOR_WERROR:BOOL=//p' "$build_dir/CMakeCache.txt")
relwithdebinfo_flags=$(sed -n 's/^CMAKE_CXX_FLAGS_RELWITHDEBINFO:STRING=//p' "$build_dir/CMakeCache.txt")

fail() {
  echo "consumer test: $*"
  exit 1
}

# The `ring` tool of one build folder: its protocol is listed next to the built-in ones, a run of
# the planted bug fails (exit 1) with a trace that names ring, and replay, shrink, render and
# explore take it.
check_tool() {
  local ring=$1 out=$2
  "$ring" list > "$out/list.txt"
  grep -qF "my-token-ring: [own] One token travels" "$out/list.txt" || fail "ring list lacks my-token-ring"
  grep -q "leader-lease:" "$out/list.txt" || fail "ring list lacks the built-in protocols"
  grep -q "two-phase-commit:" "$out/list.txt" || fail "ring list lacks the explore-only models"
  "$ring" run my-token-ring --seeds 50 --quiet --out "$out/ok" > "$out/run-ok.txt" 2>&1 || fail "ring run my-token-ring (correct) failed"
  local rc=0
  "$ring" run my-token-ring --variant keeps-copy --seeds 200 --quiet --out "$out/bug" > "$out/run-bug.txt" 2>&1 || rc=$?
  [[ $rc == 1 ]] || { cat "$out/run-bug.txt"; fail "ring run my-token-ring --variant keeps-copy exited $rc, not 1"; }
  local trace
  trace=$(find "$out/bug" -name '*.trace.jsonl' ! -name '*.shrunk.trace.jsonl' | sort | head -n 1)
  [[ -n $trace ]] || fail "ring run wrote no trace"
  head -n 1 "$trace" | grep -q '"tool":"ring (corridor ' || fail "the trace header does not name ring"
  grep -q "replay: ring replay" "$out/run-bug.txt" || fail "ring's failure line does not say 'ring replay'"
  rc=0; "$ring" replay "$trace" > "$out/replay.txt" 2>&1 || rc=$?
  [[ $rc == 1 ]] && grep -q "same violation: single-token" "$out/replay.txt" || { cat "$out/replay.txt"; fail "ring replay"; }
  rc=0; "$ring" shrink "$trace" --out "$out/shrunk" > "$out/shrink.txt" 2>&1 || rc=$?
  grep -q "replay: ring replay" "$out/shrink.txt" || { cat "$out/shrink.txt"; fail "ring shrink"; }
  "$ring" render "$trace" --format html --out "$out/trace.html" || fail "ring render"
  grep -q "<canvas" "$out/trace.html" || fail "ring render wrote no picture"
  "$ring" explore two-phase-commit --nodes 2 --quiet > "$out/explore.txt" || fail "ring explore two-phase-commit"
  echo "$trace"
}

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
# The installed consumer compiles at -O1 without debug information (its runs take seconds); the
# add_subdirectory one below keeps the main build's flags, for ccache.
cmake -S "$source_dir/examples/minimal" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 "${launcher[@]}" > "$work/configure-installed.log"
cmake --build "$work/installed" > "$work/build-installed.log"
"$work/installed/token_ring"
"$work/installed/token_ring" --buggy
mkdir -p "$work/tool-installed"
ring_trace=$(check_tool "$work/installed/ring" "$work/tool-installed" | tail -n 1)

# Course code against the installed package: find_package(corridor), corridor::cotamer, one small
# file compiled with the compiler course code is built with (clang++, as examples/cotamer/build.sh;
# CORRIDOR_COURSE_CXX picks another; g++ where no clang is installed: this is a compile, and g++
# 12's miscompile is of running code). The package chooses the <format>/<print> bridges for it.
course_cxx=${CORRIDOR_COURSE_CXX:-clang++}
command -v "$course_cxx" > /dev/null || course_cxx=c++
cmake -S "$source_dir/tests/install/cotamer_consumer" -B "$work/cotamer" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_COMPILER="$course_cxx" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O0 \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror" "${launcher[@]}" > "$work/configure-cotamer.log" ||
  { cat "$work/configure-cotamer.log"; fail "configuring course code against corridor::cotamer"; }
cmake --build "$work/cotamer" > "$work/build-cotamer.log" ||
  { cat "$work/build-cotamer.log"; fail "compiling course code against corridor::cotamer ($course_cxx)"; }

# The stock corridor does not know my-token-ring: it names the program that wrote the trace, exit 65.
rc=0; "$work/prefix/bin/corridor" replay "$ring_trace" > "$work/stock-replay.txt" 2>&1 || rc=$?
[[ $rc == 65 ]] || { cat "$work/stock-replay.txt"; fail "corridor replay of ring's trace exited $rc, not 65"; }
grep -q "written by 'ring (corridor " "$work/stock-replay.txt" || { cat "$work/stock-replay.txt"; fail "corridor replay does not name ring"; }

cmake -S "$source_dir/examples/minimal" -B "$subdir_build" -G Ninja -DCORRIDOR_SOURCE_DIR="$source_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$relwithdebinfo_flags" \
  -DCORRIDOR_WERROR="${werror:-OFF}" "${launcher[@]}" > "$work/configure-subdir.log"
cmake --build "$subdir_build" --target token_ring ring > "$work/build-subdir.log"
"$subdir_build/token_ring"
"$subdir_build/token_ring" --buggy
mkdir -p "$work/tool-subdir"
check_tool "$subdir_build/ring" "$work/tool-subdir" > /dev/null
rm -rf "$subdir_build"
echo "consumer builds: installed and add_subdirectory both work, token_ring by hand and the ring tool"
