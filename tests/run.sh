#!/usr/bin/env bash
# passdesk's whole test suite, as CI runs it (.ci/run calls exactly this).
#
# Installs what the tests need that a fresh machine lacks (Debian packages:
# Chromium and ChromeDriver for the browser suite), then runs formatting and
# lint checks and every test with PASSDESK_REQUIRE_SERVERS=1, so a suite whose
# server is missing fails instead of skipping.
#
# Knobs:
#   PASSDESK_SKIP_LINT=1   skip cargo fmt --check and cargo clippy
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "installing test dependencies (Debian packages)"
bash tests/bed/chromium.sh install

if [ "${PASSDESK_SKIP_LINT:-0}" != 1 ]; then
  step "cargo fmt --check"
  cargo fmt --all -- --check
  step "cargo clippy"
  cargo clippy --all-targets --locked -- -D warnings
fi

step "cargo test (all suites required)"
export PASSDESK_REQUIRE_SERVERS=1
cargo test --locked --lib --bins --tests
