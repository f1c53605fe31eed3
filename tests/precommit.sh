#!/usr/bin/env bash
# Runs the pre-commit hook of docs/ci.md (docs/ci/pre-commit) in a temporary git
# repository holding the shipped rules: harmless and restricting changes go through; a
# rule file that does not lint, an amendment or a base change that grants a new exchange
# are blocked (the latter let through by ACCORD_ALLOW_NEW_PERMITS=1); the hook judges the
# staged version, not the work tree. Also checks that docs/ci.md shows the hook verbatim.
# Usage (from anywhere): precommit.sh ACCORD_BINARY
set -u
accord=$1
cd "$(dirname "$0")/.." || exit 1
root=$PWD
fail=0 pass=0
case $accord in /*) ;; *) accord=$root/$accord ;; esac
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT

# The hook in docs/ci.md is the file itself.
if awk '/^```sh pre-commit$/ { on = 1; next } on && /^```$/ { exit } on' docs/ci.md |
        cmp -s - docs/ci/pre-commit; then
    pass=$((pass + 1))
else
    echo "FAIL: docs/ci.md does not show docs/ci/pre-commit verbatim"
    fail=$((fail + 1))
fi

# Everything below runs inside the temporary repository, never the project's own.
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
export GIT_CEILING_DIRECTORIES=$(dirname "$repo")
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.com
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.com
hook=$root/docs/ci/pre-commit
cd "$repo" || exit 1
git init -q
mkdir -p rules
cp "$root/rules/tisa-2014.accord" rules/
echo "notes" >README
git add README rules/tisa-2014.accord
git commit -q -m initial
cp "$hook" .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
export ACCORD=$accord NO_COLOR=1

# commit_expect NAME 0|1 [ENV=VALUE...]: commits what is staged; 0 = must go through.
commit_expect() {
    local name=$1 want=$2
    shift 2
    local got=0
    env "$@" git commit -q -m "$name" >"$repo/.git/test-out" 2>&1 || got=1
    if [ "$got" = "$want" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: $name: commit $([ "$got" = 0 ] && echo went through || echo was blocked)"
        sed 's/^/    /' .git/test-out | head -20
        fail=$((fail + 1))
        [ "$got" = 1 ] || return 0
    fi
    # A blocked commit leaves the change staged: drop it.
    if [ "$got" = 1 ]; then git reset -q --hard HEAD; fi
}

echo "more notes" >>README
git add README
commit_expect "no rule file changed" 0

echo "# a comment" >>rules/tisa-2014.accord
git add rules/tisa-2014.accord
commit_expect "a comment in the base file" 0

sed -i 's/topic not in {nk-nuclear, nk-missile}/topic not in {nk-nuclear}/' rules/tisa-2014.accord
git add rules/tisa-2014.accord
commit_expect "a base change that only forbids more" 0

sed -i 's/permit request when from in {KR, JP} and to == US/permit request when from in {KR, JP, US}/' \
    rules/tisa-2014.accord
git add rules/tisa-2014.accord
commit_expect "a base change that grants new requests" 1

sed -i 's/to == US and originator == from;/to == US and originator == from and zz;/' \
    rules/tisa-2014.accord
git add rules/tisa-2014.accord
commit_expect "a base file that does not compile" 1

mkdir -p rules/amendments && cp "$root/rules/amendments/gsomia-2016.accord" rules/amendments/
git add rules/amendments/gsomia-2016.accord
commit_expect "an amendment that grants direct exchange" 1
mkdir -p rules/amendments && cp "$root/rules/amendments/gsomia-2016.accord" rules/amendments/
git add rules/amendments/gsomia-2016.accord
commit_expect "the same, accepted explicitly" 0 ACCORD_ALLOW_NEW_PERMITS=1

echo "# another comment" >>rules/tisa-2014.accord
git add rules/tisa-2014.accord
echo "rule broken {" >>rules/tisa-2014.accord   # not staged
commit_expect "the staged version is judged, not the work tree" 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
