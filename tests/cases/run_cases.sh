#!/usr/bin/env bash
# Golden cases: each tests/cases/NAME.cmd holds the arguments of one accord run (from the
# repository root); NAME.out holds "exit: N" then the exact combined stdout and stderr.
# Usage: run_cases.sh ACCORD_BINARY   (UPDATE=1 rewrites the .out files from the output)
set -u
accord=$1
cd "$(dirname "$0")/../.."
pass=0 fail=0
for cmd in tests/cases/*.cmd; do
    name=${cmd%.cmd}
    read -r -a args < "$cmd"
    actual=$(NO_COLOR=1 "$accord" "${args[@]}" 2>&1; echo "exit: $?")
    # The exit line goes first in the file; it is printed last by the subshell.
    actual="$(tail -n 1 <<<"$actual")
$(sed '$d' <<<"$actual")"
    if [ "${UPDATE:-0}" = 1 ]; then
        printf '%s\n' "$actual" > "$name.out"
    fi
    if [ "$actual" == "$(cat "$name.out" 2>/dev/null)" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name (accord ${args[*]})"
        diff <(printf '%s\n' "$actual") "$name.out" | head -40
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
