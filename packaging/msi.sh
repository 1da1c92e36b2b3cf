#!/usr/bin/env bash
# Builds the Windows installer target/wix/passdesk-<version>-x64.msi from
# this Linux machine, and checks it: cross-compiles passdesk.exe for
# x86_64-pc-windows-gnu (pure-Rust TLS, no OpenSSL), generates the Windows
# configuration from packaging/passdesk.example.toml, runs wixl on
# packaging/wix/passdesk.wxs, then reads the msi back (tables, properties,
# service, service control, the kept configuration, the event source) and
# compares the packed passdesk.exe byte for byte with the one built. Any
# mismatch fails the script.
#
#   bash packaging/msi.sh                              release build (several minutes)
#   PASSDESK_MSI_PROFILE=debug bash packaging/msi.sh   quicker, for trying the packaging
#   bash packaging/msi.sh --tools-only                 only install the tools (e.g. before
#                                                      cargo clippy --target x86_64-pc-windows-gnu,
#                                                      which needs the MinGW C compiler for ring)
#
# Installs what it needs (Debian packages gcc-mingw-w64-x86-64, msitools,
# wixl; the rustup target); runs as root or with those already present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=x86_64-pc-windows-gnu
profile="${PASSDESK_MSI_PROFILE:-release}"
upgrade_code="{3B0F43AC-CD9A-4A11-B957-327C7D915834}"

fail() {
  echo "msi.sh: FAILED: $*" >&2
  exit 1
}
step_start=0
step() {
  local now
  now=$(date +%s)
  if [ "$step_start" != 0 ]; then echo "    ($((now - step_start)) s)"; fi
  step_start=$now
  echo "==> $*"
}

case "${1:-}" in
  "" | --tools-only) ;;
  *) fail "unknown argument $1: use no argument, or --tools-only" ;;
esac
case "$profile" in
  release) cargo_profile=(--release) ;;
  debug) cargo_profile=() ;;
  *) fail "PASSDESK_MSI_PROFILE=$profile: use release or debug" ;;
esac

step "tools: gcc-mingw-w64-x86-64, msitools, wixl, rustup target $target"
missing=()
for package in gcc-mingw-w64-x86-64 msitools wixl; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Offline this only succeeds when the target is already there; say so clearly.
rustup target add "$target" >/dev/null ||
  fail "the Rust standard library for $target cannot be installed: run \`rustup target add $target\` where rustup can download"
if [ "${1:-}" = "--tools-only" ]; then
  echo "tools ready"
  exit 0
fi

version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  fail "Cargo.toml version \"$version\" is not X.Y.Z, which an msi's ProductVersion needs"

step "cargo build --locked --target $target (${profile})"
cargo build --locked --target "$target" "${cargo_profile[@]}"
exe="target/$target/$profile/passdesk.exe"
[ -f "$exe" ] || fail "$exe was not built"
# Whole outputs are read before grep -q looks (under pipefail, grep leaving
# early would fail the writer).
format=$(x86_64-w64-mingw32-objdump -f "$exe")
grep -q "file format pei-x86-64" <<<"$format" || fail "$exe is not a 64-bit Windows program"
# Pure-Rust TLS: no OpenSSL library may be linked in.
imports=$(x86_64-w64-mingw32-objdump -p "$exe" | grep "DLL Name")
if grep -qiE "ssl|crypto" <<<"$imports"; then
  fail "$exe imports an OpenSSL DLL: $imports"
fi

step "the Windows configuration (from packaging/passdesk.example.toml)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=target/wix
mkdir -p "$out"
# wixl takes sources relative to the working directory only.
config="$out/passdesk.toml"
# The data folder defaults to %ProgramData%\passdesk\data on Windows, so the
# example's relative data_dir is commented out, not forked by hand. CRLF
# line ends for Notepad.
sed -e 's|^data_dir = "passdesk-data"$|# data_dir = '"'"'D:\\passdesk\\data'"'"'|' \
  -e 's/$/\r/' packaging/passdesk.example.toml >"$config"
grep -q '^data_dir' "$config" && fail "the Windows configuration still sets data_dir"
grep -q "^# data_dir = 'D:" "$config" || fail "the example's data_dir line was not found: update msi.sh"

step "wixl"
msi="$out/passdesk-$version-x64.msi"
rm -f "$msi"
wixl --arch x64 -D Version="$version" -D Exe="$exe" -D Config="$config" -o "$msi" \
  packaging/wix/passdesk.wxs 2>"$work/wixl.log" || {
  cat "$work/wixl.log" >&2
  fail "wixl"
}
# wixl 0.101 knows no Permanent/NeverOverwrite: those two warnings are
# expected (the attributes are set below); any other is not.
if grep -v -e "has no property named 'Permanent'" -e "has no property named 'NeverOverwrite'" "$work/wixl.log" |
  grep -q '[^[:space:]]'; then
  cat "$work/wixl.log" >&2
  fail "wixl warned"
