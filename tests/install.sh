#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then use what was installed as a user would:
# compile and run a small C program against `pkg-config --cflags --libs accord` (shared
# library) and against the static library with `pkg-config --static --libs`, run the
# installed binary, render the man page with groff's warnings on, and drive the bash
# completion.
# Usage (from anywhere): install.sh BUILD_DIR SANITIZE(1|0) CC
set -u
build=$1
sanitize=$2
cc=${3:-cc}
cd "$(dirname "$0")/.."
root=$PWD
fail=0 pass=0
check() {   # check DESCRIPTION COMMAND...: counts a pass or prints the failure
    local what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; fail=$((fail + 1)); fi
}

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
if ! cmake --install "$build" --prefix "$prefix" >"$prefix.log" 2>&1; then
    echo "FAIL: cmake --install"; cat "$prefix.log"; rm -f "$prefix.log"; exit 1
fi
rm -f "$prefix.log"

pc=$(find "$prefix" -name accord.pc -path '*/pkgconfig/*' | head -n 1)
check "accord.pc installed" test -n "$pc"
export PKG_CONFIG_PATH=$(dirname "${pc:-/nonexistent/x}")
libdir=$(pkg-config --variable=libdir accord)
for f in bin/accord include/accord.h include/accord/core.h include/accord/rules.h \
         include/accord/eval.h include/accord/analysis.h include/accord/audit.h \
         include/accord/report.h share/man/man1/accord.1 \
         share/bash-completion/completions/accord; do
    check "$f installed" test -f "$prefix/$f"
done
check "shared library installed" test -e "$libdir/libaccord.so"
check "static library installed" test -f "$libdir/libaccord.a"
check "accord.pc version" test "$(pkg-config --modversion accord)" = "$("$prefix/bin/accord" --version | cut -d' ' -f2)"

# A program of a library user: the built-in rules, one event permitted, one not.
cat >"$prefix/use.c" <<'EOF'
#include <accord.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int member(const acc_ruleset *rs, acc_type type, const char *name)
{
    return acc_ruleset_member_find(rs, type, name, strlen(name));
}

int main(void)
{
    acc_file *file = NULL;
    acc_ruleset *rs = NULL;
    if (acc_file_default(&file, NULL) != ACC_OK ||
        acc_ruleset_build(&rs, &file, 1, NULL) != ACC_OK) {
        fputs("cannot build the default rules\n", stderr);
        return 1;
    }
    bool *facts = calloc(acc_ruleset_fact_count(rs) + 1, sizeof *facts);
    acc_event ev = { .kind = ACC_KIND_TRANSFER, .from = member(rs, ACC_TYPE_PARTY, "KR"),
                     .to = member(rs, ACC_TYPE_PARTY, "US"),
                     .originator = member(rs, ACC_TYPE_PARTY, "KR"),
                     .topic = member(rs, ACC_TYPE_TOPIC, "nk-nuclear"),
                     .level = member(rs, ACC_TYPE_LEVEL, "SECRET"),
                     .item = "I-1", .item_len = 3, .facts = facts };
    acc_time_parse("2015-01-05T09:00:00Z", 20, &ev.time);
    bool provide = acc_eval_permitted(rs, &ev);
    ev.to = member(rs, ACC_TYPE_PARTY, "JP");
    bool direct = acc_eval_permitted(rs, &ev);
    printf("%s %s: KR->US %s, KR->JP %s\n", acc_version(), acc_ruleset_name(rs),
           provide ? "permitted" : "denied", direct ? "permitted" : "denied");
    free(facts);
    acc_ruleset_free(rs);
    acc_file_free(file);
    return 0;
}
EOF
sanflags=()
[ "$sanitize" = 1 ] && sanflags=(-fsanitize=address,undefined)
expected="$("$prefix/bin/accord" --version | cut -d' ' -f2) TISA-2014: KR->US permitted, KR->JP denied"

# shellcheck disable=SC2046
if "$cc" -std=c11 -Wall -Werror "${sanflags[@]}" -o "$prefix/use-shared" "$prefix/use.c" \
        $(pkg-config --cflags --libs accord); then
    out=$(LD_LIBRARY_PATH=$libdir "$prefix/use-shared")
    check "shared program output: $out" test "$out" = "$expected"
else
    check "compile against pkg-config --libs accord" false
fi
static_libs=$(pkg-config --static --libs accord | sed "s#-laccord#$libdir/libaccord.a#")
# shellcheck disable=SC2046,SC2086
if "$cc" -std=c11 -Wall -Werror "${sanflags[@]}" -o "$prefix/use-static" "$prefix/use.c" \
        $(pkg-config --cflags accord) $static_libs; then
    out=$("$prefix/use-static")
    check "static program output: $out" test "$out" = "$expected"
else
    check "compile against the static library and pkg-config --static --libs" false
fi
check "static program needs no libaccord.so" \
    bash -c "! ldd '$prefix/use-static' 2>/dev/null | grep -q libaccord"

# The installed binary.
check "installed accord runs" "$prefix/bin/accord" help check >/dev/null

# The man page renders without a warning.
if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$prefix/share/man/man1/accord.1" 2>&1)
    check "man page renders without warnings: $warnings" test -z "$warnings"
else
    check "groff is installed (tools/deps.sh installs groff-base)" false
fi

# The bash completion: COMP_WORDS as bash would set them; prints COMPREPLY.
complete_words() {
    bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _accord
        printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$prefix/share/bash-completion/completions/accord" "$@"
}
has() { grep -qx -- "$2" <<<"$1"; }
words=$(complete_words accord "")
check "completes subcommands" bash -c '[ "$(echo $0)" = "--help --version audit check diff help lint smt" ]' "$words"
words=$(complete_words accord audit --format "")
check "completes audit formats with html" has "$words" html
words=$(complete_words accord check --format=s)
check "completes --format=VALUE" test "$words" = sarif
words=$(complete_words accord check --format "")
check "check formats have no html" bash -c '! grep -qx html <<<"$0"' "$words"
words=$(complete_words accord diff --d)
check "completes diff options" test "$words" = --deny-new-permits
words=$(complete_words accord check rules/tisa)
check "completes rule files" has "$words" rules/tisa-2014.accord
words=$(complete_words accord audit logs/q1)
check "completes log files" has "$words" logs/q1-2015.xml
words=$(complete_words accord audit --color "")
check "completes colour modes" test "$(echo $words)" = "always auto never"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
