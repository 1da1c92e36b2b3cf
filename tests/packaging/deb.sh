#!/usr/bin/env bash
# The Debian package for real, on this machine (root): install it, check the
# service account, the files and their modes, run the CLI and the server as
# the service account with the installed configuration, upgrade it in place
# (configuration and database kept), remove and purge it, and prove the
# purge left nothing behind. tests/run.sh runs it after packaging/deb.sh.
#
# There is no systemd on a build machine: the unit itself is checked by
# tests/it/systemd_unit.rs (systemd-analyze verify and security), and
# serve is started here as the unit starts it, as the passdesk user.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "tests/packaging/deb.sh: FAIL: $*" >&2; exit 1; }
ok() { echo "  ok   $*"; }
step() { printf '\n==> %s\n' "$*"; }

[ "$(id -u)" = 0 ] || fail "run as root: it installs the package with dpkg -i"
deb=$(ls target/debian/passdesk_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "no target/debian/passdesk_*_amd64.deb: run bash packaging/deb.sh first"
if dpkg -s passdesk >/dev/null 2>&1 || getent passwd passdesk >/dev/null || [ -e /etc/passdesk ] || [ -e /var/lib/passdesk ]; then
  fail "this machine already has passdesk (package, user, /etc/passdesk or /var/lib/passdesk); the test needs a machine without it"
fi
port=8443
if ss -ltnH "sport = :$port" | grep -q .; then
  fail "port $port (the installed configuration's listen address) is taken; free it first"
fi

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  dpkg -s passdesk >/dev/null 2>&1 && dpkg --purge passdesk >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# What the file system holds before, to compare with after the purge.
snapshot() {
  find /etc /usr /var/lib -xdev \
    -path /var/lib/dpkg -prune -o -path /var/lib/apt -prune -o -path /var/lib/systemd/timers -prune -o \
    -path /var/cache -prune -o -path /var/log -prune -o -print 2>/dev/null | sort
}
snapshot > "$work/before"
cp /var/lib/dpkg/statoverride "$work/statoverride.before"

step "dpkg -i $deb"
dpkg -i "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i failed"; }
cat "$work/install.log"
grep -q "passdesk is installed but not started" "$work/install.log" || fail "the postinst does not say the service is not started"
grep -q "sudo -u passdesk passdesk check --config /etc/passdesk/passdesk.toml" "$work/install.log" \
  || fail "the postinst does not say how to check the configuration"
ok "installed; the postinst says how to configure and start it"

step "the service account"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd passdesk) || fail "no passdesk user"
[ "$uid" -lt 1000 ] || fail "passdesk is not a system user (uid $uid)"
[ "$(getent group passdesk | cut -d: -f3)" = "$gid" ] || fail "passdesk's primary group is not the passdesk group"
[ "$home" = /var/lib/passdesk ] || fail "passdesk's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "passdesk can log in (shell $shell)"
ok "system user passdesk (uid $uid), group passdesk, home /var/lib/passdesk, no login shell"

step "files and modes"
expect_mode() { # path mode owner group
  local got
  got=$(stat -c '%a %U %G' "$1" 2>/dev/null) || fail "$1 is missing"
  [ "$got" = "$2 $3 $4" ] || fail "$1 is '$got', expected '$2 $3 $4'"
  ok "$1 $got"
}
unit=/lib/systemd/system/passdesk.service
[ -e "$unit" ] || unit=/usr/lib/systemd/system/passdesk.service
expect_mode /usr/bin/passdesk 755 root root
expect_mode /etc/passdesk 750 root passdesk
expect_mode /etc/passdesk/passdesk.toml 640 root passdesk
expect_mode /var/lib/passdesk 700 passdesk passdesk
expect_mode "$unit" 644 root root
for f in /usr/share/man/man1/passdesk.1.gz /usr/share/man/man1/passdesk-serve.1.gz \
  /usr/share/bash-completion/completions/passdesk /usr/share/zsh/vendor-completions/_passdesk \
  /usr/share/fish/vendor_completions.d/passdesk.fish /usr/share/doc/passdesk/README.md \
  /usr/share/doc/passdesk/copyright /usr/share/doc/passdesk/changelog.Debian.gz; do
  expect_mode "$f" 644 root root
done
dpkg-query -W -f='${Conffiles}\n' passdesk | grep -q "^ /etc/passdesk/passdesk.toml " \
  || fail "/etc/passdesk/passdesk.toml is not a conffile"