fi
# 256 64-bit + 16 permanent + 128 never overwrite: the administrator's
# configuration survives upgrades (the old product is removed first) and
# uninstalls.
msibuild "$msi" -q "UPDATE \`Component\` SET \`Attributes\` = 400 WHERE \`Component\` = 'Configuration'"

step "checks"
export_table() { msiinfo export "$msi" "$1" | tail -n +4 | tr -d '\r'; }
expect_row() { # table, then the exact row (tab-separated)
  local rows
  rows=$(export_table "$1")
  grep -qxF "$2" <<<"$rows" || {
    echo "$rows" >&2
    fail "table $1 has no row: $2"
  }
}
tab=$'\t'
msiinfo suminfo "$msi" >"$work/suminfo"
grep -qx "Template: x64;1033" "$work/suminfo" || fail "not an x64 package: $(cat "$work/suminfo")"
grep -q "^Subject: passdesk $version" "$work/suminfo" || fail "summary subject: $(cat "$work/suminfo")"
tables=$(msiinfo tables "$msi")
for table in Property Directory Component Feature FeatureComponents File Media Upgrade \
  ServiceInstall ServiceControl Registry InstallExecuteSequence LaunchCondition; do
  grep -qx "$table" <<<"$tables" || fail "table $table is missing"
done
expect_row Property "ProductName${tab}passdesk"
expect_row Property "ProductVersion${tab}$version"
expect_row Property "UpgradeCode${tab}$upgrade_code"
expect_row Property "ALLUSERS${tab}1"
# Type 16 own process, start 3 demand (configured before it runs), error 1 normal.
expect_row ServiceInstall "PassdeskService${tab}passdesk${tab}passdesk self-service password reset${tab}16${tab}3${tab}1${tab}${tab}${tab}NT AUTHORITY\\LocalService${tab}${tab}service run${tab}Program${tab}Self-service password reset, unlock and change for Active Directory and OpenLDAP (web portal and API)."
# 162 = stop on install (2) + stop on uninstall (32) + delete on uninstall
# (128); no start bit: the msi never starts the service. Wait 1.
expect_row ServiceControl "PassdeskServiceControl${tab}passdesk${tab}162${tab}${tab}1${tab}Program"
expect_row Component "Configuration${tab}{C9B10C1B-2212-48BA-9BB4-FEB594B91670}${tab}PROGRAMDATADIR${tab}400${tab}${tab}PassdeskToml"
expect_row Directory "PROGRAMDATADIR${tab}CommonAppDataFolder${tab}passdesk"
expect_row Directory "INSTALLDIR${tab}ProgramFiles64Folder${tab}passdesk"
upgrades=$(export_table Upgrade)
grep -q "^$upgrade_code${tab}${tab}$version${tab}" <<<"$upgrades" || fail "no major upgrade of older versions"
expect_row LaunchCondition "NOT WIX_DOWNGRADE_DETECTED${tab}A newer passdesk is already installed."
registry=$(export_table Registry)
# shellcheck disable=SC1003 # the backslashes are the registry path's own
grep -qF 'Services\EventLog\Application\passdesk\'"${tab}EventMessageFile${tab}"'[WindowsFolder]Microsoft.NET\Framework64\' <<<"$registry" ||
  fail "the event source is not registered: $registry"
mkdir "$work/extracted"
msiextract -C "$work/extracted" "$msi" >"$work/extracted.list"
packed_exe=$(find "$work/extracted" -name passdesk.exe)
packed_config=$(find "$work/extracted" -name passdesk.toml)
[ -n "$packed_exe" ] || fail "passdesk.exe is not in the msi: $(cat "$work/extracted.list")"
[ -n "$packed_config" ] || fail "passdesk.toml is not in the msi: $(cat "$work/extracted.list")"
cmp "$packed_exe" "$exe" || fail "the packed passdesk.exe differs from $exe"
cmp "$packed_config" "$config" || fail "the packed passdesk.toml differs from the generated one"
expect_row File "PassdeskExe${tab}Program${tab}passdesk.exe${tab}$(stat -c %s "$exe")${tab}${tab}${tab}512${tab}1"

step "done"
echo "$msi ($(du -h "$msi" | cut -f1)): passdesk $version for Windows x64, all checks passed"
