#!/usr/bin/env bash
# The main job on the shipped defaults: install what is missing, build, audit the sample
# logs against the built-in TISA-2014 rules, then check the shipped rules and diff the
# shipped GSOMIA-2016 amendment. Run from anywhere; builds into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
accord_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target accord_cli >/dev/null
status=0
run() { echo "\$ $*"; "$@" || status=$?; echo; }
run build/accord audit logs/q1-2015.xml
run build/accord audit logs/chained.xml
run build/accord audit logs/findings.xml
run build/accord check rules/tisa-2014.accord
run build/accord diff rules/tisa-2014.accord rules/amendments/gsomia-2016.accord
echo "demo done (the findings above are expected: logs/findings.xml has an entry for every finding code but malformed and assumption, which logs/malformed.xml and logs/findings-assume.accord show)"
