#!/usr/bin/env bash
# passdesk's whole test suite, as CI runs it (.ci/run calls exactly this).
#
# Installs what the tests need that a fresh machine lacks (Debian packages:
# Chromium and ChromeDriver, Samba, slapd, aiosmtpd), starts the test bed
# (tests/bed/all.sh: a Samba AD DC, an OpenLDAP slapd, an SMTP sink, Kannel), runs
# formatting and lint checks and every test with PASSDESK_REQUIRE_SERVERS=1,
# so a suite whose server is missing fails instead of skipping (logging at
# trace, then searching that log for every secret the tests used), runs the
# load benchmark in its smoke mode against the bed's slapd (every flow
# must succeed; no figure is asserted) and the soak benchmark in its smoke
# mode (benches/soak.rs: 20 s at a fixed offered rate), kills passdesk 5 times during
# reset flows and checks nothing was lost or doubled (benches/crash.rs),
# fuzzes the parsers and decoders (tests/fuzz.sh, a short run of each
# cargo-fuzz target) and the JSON API against its OpenAPI document
# (tests/api-fuzz.sh),
# builds the Debian package and
# tries it for real on this machine (install, run as the passdesk user,
# upgrade, purge: tests/packaging/deb.sh), cross-builds the Windows .msi
# and checks it (packaging/msi.sh), and stops the test bed again.
#
# Knobs:
#   PASSDESK_SKIP_LINT=1   skip cargo fmt --check and cargo clippy
#   PASSDESK_KEEP_BED=1    leave the test-bed servers running afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "installing test dependencies (Debian packages)"
bash tests/bed/chromium.sh install
bash tests/bed/axe.sh install

step "starting the test bed (Samba AD DC, OpenLDAP, SMTP sink, Kannel)"
if [ "${PASSDESK_KEEP_BED:-0}" != 1 ]; then
  trap 'bash tests/bed/all.sh stop >/dev/null 2>&1 || true' EXIT
fi
bash tests/bed/all.sh start
# Back to the pristine directories, whatever earlier runs left behind.
bash tests/bed/all.sh reset
eval "$(bash tests/bed/all.sh env)"

if [ "${PASSDESK_SKIP_LINT:-0}" != 1 ]; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "cargo clippy"
  cargo clippy --all-targets --locked -- -D warnings
  step "cargo deny: licences, duplicate versions, sources (deny.toml)"
  # The advisories check needs the RustSec database from GitHub, which this
  # machine cannot reach: run `cargo deny check advisories` where it can.
  if [ "$(cargo deny --version 2>/dev/null || true)" != "cargo-deny 0.20.2" ]; then
    cargo install --locked --quiet cargo-deny --version 0.20.2
  fi
  cargo deny --locked check licenses bans sources
  step "cargo clippy for Windows (x86_64-pc-windows-gnu; ring needs the MinGW C compiler)"
  bash packaging/msi.sh --tools-only
  cargo clippy --locked --target x86_64-pc-windows-gnu --all-targets -- -D warnings
fi

step "cargo test (all suites required; the in-process apps log at trace into target/test-trace.log)"
export PASSDESK_REQUIRE_SERVERS=1
rm -f target/test-trace.log target/test-secrets.txt
PASSDESK_TEST_TRACE_LOG="$PWD/target/test-trace.log" PASSDESK_TEST_SECRETS="$PWD/target/test-secrets.txt" \
  cargo test --locked --lib --bins --tests

step "no secret in the logs: every password, answer, code and token the tests used, searched for in the trace log"
python3 tests/secrets_in_logs.py target/test-trace.log target/test-secrets.txt tests/it

step "load bench, smoke mode (BENCH_SMOKE=1: 1,000 users, 2-s phases; proves the bench still runs, asserts no figure)"
BENCH_SMOKE=1 cargo test --locked --bench load

step "soak bench, smoke mode (SOAK_SMOKE=1: 20 s at 10 reset flows/s, open loop, sampling RSS and fds; fails on any failed flow)"
SOAK_SMOKE=1 cargo test --locked --bench soak

step "fuzzing: each target for 10 s from its committed corpus (tests/fuzz.sh; cargo fuzz on nightly)"
PASSDESK_FUZZ_SECS=10 bash tests/fuzz.sh

step "crash consistency, smoke mode (CRASH_SMOKE=1: 100 reset flows against slapd, 5 SIGKILLs and restarts; fails on any inconsistency)"
CRASH_SMOKE=1 cargo test --locked --bench crash

step "API fuzzing, short run (tests/api-fuzz.sh: schemathesis against /api/v1/openapi.json; the recorded full run is 10,000 cases)"
PASSDESK_BIN=target/debug/passdesk PASSDESK_API_FUZZ_CASES=3000 bash tests/api-fuzz.sh

# The packages are built from the debug profile here (the binary cargo test
# built, stripped), to keep the run well inside its time budget; run the
# two scripts without the knobs for the release packages.
step "Debian package: build and lint it (packaging/deb.sh, debug profile)"
PASSDESK_DEB_PROFILE=debug bash packaging/deb.sh
step "Debian package: install, check, run, upgrade and purge it on this machine (tests/packaging/deb.sh)"
bash tests/packaging/deb.sh
step "Windows installer: cross-build, wixl, and read it back (packaging/msi.sh, debug profile)"
PASSDESK_MSI_PROFILE=debug bash packaging/msi.sh
