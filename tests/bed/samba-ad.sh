#!/usr/bin/env bash
# samba-ad.sh {start|stop|reset|status|env}
#
# A throwaway Samba 4 Active Directory DC for passdesk's integration tests.
#   realm EXAMPLE.TEST, domain EXAMPLE, host dc1, only the `ldap cldap` services;
#   LDAPS on <ip>:636 and StartTLS on <ip>:389 (Samba's LDAP ports cannot be changed),
#   with its own throwaway CA and a P-256 cert (SAN dc1.example.test, localhost, 127.0.0.1, ::1).
#
# Directory content (created offline in one /usr/bin/python3 process with Samba's bindings):
#   password policy: complexity on, min length 7, history 24, min age 0, lockout after 3 bad
#     passwords for 5 minutes (observation window 5 minutes); "old password allowed period = 0";
#   OU=Staff: alice, bob, carol (enabled), erin (disabled), frank (protected: member of
#     BUILTIN\Account Operators and adminCount=1 set explicitly, Samba has no SDProp),
#     group passdesk-admins (member: carol);
#   CN=Users: dave (outside the scope), svc-passdesk (service account, password never expires,
#     only Domain Users) with four ACEs on OU=Staff inherited by user objects:
#     Reset Password, Change Password, read/write lockoutTime, read/write pwdLastSet.
#   Passwords: Alice!Passw0rd1 Bob!Passw0rd1 Carol!Passw0rd1 Dave!Passw0rd1 Erin!Passw0rd1
#     Frank!Passw0rd1, svc-passdesk: Svc!Passdesk-Passw0rd1, Administrator: Adm1n!Passw0rd
#
# Commands:
#   start   idempotent; installs missing packages, provisions on first use (and keeps a pristine
#           copy in <dir>/golden), starts samba under setsid and waits for a CA-verified LDAPS
#           rootDSE read
#   stop    SIGTERM to the recorded process group, SIGKILL after SAMBA_STOP_TIMEOUT
#   reset   stop, restore the pristine copy, start
#   status  exit 0 when running and answering LDAPS
#   env     print `export PASSDESK_TEST_AD_*=...` lines
#
# Environment knobs:
#   SAMBA_DIR              data directory (default /tmp/passdesk-bed/samba)
#   SAMBA_HOST_IP          listen address (default 127.0.0.1; must exist on an interface)
#   SAMBA_NO_INSTALL=1     never run apt-get; fail if packages are missing
#   SAMBA_PROCESS_MODEL    samba -M model: prefork (default) or single
#   SAMBA_START_TIMEOUT    seconds to wait for LDAPS (default 60)
#   SAMBA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 15)
#   SAMBA_LOCKOUT_MINUTES  lockout duration and observation window (default 5)
#   SAMBA_ALLOW_PLAIN_BIND=1  allow simple binds on plain ldap:// 389 (default: TLS required)
set -euo pipefail

BED_NAME=samba-ad
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

