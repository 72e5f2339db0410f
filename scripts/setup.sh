#!/usr/bin/env bash
# Installs the Debian 12 packages corridor builds with, then configures and builds it.
# Idempotent: packages already present are not reinstalled; the build is incremental.
# Usage: scripts/setup.sh [--no-build] [--with-render-tools] [--with-check-tools]
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${CORRIDOR_BUILD_DIR:-"$here/build"}
build=1
render_tools=0
check_tools=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --with-render-tools) render_tools=1 ;;
    --with-check-tools) check_tools=1 ;;
    *) echo "setup.sh: unknown option '$arg' (expected --no-build, --with-render-tools or --with-check-tools)" >&2; exit 64 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libboost1.81-dev libboost-graph1.81-dev nlohmann-json3-dev libcli11-dev
  libxxhash-dev libtomlplusplus-dev ccache
  valgrind  # bench/lincheck_instructions.sh: instructions of the check, a measure load does not change
)
if [ "$render_tools" = 1 ]; then
  packages+=(graphviz chromium zlib1g-dev)  # zlib: the render tests read the screenshot PNG
fi
if [ "$check_tools" = 1 ]; then
  # clang with libFuzzer and its sanitizer runtimes (fuzz/, build-fuzz/), libc++ for the
  # gcc/libstdc++ vs clang/libc++ determinism check (determinism/compare.sh). clang also builds
  # course code against compat/cotamer (examples/cotamer/build.sh, ctest cotamer.example).
  packages+=(clang libclang-rt-14-dev libc++-dev libc++abi-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# ccache: a fresh build of an unchanged file is a cache hit, in any clone or worktree of the project
# (paths are taken relative to the tree, and the build folder's name is left out of the hash).
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=true

if [ "$build" = 1 ]; then
  jobs=$(nproc 2>/dev/null || echo 2)
  # RelWithDebInfo with line tables only (-g1): backtraces, perf and sanitizer reports keep their
  # file:line, and a translation unit compiles in 0.68x the CPU time of CMake's -O2 -g (measured on
  # protocols/multi_paxos_kv, bench/RESULTS.md "CI time"). CORRIDOR_CXX_FLAGS gives other flags.
  # CORRIDOR_UNIT_TEST_DIRS: which GoogleTest programs to build (CMakeLists.txt), all when unset;
  # always passed, so a build folder left by CI's optimised build gets every test again.
  cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${CORRIDOR_BUILD_TYPE:-RelWithDebInfo} \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${CORRIDOR_CXX_FLAGS:--O2 -g1 -DNDEBUG}" \
    -DCORRIDOR_WERROR=${CORRIDOR_WERROR:-ON} -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DCORRIDOR_UNIT_TEST_DIRS="${CORRIDOR_UNIT_TEST_DIRS:-}"
  cmake --build "$build_dir" -j "$jobs"
fi
