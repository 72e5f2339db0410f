#!/usr/bin/env bash
# Builds pbkv, the course-style example's corridor program, with clang++ against a corridor
# build's libraries. Course code is compiled with clang, not g++ 12 (see README, "Course code
# (Cotamer)"), and against libstdc++, the standard library the corridor build uses, so the two
# link. <format> and <print>, which libstdc++ 12 lacks, come from compat/cotamer/bridge.
# Usage: build.sh SOURCE_DIR BUILD_DIR [OUT]   (CORRIDOR_COURSE_CXX picks another compiler)
# Exit 77 when the compiler is missing (scripts/setup.sh --with-check-tools installs clang).
set -euo pipefail
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
out=${3:-$build/examples/cotamer/pbkv}
cxx=${CORRIDOR_COURSE_CXX:-clang++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "build.sh: $cxx not found: install it with scripts/setup.sh --with-check-tools (skipping)"
  exit 77
fi
for lib in libcorridor.a libcorridor_cli_main.a; do
  [ -f "$build/$lib" ] || { echo "build.sh: $build/$lib is missing: build corridor_cli first"; exit 1; }
done
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
flags=(-std=c++2b -O1 -Wall -Wextra -Werror -I"$src" -I"$src/compat/cotamer" -I"$src/examples/cotamer" "-DCORRIDOR_VERSION=\"$version\"")
for header in format print; do
  if ! echo "#include <$header>" | "$cxx" -std=c++2b -x c++ -fsyntax-only - 2>/dev/null; then
    flags+=(-I"$src/compat/cotamer/bridge/$header")
  fi
done
mkdir -p "$(dirname "$out")"
sources=("$src"/examples/cotamer/*.cc "$src"/examples/cotamer/*.hh "$src"/compat/cotamer/*.hh "$src"/compat/cotamer/cotamer/*.hh)
if [ -f "$out" ]; then
  fresh=1
  for f in "${sources[@]}" "$build/libcorridor.a" "$build/libcorridor_cli_main.a"; do
    [ "$f" -nt "$out" ] && fresh=0
  done
  [ "$fresh" = 1 ] && exit 0
fi
main="$(dirname "$out")/pbkv_main.cpp"
printf '#include "cli/tool_main.hpp"\nint main(int argc, char** argv) { return corridor::cli::tool_main("pbkv", argc, argv); }\n' >"$main"
"$cxx" "${flags[@]}" "$src/examples/cotamer/pbkv.cc" "$main" "$build/libcorridor_cli_main.a" "$build/libcorridor.a" -lfmt -pthread -o "$out"
echo "build.sh: built $out with $("$cxx" --version | head -1)"
