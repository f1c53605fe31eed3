#!/usr/bin/env bash
# bench/run.sh - every benchmark of docs/performance.md, each beside its reference in the
# same run, with the ratios and the targets. Benchmarks are not tests: CTest never runs this.
#
#   bench/run.sh [BUILD_DIR]      default: build-perf (configured as a Release build when
#                                 missing; generated logs go to BUILD_DIR/bench-data)
#
# Environment:
#   RUNS=3      hyperfine runs per command (the slow ones use min(RUNS, 3), the shipped
#               rules 4 * RUNS)
#   AUDIT_ROUNDS=2*RUNS  interleaved rounds of the audit-speed tables (bench/interleave.py)
#   BIG=1       the 10M-entry memory runs (two logs of ~1.6 GB, written and deleted one
#               at a time; skipped when /work has less than 4 GB free); BIG=0 skips them
#   KEEP=0      KEEP=1 keeps the 1M-entry logs between runs (they are regenerated only
#               when the generator changed)
#   PARTS="audit memory rules"   the sections to run (all three by default)
#
# Ratios are computed from runs taken side by side, in wall time and in CPU time (user +
# system): the audit-speed rows interleave their commands round by round (interleave.py),
# the others come from one hyperfine invocation each. The audit targets are judged on
# wall time (the audit reads and parses on a second thread, so its CPU time is spread over
# two cores), the check and diff targets on CPU time, the steadier figure on a shared
# machine. Everything is written to
# BUILD_DIR/bench-data/results.md as well.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(mkdir -p "${1:-$ROOT/build-perf}" && cd "${1:-$ROOT/build-perf}" && pwd)
RUNS=${RUNS:-3}
SLOW_RUNS=$(( RUNS < 3 ? RUNS : 3 ))
AUDIT_ROUNDS=${AUDIT_ROUNDS:-$(( 2 * RUNS ))}
BIG=${BIG:-1}
KEEP=${KEEP:-0}
PARTS=${PARTS:-audit memory rules}
part() { case " $PARTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
DATA=$BUILD/bench-data
OUT=$DATA/results.md
START=$(date +%s)

for tool in hyperfine xmllint z3 python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing" >&2; exit 2; }
done

# ---- build ----------------------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DACCORD_SANITIZE=OFF >/dev/null
fi
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" ||
    echo "bench/run.sh: warning: $BUILD is not a Release build" >&2
grep -q '^ACCORD_SANITIZE:BOOL=ON$' "$BUILD/CMakeCache.txt" &&
    echo "bench/run.sh: warning: $BUILD has sanitizers on" >&2
cmake --build "$BUILD" -j2 --target accord_cli gen_log sax_baseline >/dev/null
ACCORD=$BUILD/accord
GEN=$BUILD/bench/gen_log
SAX=$BUILD/bench/sax_baseline
mkdir -p "$DATA"
: >"$OUT"
: >"$DATA/hyperfine.log"

say() { printf '%s\n' "$*" | tee -a "$OUT"; }

# A log from the generator, regenerated when missing or older than the generator.
# gen NAME GENERATOR-OPTIONS...   (writes NAME.xml, NAME.truth and NAME.stats)
gen() {
    local name=$1; shift
    if [ ! -f "$DATA/$name.xml" ] || [ "$GEN" -nt "$DATA/$name.xml" ]; then
        "$GEN" "$@" -o "$DATA/$name.xml" --truth "$DATA/$name.truth" --stats 2>"$DATA/$name.stats"
    fi
}
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$DATA/$1.stats"; }

# Markdown table of a hyperfine JSON export: mean wall and CPU time, and each command's
# ratio to the reference (the command whose index is given, 0-based): reference time over
# command time, so a ratio above 1 means faster than the reference.
table() {
    python3 - "$1" "$2" "$BUILD/" "$ROOT/" <<'EOF' | tee -a "$OUT"
import json, sys
res = json.load(open(sys.argv[1]))["results"]
ref = res[int(sys.argv[2])]
short = lambda c: c.replace(sys.argv[3], "").replace(sys.argv[4], "")
cpu = lambda r: r["user"] + r["system"]
print("| command | wall (mean ± sd) | CPU | vs reference: wall | CPU |")
print("|---|---|---|---|---|")
for r in res:
    print("| `%s` | %.3f s ± %.3f | %.3f s | %.2fx | %.2fx |" % (
        short(r["command"]), r["mean"],
        r["stddev"] or 0.0, cpu(r), ref["mean"] / r["mean"], cpu(ref) / cpu(r)))
EOF
}

# target NAME VALUE OP LIMIT: one line of the targets summary.
TARGETS=()
target() {
    local verdict
    verdict=$(python3 -c "import sys; print('met' if $2 $3 $4 else 'NOT MET')")
    TARGETS+=("| $1 | $2 | $3 $4 | $verdict |")
}

hf() {   # hf JSON RUNS COMMAND...
    local json=$1 runs=$2; shift 2
    hyperfine -N -i --style none --warmup 1 --runs "$runs" --export-json "$json" "$@" \
        >>"$DATA/hyperfine.log" 2>&1
}

# ---- the machine ------------------------------------------------------------------------
say "# accord benchmarks ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
say ""
say "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
    "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) of memory;"\
    "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say "- libxml2 $(xmllint --version 2>&1 | head -1 | awk '{ v = $NF; printf "%d.%d.%d", v / 10000, v / 100 % 100, v % 100 }'),"\
    "$(z3 -version),"\
    "$(cc --version | head -1), build: $BUILD (Release)"
say "- hyperfine runs per command: $RUNS (slow commands: $SLOW_RUNS)"

# ---- 1. audit against xmllint and the SAX2 limit ------------------------------------------
# audit_rows JSON-NAME LOG TARGET-NAME GOAL: xmllint, the SAX2 baseline and the audit on
# two threads and on one, on LOG.xml; the table and the wall-time target.
#
# These run interleaved (bench/interleave.py: one run of each command per round, AUDIT_ROUNDS
# rounds, the order rotated), and a ratio is the median over the rounds of the ratio within
# a round: this machine's speed drifts by 20% or more between runs of the same command,
# and a ratio of times taken side by side is what drifts least.
audit_rows() {
    local json=$DATA/$1.json log=$DATA/$2.xml
    python3 "$ROOT/bench/interleave.py" --runs "$AUDIT_ROUNDS" --json "$json" --markdown \
        --strip "$BUILD/" --strip "$ROOT/" \
        "xmllint --stream --noout $log" "$SAX $log" \
        "$ACCORD audit -q $log" "$ACCORD audit -q --threads 1 $log" | tee -a "$OUT"
    target "$3 (median wall-time ratio; CPU-time ratio $(iratio "$json" 2 ratio_cpu))" \
        "$(iratio "$json" 2 ratio_wall)" ">=" "$4"
}

# imedians JSON A B FIELD: median FIELD of command A over that of command B.
imedians() {
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print("%.2f" % (r[int(sys.argv[2])][sys.argv[4]] / r[int(sys.argv[3])][sys.argv[4]]))' "$@"
}

# iratio JSON K FIELD: a ratio of command K from an interleave.py JSON export.
iratio() {
    python3 -c 'import json, sys; print("%.2f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])][sys.argv[3]])' "$@"
}

if part audit; then
gen log1m --seed 1 -n 1000000 --rate 0.0001
gen log1m-chain --seed 1 -n 1000000 --rate 0.0001 --chain
say ""
say "## 1. audit of a 1M-entry log vs xmllint --stream and the raw SAX2 parse"
for name in log1m log1m-chain; do
    "$ACCORD" audit --format json "$DATA/$name.xml" >"$DATA/$name.json" || true
    say "- $name.xml: $(stat_of "$name" entries) entries, $(( $(stat_of "$name" bytes) / 1000000 )) MB;"\
        "$(python3 - "$DATA/$name.truth" "$DATA/$name.json" <<'EOF'
import collections, json, sys
want = collections.Counter(tuple(l.split()) for l in open(sys.argv[1]) if l[0] != "#")
got = collections.Counter((str(f["seq"]) if f["seq"] is not None else "-", f["code"],
                           f["rule"] or "-") for f in json.load(open(sys.argv[2]))["findings"])
print("ground truth: %d findings injected, the audit found %d: %d missing, %d extra" % (
    sum(want.values()), sum(got.values()), sum((want - got).values()),
    sum((got - want).values())))
EOF
)"
done
say ""
say "Without the hash chain (\`--threads 2\` is the default on this machine; \`--threads 1\`"\
    "shows the CPU cost of the work on one thread):"
