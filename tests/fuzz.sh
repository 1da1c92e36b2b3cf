#!/usr/bin/env bash
# passdesk's fuzz targets (fuzz/, cargo fuzz on the nightly toolchain): the
# configuration file, the import CSV, phone numbers, LDAP filter escaping and
# the DN scope check, the directories' error answers, and every request body.
# Installs cargo-fuzz when missing, builds the targets once, then runs each
# for PASSDESK_FUZZ_SECS seconds (default 20) from its committed corpus,
# failing on the first crash (the input is left in fuzz/artifacts/<target>/).
#
# The build is `--dev --sanitizer none` (fuzz/Cargo.toml: opt-level 1, line
# tables): passdesk forbids unsafe code, so AddressSanitizer would only watch
# the dependencies' unsafe code, at twice the build time and half the
# speed; the dev profile keeps overflow checks and debug assertions on,
# which is what finds passdesk's own bugs.
#
# Knobs:
#   PASSDESK_FUZZ_SECS=600        run longer (the long runs use 600)
#   PASSDESK_FUZZ_TARGETS="phone" only these targets
#   PASSDESK_FUZZ_GROW=1          add new inputs to fuzz/corpus/ (default:
#                                 read it only, so a test run changes nothing)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

CARGO_FUZZ_VERSION=0.13.2
secs="${PASSDESK_FUZZ_SECS:-20}"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "tests/fuzz.sh: cargo fuzz needs the nightly toolchain, which is not installed: run" >&2
  echo "  rustup toolchain install nightly --profile minimal" >&2
  exit 1
fi
if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  cargo install --locked --quiet cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

targets="${PASSDESK_FUZZ_TARGETS:-$(cargo +nightly fuzz list | tr '\n' ' ')}"
build_flags=(--dev --sanitizer none)

started=$SECONDS
cargo +nightly fuzz build "${build_flags[@]}"
echo "fuzz build: $((SECONDS - started)) s"

log="$(mktemp)"
trap 'rm -rf "$log" "${scratch:-}"' EXIT
printf '%-18s %12s %10s %8s %6s\n' target executions execs/s corpus secs
for target in $targets; do
  corpus="corpus/$target"
  mkdir -p "$corpus" "artifacts/$target"
  dirs=("$corpus")
  if [ "${PASSDESK_FUZZ_GROW:-0}" != 1 ]; then
    # New inputs go to a scratch folder; the committed corpus is only read.
    scratch="$(mktemp -d)"
    dirs=("$scratch" "$corpus")
  fi
  t0=$SECONDS
  if ! cargo +nightly fuzz run "${build_flags[@]}" "$target" "${dirs[@]}" -- \
      -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "FUZZ FAILURE: target $target (the input is in fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  size="$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)"
  printf '%-18s %12s %10s %8s %6s\n' "$target" "${runs:-?}" "${speed:-?}" "${size:-?}" "$((SECONDS - t0))"
  rm -rf "${scratch:-}"
done
echo "fuzz total: $((SECONDS - started)) s"
