# shellcheck shell=bash
# The mta component of the lab: ONE real Postfix instance (its own config, queue and data directories under
# lab/run/mta/, chroot off, no DNS lookups, nothing ever delivered) with one smtpd listener per DANE test host on
# 127.0.7.N:25, each with its own certificate (lab/lib/ca.sh, LAB_MTA_HOSTS) and TLS level. The DNS side (MX, A,
# TLSA) is lab/zones/dane.test.zone and insecure.test.zone plus the TLSA records ca.sh computes (CA_TLSA_RECORDS).
# Sourced by lab/lab.sh; runs after ca, dns, https and smtp. Needs root (port 25, `postfix start`).
#
# The instance never reads /etc/postfix/main.cf or master.cf: `postfix -c DIR` reads DIR's files only (Postfix
# 3.7 as root needs no alternate_config_directories entry for that). It only uses the package's programs and
# its postfix-script/postfix-files (meta_directory = /etc/postfix, read-only). No addresses are added to `lo`:
# Linux routes all of 127.0.0.0/8 to lo, and master.cf entries with an explicit address bind it directly.
#
# Interface: mta_up, mta_verify, mta_down, mta_env, mta_status, mta_logs.

MTA_DIR=$RUN_DIR/mta
MTA_CONF=$MTA_DIR/config          # main.cf, master.cf (`postfix -c $MTA_CONF`)
MTA_QUEUE=$MTA_DIR/queue          # queue_directory (pid/master.pid is the master's pid file)
MTA_DATA=$MTA_DIR/data            # data_directory (owned by postfix)
MTA_LOG=$MTA_DIR/maillog          # maillog_file (written by the postlog service; there is no syslog here)
MTA_PORT=25

# One smtpd listener per line: "ADDRESS CERTIFICATE TLS". CERTIFICATE is a name from LAB_MTA_HOSTS ($CA_DIR/NAME.pem
# and .key) or - ; TLS: leaf = STARTTLS, sends the leaf only; chain = STARTTLS, sends leaf + lab CA; none = no
# STARTTLS offered. The case numbers are those of the dane.test table in lab/README.md.
MTA_LISTENERS=(
    "127.0.7.1  mx.ee.dane.test           leaf"    # 1  DANE-EE 3 1 1
    "127.0.7.2  mx.ta.dane.test           chain"   # 2  DANE-TA 2 0 1 (needs the CA in the chain)
    "127.0.7.10 mx.takey.dane.test        leaf"    # 3  DANE-TA 2 1 0, CA key in the record, leaf only
    "127.0.7.3  mx.mismatch.dane.test     leaf"    # 4  TLSA names another key
    "127.0.7.4  mx.expired.dane.test      leaf"    # 5  expired certificate
    "127.0.7.5  mx.unusable.dane.test     leaf"    # 6  only unusable TLSA records
    "127.0.7.6  -                         none"    # 7  no STARTTLS
    "127.0.7.7  mx.bogus.dane.test        leaf"    # 8  bogus TLSA
    "127.0.7.8  mx.daneless.insecure.test leaf"    # 11 TLSA in an unsigned zone
    "127.0.7.9  target.cname.dane.test    leaf"    # 10 reached through a CNAME
    "127.0.7.11 mx.sts.dane.test          leaf"    # 13 no TLSA, MTA-STS
)

# Run only as root (port 25, postfix start). STOCKADE_LAB_MTA=yes|no|auto (auto: yes if root).
mta_wanted() {
    case ${STOCKADE_LAB_MTA:-auto} in
        yes|1|true) return 0 ;;
        no|0|false) return 1 ;;
        *) [[ $(id -u) -eq 0 ]] ;;
    esac
}
mta_enabled() { [[ -f $MTA_DIR/enabled ]]; }

mta_main_cf() {
    cat <<CF
# rendered by lab/lib/mta.sh: the lab's own Postfix instance (postfix -c $MTA_CONF). Receives nothing, delivers nothing.
compatibility_level = 3.6
queue_directory = $MTA_QUEUE
data_directory = $MTA_DATA
# postfix-script and postfix-files of the package (only read)
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.lab.test
mydomain = lab.test
myorigin = \$myhostname
mydestination =
relay_domains =
relayhost =
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
# never wait on DNS: no reverse lookup of clients, no DNS in the (unused) SMTP client
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtp_host_lookup = native
# nothing is accepted (RCPT: 554 5.7.1) and nothing could be delivered
smtpd_relay_restrictions = reject
smtpd_recipient_restrictions = reject
default_transport = error:lab Postfix delivers nothing
local_transport = error:lab Postfix delivers nothing
relay_transport = error:lab Postfix delivers nothing
local_recipient_maps =
alias_maps =
alias_database =
biff = no
smtpd_banner = \$myhostname ESMTP Stockade lab
# logging to a file through the postlog service
maillog_file = $MTA_LOG
maillog_file_prefixes = $MTA_DIR
# TLS defaults (each listener overrides the level and the certificate in master.cf)
smtpd_tls_security_level = none
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database =
tls_random_source = dev:/dev/urandom
CF
}