say ""
audit_rows audit log1m "audit vs xmllint --stream" 1.5
say ""
say "With the hash chain (every entry carries a digest):"
say ""
audit_rows chain log1m-chain "audit with chain vs xmllint --stream" 1.2
say ""
say "Against schema validation (logs/exchange-log.xsd):"
say ""
hf "$DATA/schema.json" "$SLOW_RUNS" \
    "xmllint --stream --noout --schema $ROOT/logs/exchange-log.xsd $DATA/log1m.xml" \
    "$ACCORD audit -q $DATA/log1m.xml"
table "$DATA/schema.json" 0
say ""
say "The audit's distance to the limit (medians): audit wall time / raw SAX2 parse wall"\
    "time = $(imedians "$DATA/audit.json" 2 1 wall_median) (no chain),"\
    "$(imedians "$DATA/chain.json" 2 1 wall_median) (chain); on one thread, CPU time / raw"\
    "SAX2 CPU time = $(imedians "$DATA/audit.json" 3 1 cpu_median) (no chain),"\
    "$(imedians "$DATA/chain.json" 3 1 cpu_median) (chain)."
fi

# ---- 2. memory -------------------------------------------------------------------------------
if part memory; then
# Peak RSS (KB) of the audit of one generated log: rss NAME (the log is deleted after when
# it is a 10M one).
rss() {
    /usr/bin/time -f '%M' -o "$DATA/$1.rss" "$ACCORD" audit -q "$DATA/$1.xml" >/dev/null || true
    cat "$DATA/$1.rss"
}
say ""
say "## 2. peak memory (RSS) of the audit"
say ""
gen keys1m --seed 2 -n 1000000
gen few1m --seed 2 -n 1000000 --items 1000
R_KEYS1=$(rss keys1m); R_FEW1=$(rss few1m)
R_XML1=$(/usr/bin/time -f '%M' xmllint --stream --noout "$DATA/keys1m.xml" 2>&1 >/dev/null | tail -1)
R_SAX1=$(/usr/bin/time -f '%M' "$SAX" "$DATA/keys1m.xml" 2>&1 >/dev/null | tail -1)
say "| log | entries | facts-index keys | audit peak RSS |"
say "|---|---|---|---|"
say "| one item per flow | 1M | $(stat_of keys1m fact_keys) | $(( R_KEYS1 / 1024 )) MiB |"
say "| 1,000 items reused | 1M | $(stat_of few1m fact_keys) | $(( R_FEW1 / 1024 )) MiB |"
FREE_KB=$(df -Pk /work 2>/dev/null | awk 'NR == 2 { print $4 }')
if [ "$BIG" = 1 ] && [ "${FREE_KB:-0}" -gt 4000000 ]; then
    gen keys10m --seed 2 -n 10000000
    R_KEYS10=$(rss keys10m); K10=$(stat_of keys10m fact_keys)
    rm -f "$DATA/keys10m.xml"
    gen few10m --seed 2 -n 10000000 --items 1000
    R_FEW10=$(rss few10m); F10=$(stat_of few10m fact_keys)
    rm -f "$DATA/few10m.xml"
    say "| one item per flow | 10M | $K10 | $(( R_KEYS10 / 1024 )) MiB |"
    say "| 1,000 items reused | 10M | $F10 | $(( R_FEW10 / 1024 )) MiB |"
    read -r PER_ENTRY PER_KEY PER_ALL < <(python3 - "$R_KEYS1" "$R_KEYS10" "$R_FEW1" "$R_FEW10" \
        "$(stat_of keys1m fact_keys)" "$K10" "$(stat_of few1m fact_keys)" "$F10" <<'EOF'
import sys
k1, k10, f1, f10, n1, n10, m1, m10 = map(float, sys.argv[1:])
few = (f10 - f1) * 1024 / 9e6                        # bytes per entry, index ~constant
per_key = ((k10 - k1) - (f10 - f1)) * 1024 / ((n10 - n1) - (m10 - m1))
print("%.1f %.1f %.1f" % (few, per_key, (k10 - k1) * 1024 / 9e6))
EOF
)
    say ""
    say "Growth from 1M to 10M entries: $PER_ALL bytes per entry in all; with the facts index"\
        "held constant (1,000 items), $PER_ENTRY bytes per entry (the id set and everything"\
        "else); hence $PER_KEY bytes per live facts-index key."
    target "peak RSS per entry beyond the facts index" "$PER_ENTRY" "<=" 16
