#!/usr/bin/env bash
# Builds passdesk's Debian package and lints it: the one command for the .deb.
#
#   bash packaging/deb.sh            -> target/debian/passdesk_<version>-<revision>_amd64.deb
#
# Installs what it needs (cargo-deb from crates.io, lintian from Debian),
# builds the release binary, generates the assets the package carries
# besides it (the configuration with data_dir = /var/lib/passdesk, the
# manual pages, the shell completions) under target/deb/, runs cargo-deb
# with the metadata in Cargo.toml, and fails if lintian reports an error.
#
# Knobs:
#   PASSDESK_DEB_REVISION=N   Debian revision (default: 1); the package tests
#                             build a second revision to try an upgrade
#   PASSDESK_DEB_PROFILE=debug  package the debug build (target/debug/passdesk,
#                             which cargo test has already built) instead of
#                             a release build: tests/run.sh uses it to keep
#                             the test run short; the package is otherwise the same
#   PASSDESK_DEB_NO_BUILD=1   package the binary as it is, without cargo build
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION=3.8.0
revision="${PASSDESK_DEB_REVISION:-1}"
case "${PASSDESK_DEB_PROFILE:-release}" in
  release) build=(cargo build --release --locked) bin=target/release/passdesk deb_profile=release ;;
  debug) build=(cargo build --locked --bin passdesk) bin=target/debug/passdesk deb_profile=dev ;;
  *) echo "packaging/deb.sh: PASSDESK_DEB_PROFILE=${PASSDESK_DEB_PROFILE}: use release or debug" >&2; exit 2 ;;
esac
step() { printf '\n==> %s\n' "$*"; }

if ! dpkg -s lintian >/dev/null 2>&1; then
  step "installing lintian (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends lintian >/dev/null
fi
if [ "$(cargo deb --version 2>/dev/null || true)" != "cargo-deb $CARGO_DEB_VERSION" ]; then
  step "installing cargo-deb $CARGO_DEB_VERSION (crates.io)"
  cargo install --locked --quiet cargo-deb --version "$CARGO_DEB_VERSION"
fi

if [ "${PASSDESK_DEB_NO_BUILD:-0}" != 1 ]; then
  step "${build[*]}"
  "${build[@]}"
fi

step "generating the configuration, manual pages and completions (target/deb/)"
rm -rf target/deb
mkdir -p target/deb/man target/deb/completions
# The example configuration, with the data folder the unit's StateDirectory=
# gives the service. Fails if the example's line ever changes.
sed 's|^data_dir = "passdesk-data"$|data_dir = "/var/lib/passdesk"|' packaging/passdesk.example.toml > target/deb/passdesk.toml
grep -qx 'data_dir = "/var/lib/passdesk"' target/deb/passdesk.toml || {
  echo 'packaging/deb.sh: the line data_dir = "passdesk-data" is missing from packaging/passdesk.example.toml' >&2
  exit 1
}
"$bin" man target/deb/man
# Reproducible: no name or time stamp in the gzip header (lintian checks it).
gzip -9n target/deb/man/*.1
"$bin" completions bash > target/deb/completions/passdesk
"$bin" completions zsh > target/deb/completions/_passdesk
"$bin" completions fish > target/deb/completions/passdesk.fish

step "cargo deb"
rm -f target/debian/passdesk_*.deb
# cargo-deb takes the binary of the chosen profile (target/release/ in the
# assets means "the profile's folder") and strips it.
cargo deb --no-build --locked --profile "$deb_profile" --deb-revision "$revision"
deb=$(ls target/debian/passdesk_*_amd64.deb)

step "lintian $deb"
# Errors fail; warnings and the informational tags are printed for reading.
lintian --fail-on error --tag-display-limit 0 "$deb"
echo "packaging/deb.sh: built $deb"
