#!/usr/bin/env bash
# Installs what is missing, builds with -Werror under AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
accord_install_deps
cmake -S . -B build-test -DACCORD_WERROR=ON -DACCORD_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-test -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-test && ctest --output-on-failure -j"$(nproc)" "$@")

# Fuzzing smoke run (docs/reliability.md): a second, clang build of just the libFuzzer
# targets; each replays its corpus and fuzzes for ACCORD_FUZZ_SECONDS (default 30).
# Skipped when clang or its libFuzzer is missing, or with ACCORD_CI_FUZZ=0. The corpora
# are also replayed by the ASan build above (fuzz_replay_*), so they stay regression tests.
if [ "${ACCORD_CI_FUZZ:-1}" != 0 ] && command -v clang >/dev/null &&
   echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
   clang -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null; then
  CC=clang cmake -S . -B build-ci-fuzz -DACCORD_FUZZ=ON -DACCORD_SANITIZE=ON \
    -DACCORD_FUZZ_SECONDS="${ACCORD_FUZZ_SECONDS:-30}" >/dev/null
  cmake --build build-ci-fuzz -j"$(nproc)" --target fuzz_rules fuzz_audit fuzz_diff
  (cd build-ci-fuzz && ctest --output-on-failure -j"$(nproc)" -R '^fuzz_smoke_')
else
  echo "test.sh: fuzzing smoke run skipped (no clang with libFuzzer, or ACCORD_CI_FUZZ=0)"
fi
