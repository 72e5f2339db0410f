#!/usr/bin/env bash
# deploy/Dockerfile cannot be built here (no container engine, and hadolint is no Debian 12
# package), so it is checked against what it must agree with:
#   - it parses: every instruction is a Dockerfile instruction, continuations close, exec-form
#     ENTRYPOINT/CMD are JSON arrays;
#   - every stage is FROM Debian 12;
#   - its build stage installs every package scripts/setup.sh installs (the two lists cannot drift);
#   - its run stage installs the package of every shared library the built program links
#     (found with ldd and dpkg -S on this Debian 12 machine);
#   - what it copies and runs exists in the tree.
# Usage: dockerfile_test.sh SOURCE_DIR CORRIDOR
set -euo pipefail
src=$1
corridor=$2
dockerfile="$src/deploy/Dockerfile"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Logical instructions: continuation lines joined, comments and blank lines dropped; each one
# printed as "LINE<TAB>TEXT" with the line it starts on.
instructions() {
  awk '
    /^[[:space:]]*#/ && !open { next }
    /^[[:space:]]*$/ && !open { next }
    {
      if (!open) { start = NR; text = "" }
      line = $0
      if (line ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", line); text = text line " "; open = 1; next }
      text = text line; open = 0
      print start "\t" text
    }
    END { if (open) { print "unterminated\t" start; exit 1 } }
  ' "$dockerfile"
}
if ! parsed=$(instructions); then fail "$dockerfile: a continuation (\\) is never closed"; fi

known=" FROM RUN COPY ADD ENV ARG WORKDIR ENTRYPOINT CMD LABEL USER EXPOSE VOLUME SHELL HEALTHCHECK STOPSIGNAL ONBUILD "
stage=0
declare -A stage_packages
while IFS=$'\t' read -r line text; do
  keyword=${text%% *}
  if [[ "$known" != *" $keyword "* ]]; then fail "$dockerfile:$line: '$keyword' is not a Dockerfile instruction"; continue; fi
  rest=${text#"$keyword"}
  case "$keyword" in
    FROM)
      stage=$((stage + 1))
      image=$(echo "$rest" | awk '{print $1}')
      [[ "$image" == debian:12 || "$image" == debian:12-* || "$image" == debian:bookworm* ]] ||
        fail "$dockerfile:$line: stage $stage is FROM $image, not Debian 12" ;;
    RUN)
      if [[ "$rest" == *"apt-get install"* ]]; then
        pkgs=$(echo "${rest#*apt-get install}" | sed 's/&&.*//' | tr ' ' '\n' | grep -v -E '^(-.*|)$' || true)
        stage_packages[$stage]="${stage_packages[$stage]:-} $pkgs"
      fi ;;
    ENTRYPOINT | CMD)
      trimmed=$(echo "$rest" | sed 's/^ *//; s/ *$//')
      [[ "$trimmed" == \[*\] ]] || fail "$dockerfile:$line: $keyword is not in exec form ([\"...\"])" ;;
    COPY)
      if [[ "$rest" != *"--from="* ]]; then
        source=$(echo "$rest" | awk '{print $1}')
        [ -e "$src/$source" ] || fail "$dockerfile:$line: COPY $source: no such path in the tree"
      fi ;;
  esac
done <<< "$parsed"
[ "$stage" -ge 2 ] || fail "$dockerfile: expected a build stage and a run stage, found $stage stage(s)"

# The build stage against scripts/setup.sh's list.
setup_packages=$(sed -n '/^packages=(/,/^)/p' "$src/scripts/setup.sh" | sed '1d;$d' | tr ' ' '\n' | grep -v '^$')
[ -n "$setup_packages" ] || fail "scripts/setup.sh: no packages=( ... ) list found"
build_packages=" $(echo "${stage_packages[1]:-}" | tr '\n' ' ' | tr -s ' ') "
for p in $setup_packages; do
  [[ "$build_packages" == *" $p "* ]] || fail "$dockerfile: the build stage does not install $p, which scripts/setup.sh does"
done

# The run stage against the libraries the program links. libc, libstdc++ and libgcc are in every
# Debian image (apt itself needs them).
run_packages=" $(echo "${stage_packages[$stage]:-}" | tr '\n' ' ' | tr -s ' ') "
while read -r lib path; do
  [ -n "$path" ] || continue
  package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$package" ] || package=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1 || true)
  case "$package" in
    libc6 | libstdc++6 | libgcc-s1) continue ;;
    "") fail "$corridor links $lib ($path), which no Debian package provides" ;;
    *) [[ "$run_packages" == *" $package "* ]] || fail "$dockerfile: the run stage lacks $package, which provides $lib that corridor links" ;;
  esac
done < <(ldd "$corridor" | awk '/=>/ {print $1, $3}')

# What the manifests and job scripts run in the image is in the tree the image copies.
for script in deploy/kubernetes/shard-entry.sh deploy/kubernetes/merge-entry.sh deploy/corridor-shard.sh deploy/corridor-merge.sh; do
  [ -x "$src/$script" ] || fail "$script: missing or not executable"
done
for manifest in "$src"/deploy/kubernetes/*.yaml; do
  while read -r path; do
    [ -x "$src/deploy/${path#/opt/corridor/deploy/}" ] || fail "$manifest runs $path, which is not an executable in deploy/"
  done < <(grep -o '/opt/corridor/deploy/[A-Za-z0-9_./-]*' "$manifest" || true)
done

if [ "$failures" -gt 0 ]; then
  echo "dockerfile_test.sh: $failures check(s) failed"
  exit 1
fi
echo "dockerfile_test.sh: deploy/Dockerfile parses, is Debian 12 throughout, installs scripts/setup.sh's packages and the run-time libraries corridor links"