ok "/etc/passdesk/passdesk.toml is a conffile"
grep -qx 'data_dir = "/var/lib/passdesk"' /etc/passdesk/passdesk.toml || fail "the configuration's data_dir is not /var/lib/passdesk"
grep -q "Apache License" /usr/share/doc/passdesk/copyright || fail "the copyright file has no licence"
zcat /usr/share/man/man1/passdesk.1.gz | grep -q '^\.TH passdesk 1' || fail "passdesk.1 is not a manual page"
grep -q 'complete .*passdesk' /usr/share/bash-completion/completions/passdesk || fail "the bash completion is empty"
grep -qx 'ExecStart=/usr/bin/passdesk serve --config /etc/passdesk/passdesk.toml' "$unit" || fail "$unit starts something else"
grep -qx 'User=passdesk' "$unit" && grep -qx 'Type=notify' "$unit" && grep -qx 'ProtectSystem=strict' "$unit" \
  || fail "$unit is not the hardened unit"
[ ! -e /etc/systemd/system/multi-user.target.wants/passdesk.service ] || fail "the service was enabled on install"
ok "the unit is installed, hardened, and not enabled"

step "the command line"
version=$(passdesk --version)
[ "$version" = "passdesk $(dpkg-query -W -f='${Version}' passdesk | sed 's/-[^-]*$//')" ] || fail "passdesk --version says '$version'"
ok "passdesk --version: $version"
if (cd / && passdesk check --config /etc/passdesk/passdesk.toml) > "$work/root-check.log" 2>&1; then
  fail "passdesk check as root wrote into the service's data folder"
fi
grep -q "sudo -u passdesk passdesk" "$work/root-check.log" || { cat "$work/root-check.log"; fail "the refusal does not say what to type"; }
[ -z "$(ls -A /var/lib/passdesk)" ] || fail "root's refused check left files in /var/lib/passdesk"
ok "as root, passdesk refuses to write into /var/lib/passdesk and says: $(head -c 160 "$work/root-check.log")..."
(cd / && runuser -u passdesk -- passdesk check --config /etc/passdesk/passdesk.toml) > "$work/check.log" 2>&1 \
  || { cat "$work/check.log"; fail "passdesk check with the installed configuration failed"; }
grep -q "All checks passed." "$work/check.log" || { cat "$work/check.log"; fail "passdesk check did not pass"; }
ok "passdesk check --config /etc/passdesk/passdesk.toml (as passdesk): all checks passed"

step "passdesk serve as the passdesk user, with the installed configuration"
# setpriv execs passdesk itself (runuser would stay as its parent), so the
# signal below reaches passdesk as systemd's would.
(cd / && exec setpriv --reuid=passdesk --regid=passdesk --init-groups -- \
  /usr/bin/passdesk serve --config /etc/passdesk/passdesk.toml) > "$work/serve.log" 2>&1 &
server=$!
health=""
for _ in $(seq 1 150); do
  health=$(curl -sk --max-time 2 "https://127.0.0.1:$port/healthz" || true)
  [ -n "$health" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; fail "passdesk serve exited"; }
  sleep 0.2
done
[ -n "$health" ] || { cat "$work/serve.log"; fail "no answer on https://127.0.0.1:$port/healthz"; }
[ "$health" = ok ] || { echo "$health"; fail "/healthz is not ok"; }
ready=$(curl -sk --max-time 5 "https://127.0.0.1:$port/readyz")
[ "$ready" = ready ] || { cat "$work/serve.log"; fail "/readyz says '$ready'"; }
ok "/healthz: $health, /readyz: $ready"
for f in passdesk.sqlite server.key; do expect_mode "/var/lib/passdesk/$f" 600 passdesk passdesk; done
# The README's backup command, while serve runs.
backup=/var/lib/passdesk/backup-test.tar.gz
(cd / && runuser -u passdesk -- passdesk backup --config /etc/passdesk/passdesk.toml "$backup") > "$work/backup.log" 2>&1 \
  || { cat "$work/backup.log"; fail "passdesk backup as passdesk, while serve runs, failed"; }
expect_mode "$backup" 600 passdesk passdesk
if (cd / && runuser -u passdesk -- passdesk restore --config /etc/passdesk/passdesk.toml "$backup") > "$work/restore.log" 2>&1; then
  fail "passdesk restore ran while serve was running"
