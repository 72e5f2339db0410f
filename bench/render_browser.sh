#!/usr/bin/env bash
# The HTML page's own drawing time in headless Chromium at 1,000 and 10,000 events: the page
# times itself when opened with #bench (the whole run fitted, then 20 views panned across it at
# the default zoom) and writes the figures into #status, read here with --dump-dom.
#
#   bench/render_browser.sh [BUILD_DIR]      (default build/)
set -euo pipefail
build=${1:-build}
command -v chromium >/dev/null || { echo "render_browser.sh: chromium is not installed (scripts/setup.sh --with-render-tools)" >&2; exit 64; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/bench_render" --runs 1 --pages "$work" >/dev/null
echo "| events | page size | page load to drawn (wall, incl. browser start) | fit-all draw | pan draw (median / max of 20) |"
echo "|---:|---:|---:|---:|---:|"
for k in 1 10; do
  page="$work/render-${k}k.html"
  start=$(date +%s.%N)
  dom=$(timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
    --window-size=1400,900 --dump-dom "file://$page#bench" 2>/dev/null)
  end=$(date +%s.%N)
  status=$(grep -o '<div id="status"[^>]*>' <<<"$dom")
  get() { sed -n "s/.*$1=\"\\([^\"]*\\)\".*/\\1/p" <<<"$status"; }
  printf "| %s | %s KiB | %.2f s | %s ms | %s / %s ms |\n" "${k},000" "$(( $(stat -c %s "$page") / 1024 ))" \
    "$(awk "BEGIN { print $end - $start }")" "$(get data-bench-fit-ms)" "$(get data-bench-pan-median-ms)" "$(get data-bench-pan-max-ms)"
done
