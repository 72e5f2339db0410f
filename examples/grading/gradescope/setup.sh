#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: it installs corridor's
# Debian packages and builds and installs corridor from the source shipped in the autograder zip
# (/autograder/source/corridor). AUTOGRADER_ROOT replaces /autograder for a test run on a fake folder.
set -euo pipefail
root=${AUTOGRADER_ROOT:-/autograder}
prefix=${CORRIDOR_PREFIX:-/usr/local}
source_dir="$root/source/corridor"

if [[ -x "$prefix/bin/corridor" && -f "$prefix/lib/cmake/corridor/corridorConfig.cmake" ]]; then
  echo "setup: corridor is already installed in $prefix: $("$prefix/bin/corridor" --version)"
  exit 0
fi
if [[ ${CORRIDOR_SETUP_SKIP_APT:-0} != 1 ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    build-essential cmake ninja-build ccache libfmt-dev nlohmann-json3-dev libboost-dev libcli11-dev \
    libxxhash-dev libtomlplusplus-dev
fi
cmake -S "$source_dir" -B /tmp/corridor-build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCORRIDOR_BUILD_TESTS=OFF -DCORRIDOR_BUILD_BENCH=OFF -DCORRIDOR_BUILD_CLI=ON
cmake --build /tmp/corridor-build
cmake --install /tmp/corridor-build --prefix "$prefix"
echo "setup: installed $("$prefix/bin/corridor" --version) into $prefix"
