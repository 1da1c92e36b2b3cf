# shellcheck shell=bash
# Shared helpers for the passdesk test-bed scripts in tests/bed/.
# Sourced (not executed) by samba-ad.sh, openldap.sh, smtp-sink.sh, all.sh, verify.sh.
#
# Conventions:
#   * every server runs in the foreground under `setsid`, so its pid is also its process
#     group id; the pid file holds "<pid> <starttime>" (starttime from /proc/<pid>/stat)
#     so a recycled pid is never mistaken for ours;
#   * each server has its own throwaway CA and P-256 server certificate under <dir>/tls/;
#   * `stop` only ever signals the process group recorded in the pid file.
#
# Knobs used here:
#   BED_APT_LOCK_TIMEOUT  seconds apt/dpkg waits for a busy lock (default 300)

# Python with Debian's python3-samba / python3-aiosmtpd (NOT the python3 on PATH).
# shellcheck disable=SC2034  # used by the scripts that source this file
BED_PY=/usr/bin/python3

bed_log() { printf '[%s] %s\n' "${BED_NAME:-bed}" "$*" >&2; }
bed_die() { printf '[%s] ERROR: %s\n' "${BED_NAME:-bed}" "$*" >&2; exit 1; }

# Milliseconds since the epoch (for timing messages).
bed_now_ms() { date +%s%3N; }
bed_elapsed() { local t0=$1; local t1; t1=$(bed_now_ms); printf '%d.%03d s' $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000)); }

# Single-quote a value for `export NAME=...` lines that are meant to be eval'ed.
bed_q() { local s=$1; printf "'%s'" "${s//\'/\'\\\'\'}"; }
bed_export() { printf 'export %s=%s\n' "$1" "$(bed_q "$2")"; }

# --- packages -------------------------------------------------------------------------------