else
    say ""
    say "(10M-entry runs skipped: BIG=$BIG, $(( ${FREE_KB:-0} / 1024 )) MiB free)"
fi
say ""
say "References on the 1M-entry log: xmllint --stream $(( R_XML1 / 1024 )) MiB,"\
    "raw SAX2 parse $(( R_SAX1 / 1024 )) MiB."
fi

# ---- 3. check and diff ----------------------------------------------------------------------------
if part rules; then
say ""
say "## 3. check and diff"
say ""
say "Shipped rules, one process per command (Z3 start included):"
say ""
hf "$DATA/shipped.json" $(( RUNS * 4 )) "true" "z3 -version" \
    "$ACCORD check $ROOT/rules/tisa-2014.accord" \
    "$ACCORD diff $ROOT/rules/tisa-2014.accord $ROOT/rules/amendments/gsomia-2016.accord"
table "$DATA/shipped.json" 1
read -r CHECK_MS DIFF_MS CHECK_WALL DIFF_WALL < <(python3 - "$DATA/shipped.json" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
cpu = lambda r: (r["user"] + r["system"]) * 1000
print("%.1f %.1f %.1f %.1f" % (cpu(res[2]), cpu(res[3]), res[2]["mean"] * 1000,
                               res[3]["mean"] * 1000))
EOF
)
target "check of the shipped rules (CPU ms per process; wall $CHECK_WALL ms)" "$CHECK_MS" "<" 50
target "diff TISA-2014 GSOMIA-2016 (CPU ms per process; wall $DIFF_WALL ms)" "$DIFF_MS" "<" 50
say ""
say "Generated rule sets (bench/gen_rules.py: 20 parties, 50 topics; diff against the same"\
    "set after an amendment that changes about 2% of the rules):"
