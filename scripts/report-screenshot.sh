#!/usr/bin/env bash
# Opens an HTML report in headless Chromium, fails if the page logs anything to the console
# (a script error, a resource that did not load), and saves a screenshot of it.
#
#   scripts/report-screenshot.sh REPORT.html SCREENSHOT.png [WIDTH [HEIGHT]]
#
# Exit codes: 0 done; 1 console messages (each printed) or no screenshot; 2 usage;
# 77 Chromium is not installed (CTest counts that as skipped; scripts/install-deps.sh installs it).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 4 ]]; then
  echo "usage: $0 REPORT.html SCREENSHOT.png [WIDTH [HEIGHT]]" >&2
  exit 2
fi
report=$1
screenshot=$2
width=${3:-1100}
height=${4:-1600}
if [[ ! -f "$report" ]]; then
  echo "report-screenshot.sh: $report: no such file" >&2
  exit 2
fi

browser=""
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null; then
    browser=$candidate
    break
  fi
done
if [[ -z "$browser" ]]; then
  echo "report-screenshot.sh: skipped: chromium is not installed (scripts/install-deps.sh build installs it)" >&2
  exit 77
fi

url="file://$(realpath "$report")"
log=$(mktemp)
profile=$(mktemp -d)
trap 'rm -rf "$log" "$profile"' EXIT
rm -f "$screenshot"
# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. A fresh profile keeps
# one run from seeing another's state. Console messages reach stderr as "...:CONSOLE(line)] ...".
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --user-data-dir="$profile" --no-first-run --disable-extensions \
  --enable-logging=stderr --v=0 --window-size="$width,$height" \
  --screenshot="$screenshot" "$url" >"$log" 2>&1 || {
  echo "report-screenshot.sh: $browser failed on $report:" >&2
  cat "$log" >&2
  exit 1
}
if grep -q ':CONSOLE' "$log"; then
  echo "report-screenshot.sh: $report logged to the browser console:" >&2
  grep ':CONSOLE' "$log" >&2
  exit 1
fi
if [[ ! -s "$screenshot" ]] || [[ "$(head -c 4 "$screenshot" | od -An -c | tr -d ' ')" != "211PNG" ]]; then
  echo "report-screenshot.sh: no screenshot was written to $screenshot" >&2
  cat "$log" >&2
  exit 1
fi
echo "report-screenshot.sh: $report opened without console messages; screenshot $screenshot"
