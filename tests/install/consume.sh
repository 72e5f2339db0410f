#!/usr/bin/env bash
# Builds examples/minimal against corridor twice: installed (cmake --install, then
# find_package(corridor)) and as a subdirectory (add_subdirectory). Each build must pass on the
# correct protocol and find the planted bug.
#
# The add_subdirectory build compiles the library again. Through ccache that costs nothing when
# its commands are those of the main build: the same flags (RelWithDebInfo, -Werror as the main
# build has it) and the same paths relative to the build folder, which ccache compares once
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

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/examples/minimal" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" > "$work/configure-installed.log"
cmake --build "$work/installed" > "$work/build-installed.log"
"$work/installed/token_ring"
"$work/installed/token_ring" --buggy

cmake -S "$source_dir/examples/minimal" -B "$subdir_build" -G Ninja -DCORRIDOR_SOURCE_DIR="$source_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORRIDOR_WERROR="${werror:-OFF}" "${launcher[@]}" > "$work/configure-subdir.log"
cmake --build "$subdir_build" --target token_ring > "$work/build-subdir.log"
"$subdir_build/token_ring"
"$subdir_build/token_ring" --buggy
rm -rf "$subdir_build"
echo "consumer builds: installed and add_subdirectory both work"