mta_master_cf() {
    local entry addr cert tls files
    printf '# rendered by lab/lib/mta.sh. service type private unpriv chroot wakeup maxproc command (chroot off everywhere)\n'
    for entry in "${MTA_LISTENERS[@]}"; do
        read -r addr cert tls <<<"$entry"
        printf '%s:%s inet n - n - - smtpd\n  -o syslog_name=postfix/%s\n' "$addr" "$MTA_PORT" "${cert/#-/notls}"
        case $tls in
            none)  printf '  -o smtpd_tls_security_level=none\n' ;;
            leaf)  files="$CA_DIR/$cert.key,$CA_DIR/$cert.pem" ;;&
            chain) files="$CA_DIR/$cert.key,$CA_DIR/$cert.pem,$CA_DIR/ca.pem" ;;&
            leaf|chain) printf '  -o smtpd_tls_security_level=may\n  -o smtpd_tls_chain_files=%s\n' "$files" ;;
            *) log "unknown TLS mode $tls for $addr"; return 1 ;;
        esac
    done
    cat <<'CF'
cleanup   unix  n - n -     0 cleanup
qmgr      unix  n - n 300   1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -     - trivial-rewrite
bounce    unix  - - n -     0 bounce
defer     unix  - - n -     0 bounce
trace     unix  - - n -     0 bounce
verify    unix  - - n -     1 verify
proxymap  unix  - - n -     - proxymap
error     unix  - - n -     - error
retry     unix  - - n -     - error
discard   unix  - - n -     - discard
anvil     unix  - - n -     1 anvil
scache    unix  - - n -     1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
}

# mta_master_pid: the running master's PID (its pid file, only if it is a Postfix master of THIS config)
mta_master_pid() {
    local pid
    [[ -f $MTA_QUEUE/pid/master.pid ]] || return 1
    pid=$(tr -dc "0-9" <"$MTA_QUEUE/pid/master.pid") || return 1
    [[ -n $pid ]] && pid_running "$pid" || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == master ]] || return 1
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "MAIL_CONFIG=$MTA_CONF" || return 1
    echo "$pid"
}

# mta_queue_dirs: the queue directories as `post-install create-missing` makes them (owners and modes of Debian's
# postfix-files), then quick-start: `postfix start` skips its integrity checks (check-fatal runs post-install and
# postconf, check-warn walks the queue), which saves ~0.3 s of the ~0.35 s it takes. The flag is Postfix's own
# (`postfix quick-stop` leaves it), and postfix-script removes it at start.
mta_queue_dirs() {
    local d
    mkdir -p "$MTA_QUEUE" || return 1
    for d in active bounce corrupt defer deferred flush hold incoming private saved trace; do
        install -d -o postfix -g root -m 700 "$MTA_QUEUE/$d" || return 1
    done
    install -d -o postfix -g postdrop -m 730 "$MTA_QUEUE/maildrop" \
        && install -d -o postfix -g postdrop -m 710 "$MTA_QUEUE/public" \
        && install -d -o root -g root -m 755 "$MTA_QUEUE/pid" \
        && touch "$MTA_QUEUE/quick-start"
}

mta_up() {
    mkdir -p "$MTA_DIR" || return 1
    if ! mta_wanted; then
        warn "not starting Postfix on 127.0.7.N:$MTA_PORT (not root, or STOCKADE_LAB_MTA=no; STOCKADE_LAB_MTA=yes forces it)"
        return 0
    fi
    need_cmd postfix postconf || return 1
    id postfix >/dev/null 2>&1 || { log "no postfix user (install the postfix package)"; return 1; }
    mkdir -p "$MTA_CONF" "$MTA_DATA" || return 1
    chown postfix: "$MTA_DATA" || return 1
    mta_queue_dirs || { log "cannot create the Postfix queue directories under $MTA_QUEUE"; return 1; }
    : >"$MTA_LOG"
    mta_main_cf >"$MTA_CONF/main.cf" && mta_master_cf >"$MTA_CONF/master.cf" || return 1
    # Postfix re-reads a main.cf changed within the last second every 0.3 s until it is ~2 s old (a file "being
    # written"): date them back, or every Postfix command at `up` waits ~2 s
    touch -d '1 minute ago' "$MTA_CONF/main.cf" "$MTA_CONF/master.cf" || return 1
    # certificates: world-unreadable keys are fine (smtpd reads them as root before dropping privileges)
    run_daemon postfix -c "$MTA_CONF" start >"$MTA_DIR/start.log" 2>&1 \
        || { log "postfix start failed"; cat "$MTA_DIR/start.log" >&2; return 1; }
    mta_master_pid >/dev/null || { log "no Postfix master running after postfix start"; return 1; }
    touch "$MTA_DIR/enabled"
}

