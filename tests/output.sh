#!/usr/bin/env bash
# Terminal behaviour of the CLI: colour only on a terminal (a pseudo-terminal from
# script(1)), NO_COLOR and TERM=dumb honoured under --color auto, --color always/never
# overriding both; -o FILE written atomically: the file appears whole or not at all, an
# older file survives a failed run, and no temporary file is left behind.
# Usage (from anywhere): output.sh ACCORD_BINARY
set -u
accord=$1
cd "$(dirname "$0")/.."
fail=0 pass=0
esc=$'\033'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
leaky=tests/sarif/cases/leaky.accord

# expect DESCRIPTION yes|no OUTPUT: whether OUTPUT holds an ANSI escape.
expect() {
    local what=$1 want=$2 out=$3 got=no
    [[ $out == *"$esc"* ]] && got=yes
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: $what: colour $got, expected $want"
        fail=$((fail + 1))
    fi
}
# on_tty COMMAND...: runs it on a pseudo-terminal, printing what the terminal shows.
on_tty() {
    script -qec "$(printf '%q ' "$@")" /dev/null </dev/null
}

unset NO_COLOR
export TERM=xterm
expect "auto on a pipe" no "$("$accord" check "$leaky" 2>&1)"
expect "auto on a terminal" yes "$(on_tty "$accord" check "$leaky")"
expect "auto on a terminal with NO_COLOR" no "$(NO_COLOR=1 on_tty "$accord" check "$leaky")"
expect "empty NO_COLOR does not count" yes "$(NO_COLOR= on_tty "$accord" check "$leaky")"
expect "auto on a terminal with TERM=dumb" no "$(TERM=dumb on_tty "$accord" check "$leaky")"
expect "--color=never on a terminal" no "$(on_tty "$accord" check --color=never "$leaky")"
expect "--color always on a pipe" yes "$("$accord" check --color always "$leaky" 2>&1)"
expect "--color=always beats NO_COLOR" yes "$(NO_COLOR=1 "$accord" check --color=always "$leaky" 2>&1)"
expect "diagnostics on a terminal's stderr" yes \
    "$(on_tty bash -c "'$accord' check tests/sarif/cases/broken.accord 2>&1 >/dev/null")"
on_tty "$accord" check -o "$work/report.txt" "$leaky" >/dev/null
expect "-o FILE from a terminal" no "$(cat "$work/report.txt")"

# -o: a whole file on success, nothing left over.
"$accord" check --format sarif -o "$work/ok.sarif" "$leaky" 2>/dev/null
code=$?
if [ "$code" -eq 1 ] && tail -c 2 "$work/ok.sarif" | grep -q '}'; then
    pass=$((pass + 1))
else
    echo "FAIL: -o on success (exit $code)"
    fail=$((fail + 1))
fi

# A run that fails before writing leaves the old file as it was.
echo "old report" >"$work/kept.txt"
"$accord" check -o "$work/kept.txt" tests/sarif/cases/broken.accord 2>/dev/null
code=$?
if [ "$code" -eq 2 ] && [ "$(cat "$work/kept.txt")" = "old report" ]; then
    pass=$((pass + 1))
else
    echo "FAIL: failed run replaced the old file (exit $code)"
    fail=$((fail + 1))
fi

# A write that fails halfway (a 1 KiB file-size limit; SIGXFSZ ignored, so write() fails
# with EFBIG) leaves no partial report and keeps the old one.
echo "old report" >"$work/big.sarif"
(
    trap '' XFSZ
    ulimit -f 1
    exec "$accord" check --format sarif -o "$work/big.sarif" "$leaky"
) 2>"$work/big.err"
code=$?
if [ "$code" -eq 2 ] && [ "$(cat "$work/big.sarif")" = "old report" ] &&
   grep -q "cannot write '$work/big.sarif'" "$work/big.err"; then
    pass=$((pass + 1))
else
    echo "FAIL: interrupted write (exit $code): $(cat "$work/big.err")"
    fail=$((fail + 1))
fi

# The target is a directory: the rename fails, the error names it, nothing is left.
mkdir "$work/dir.json"
"$accord" check --format json -o "$work/dir.json" "$leaky" 2>"$work/dir.err"
code=$?
if [ "$code" -eq 2 ] && grep -q "cannot write '$work/dir.json'" "$work/dir.err"; then
    pass=$((pass + 1))
else
    echo "FAIL: -o onto a directory (exit $code)"
    fail=$((fail + 1))
fi

# The report gets the usual permissions (0666 less the umask), not mkstemp's 0600.
mode=$(umask 022 && "$accord" check -o "$work/mode.txt" >/dev/null 2>&1; stat -c %a "$work/mode.txt")
if [ "$mode" = 644 ]; then
    pass=$((pass + 1))
else
    echo "FAIL: -o file mode $mode, expected 644 under umask 022"
    fail=$((fail + 1))
fi

leftovers=$(find "$work" -name '*.tmp*')
if [ -z "$leftovers" ]; then
    pass=$((pass + 1))
else
    echo "FAIL: temporary files left: $leftovers"
    fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