D=${SAMBA_DIR:-/tmp/passdesk-bed/samba}
[[ $D == /* ]] || D=$PWD/$D
IP=${SAMBA_HOST_IP:-127.0.0.1}
MODEL=${SAMBA_PROCESS_MODEL:-prefork}
START_TIMEOUT=${SAMBA_START_TIMEOUT:-60}
STOP_TIMEOUT=${SAMBA_STOP_TIMEOUT:-15}
LOCKOUT_MINUTES=${SAMBA_LOCKOUT_MINUTES:-5}

LIVE=$D/live
GOLDEN=$D/golden
TLS=$D/tls
LOG=$D/log
CONF=$LIVE/etc/smb.conf
PIDFILE=$D/samba.pid

REALM=EXAMPLE.TEST
DOMAIN=EXAMPLE
BASE_DN=DC=example,DC=test
SCOPE_DN=OU=Staff,$BASE_DN
ADMIN_PASS='Adm1n!Passw0rd'
SVC_DN="CN=svc-passdesk,CN=Users,$BASE_DN"
SVC_PASS='Svc!Passdesk-Passw0rd1'
PKGS=(samba samba-ad-provision samba-dsdb-modules samba-vfs-modules ldap-utils)

ldaps_ok() {
    LDAPTLS_CACERT=$TLS/ca.pem LDAPTLS_REQCERT=demand \
        timeout 5 ldapsearch -H "ldaps://$IP:636" -x -b '' -s base -o nettimeout=3 \
        -LLL dnsHostName >/dev/null 2>&1
}

is_running() { bed_pid_of "$PIDFILE" >/dev/null; }

provision() {
    local t0; t0=$(bed_now_ms)
    bed_log "provisioning a new domain in $LIVE"
    rm -rf "$LIVE" "$GOLDEN"
    mkdir -p "$LIVE/run" "$LOG"
    : >"$D/empty.conf"
    if ! samba-tool domain provision -s "$D/empty.conf" --targetdir="$LIVE" \
        --realm=$REALM --domain=$DOMAIN --server-role=dc --dns-backend=NONE \
        --adminpass="$ADMIN_PASS" --host-name=dc1 --host-ip="$IP" \
        --option="interfaces=$IP" --option="bind interfaces only=yes" \
        --option="server services=ldap cldap" \
        --option="pid directory=$LIVE/run" --option="log file=$LOG/samba.log" \
        --option="tls enabled=yes" --option="tls keyfile=$TLS/key.pem" \
        --option="tls certfile=$TLS/cert.pem" --option="tls cafile=$TLS/ca.pem" \
        >"$LOG/provision.log" 2>&1; then
        tail -n 20 "$LOG/provision.log" >&2
        bed_die "samba-tool domain provision failed (full log: $LOG/provision.log)"
    fi
    bed_log "provisioned in $(bed_elapsed "$t0")"
    t0=$(bed_now_ms)
    populate
    bed_log "populated in $(bed_elapsed "$t0")"
    cp -a "$LIVE" "$GOLDEN"
    touch "$GOLDEN/.complete"
}

populate() {
    "$BED_PY" - "$CONF" "$LOCKOUT_MINUTES" >"$LOG/populate.log" 2>&1 <<'PY' || {
import base64, sys
import ldb
from samba.param import LoadParm
from samba.auth import system_session
from samba.samdb import SamDB
from samba.sd_utils import SDUtils
from samba.ndr import ndr_unpack
from samba.dcerpc import security

conf, lockout_minutes = sys.argv[1], int(sys.argv[2])
lp = LoadParm()
lp.load(conf)
samdb = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
base = samdb.domain_dn()
staff = "OU=Staff," + base
users = "CN=Users," + base

def upw(p):
    return ('"%s"' % p).encode("utf-16-le")

samdb.transaction_start()
try:
    # Domain password policy. Durations are negative 100 ns intervals.
    window = str(-lockout_minutes * 60 * 10**7)
    m = ldb.Message(ldb.Dn(samdb, base))
    for attr, val in (("pwdProperties", "1"), ("minPwdLength", "7"), ("pwdHistoryLength", "24"),
                      ("minPwdAge", "0"), ("lockoutThreshold", "3"),
                      ("lockoutDuration", window), ("lockOutObservationWindow", window)):
        m[attr] = ldb.MessageElement(val, ldb.FLAG_MOD_REPLACE, attr)
    samdb.modify(m)

    samdb.create_ou(staff, description="passdesk test scope")

    def user(sam, given, sn, password, parent, n, uac=0x200, extra=None):
        dn = "CN=%s %s,%s" % (given, sn, parent) if given else "CN=%s,%s" % (sam, parent)
        msg = {"dn": dn, "objectClass": "user", "sAMAccountName": sam,
               "userPrincipalName": "%s@example.test" % sam,
               "userAccountControl": str(uac), "unicodePwd": upw(password)}
        if given:
            msg.update({"givenName": given, "sn": sn, "displayName": "%s %s" % (given, sn),
                        "mail": "%s@example.test" % sam,
                        "otherMailbox": "%s.private@example.org" % sam,
                        "telephoneNumber": "+1555000%d" % (1000 + n),
                        "mobile": "+1555000%d" % (2000 + n)})
        msg.update(extra or {})
        samdb.add(msg)
        return dn

    user("alice", "Alice", "Anders", "Alice!Passw0rd1", staff, 1)
    user("bob", "Bob", "Baker", "Bob!Passw0rd1", staff, 2)
    carol = user("carol", "Carol", "Cruz", "Carol!Passw0rd1", staff, 3)
    user("dave", "Dave", "Outside", "Dave!Passw0rd1", users, 4)
    user("erin", "Erin", "Disabled", "Erin!Passw0rd1", staff, 5, uac=0x200 | 0x2)
    frank = user("frank", "Frank", "Protected", "Frank!Passw0rd1", staff, 6)
    svc = user("svc-passdesk", None, None, "Svc!Passdesk-Passw0rd1", users, 0, uac=0x200 | 0x10000,
               extra={"description": "passdesk service account (delegated on OU=Staff)"})

    # frank: member of a protected group; Samba runs no SDProp, so set adminCount ourselves.
    m = ldb.Message(ldb.Dn(samdb, "CN=Account Operators,CN=Builtin," + base))
    m["member"] = ldb.MessageElement(frank, ldb.FLAG_MOD_ADD, "member")
    samdb.modify(m)
    m = ldb.Message(ldb.Dn(samdb, frank))
    m["adminCount"] = ldb.MessageElement("1", ldb.FLAG_MOD_REPLACE, "adminCount")
    samdb.modify(m)

    admins = "CN=passdesk-admins,%s" % staff
    samdb.add({"dn": admins, "objectClass": "group", "sAMAccountName": "passdesk-admins",
               "description": "passdesk administrators", "member": carol})

    # Delegation on OU=Staff, inherited by user objects only.
    res = samdb.search(svc, scope=ldb.SCOPE_BASE, attrs=["objectSid"])
    sid = str(ndr_unpack(security.dom_sid, res[0]["objectSid"][0]))
    user_class = "bf967aba-0de6-11d0-a285-00aa003049e2"
    aces = "".join("(OA;CIIO;%s;%s;%s;%s)" % (rights, guid, user_class, sid) for rights, guid in (
        ("CR", "00299570-246d-11d0-a768-00aa006e0529"),    # User-Force-Change-Password
        ("CR", "ab721a53-1e2f-11d0-9819-00aa0040529b"),    # User-Change-Password
        ("RPWP", "28630ebf-41d5-11d1-a9c1-0000f80367c1"),  # lockoutTime
        ("RPWP", "bf967a0a-0de6-11d0-a285-00aa003049e2"),  # pwdLastSet
    ))
    SDUtils(samdb).dacl_prepend_aces(staff, aces)
except BaseException:
    samdb.transaction_cancel()
    raise
samdb.transaction_commit()

# Sanity checks: the ACEs were inherited by an existing Staff user, and not by dave.
sdu = SDUtils(samdb)
alice_sddl = sdu.get_sd_as_sddl("CN=Alice Anders," + staff)
dave_sddl = sdu.get_sd_as_sddl("CN=Dave Outside," + users)
assert "00299570-246d-11d0-a768-00aa006e0529;%s;%s)" % (user_class, sid) in alice_sddl, alice_sddl
assert sid not in dave_sddl, dave_sddl
print("svc-passdesk SID", sid)
print("alice SD", alice_sddl)
PY
        tail -n 20 "$LOG/populate.log" >&2
        bed_die "populating the directory failed (full log: $LOG/populate.log)"
    }
}

# Settings that `samba-tool domain provision --option` does not persist; applied at every start.
set_global() {
    local key=$1 value=$2
    if grep -qiE "^[[:space:]]*${key}[[:space:]]*=" "$CONF"; then
        sed -i -E "s|^[[:space:]]*${key}[[:space:]]*=.*|\t$key = $value|I" "$CONF"
    else
        sed -i -E "0,/^\[global\]/s||[global]\n\t$key = $value|" "$CONF"
    fi
}
del_global() { sed -i -E "/^[[:space:]]*$1[[:space:]]*=/Id" "$CONF"; }

apply_tunables() {
    set_global "old password allowed period" 0
    set_global "interfaces" "$IP"
    if [[ ${SAMBA_ALLOW_PLAIN_BIND:-0} == 1 ]]; then
        set_global "ldap server require strong auth" no
    else
        del_global "ldap server require strong auth"
    fi
    # A trailing backslash would continue the line and swallow the next setting.
    if grep -qE '\\[[:space:]]*$' "$CONF"; then
        bed_die "$CONF has a line ending in a backslash (line continuation); fix it"
    fi
}

wait_ready() {
    local pid=$1 t0=$2 deadline=$((SECONDS + START_TIMEOUT))
    while :; do
        if ldaps_ok; then
            bed_log "LDAPS answering on $IP:636 after $(bed_elapsed "$t0") (pid $pid, model $MODEL)"
            return 0
        fi
        if ! bed_pid_of "$PIDFILE" >/dev/null; then
            tail -n 30 "$LOG/samba.log" "$LOG/stdout.log" >&2 2>/dev/null || true
            bed_die "samba exited during start-up (logs: $LOG/samba.log, $LOG/stdout.log)"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "$LOG/samba.log" >&2 2>/dev/null || true
            bed_die "LDAPS on $IP:636 did not answer within ${START_TIMEOUT}s (logs: $LOG/); samba left running, use '$0 stop'"
        fi
        sleep 0.1
    done
}

cmd_start() {
    local t0; t0=$(bed_now_ms)
    mkdir -p "$D" "$LOG"
    exec 9>"$D/.lock"
    flock -w 120 9 || bed_die "another samba-ad.sh holds $D/.lock"
    if is_running; then
        if [[ -s $TLS/ca.pem ]] && command -v ldapsearch >/dev/null && ldaps_ok; then
            bed_log "already running (pid $(bed_pid_of "$PIDFILE"))"
            return 0
        fi
        bed_log "already started (pid $(bed_pid_of "$PIDFILE")), waiting for LDAPS"
        wait_ready "$(bed_pid_of "$PIDFILE")" "$t0"
        return 0
    fi
    bed_ensure_pkgs "${SAMBA_NO_INSTALL:-0}" "${PKGS[@]}"
    bed_need_cmd samba samba-tool ldapsearch openssl setsid flock
    bed_check_ports_free "Samba's LDAP ports are fixed (389/636). Stop the other server, or give this DC another
loopback address: ip addr add 127.0.0.2/8 dev lo; SAMBA_HOST_IP=127.0.0.2 $0 start" \
        "$IP" 389 636 3268 3269

    bed_make_tls "$TLS" dc1.example.test "$(bed_san dc1.example.test "$IP")"
    if [[ ! -e $GOLDEN/.complete ]]; then
        provision
    elif [[ ! -e $CONF ]]; then
        bed_log "restoring $LIVE from the pristine copy"
        rm -rf "$LIVE"
        cp -a "$GOLDEN" "$LIVE"
        rm -f "$LIVE/.complete"
    fi
    apply_tunables
    mkdir -p "$LIVE/run"
    rm -f "$LIVE/run/samba.pid"

    local pid
    setsid samba -s "$CONF" -M "$MODEL" --foreground --no-process-group \
        >>"$LOG/stdout.log" 2>&1 </dev/null 9>&- &
    pid=$!
    bed_record_pid "$PIDFILE" "$pid"
    wait_ready "$pid" "$t0"
}

cmd_stop() {
    if [[ -d $D ]]; then
        exec 9>"$D/.lock"
        flock -w 120 9 || bed_die "another samba-ad.sh holds $D/.lock"
    fi
    if [[ -s $PIDFILE ]]; then
        local t0; t0=$(bed_now_ms)
        bed_stop_group "$PIDFILE" "$STOP_TIMEOUT"
        bed_log "stopped in $(bed_elapsed "$t0")"
    else
        bed_log "not running"
    fi
}

cmd_reset() {
    local t0; t0=$(bed_now_ms)
    if [[ ! -e $GOLDEN/.complete ]]; then
        cmd_stop
        cmd_start
        return
    fi
    cmd_stop
    rm -rf "$LIVE"
    cp -a "$GOLDEN" "$LIVE"
    rm -f "$LIVE/.complete"
    # cmd_start re-opens fd 9, which drops and re-takes the lock.
    cmd_start
    bed_log "reset done in $(bed_elapsed "$t0")"
}

cmd_status() {
    if is_running && ldaps_ok; then
        echo "samba-ad: running (pid $(bed_pid_of "$PIDFILE")), LDAPS on $IP:636, data in $D"
        return 0
    elif is_running; then
        echo "samba-ad: process $(bed_pid_of "$PIDFILE") running but LDAPS on $IP:636 does not answer"
        return 1
    fi
    echo "samba-ad: not running (data in $D)"
    return 3
}

cmd_env() {
    bed_export PASSDESK_TEST_AD_URL "ldaps://$IP:636"
    bed_export PASSDESK_TEST_AD_STARTTLS_URL "ldap://$IP:389"
    bed_export PASSDESK_TEST_AD_CA "$TLS/ca.pem"
    bed_export PASSDESK_TEST_AD_BIND_DN "$SVC_DN"
    bed_export PASSDESK_TEST_AD_BIND_PASSWORD "$SVC_PASS"
    bed_export PASSDESK_TEST_AD_BASE "$BASE_DN"
    bed_export PASSDESK_TEST_AD_SCOPE "$SCOPE_DN"
    bed_export PASSDESK_TEST_AD_ADMIN_GROUP "CN=passdesk-admins,$SCOPE_DN"
    bed_export PASSDESK_TEST_AD_DOMAIN "$DOMAIN"
    bed_export PASSDESK_TEST_AD_REALM "$REALM"
    bed_export PASSDESK_TEST_AD_ADMIN_DN "CN=Administrator,CN=Users,$BASE_DN"
    bed_export PASSDESK_TEST_AD_ADMIN_PASSWORD "$ADMIN_PASS"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
reset) cmd_reset ;;
status) cmd_status ;;
env) cmd_env ;;
*)
    echo "usage: $0 {start|stop|reset|status|env}" >&2
    exit 2
    ;;
esac