fi
grep -q "Stop it first" "$work/restore.log" || { cat "$work/restore.log"; fail "the restore refusal does not say to stop serve"; }
ok "passdesk backup while serve runs (mode 600); restore refused until serve stops"
kill -TERM "$server"
rc=0; wait "$server" || rc=$?
server=""
[ "$rc" = 0 ] || { cat "$work/serve.log"; fail "serve exited $rc on SIGTERM"; }
ok "SIGTERM: serve stopped cleanly"
(cd / && runuser -u passdesk -- passdesk restore --config /etc/passdesk/passdesk.toml "$backup") > "$work/restore.log" 2>&1 \
  || { cat "$work/restore.log"; fail "passdesk restore with serve stopped failed"; }
grep -q "same as the one in use" "$work/restore.log" || { cat "$work/restore.log"; fail "restore did not compare the configuration"; }
expect_mode /var/lib/passdesk/passdesk.sqlite 600 passdesk passdesk
ok "passdesk restore with serve stopped: $(head -1 "$work/restore.log" | cut -c1-120)..."

step "upgrade in place (a second revision of the same package)"
(cd / && runuser -u passdesk -- passdesk admin add upgrade-probe) > /dev/null || fail "passdesk admin add failed"
echo "# kept across upgrades" >> /etc/passdesk/passdesk.toml
key_sum=$(sha256sum < /var/lib/passdesk/server.key)
dpkg-deb -R "$deb" "$work/pkg"
sed -i 's/^Version: \(.*\)-\([0-9]*\)$/Version: \1-99/' "$work/pkg/DEBIAN/control"
dpkg-deb -b --root-owner-group "$work/pkg" "$work/upgrade.deb" > /dev/null
dpkg -i "$work/upgrade.deb" > "$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; fail "the upgrade failed"; }
dpkg-query -W -f='${Version}' passdesk | grep -q -- '-99$' || fail "the upgrade did not install"
grep -qx "# kept across upgrades" /etc/passdesk/passdesk.toml || fail "the upgrade replaced the edited configuration"
expect_mode /etc/passdesk/passdesk.toml 640 root passdesk
[ "$(sha256sum < /var/lib/passdesk/server.key)" = "$key_sum" ] || fail "the upgrade changed the server key"
(cd / && runuser -u passdesk -- passdesk admin list) | grep -q upgrade-probe || fail "the upgrade lost the database"
! grep -q "installed but not started" "$work/upgrade.log" || fail "the upgrade repeated the first-install message"
ok "upgrade kept the edited configuration, its mode, the server key and the database"

step "remove, then purge"
dpkg -r passdesk > /dev/null
[ ! -e /usr/bin/passdesk ] || fail "dpkg -r left /usr/bin/passdesk"
[ -e /etc/passdesk/passdesk.toml ] && [ -e /var/lib/passdesk/passdesk.sqlite ] && getent passwd passdesk > /dev/null \
  || fail "dpkg -r removed the configuration, the data or the account (only a purge should)"
ok "remove kept the configuration, the data and the account"
dpkg -i "$deb" > "$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; fail "reinstalling after dpkg -r failed"; }
grep -qx "# kept across upgrades" /etc/passdesk/passdesk.toml || fail "the reinstall replaced the edited configuration"
expect_mode /etc/passdesk/passdesk.toml 640 root passdesk
(cd / && runuser -u passdesk -- passdesk admin list) | grep -q upgrade-probe || fail "the reinstall lost the database"
ok "reinstall after remove: configuration, modes and database as they were"
# An administrator who deleted the account by hand can still purge.
dpkg -r passdesk > /dev/null
deluser --system --quiet passdesk 2>/dev/null
dpkg --purge passdesk > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge failed once the user was gone"; }
snapshot > "$work/after"
if ! diff "$work/before" "$work/after" > "$work/diff"; then
  cat "$work/diff"
  fail "the purge left files behind (or removed some)"
fi
getent passwd passdesk > /dev/null && fail "the purge left the passdesk user"
getent group passdesk > /dev/null && fail "the purge left the passdesk group"
cmp -s /var/lib/dpkg/statoverride "$work/statoverride.before" || fail "the purge left a dpkg-statoverride entry"
ok "purge left nothing behind: files, user, group and mode overrides as before the install"

echo
echo "tests/packaging/deb.sh: all checks passed for $deb"
