#!/usr/bin/env bash
# Builds trace_digests with clang and libc++ (in CORRIDOR_LIBCXX_BUILD_DIR, default build-libcxx/
# beside the sources; incremental, through ccache) and compares its output with the gcc/libstdc++
# program given, byte for byte. Debian's libfmt is built against libstdc++, so this build uses
# fmt header-only and builds only the library and the program.
# Usage: determinism/compare.sh SOURCE_DIR [GCC_TRACE_DIGESTS [SEEDS]]   (without a program: build only)
set -euo pipefail
source_dir=$1
gcc_program=${2:-}
seeds=${3:-8}
build_dir=${CORRIDOR_LIBCXX_BUILD_DIR:-"$source_dir/build-libcxx"}
clang=${CORRIDOR_LIBCXX_CLANG:-clang++}

if ! command -v "$clang" > /dev/null; then
  echo "determinism: $clang is not installed (scripts/setup.sh installs clang, libc++-dev and libc++abi-dev)" >&2
  exit 1
fi
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$source_dir" CCACHE_NOHASHDIR=true
fi
# -O1 without debug information: the program runs a few hundred short runs, so compile time counts.
# (Not a unity build: files of different protocols share names in their anonymous namespaces.)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  mkdir -p "$build_dir"
  cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_COMPILER="$clang" \
    -DCMAKE_CXX_FLAGS="-stdlib=libc++ -O1" -DCMAKE_EXE_LINKER_FLAGS="-stdlib=libc++" \
    -DCORRIDOR_FMT_HEADER_ONLY=ON -DCORRIDOR_BUILD_TESTS=OFF -DCORRIDOR_BUILD_CLI=OFF -DCORRIDOR_BUILD_BENCH=OFF \
    "${launcher[@]}" > "$build_dir/configure.log" 2>&1 || { cat "$build_dir/configure.log"; exit 1; }
fi
cmake --build "$build_dir" --target trace_digests
if [ -z "$gcc_program" ]; then exit 0; fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$gcc_program" "$seeds" > "$out/gcc-libstdc++.txt"
"$build_dir/determinism/trace_digests" "$seeds" > "$out/clang-libc++.txt"
if ! cmp -s "$out/gcc-libstdc++.txt" "$out/clang-libc++.txt"; then
  echo "determinism: the traces differ between gcc/libstdc++ and clang/libc++ (first differing runs):"
  diff "$out/gcc-libstdc++.txt" "$out/clang-libc++.txt" | head -n 20
  exit 1
fi
runs=$(wc -l < "$out/gcc-libstdc++.txt")
echo "determinism: $runs runs give byte-identical traces from gcc/libstdc++ and clang/libc++"