bed_pkg_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# bed_ensure_pkgs NO_INSTALL_VALUE pkg...
# Installs the missing packages with apt-get (runs `apt-get update` once if the first
# attempt fails), unless NO_INSTALL_VALUE is 1, in which case it fails with a hint.
bed_ensure_pkgs() {
    local no_install=$1; shift
    local missing=() p
    for p in "$@"; do bed_pkg_installed "$p" || missing+=("$p"); done
    ((${#missing[@]} == 0)) && return 0
    if [[ "$no_install" == 1 ]]; then
        bed_die "missing Debian packages: ${missing[*]} (installation disabled by *_NO_INSTALL=1; run: apt-get install -y --no-install-recommends ${missing[*]})"
    fi
    ((EUID == 0)) || bed_die "missing Debian packages: ${missing[*]}; installing needs root (or install them yourself)"
    local t0; t0=$(bed_now_ms)
    bed_log "installing Debian packages: ${missing[*]}"
    local lock="-o DPkg::Lock::Timeout=${BED_APT_LOCK_TIMEOUT:-300}"
    # shellcheck disable=SC2086
    if ! DEBIAN_FRONTEND=noninteractive apt-get $lock install -y --no-install-recommends "${missing[@]}" \
            >"${BED_APT_LOG:-/tmp/passdesk-bed-apt.log}" 2>&1; then
        bed_log "apt-get install failed; running apt-get update once and retrying"
        # shellcheck disable=SC2086
        apt-get $lock update >>"${BED_APT_LOG:-/tmp/passdesk-bed-apt.log}" 2>&1 \
            || bed_die "apt-get update failed (see ${BED_APT_LOG:-/tmp/passdesk-bed-apt.log})"
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get $lock install -y --no-install-recommends "${missing[@]}" \
            >>"${BED_APT_LOG:-/tmp/passdesk-bed-apt.log}" 2>&1 \
            || bed_die "apt-get install ${missing[*]} failed (see ${BED_APT_LOG:-/tmp/passdesk-bed-apt.log})"
    fi
    bed_log "installed ${missing[*]} in $(bed_elapsed "$t0")"
}

bed_need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || bed_die "required command '$c' not found"
    done
}

# --- TLS ------------------------------------------------------------------------------------

# bed_make_tls DIR CN SAN
# Creates DIR/{ca.pem,ca.key,cert.pem,key.pem}: a throwaway CA and a P-256 server certificate
# for CN with subjectAltName SAN (e.g. "DNS:x.example.test,DNS:localhost,IP:127.0.0.1,IP:::1").
# Keeps existing files when cert.pem still verifies against ca.pem and carries the same SAN.
bed_make_tls() {
    local dir=$1 cn=$2 san=$3
    if [[ -s $dir/ca.pem && -s $dir/cert.pem && -s $dir/key.pem && -s $dir/san.txt ]] \
        && [[ "$(cat "$dir/san.txt")" == "$san" ]] \
        && openssl verify -CAfile "$dir/ca.pem" "$dir/cert.pem" >/dev/null 2>&1; then
        chmod 0600 "$dir/key.pem" "$dir/ca.key" 2>/dev/null || true
        return 0
    fi
    bed_need_cmd openssl
    mkdir -p "$dir"
    rm -f "$dir"/{ca.pem,ca.key,cert.pem,key.pem,csr.pem,openssl.cnf,san.txt}
    cat >"$dir/openssl.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = $cn
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    (
        umask 077
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key"
        openssl req -new -x509 -config "$dir/openssl.cnf" -extensions v3_ca -key "$dir/ca.key" \
            -subj "/O=passdesk test bed/CN=passdesk throwaway CA for $cn" -days 3650 -sha256 \
            -out "$dir/ca.pem"
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/key.pem"
        openssl req -new -config "$dir/openssl.cnf" -key "$dir/key.pem" -subj "/CN=$cn" -out "$dir/csr.pem"
        openssl x509 -req -in "$dir/csr.pem" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
            -set_serial "0x$(openssl rand -hex 16)" -days 825 -sha256 \
            -extfile "$dir/openssl.cnf" -extensions v3_server -out "$dir/cert.pem"
    ) >/dev/null 2>"$dir/openssl.err" || bed_die "creating TLS files in $dir failed: $(cat "$dir/openssl.err")"
    chmod 0600 "$dir/key.pem" "$dir/ca.key"
    chmod 0644 "$dir/ca.pem" "$dir/cert.pem"
    rm -f "$dir/csr.pem" "$dir/openssl.err"
    printf '%s\n' "$san" >"$dir/san.txt"
}

# bed_san NAME IP: "DNS:NAME,DNS:localhost,IP:127.0.0.1,IP:::1", plus IP when it is another one.
bed_san() {
    local san="DNS:$1,DNS:localhost,IP:127.0.0.1,IP:::1"
    [[ $2 == 127.0.0.1 || $2 == ::1 ]] || san+=",IP:$2"
    printf '%s\n' "$san"
}

# --- processes ------------------------------------------------------------------------------

bed_proc_starttime() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    printf '%s\n' "${20}"
}

# bed_record_pid PIDFILE PID
bed_record_pid() {
    local st
    st=$(bed_proc_starttime "$2") || st=0
    printf '%s %s\n' "$2" "$st" >"$1"
}

# bed_pid_of PIDFILE -> prints the pid if the recorded process is still the one we started.
bed_pid_of() {
    local pidfile=$1 pid st cur
    [[ -s $pidfile ]] || return 1
    read -r pid st <"$pidfile" || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cur=$(bed_proc_starttime "$pid") || return 1
    [[ "$cur" == "$st" ]] || return 1
    # a zombie is as good as dead
    [[ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]] || return 1
    printf '%s\n' "$pid"
}

# True while process group $1 has a member that is not a zombie. (`kill -0 -PGID` alone also
# counts zombies, which PID 1 of a container or VM may be slow to reap.)
bed_group_alive() {
    kill -0 -- "-$1" 2>/dev/null || return 1
    local f line rest
    for f in /proc/[0-9]*/stat; do
        read -r line <"$f" 2>/dev/null || continue
        rest=${line##*) }
        # shellcheck disable=SC2086
        set -- "$1" $rest
        [[ $4 == "$1" && $2 != Z ]] && return 0
    done
    return 1
}

# bed_stop_group PIDFILE TIMEOUT_SECONDS
# SIGTERM the recorded process group, wait for the whole group, SIGKILL it after the timeout.
bed_stop_group() {
    local pidfile=$1 timeout=${2:-15} pid st i
    if ! pid=$(bed_pid_of "$pidfile"); then
        # The leader may have exited while members of its group linger: a pid is never
        # reused while a process group of that id exists, so such a group is still ours.
        pid=""
        [[ -s $pidfile ]] && read -r pid st <"$pidfile"
        if ! [[ $pid =~ ^[0-9]+$ ]] || ! bed_group_alive "$pid" \
            || { [[ -e /proc/$pid ]] && [[ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]]; }; then
            rm -f "$pidfile"
            return 0
        fi
    fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 20; i++)); do
        bed_group_alive "$pid" || break
        sleep 0.05
    done
    if bed_group_alive "$pid"; then
        bed_log "process group $pid still alive after ${timeout}s; sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            bed_group_alive "$pid" || break
            sleep 0.05
        done
    fi
    rm -f "$pidfile"
}

# bed_port_in_use HOST PORT: true when something accepts TCP connections there.
bed_port_in_use() {
    # shellcheck disable=SC2016  # expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# bed_check_ports_free WHAT_HINT HOST PORT...
bed_check_ports_free() {
    local hint=$1 host=$2 p busy=()
    shift 2
    for p in "$@"; do
        bed_port_in_use "$host" "$p" && busy+=("$p")
    done
    ((${#busy[@]} == 0)) && return 0
    local who=""
    command -v ss >/dev/null 2>&1 && who=$(ss -ltnpH 2>/dev/null | awk -v ports=" ${busy[*]} " '
        { n = split($4, a, ":"); if (index(ports, " " a[n] " ")) print "  " $4 " " $6 }')
    bed_die "port(s) ${busy[*]} on $host are already in use by another process:
${who:-  (could not tell which)}
$hint"
}
