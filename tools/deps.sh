#!/usr/bin/env bash
# Installs the Debian packages accord needs to build and test, when any is missing.
# Uses sudo when not root. Sourced by demo.sh and test.sh.
set -euo pipefail

ACCORD_PACKAGES=(build-essential cmake pkg-config git
                 libz3-dev z3 cvc5 libxml2-dev libxml2-utils libcunit1-dev libssl-dev
                 ${ACCORD_EXTRA_PACKAGES:-})

accord_install_deps() {
    local missing=()
    for p in "${ACCORD_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "accord: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