mta_fail() { log "check failed: $1"; [[ -n ${2:-} ]] && printf '%s\n' "$2" >&2; tail_log postfix "$MTA_LOG"; return 1; }

# mta_verify: EHLO on every listener, STARTTLS everywhere but where TLS is off (one python run); DANE-EE
# verification of 127.0.7.1 against the published TLSA record (one openssl run); the DNS side through unbound.
mta_verify() {
    mta_enabled || return 0
    local out entry addr cert tls spec=() rrdata
    for entry in "${MTA_LISTENERS[@]}"; do
        read -r addr cert tls <<<"$entry"
        spec+=("$addr:$tls")
    done
    out=$(/usr/bin/python3 - "$MTA_PORT" "${spec[@]}" 2>&1 <<'PY'
import smtplib, sys
from concurrent.futures import ThreadPoolExecutor
port = int(sys.argv[1])
def check(item):
    addr, tls = item.split(":")
    try:
        with smtplib.SMTP(addr, port, local_hostname="verify.lab.test", timeout=5) as s:
            code, _ = s.ehlo()
            if code != 250:
                return f"{addr}: EHLO answered {code}"
            if s.has_extn("starttls") != (tls != "none"):
                return f"{addr}: STARTTLS {'offered' if s.has_extn('starttls') else 'missing'} (TLS mode {tls})"
    except Exception as e:
        return f"{addr}: {e!r}"
with ThreadPoolExecutor(len(sys.argv) - 2) as pool:
    bad = [r for r in pool.map(check, sys.argv[2:]) if r]
print("\n".join(bad) if bad else "ok")
sys.exit(1 if bad else 0)
PY
    ) || { mta_fail "EHLO/STARTTLS on the Postfix listeners" "$out"; return 1; }
    rrdata=$(awk '$1 == "_25._tcp.mx.ee.dane.test." && $4 == "TLSA" { print $5, $6, $7, $8 }' "$CA_TLSA_DIR/dane.test.zone")
    out=$(openssl s_client -connect 127.0.7.1:$MTA_PORT -starttls smtp -dane_tlsa_domain mx.ee.dane.test \
        -dane_tlsa_rrdata "$rrdata" -dane_ee_no_namechecks -verify_return_error </dev/null 2>&1)
    [[ $out == *"Verify return code: 0 (ok)"* ]] \
        || { mta_fail "DANE-EE (openssl s_client -dane_tlsa_rrdata \"$rrdata\") on 127.0.7.1" "$(tail -n 8 <<<"$out")"; return 1; }
    local u=$DNS_UNBOUND_ADDR p=$DNS_UNBOUND_PORT
    dns_query $u $p _25._tcp.mx.ee.dane.test TLSA +dnssec && [[ $Q_STATUS == NOERROR ]] && has_flag ad \
        && grep -qi "^TLSA ${rrdata% *} " <<<"$Q_ANSWER" \
        || { mta_fail "_25._tcp.mx.ee.dane.test TLSA must be NOERROR with AD" "$Q_OUT"; return 1; }
    dns_query $u $p _25._tcp.mx.bogus.dane.test TLSA +dnssec && [[ $Q_STATUS == SERVFAIL ]] \
        || { mta_fail "_25._tcp.mx.bogus.dane.test TLSA must be SERVFAIL" "$Q_OUT"; return 1; }
    dns_query $u $p bogusmx.dane.test MX +dnssec && [[ $Q_STATUS == SERVFAIL ]] \
        || { mta_fail "bogusmx.dane.test MX must be SERVFAIL" "$Q_OUT"; return 1; }
}

mta_down() {
    local pid i
    pid=$(mta_master_pid) || return 0
    postfix -c "$MTA_CONF" stop >/dev/null 2>&1 9<&- || kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 250; i++)); do   # the master takes its children with it
        pid_running "$pid" || return 0
        sleep 0.02
    done
    warn "Postfix master (pid $pid) did not exit after 5s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

mta_status() {
    mta_enabled || { log "mta     not started (not root, or STOCKADE_LAB_MTA=no)"; return 0; }
    local pid
    if pid=$(mta_master_pid); then
        log "mta     Postfix master (pid $pid) with ${#MTA_LISTENERS[@]} smtpd listeners on 127.0.7.N:$MTA_PORT"
    else log "mta     Postfix NOT running"; return 1; fi
}

mta_env() {
    mta_enabled || return 0
    env_line STOCKADE_LAB_MTA_PORT "$MTA_PORT"
    env_line STOCKADE_LAB_MTA_CONFIG "$MTA_CONF"
}

mta_logs() {
    [[ -s $MTA_DIR/start.log ]] && tail_log "postfix start" "$MTA_DIR/start.log"
    [[ -f $MTA_LOG ]] && tail_log postfix "$MTA_LOG"
    return 0
}
