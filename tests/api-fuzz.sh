#!/usr/bin/env bash
# API fuzzing: schemathesis generates requests from /api/v1/openapi.json and
# sends them to a running passdesk; any 5xx answer, any answer whose status,
# content type or body the document does not describe, and any method a path
# does not have that is not answered 405 with Allow, fails the run
# (schemathesis's checks not_a_server_error, status_code_conformance,
# content_type_conformance, response_schema_conformance, unsupported_method).
#
# passdesk runs on its embedded default (the local directory, with the demo
# users) in a fresh temporary data folder, on a free port of 127.0.0.1, and
# an admin API token (`passdesk admin token`) goes with every request so the
# admin endpoints are fuzzed past their token check too.
#
# Three documented knobs are set for the run, as for load tests:
# `server.requests_per_minute = 0` (otherwise nearly every generated request
# would get the per-address 429 and never reach a handler),
# `reset.captcha_difficulty = 0` (a generated request cannot solve the
# proof of work) and `reset.response_floor_ms = 0` (padding every identify,
# send and verify to 300 ms would only slow the run). The 429, captcha and
# lockout answers stay described in the document and the checks hold them to it.
#
# Knobs:
#   PASSDESK_API_FUZZ_CASES  the number of cases to aim for (default 10000);
#                            spread evenly over the operations as
#                            schemathesis's --max-examples; the total it
#                            prints is higher (the coverage and stateful
#                            phases add their own)
#   PASSDESK_BIN             the passdesk binary (default: target/debug/passdesk,
#                            brought up to date by cargo build first)
#   PASSDESK_API_FUZZ_SEED   schemathesis's seed, to replay a run
#
# Schemathesis is installed from PyPI, at a pinned version, into a virtual
# environment under target/ (needs python3 with venv).
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version=4.32.5
venv=target/api-fuzz-venv
cases=${PASSDESK_API_FUZZ_CASES:-10000}
bin=${PASSDESK_BIN:-target/debug/passdesk}
# passdesk's log of the last run, kept for reading after a failure.
log=target/api-fuzz-serve.log

fail() { echo "tests/api-fuzz.sh: FAIL: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

case "$cases" in
  '' | *[!0-9]*) fail "PASSDESK_API_FUZZ_CASES must be a whole number of cases, e.g. 10000 (got '$cases')" ;;
esac
[ "$cases" -ge 1 ] || fail "PASSDESK_API_FUZZ_CASES must be at least 1"

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $schemathesis_version" ]; then
  step "installing schemathesis $schemathesis_version into $venv"
  # Debian splits venv (and pip's bootstrap) out of python3.
  # shellcheck source=bed/lib.sh
  BED_NAME=api-fuzz source tests/bed/lib.sh
  bed_ensure_pkgs "${PASSDESK_NO_INSTALL:-0}" python3 python3-venv curl
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed: install python3 and python3-venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

if [ -z "${PASSDESK_BIN:-}" ]; then
  step "building passdesk (cargo build)"
  cargo build --locked --bin passdesk
fi
[ -x "$bin" ] || fail "no passdesk binary at $bin (set PASSDESK_BIN or run cargo build)"

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="https://127.0.0.1:$port"
cat >"$work/passdesk.toml" <<EOF
[server]
listen = "127.0.0.1:$port"
requests_per_minute = 0

[store]
data_dir = "$work/data"

[reset]
captcha_difficulty = 0
response_floor_ms = 0
EOF

step "starting passdesk on $base (local directory, demo users, data in a temporary folder)"
RUST_LOG=${RUST_LOG:-warn} "$bin" serve --config "$work/passdesk.toml" --demo >"$log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -ksf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; fail "passdesk serve exited during start-up"; }
  sleep 0.2
done
curl -ksf "$base/healthz" >/dev/null || { cat "$log" >&2; fail "passdesk did not answer /healthz within 60 s"; }

token=$("$bin" admin token --config "$work/passdesk.toml" --name api-fuzz | awk '/^    [^ ]/ { print $1; exit }')
[ -n "$token" ] || fail "passdesk admin token printed no token"
curl -ksf -H "Authorization: Bearer $token" "$base/api/v1/admin/policy" >/dev/null ||
  fail "the admin token is not accepted by GET /api/v1/admin/policy"

# Real values some of the time, so the fuzzer gets past "no such user" and
# "session ended" into the handlers' own logic: the demo users' IDs for
# user IDs, and registration sessions signed in as carol (her password is
# printed on start) for {session}.
carol=$(awk '$1 == "carol" { for (i = 1; i < NF; i++) if ($i == "password") print $(i + 1) }' "$log")
[ -n "$carol" ] || { cat "$log" >&2; fail "passdesk serve --demo printed no password for carol"; }
sessions=""
for _ in 1 2 3; do
  session=$(curl -ksf -H 'Content-Type: application/json' -d "{\"user\": \"carol\", \"password\": \"$carol\"}" \
    "$base/api/v1/register/session" | python3 -c 'import json, sys; print(json.load(sys.stdin)["session"])') ||
    fail "could not sign in to registration as carol"
  sessions="$sessions\"$session\", "
done
# carol is kept for the sessions: wrong passwords for her would block
# them all. Signing out would end them too, so that one operation only
# gets a made-up session.
cat >"$work/schemathesis.toml" <<EOF
[dictionaries.users]
values = ["alice", "bob"]

[dictionaries.sessions]
values = [${sessions%, }]

[parameters]
"path.login" = { dictionary = "users", probability = 0.5 }
"path.session" = { dictionary = "sessions", probability = 0.6 }
"body.user" = { dictionary = "users", probability = 0.3 }

[[operations]]
include-name = "DELETE /api/v1/register/{session}"
parameters = { "path.session" = "$(printf '0%.0s' $(seq 64))" }
EOF

operations=$(curl -ksf "$base/api/v1/openapi.json" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
verbs = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
print(sum(1 for item in doc["paths"].values() for verb in item if verb in verbs))')
per_operation=$(((cases + operations - 1) / operations))
step "schemathesis: $operations operations, up to $per_operation cases each (aiming at $cases in all)"

seed_args=()
[ -n "${PASSDESK_API_FUZZ_SEED:-}" ] && seed_args=(--seed "$PASSDESK_API_FUZZ_SEED")
start=$(date +%s)
status=0
# From the temporary folder: schemathesis keeps a cache in the folder it runs in.
(cd "$work" && "$OLDPWD/$venv/bin/schemathesis" --config-file schemathesis.toml run "$base/api/v1/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,unsupported_method \
  --max-examples "$per_operation" \
  --header "Authorization: Bearer $token" \
  --tls-verify false \
  --workers 2 \
  --generation-database none \
  --no-color \
  "${seed_args[@]}") || status=$?
elapsed=$(($(date +%s) - start))

if grep -q 'panicked' "$log"; then
  grep -n -A3 'panicked' "$log" >&2
  fail "passdesk panicked during the run"
fi
kill -0 "$server" 2>/dev/null || { tail -50 "$log" >&2; fail "passdesk exited during the run"; }
[ "$status" = 0 ] || fail "schemathesis found failures (exit $status; see above), after ${elapsed}s"
echo "tests/api-fuzz.sh: ok: no failures, ${elapsed}s"
