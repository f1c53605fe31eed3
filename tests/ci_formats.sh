#!/usr/bin/env bash
# Validates real outputs of the CI formats on the shipped rules and logs (lint, check, diff,
# audit; passing and failing runs, each with its expected exit code):
#   sarif: against the OASIS SARIF 2.1.0 schema with Ajv (draft-04), and with Microsoft's
#          SARIF Multitool (`validate --rule-kind Gh;Sarif`: GitHub code scanning's ingestion
#          rules and the SARIF rules), which must report no error. The validators are npm
#          packages pinned by tests/sarif/package-lock.json; `npm ci` runs once, when
#          tests/sarif/node_modules is missing or older than the lock file.
#   junit: against tests/schemas/junit.xsd with xmllint, and a report has a failing or
#          erroring test case exactly when accord's exit code is not 0.
# Usage (from anywhere): ci_formats.sh sarif|junit ACCORD_BINARY WORK_DIR
set -u
format=$1
accord=$2
work=$3/$format-outputs
cd "$(dirname "$0")/.."
fail=0 pass=0

if [ "$format" = sarif ]; then
    node_dir=tests/sarif
    for tool in node npm; do
        command -v "$tool" >/dev/null ||
            { echo "FAIL: $tool is not installed (tools/deps.sh installs it)"; exit 1; }
    done
    stamp=$node_dir/node_modules/.accord-lock
    if ! cmp -s "$node_dir/package-lock.json" "$stamp"; then
        echo "npm ci in $node_dir"
        (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) ||
            { echo "FAIL: npm ci"; exit 1; }
        cp "$node_dir/package-lock.json" "$stamp"
    fi
    multitool=$node_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
    [ "$(uname -m)" = x86_64 ] || echo "note: the Multitool ships for x86-64 Linux; this is $(uname -m)"
    chmod u+x "$multitool" 2>/dev/null    # npm may skip the package's own postinstall chmod
    export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1   # no ICU needed
    export DOTNET_CLI_TELEMETRY_OPTOUT=1
fi

rm -rf "$work" && mkdir -p "$work"

# run NAME EXPECTED_EXIT ARGS...: writes $work/NAME.$format with -o.
run() {
    local name=$1 expected=$2
    shift 2
    local out=$work/$name.$format
    NO_COLOR=1 "$accord" "$@" --format "$format" -o "$out" 2>"$work/$name.stderr"
    local code=$?
    if [ "$code" -ne "$expected" ] || [ ! -s "$out" ]; then
        echo "FAIL: accord $* --format $format exited $code (expected $expected)"
        cat "$work/$name.stderr"
        fail=$((fail + 1))
        return
    fi
    pass=$((pass + 1))
    if [ "$format" = junit ]; then
        # Failures plus errors over all suites: non-zero exactly when the exit code is.
        local bad
        bad=$(grep -oE '(failures|errors)="[0-9]+"' "$out" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
        if { [ "$code" -eq 0 ] && [ "$bad" -ne 0 ]; } || { [ "$code" -ne 0 ] && [ "$bad" -eq 0 ]; }; then
            echo "FAIL: $name: exit $code but $bad failing or erroring test cases"
            fail=$((fail + 1))
        fi
    fi
}

run lint-shipped 0 lint rules/tisa-2014.accord rules/amendments/gsomia-2016.accord \
    rules/amendments/level-cap-2017.accord
run lint-broken 2 lint tests/sarif/cases/broken.accord ./tests/sarif/cases/leaky.accord \
    rules/tisa-2014.accord
run check-default 0 check
run check-leaky 1 check tests/sarif/cases/leaky.accord
run check-leaky-strict 1 check --strict tests/sarif/cases/leaky.accord
run diff-gsomia 0 diff rules/tisa-2014.accord rules/amendments/gsomia-2016.accord
run diff-gsomia-gate 1 diff --deny-new-permits rules/tisa-2014.accord rules/amendments/gsomia-2016.accord
run diff-same 0 diff rules/tisa-2014.accord rules/tisa-2014.accord
run audit-clean 0 audit logs/q1-2015.xml
run audit-findings 1 audit logs/findings.xml
run audit-assume 1 audit -r rules/tisa-2014.accord -r logs/findings-assume.accord logs/findings.xml
run audit-malformed 2 audit logs/findings.xml logs/malformed.xml logs/q1-2015.xml
run audit-baseline 1 audit -r rules/amendments/gsomia-2016.accord --baseline rules/tisa-2014.accord \
    logs/q1-2015.xml logs/findings.xml
run audit-truncated 1 audit --max-findings 2 logs/findings.xml

if [ "$format" = junit ]; then
    files=("$work"/*.junit)
    if xmllint --noout --schema tests/schemas/junit.xsd "${files[@]}" 2>"$work/xmllint.txt"; then
        pass=$((pass + 1))
    else
        echo "FAIL: JUnit schema validation"
        cat "$work/xmllint.txt"
        fail=$((fail + 1))
    fi
    grep -q '<testcase name="invariant no-direct" classname="accord.check.LEAKY-2020" time="0">' \
        "$work/check-leaky.junit" || { echo "FAIL: check-leaky: no failing no-direct case"; fail=$((fail + 1)); }
    grep -q '<testcase name="tests/sarif/cases/broken.accord" classname="accord.lint.files"' \
        "$work/lint-broken.junit" || { echo "FAIL: lint-broken: no case for broken.accord"; fail=$((fail + 1)); }
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
    exit
fi

# The failing runs must carry results, at the right places.
grep -q '"ruleId": "invariant/no-direct"' "$work/check-leaky.sarif" ||
    { echo "FAIL: check-leaky has no no-direct result"; fail=$((fail + 1)); }
grep -q '"uri": "tests/sarif/cases/broken.accord"' "$work/lint-broken.sarif" ||
    { echo "FAIL: lint-broken has no result in broken.accord"; fail=$((fail + 1)); }
grep -q '"uri": "tests/sarif/cases/leaky.accord"' "$work/lint-broken.sarif" ||
    { echo "FAIL: lint-broken does not normalise ./tests/sarif/cases/leaky.accord"; fail=$((fail + 1)); }
grep -q '"ruleId": "not-permitted"' "$work/audit-findings.sarif" ||
    { echo "FAIL: audit-findings has no not-permitted result"; fail=$((fail + 1)); }

files=("$work"/*.sarif)
if node "$node_dir/validate.js" tests/schemas/sarif-schema-2.1.0.json "${files[@]}"; then
    pass=$((pass + 1))
else
    echo "FAIL: schema validation"
    fail=$((fail + 1))
fi

# The Multitool exits 0 whatever it finds: read its findings from its console output.
mt_out=$work/multitool.txt
"$multitool" validate --rule-kind "Gh;Sarif" --log ForceOverwrite -o "$work/multitool.sarif.out" \
    "${files[@]}" >"$mt_out" 2>&1
mt_code=$?
errors=$(grep -cE ': error [A-Z]+[0-9]+:' "$mt_out")
warnings=$(grep -cE ': warning [A-Z]+[0-9]+:' "$mt_out")
if [ "$mt_code" -ne 0 ] || [ "$errors" -ne 0 ] || ! grep -q "Analysis completed successfully" "$mt_out"; then
    echo "FAIL: SARIF Multitool (exit $mt_code, $errors errors)"
    grep -E ': (error|warning) ' "$mt_out" | head -40
    [ "$errors" -eq 0 ] && tail -20 "$mt_out"
    fail=$((fail + 1))
else
    echo "SARIF Multitool: ${#files[@]} files, 0 errors, $warnings warnings"
    pass=$((pass + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
