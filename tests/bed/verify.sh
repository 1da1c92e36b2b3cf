#!/usr/bin/env bash
# verify.sh: quick end-to-end checks of a running test bed (start it with `all.sh start`).
#
#   Samba AD:  CA-verified LDAPS rootDSE read (and refusal with a foreign CA), StartTLS on 389,
#              svc-passdesk resets alice's unicodePwd (ldapmodify), alice binds with the new
#              password and not with the old one, reset of dave (outside OU=Staff) is refused,
#              erin cannot bind (disabled), frank has adminCount=1.
#   OpenLDAP:  CA-verified LDAPS rootDSE read listing Password Modify, StartTLS, svc-passdesk
#              ldappasswd on alice (new binds, old refused), refused on dave (ou=others).
#   SMTP sink: one message with STARTTLS (CA-verified) via /usr/bin/python3 smtplib appears in
#              Maildir/new with X-Sink-TLS: starttls.
# Afterwards both directories are reset to their pristine state (and the test mail removed),
# whether the checks passed or not. Exit status 0 only when every check passed.
#
# Environment knobs: those of the server scripts (SAMBA_*, OPENLDAP_*, SMTP_SINK_*), plus
#   BED_SKIP          space-separated servers to leave out: samba-ad openldap smtp-sink
#   VERIFY_NO_RESET=1 leave the directories as the checks left them
set -euo pipefail

BED_NAME=verify
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

FAILS=0
CHECKS=0
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

