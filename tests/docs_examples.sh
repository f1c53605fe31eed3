#!/usr/bin/env bash
# The examples of docs/cli.md are real: every ```console block there is one command line
# "$ accord ARGS" (run from the repository root with NO_COLOR=1, stdout and stderr
# together), its exact output, and a last line "[exit N]". This script runs each one and
# compares; UPDATE=1 rewrites the blocks from the real output instead.
# Usage (from anywhere): docs_examples.sh ACCORD_BINARY [DOC]
set -u
accord=$1
cd "$(dirname "$0")/.." || exit 1
doc=${2:-docs/cli.md}
case $accord in /*) ;; *) accord=$PWD/$accord ;; esac
pass=0 fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# run ARGS_LINE: prints the block body for the command (output and exit line).
run() {
    local -a args
    read -r -a args <<<"$1"
    NO_COLOR=1 SOURCE_DATE_EPOCH=0 "$accord" "${args[@]}" 2>&1
    echo "[exit $?]"
}

in_block=false
cmd="" body=""
while IFS= read -r line || [ -n "$line" ]; do
    if ! $in_block; then
        printf '%s\n' "$line" >>"$out"
        [ "$line" = '```console' ] && { in_block=true; cmd=""; body=""; }
        continue
    fi
    if [ -z "$cmd" ]; then
        cmd=${line#"\$ accord "}
        [ "$cmd" != "$line" ] || { echo "FAIL: a console block must start with '\$ accord': $line"; fail=$((fail + 1)); }
        printf '%s\n' "$line" >>"$out"
        continue
    fi
    if [ "$line" = '```' ]; then
        actual=$(run "$cmd")
        if [ "${UPDATE:-0}" = 1 ]; then
            printf '%s\n' "$actual" >>"$out"
        elif [ "$actual" == "$body" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL: accord $cmd"
            diff <(printf '%s\n' "$body") <(printf '%s\n' "$actual") | head -20
        fi
        [ "${UPDATE:-0}" = 1 ] || printf '%s\n' "$body" >>"$out"
        printf '%s\n' "$line" >>"$out"
        in_block=false
        continue
    fi
    body=${body:+$body$'\n'}$line
done <"$doc"

if [ "${UPDATE:-0}" = 1 ]; then
    cp "$out" "$doc"
    echo "updated $doc"
    exit 0
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
