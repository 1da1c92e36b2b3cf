#!/usr/bin/env bash
# axe.sh {install|check|env}
#
# axe-core, the accessibility rule engine that passdesk's browser tests
# (tests/it/browser_flows.rs) inject into every page they visit. A pinned
# version is installed from the npm registry into a cache folder outside the
# repository; nothing is committed.
#
#   install  `npm install` of axe-core@$AXE_VERSION into $AXE_DIR when it is not there yet
#            (about 3 MB, a few seconds), then checks the version and the registry's
#            sha512 integrity against the pinned values. Installs Debian's `npm` first
#            when npm is missing (needs root). Idempotent.
#   check    prints the installed version and the path of axe.min.js; exits 1 when missing.
#   env      prints `export PASSDESK_AXE_JS=...` for eval (the tests also look at the
#            default $AXE_DIR without it).
#
# Environment knobs:
#   AXE_DIR              install folder (default /tmp/passdesk-bed/axe)
#   AXE_NO_INSTALL=1     never run apt-get; fail if npm is missing
#   BED_APT_LOCK_TIMEOUT seconds apt/dpkg waits for a busy lock (default 300)
#
# The test honours PASSDESK_AXE_JS (path of axe.min.js) and PASSDESK_REQUIRE_SERVERS=1
# (fail instead of skipping when axe-core is missing).
set -euo pipefail

BED_NAME=axe
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AXE_VERSION=4.14.1
# `npm view axe-core@4.14.1 dist.integrity`
AXE_INTEGRITY='sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=='
D=${AXE_DIR:-/tmp/passdesk-bed/axe}
[[ $D == /* ]] || D=$PWD/$D
PKG=$D/node_modules/axe-core
JS=$PKG/axe.min.js

installed_version() {
    [[ -s $JS && -s $PKG/package.json ]] || return 1
    sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG/package.json" | head -n 1
}

# The integrity npm recorded for the installed package (from the registry's metadata,
# checked by npm against the tarball it downloaded).
installed_integrity() {
    local lock=$D/node_modules/.package-lock.json
    [[ -s $lock ]] || return 1
    awk '/"node_modules\/axe-core"/ {inside = 1} inside && /"integrity"/ {gsub(/[",]/, "", $2); print $2; exit}' "$lock"
}

present() { [[ "$(installed_version 2>/dev/null)" == "$AXE_VERSION" ]]; }

cmd_install() {
    local t0; t0=$(bed_now_ms)
    mkdir -p "$D"
    exec 9>"$D/.lock"
    flock -w 120 9 || bed_die "another axe.sh holds $D/.lock"
    if present; then
        bed_log "already installed: axe-core $AXE_VERSION at $JS"
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        bed_ensure_pkgs "${AXE_NO_INSTALL:-0}" npm
    fi
    bed_need_cmd npm
    rm -rf "$D/node_modules" "$D/package.json" "$D/package-lock.json"
    printf '{\n  "name": "passdesk-test-axe",\n  "private": true\n}\n' >"$D/package.json"
    bed_log "npm install axe-core@$AXE_VERSION into $D"
    (cd "$D" && npm install --no-audit --no-fund --ignore-scripts --save-exact "axe-core@$AXE_VERSION" \
        >"$D/npm.log" 2>&1) || { tail -n 20 "$D/npm.log" >&2; bed_die "npm install failed (log: $D/npm.log)"; }
    present || bed_die "npm installed axe-core $(installed_version || echo '(none)'), not $AXE_VERSION"
    local got; got=$(installed_integrity || true)
    if [[ $got != "$AXE_INTEGRITY" ]]; then
        rm -rf "$D/node_modules"
        bed_die "axe-core $AXE_VERSION integrity is '$got', pinned '$AXE_INTEGRITY'; removed it"
    fi
    bed_log "installed axe-core $AXE_VERSION in $(bed_elapsed "$t0")"
    cmd_check
}

cmd_check() {
    present || bed_die "axe-core $AXE_VERSION is not installed in $D; run: bash tests/bed/axe.sh install"
    printf 'axe-core %s %s\n' "$AXE_VERSION" "$JS"
}

cmd_env() {
    bed_export PASSDESK_AXE_JS "$JS"
}

case "${1:-}" in
install) cmd_install ;;
check) cmd_check ;;
env) cmd_env ;;
*)
    echo "usage: $0 {install|check|env}" >&2
    exit 2
    ;;
esac
