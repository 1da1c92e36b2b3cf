#!/usr/bin/env python3
"""No secret in the logs (issue 10, item 7).

Searches the trace log the whole test suite wrote (PASSDESK_TEST_TRACE_LOG)
for every secret the tests used: the passwords and security answers written
in the tests' source, the passwords the test apps were given, the one-time
codes their messages carried (PASSDESK_TEST_SECRETS), and any 64-hex token
whose SHA-256 a test app stored. Prints each hit with its log line and
exits 1 on any; exits 2 when the log or the secrets are missing, so the
check cannot pass by finding nothing to search.

Usage: secrets_in_logs.py TRACE_LOG SECRETS_FILE TEST_SOURCE_DIR
"""

import hashlib
import json
import pathlib
import re
import sys
import urllib.parse


def source_secrets(folder):
    """Password-like literals and security answers in the tests' source."""
    found = set()
    literal = re.compile(r'"([^"\s\\<>%:]{10,40})"')
    answer = re.compile(r'"p\d\d",\s*"([^"\\]{3,})"')
    for path in sorted(pathlib.Path(folder).glob("*.rs")):
        text = path.read_text()
        for m in literal.finditer(text):
            s = m.group(1)
            looks_like_password = (
                any(c.isupper() for c in s)
                and any(c.islower() for c in s)
                and any(c.isdigit() for c in s)
                and not s.startswith(("/", "http", "__Host-", "PASSDESK_", "$argon2"))
                and "{" not in s
                and "::" not in s
                and "=" not in s
                and "." not in s
            )
            if looks_like_password:
                found.add(("password", s))
        for m in answer.finditer(text):
            # Answers as people type them: capitalised words (lower-case
            # ones in the tests are user IDs and placeholders).
            a = m.group(1).strip()
            if a[:1].isupper() and not re.fullmatch(r"p\d\d", a):
                found.add(("answer", a))
    return found


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    log_path, secrets_path, source = (pathlib.Path(a) for a in sys.argv[1:])
    if not log_path.is_file() or log_path.stat().st_size == 0:
        print(f"no trace log at {log_path}: run the suite with PASSDESK_TEST_TRACE_LOG set", file=sys.stderr)
        sys.exit(2)
    if not secrets_path.is_file():
        print(f"no secrets file at {secrets_path}: run the suite with PASSDESK_TEST_SECRETS set", file=sys.stderr)
        sys.exit(2)
    words, codes, digests = set(source_secrets(source)), set(), set()
    for line in secrets_path.read_text().splitlines():
        kind, _, value = line.partition("\t")
        if kind == "digest":
            digests.add(value)
        elif kind == "code":
            codes.add(value)
        elif value.strip():
            words.add((kind, value))
    noted = sum(1 for line in secrets_path.read_text().splitlines() if line.startswith("password\t"))
    if not codes or not digests or not words or noted == 0:
        print(f"too few secrets to search for (codes {len(codes)}, digests {len(digests)}, words {len(words)}, "
              f"passwords noted by the test apps {noted})", file=sys.stderr)
        sys.exit(2)
    # Each as written, and as a form body, a URL or a JSON string would
    # carry it.
    texts = set()
    for _, w in words:
        texts.update({w, urllib.parse.quote_plus(w), urllib.parse.quote(w, safe=""), json.dumps(w)[1:-1]})
    texts = sorted(texts, key=len, reverse=True)
    word_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in texts) + r")(?![\w-])")
    code_re = re.compile(r"(?<!\d)(\d{8})(?!\d)")
    token_re = re.compile(r"(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])")
    hits, lines, traced = [], 0, 0
    with log_path.open(errors="replace") as log:
        for lines, line in enumerate(log, 1):
            traced += " TRACE " in line
            for m in word_re.finditer(line):
                hits.append(("password or answer", m.group(1), lines, line))
            for m in code_re.finditer(line):
                if m.group(1) in codes:
                    hits.append(("one-time code", m.group(1), lines, line))
            for m in token_re.finditer(line):
                if hashlib.sha256(m.group(1).encode()).hexdigest() in digests:
                    hits.append(("token", m.group(1), lines, line))
    size = log_path.stat().st_size
    if traced == 0:
        print("the log holds no TRACE line: the suite did not log at trace", file=sys.stderr)
        sys.exit(2)
    print(f"searched {lines} log lines ({size // 1024} KiB) for {len(texts)} passwords and answers, "
          f"{len(codes)} codes and {len(digests)} stored token digests: {len(hits)} hits")
    for kind, value, n, line in hits[:50]:
        print(f"  line {n}: {kind} {value!r}: {line.strip()[:300]}")
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
