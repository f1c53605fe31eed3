#!/usr/bin/env bash
# Every option the command line parses (src/cli/main.c) is documented in the built-in help
# (`accord --help` and `accord help COMMAND`), the man page (docs/accord.1) and
# docs/cli.md; and every command has its help.
# Usage (from anywhere): options_documented.sh ACCORD_BINARY
set -u
accord=$1
cd "$(dirname "$0")/.." || exit 1
pass=0 fail=0
options=$(grep -oE '(strcmp\(arg, |is_option\(arg, )"-[-a-z]+"' src/cli/main.c |
          grep -oE '"-[-a-z]+"' | tr -d '"' | sort -u)
[ -n "$options" ] || { echo "FAIL: no option found in src/cli/main.c"; exit 1; }
help=$("$accord" --help)
for cmd in lint check diff audit smt; do
    if text=$("$accord" help "$cmd") && [ -n "$text" ]; then
        help+=$'\n'$text
        pass=$((pass + 1))
    else
        echo "FAIL: no help for $cmd"
        fail=$((fail + 1))
    fi
done
man=$(sed 's/\\-/-/g' docs/accord.1)
cli=$(cat docs/cli.md)
for opt in $options; do
    for where in help man cli; do
        # The option as a word of its own (not the prefix of a longer one).
        if grep -qE -- "(^|[^-a-z])$opt([^-a-z]|$)" <<<"${!where}"; then
            pass=$((pass + 1))
        else
            echo "FAIL: $opt is not documented in $where"
            fail=$((fail + 1))
        fi
    done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
