#!/usr/bin/env bash
# Installs the Debian packages accord needs to build and test, when any is missing.
# Uses sudo when not root. Sourced by demo.sh and test.sh.
set -euo pipefail

# groff-base checks the man page (tests/install.sh); chromium loads the HTML audit report
# headless (tests/html/run.sh).
ACCORD_PACKAGES=(build-essential cmake pkg-config git
                 libz3-dev z3 cvc5 libxml2-dev libxml2-utils libcunit1-dev libssl-dev
                 groff-base chromium
                 ${ACCORD_EXTRA_PACKAGES:-})
# Node.js and npm run the tests' SARIF validators and browser test (npm packages). A
# Node.js installed some other way (which may bundle npm) counts: Debian's packages are
# added only for a missing command. COMMAND:PACKAGE pairs.
ACCORD_COMMANDS=(node:nodejs npm:npm)

accord_install_deps() {
    local missing=()
    for p in "${ACCORD_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    for pair in "${ACCORD_COMMANDS[@]}"; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "accord: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
