#!/usr/bin/env bash
# The HTML audit report in a real browser: for logs/findings.xml (one finding of each
# kind) and a generated log with 100,000 findings, writes the report and the JSON output
# of the same audit, then has headless Chromium (driven by playwright-core, pinned by
# tests/html/package-lock.json; `npm ci` runs when node_modules is missing or older than
# the lock file) check the page against the JSON (check_report.mjs). The screenshots stay
# in WORK_DIR/html-report/ as test artifacts.
# Usage (from anywhere): run.sh ACCORD_BINARY WORK_DIR
set -u
accord=$1
work=$2/html-report
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

for tool in node npm /usr/bin/chromium; do
    command -v "$tool" >/dev/null ||
        { echo "FAIL: $tool is not installed (tools/deps.sh installs it)"; exit 1; }
done
stamp=$here/node_modules/.accord-lock
if ! cmp -s "$here/package-lock.json" "$stamp"; then
    echo "npm ci in tests/html"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || { echo "FAIL: npm ci"; exit 1; }
    cp "$here/package-lock.json" "$stamp"
fi
rm -rf "$work" && mkdir -p "$work"
fail=0

# audit NAME EXPECTED_EXIT LOG...: NAME.html and NAME.json of one audit.
audit() {
    local name=$1 expected=$2 format code
    shift 2
    for format in html json; do
        NO_COLOR=1 "$accord" audit --format "$format" -o "$work/$name.$format" "$@" \
            2>"$work/$name.$format.stderr"
        code=$?
        if [ "$code" -ne "$expected" ]; then
            echo "FAIL: accord audit --format $format $* exited $code (expected $expected)"
            cat "$work/$name.$format.stderr"
            fail=1
        fi
    done
}

audit findings 1 logs/findings.xml
node "$here/check_report.mjs" --report "$work/findings.html" --json "$work/findings.json" \
    --shot "$work/findings.png" --shot-top "$work/findings-top.png" || fail=1

# 20,000 blocks of 4 entries, 5 findings each (make_big_log.mjs): 3 of them involve JP.
node "$here/make_big_log.mjs" 20000 "$work/big.xml" || { echo "FAIL: make_big_log"; exit 1; }
audit big 1 "$work/big.xml"
node "$here/check_report.mjs" --report "$work/big.html" --json "$work/big.json" \
    --shot-top "$work/big-top.png" --party JP=60000 || fail=1

[ "$fail" -eq 0 ] && echo "html report: all checks passed" || echo "html report: FAILED"
exit "$fail"
