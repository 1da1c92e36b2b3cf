#!/usr/bin/env bash
# chromium.sh {install|check}
#
# Headless Chromium and ChromeDriver for passdesk's browser test
# (tests/it/browser.rs, `cargo test --test it browser`).
#
#   install  apt-installs the Debian packages `chromium chromium-driver` with
#            --no-install-recommends when /usr/bin/chromium or /usr/bin/chromedriver
#            is missing (about 440 MB on disk, ~20 s). Runs `apt-get update` first when
#            the package lists do not know the packages, and once more if the install
#            fails. Idempotent: does nothing when both binaries exist. Needs root.
#   check    prints both versions; exits 1 if either binary is missing.
#
# Environment knobs:
#   BED_APT_LOCK_TIMEOUT  seconds apt/dpkg waits for a busy lock (default 300)
#   BED_APT_LOG           apt output log (default /tmp/passdesk-bed-apt.log)
#
# The test itself honours PASSDESK_CHROMEDRIVER / PASSDESK_CHROMIUM (paths) and
# PASSDESK_REQUIRE_SERVERS=1 (fail instead of skipping when they are missing).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver
PKGS=(chromium chromium-driver)
LOG=${BED_APT_LOG:-/tmp/passdesk-bed-apt.log}
LOCK=(-o "DPkg::Lock::Timeout=${BED_APT_LOCK_TIMEOUT:-300}")

log() { printf '[chromium] %s\n' "$*" >&2; }
die() { printf '[chromium] ERROR: %s\n' "$*" >&2; exit 1; }

present() { [[ -x $CHROMIUM && -x $CHROMEDRIVER ]]; }

# True when apt's package lists offer an installation candidate for every package.
known_to_apt() {
    local p cand
    for p in "${PKGS[@]}"; do
        cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
        [[ -n $cand && $cand != "(none)" ]] || return 1
    done
}

apt_update() {
    log "running apt-get update"
    apt-get "${LOCK[@]}" update >>"$LOG" 2>&1 || die "apt-get update failed (see $LOG)"
}

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get "${LOCK[@]}" install -y --no-install-recommends "${PKGS[@]}" \
        >>"$LOG" 2>&1
}

cmd_install() {
    if present; then
        log "already installed: $CHROMIUM and $CHROMEDRIVER"
        return 0
    fi
    ((EUID == 0)) || die "installing ${PKGS[*]} needs root (or run: apt-get install -y --no-install-recommends ${PKGS[*]})"
    command -v apt-get >/dev/null || die "apt-get not found; install Chromium and ChromeDriver yourself"
    local t0; t0=$(date +%s)
    : >"$LOG"
    known_to_apt || apt_update
    log "installing ${PKGS[*]} (no recommends)"
    if ! apt_install; then
        log "apt-get install failed; running apt-get update once and retrying"
        apt_update
        apt_install || die "apt-get install ${PKGS[*]} failed (see $LOG)"
    fi
    present || die "installed ${PKGS[*]} but $CHROMIUM or $CHROMEDRIVER is still missing"
    log "installed in $(($(date +%s) - t0)) s"
    cmd_check
}

cmd_check() {
    local ok=0
    if [[ -x $CHROMIUM ]]; then
        # The Debian wrapper prints harmless noise on stderr (dbus, dev-shm test).
        printf '%s\n' "$("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM (version unknown)")"
    else
        printf 'missing: %s\n' "$CHROMIUM" >&2; ok=1
    fi
    if [[ -x $CHROMEDRIVER ]]; then
        printf '%s\n' "$("$CHROMEDRIVER" --version 2>/dev/null || echo "$CHROMEDRIVER (version unknown)")"
    else
        printf 'missing: %s\n' "$CHROMEDRIVER" >&2; ok=1
    fi
    ((ok == 0)) || die "run: bash tests/bed/chromium.sh install"
}

case "${1:-}" in
    install) cmd_install ;;
    check) cmd_check ;;
    *) printf 'usage: %s {install|check}\n' "$0" >&2; exit 2 ;;
esac
