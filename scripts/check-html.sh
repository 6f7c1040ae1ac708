#!/usr/bin/env bash
# Renders an HTML report in headless Chromium, saves a screenshot and fails on console errors.
#
#   scripts/check-html.sh REPORT.html OUT.png
#
# Exit codes: 0 ok (or chromium missing: skipped), 1 console/page errors or no screenshot,
# 2 usage. Network access is disabled in the browser so a report that needs the network
# shows up as broken rather than silently fetching.
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 REPORT.html OUT.png" >&2
    exit 2
fi
report=$1
png=$2
if [ ! -f "$report" ]; then
    echo "error: $report: no such file" >&2
    exit 2
fi

# A self-contained report references nothing outside itself.
external=$(grep -Eio '(src|href)=["'"'"']?(https?:)?//[^"'"'"' >]*|@import[^;]*|url\((["'"'"']?)(https?:)?//[^)]*\)' "$report" || true)
if [ -n "$external" ]; then
    echo "FAIL: $report loads external resources:" >&2
    echo "$external" >&2
    exit 1
fi

browser=""
for candidate in chromium chromium-browser google-chrome-stable google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser=$(command -v "$candidate")
        break
    fi
done
if [ -z "$browser" ]; then
    echo "skipped: chromium not installed (apt-get install -y chromium)"
    exit 0
fi

profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT

abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
mkdir -p "$(dirname "$png")"
rm -f "$png"

# --virtual-time-budget lets the page settle; the proxy settings block any network fetch.
timeout 120 "$browser" \
    --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --disable-extensions --no-first-run --no-default-browser-check \
    --hide-scrollbars --mute-audio \
    --proxy-server='http://127.0.0.1:9' --proxy-bypass-list='<-loopback>' \
    --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 \
    --virtual-time-budget=2000 \
    --window-size=${STEWARD_WINDOW:-1280,2000} \
    --screenshot="$png" \
    "file://$abs_report" >"$log" 2>&1 || status=$?
status=${status:-0}

# Page errors: uncaught exceptions, console.error, failed resource loads.
errors=$(grep -E 'Uncaught|ERROR:CONSOLE|CONSOLE\([0-9]+\).*(Error|error)|net::ERR_|Failed to load resource|Refused to' "$log" || true)
if [ -n "$errors" ]; then
    echo "FAIL: console errors in $report:" >&2
    echo "$errors" >&2
    exit 1
fi
if [ "$status" -ne 0 ] || [ ! -s "$png" ]; then
    echo "FAIL: chromium exited with $status and wrote no screenshot; its log:" >&2
    tail -n 30 "$log" >&2
    exit 1
fi
echo "ok: $png ($(wc -c <"$png") bytes), no console errors"