ok() { CHECKS=$((CHECKS + 1)); printf '  ok    %s\n' "$*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); printf '  FAIL  %s\n' "$*"; }

# expect WANT_RC DESCRIPTION command...: run the command, compare its exit status.
expect() {
    local want=$1 desc=$2 rc=0
    shift 2
    "$@" >"$OUT" 2>&1 || rc=$?
    if [[ $rc == "$want" ]]; then
        ok "$desc"
    else
        fail "$desc (exit $rc, wanted $want)"
        sed 's/^/        | /' "$OUT" | head -n 15
    fi
}

# expect_rc_output WANT_RC PATTERN DESCRIPTION command...: exit status and output (ERE) must match.
expect_rc_output() {
    local want=$1 pat=$2 desc=$3 rc=0
    shift 3
    "$@" >"$OUT" 2>&1 || rc=$?
    if [[ $rc == "$want" ]] && grep -qE -- "$pat" "$OUT"; then
        ok "$desc"
    else
        fail "$desc (exit $rc, wanted $want and /$pat/)"
        sed 's/^/        | /' "$OUT" | head -n 15
    fi
}
expect_output() { expect_rc_output 0 "$@"; }

enabled() { [[ " ${BED_SKIP:-} " != *" $1 "* ]]; }

# ldap-utils with one CA only and certificate verification required.
lu() { # CA command args...
    local ca=$1
    shift
    LDAPTLS_CACERT=$ca LDAPTLS_REQCERT=demand timeout 20 "$1" -o nettimeout=10 "${@:2}"
}

unicode_pwd_b64() { printf '"%s"' "$1" | iconv -f UTF-8 -t UTF-16LE | base64 -w0; }

ad_reset_ldif() { # dn password
    printf 'dn: %s\nchangetype: modify\nreplace: unicodePwd\nunicodePwd:: %s\n-\n' "$1" "$(unicode_pwd_b64 "$2")"
}

verify_samba() {
    local t0; t0=$(bed_now_ms)
    echo "Samba AD DC"
    eval "$("$HERE/samba-ad.sh" env)"
    "$HERE/samba-ad.sh" status >/dev/null || { fail "samba-ad is not running (run: $HERE/all.sh start)"; return; }
    local url=$PASSDESK_TEST_AD_URL ca=$PASSDESK_TEST_AD_CA
    local svc=$PASSDESK_TEST_AD_BIND_DN svcpw=$PASSDESK_TEST_AD_BIND_PASSWORD
    local alice="CN=Alice Anders,$PASSDESK_TEST_AD_SCOPE"
    local dave="CN=Dave Outside,CN=Users,$PASSDESK_TEST_AD_BASE"
    local erin="CN=Erin Disabled,$PASSDESK_TEST_AD_SCOPE"
    local newpw="Verify!Alice-$RANDOM-x9"

    expect_output '^defaultNamingContext: DC=example,DC=test' "LDAPS rootDSE read, CA-verified ($url)" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -b '' -s base defaultNamingContext
    if [[ -n ${PASSDESK_TEST_LDAP_CA:-} && -s ${PASSDESK_TEST_LDAP_CA:-} ]]; then
        expect 255 "LDAPS refused when trusting another CA" \
            lu "$PASSDESK_TEST_LDAP_CA" ldapsearch -LLL -H "$url" -x -b '' -s base defaultNamingContext
    fi
    expect_output '^dn: CN=svc-passdesk' "StartTLS on $PASSDESK_TEST_AD_STARTTLS_URL, bind as svc-passdesk" \
        lu "$ca" ldapsearch -LLL -ZZ -H "$PASSDESK_TEST_AD_STARTTLS_URL" -x -D "$svc" -w "$svcpw" \
        -b "$svc" -s base dn
    expect_output '^adminCount: 1' "frank is protected (adminCount=1, member of Account Operators)" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -D "$svc" -w "$svcpw" -b "$PASSDESK_TEST_AD_SCOPE" \
        '(&(sAMAccountName=frank)(memberOf=CN=Account Operators,CN=Builtin,DC=example,DC=test))' adminCount
    expect_output '^otherMailbox: alice.private@example.org' "svc-passdesk finds alice by mail" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -D "$svc" -w "$svcpw" -b "$PASSDESK_TEST_AD_SCOPE" \
        '(mail=alice@example.test)' sAMAccountName mobile telephoneNumber otherMailbox userPrincipalName
    expect 0 "svc-passdesk resets alice's unicodePwd (ldapmodify)" \
        lu "$ca" ldapmodify -H "$url" -x -D "$svc" -w "$svcpw" <<<"$(ad_reset_ldif "$alice" "$newpw")"
    expect 0 "alice binds with the new password" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -D "$alice" -w "$newpw" -b "$alice" -s base dn
    expect 49 "alice's old password is refused (old password allowed period = 0)" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -D "$alice" -w 'Alice!Passw0rd1' -b "$alice" -s base dn
    expect 50 "svc-passdesk may not reset dave (outside OU=Staff)" \
        lu "$ca" ldapmodify -H "$url" -x -D "$svc" -w "$svcpw" <<<"$(ad_reset_ldif "$dave" "$newpw")"
    expect_rc_output 49 'data 533' "erin (disabled) cannot bind (data 533)" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -D "$erin" -w 'Erin!Passw0rd1' -b '' -s base dn
    echo "  ($(bed_elapsed "$t0"))"
}

verify_openldap() {
    local t0; t0=$(bed_now_ms)
    echo "OpenLDAP"
    eval "$("$HERE/openldap.sh" env)"
    "$HERE/openldap.sh" status >/dev/null || { fail "openldap is not running (run: $HERE/all.sh start)"; return; }
    local url=$PASSDESK_TEST_LDAP_URL ca=$PASSDESK_TEST_LDAP_CA
    local svc=$PASSDESK_TEST_LDAP_BIND_DN svcpw=$PASSDESK_TEST_LDAP_BIND_PASSWORD
    local alice="uid=alice,ou=people,$PASSDESK_TEST_LDAP_BASE"
    local dave="uid=dave,ou=others,$PASSDESK_TEST_LDAP_BASE"
    local newpw="Verify-Alice-$RANDOM-x9"

    expect_output '^supportedExtension: 1\.3\.6\.1\.4\.1\.4203\.1\.11\.1$' \
        "LDAPS rootDSE read, CA-verified, lists Password Modify ($url)" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -b '' -s base supportedExtension
    expect_output "^dn:$svc" "StartTLS on $PASSDESK_TEST_LDAP_STARTTLS_URL, bind as svc-passdesk" \
        lu "$ca" ldapwhoami -ZZ -H "$PASSDESK_TEST_LDAP_STARTTLS_URL" -x -D "$svc" -w "$svcpw"
    expect_output '^mobile: \+15550002001' "svc-passdesk finds alice by mail" \
        lu "$ca" ldapsearch -LLL -H "$url" -x -D "$svc" -w "$svcpw" -b "$PASSDESK_TEST_LDAP_BASE" \
        '(mail=alice@example.test)' uid mobile telephoneNumber
    expect 0 "svc-passdesk sets alice's password (ldappasswd, Password Modify exop)" \
        lu "$ca" ldappasswd -H "$url" -x -D "$svc" -w "$svcpw" -s "$newpw" "$alice"
    expect_output "^dn:$alice" "alice binds with the new password" \
        lu "$ca" ldapwhoami -H "$url" -x -D "$alice" -w "$newpw"
    expect 49 "alice's old password is refused" \
        lu "$ca" ldapwhoami -H "$url" -x -D "$alice" -w Alice-Passw0rd1
    expect_rc_output 1 'Insufficient access \(50\)' "svc-passdesk may not set dave's password (ou=others)" \
        lu "$ca" ldappasswd -H "$url" -x -D "$svc" -w "$svcpw" -s "$newpw" "$dave"
    echo "  ($(bed_elapsed "$t0"))"
}

SENT_MAIL=""
verify_smtp() {
    local t0; t0=$(bed_now_ms)
    echo "SMTP sink"
    eval "$("$HERE/smtp-sink.sh" env)"
    "$HERE/smtp-sink.sh" status >/dev/null || { fail "smtp-sink is not running (run: $HERE/all.sh start)"; return; }
    local token="verify-$$-$RANDOM"
    expect 0 "send one message with STARTTLS (CA-verified) and AUTH" \
        "$BED_PY" -c '
import smtplib, ssl, sys
host, port, ca, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
msg = "From: passdesk@example.test\r\nTo: alice@example.test\r\nSubject: %s\r\n\r\nhello from verify.sh\r\n" % token
with smtplib.SMTP(host, port, timeout=10) as s:
    s.starttls(context=ssl.create_default_context(cafile=ca))
    s.login("passdesk", "anything")
    s.sendmail("passdesk@example.test", ["alice@example.test", "audit@example.test"], msg)
' "$PASSDESK_TEST_SMTP_HOST" "$PASSDESK_TEST_SMTP_PORT" "$PASSDESK_TEST_SMTP_CA" "$token"
    local i f=""
    for ((i = 0; i < 50; i++)); do
        f=$(grep -lF -- "Subject: $token" "$PASSDESK_TEST_SMTP_MAILDIR"/new/* 2>/dev/null | head -n 1) || true
        [[ -n $f ]] && break
        sleep 0.1
    done
    if [[ -n $f ]]; then
        SENT_MAIL=$f
        ok "message stored as $f"
        if grep -q '^X-Sink-TLS: starttls' "$f" && grep -q '^X-Sink-RcptTo: <alice@example.test>, <audit@example.test>' "$f" \
            && grep -q '^X-Sink-Auth: passdesk' "$f"; then
            ok "envelope headers (X-Sink-TLS: starttls, X-Sink-RcptTo, X-Sink-Auth)"
        else
            fail "envelope headers missing or wrong:"
            sed 's/^/        | /' "$f" | head -n 8
        fi
    else
        fail "no message with Subject $token in $PASSDESK_TEST_SMTP_MAILDIR/new within 5 s"
    fi
    echo "  ($(bed_elapsed "$t0"))"
}

T0=$(bed_now_ms)
# Load every env first so the cross-CA check can use the OpenLDAP CA.
enabled openldap && eval "$("$HERE/openldap.sh" env)"
enabled samba-ad && verify_samba
enabled openldap && verify_openldap
enabled smtp-sink && verify_smtp

if [[ ${VERIFY_NO_RESET:-0} != 1 ]]; then
    echo "Reset to pristine state"
    [[ -n $SENT_MAIL ]] && rm -f "$SENT_MAIL"
    if enabled samba-ad; then
        "$HERE/samba-ad.sh" reset
        eval "$("$HERE/samba-ad.sh" env)"
        expect 0 "samba-ad reset: alice's original password binds again" \
            lu "$PASSDESK_TEST_AD_CA" ldapsearch -LLL -H "$PASSDESK_TEST_AD_URL" -x \
            -D "CN=Alice Anders,$PASSDESK_TEST_AD_SCOPE" -w 'Alice!Passw0rd1' -b '' -s base dn
    fi
    if enabled openldap; then
        "$HERE/openldap.sh" reset
        eval "$("$HERE/openldap.sh" env)"
        expect 0 "openldap reset: alice's original password binds again" \
            lu "$PASSDESK_TEST_LDAP_CA" ldapwhoami -H "$PASSDESK_TEST_LDAP_URL" -x \
            -D "uid=alice,ou=people,$PASSDESK_TEST_LDAP_BASE" -w Alice-Passw0rd1
    fi
fi

if ((FAILS == 0)); then
    echo "verify: all $CHECKS checks passed in $(bed_elapsed "$T0")"
else
    echo "verify: $FAILS of $CHECKS checks FAILED ($(bed_elapsed "$T0"))"
    exit 1
fi
