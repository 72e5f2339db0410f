#!/usr/bin/env bash
# Builds examples/minimal against corridor twice: installed (cmake --install, then
# find_package(corridor)) and as a subdirectory (add_subdirectory). Each build must pass on the
# correct protocol and find the planted bug.
set -euo pipefail
source_dir=$1
build_dir=$2
work="$build_dir/consumer-test"
rm -rf "$work"
mkdir -p "$work"

cmake --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$source_dir/examples/minimal" -B "$work/installed" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$work/configure-installed.log"
cmake --build "$work/installed" > "$work/build-installed.log"
"$work/installed/token_ring"
"$work/installed/token_ring" --buggy

cmake -S "$source_dir/examples/minimal" -B "$work/subdir" -G Ninja -DCORRIDOR_SOURCE_DIR="$source_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$work/configure-subdir.log"
cmake --build "$work/subdir" --target token_ring > "$work/build-subdir.log"
"$work/subdir/token_ring"
"$work/subdir/token_ring" --buggy
echo "consumer builds: installed and add_subdirectory both work"