say ""
say "| rules | check wall | check CPU | diff wall | diff CPU |"
say "|---|---|---|---|---|"
for n in 10 100 1000; do
    python3 "$ROOT/bench/gen_rules.py" "$n" -o "$DATA/rules$n.accord"
    python3 "$ROOT/bench/gen_rules.py" "$n" --variant -o "$DATA/rules$n-new.accord"
    hf "$DATA/rules$n.json" "$SLOW_RUNS" "$ACCORD check $DATA/rules$n.accord" \
        "$ACCORD diff $DATA/rules$n.accord $DATA/rules$n-new.accord"
    read -r CW CC DW DC < <(python3 - "$DATA/rules$n.json" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
print(" ".join("%.3f %.3f" % (r["mean"], r["user"] + r["system"]) for r in res))
EOF
)
    say "| $n | $CW s | $CC s | $DW s | $DC s |"
done
target "check, 1,000 rules (CPU s)" "$CC" "<" 5
target "diff, 1,000 rules (CPU s)" "$DC" "<" 10
fi

# ---- summary ---------------------------------------------------------------------------------------
say ""
say "## targets"
say ""
say "| target | measured | goal | verdict |"
say "|---|---|---|---|"
for t in "${TARGETS[@]}"; do say "$t"; done
say ""
say "Total time of this run: $(( $(date +%s) - START )) s; load average at the end:"\
    "$(cut -d' ' -f1-3 /proc/loadavg)."
if [ "$KEEP" != 1 ]; then
    rm -f "$DATA"/*.xml
fi
echo "results: $OUT" >&2
