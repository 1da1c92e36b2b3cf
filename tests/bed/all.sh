#!/usr/bin/env bash
# all.sh {start|stop|reset|status|env}
#
# Runs the whole passdesk test bed: Samba AD DC (samba-ad.sh), OpenLDAP (openldap.sh), the
# SMTP capture server (smtp-sink.sh) and a Kannel SMS gateway with a fake SMSC (kannel.sh).
# `env` prints the export lines of all of them, e.g.
#   eval "$(tests/bed/all.sh env)"
# `reset` resets both directories and clears the captured mail and text messages.
#
# Environment knobs: those of the scripts (SAMBA_*, OPENLDAP_*, SMTP_SINK_*, KANNEL_*), plus
#   BED_SKIP   space-separated list of servers to leave out: samba-ad openldap smtp-sink kannel
set -euo pipefail

BED_NAME=all
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"

SERVERS=()
for s in samba-ad openldap smtp-sink kannel; do
    [[ " ${BED_SKIP:-} " == *" $s "* ]] || SERVERS+=("$s")
done

run_all() { # command [reverse]
    local list=("${SERVERS[@]}") s rc=0
    if [[ ${2:-} == reverse ]]; then
        local i rev=()
        for ((i = ${#list[@]} - 1; i >= 0; i--)); do rev+=("${list[i]}"); done
        list=("${rev[@]}")
    fi
    for s in "${list[@]}"; do
        "$HERE/$s.sh" "$1" || rc=$?
        if ((rc != 0)) && [[ $1 == start || $1 == reset ]]; then
            bed_die "$s.sh $1 failed (exit $rc)"
        fi
    done
    return $rc
}

case "${1:-}" in
start)
    t0=$(bed_now_ms)
    run_all start
    bed_log "test bed up in $(bed_elapsed "$t0"); use: eval \"\$($0 env)\""
    ;;
stop)
    run_all stop reverse
    ;;
reset)
    t0=$(bed_now_ms)
    for s in "${SERVERS[@]}"; do
        case $s in
        smtp-sink | kannel) "$HERE/$s.sh" clear ;;
        *) "$HERE/$s.sh" reset ;;
        esac
    done
    bed_log "reset done in $(bed_elapsed "$t0")"
    ;;
status)
    rc=0
    for s in "${SERVERS[@]}"; do "$HERE/$s.sh" status || rc=1; done
    exit $rc
    ;;
env)
    for s in "${SERVERS[@]}"; do "$HERE/$s.sh" env; done
    ;;
*)
    echo "usage: $0 {start|stop|reset|status|env}" >&2
    exit 2
    ;;
esac
