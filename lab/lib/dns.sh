# shellcheck shell=bash
# The DNS component of the lab: nsd (authoritative, signed test zones) + unbound (validating resolver
# whose only trust anchors are the lab's own KSKs). Sourced by lab/lab.sh.
#
# Interface (every component provides these): dns_up, dns_verify, dns_down, dns_env, dns_status, dns_logs.

DNS_NSD_ADDR=127.0.0.1
DNS_NSD_PORT=53530
DNS_UNBOUND_ADDR=127.0.0.1
DNS_UNBOUND_PORT=53531
DNS_PORT53_ADDR=127.0.5.53        # second unbound listener on port 53, for programs that read resolv.conf

DNS_DIR=$RUN_DIR/dns
DNS_ZONE_SRC=$LAB_DIR/zones
DNS_CONF_SRC=$LAB_DIR/conf

# zone name and how it is built:
#   nsec      signed, NSEC
#   nsec3     signed, NSEC3 (SHA-1, 0 extra iterations, no salt)
#   unsigned  not signed, no trust anchor
#   bogus     signed (NSEC), then www's A data changed in the signed file
#   expired   signed (NSEC) with signatures valid 2020-01-01..2020-02-01, except the DNSKEY RRSIG
#             which is valid (so unbound reports EDE 7 "Signature Expired", not 6 "DNSSEC Bogus")
DNS_ZONES=(
    "secure.test nsec"
    "insecure.test unsigned"
    "bogus.test bogus"
    "nsec3.test nsec3"
    "expired.test expired"
    "web.test nsec"
    "dane.test nsec"
    "spf.test nsec"
    "dkim.test nsec"
    "dmarc.test nsec"
    "tlsrpt.test nsec"
    "mail.test nsec"
    "caa.test nsec"
    "audit.test nsec"
)

# RRsets changed in the signed file after signing (so their RRSIG no longer matches: unbound SERVFAIL, EDE 6), as
# "OWNER TYPE": an MX's preference gets +10, a TLSA's data its last hex digit flipped (xor 1). Each must change
# exactly one line of its zone's signed file. (www.bogus.test A is the older, separate `bogus` mode above.)
DNS_TAMPER=(
    "_25._tcp.mx.bogus.dane.test. TLSA"     # case 8: bogus TLSA, the MX and A of mx.bogus.dane.test still validate
    "bogusmx.dane.test. MX"                 # case 9: bogus MX (signed as 10 mx.ee.dane.test., served as 20)
)

# Generated records appended to the copy of a zone before signing: $CA_TLSA_DIR/<zone>.zone (TLSA records computed
# by lab/lib/ca.sh from this run's certificates, if that file exists).

# Delegated children that nobody serves. Their glue says 127.0.0.1 port 53, where nothing listens, so
# unbound would retry for over a minute per query; a stub to nsd (which only holds the referral) makes
# names below them fail at once: SERVFAIL, EDE 9 "DNSKEY Missing" (the parent has a DS for the child).
DNS_UNSERVED_CHILDREN=(child.secure.test)

# Port 53 on 127.0.5.53 needs root (or CAP_NET_BIND_SERVICE). STOCKADE_LAB_PORT53=yes|no|auto (auto: yes if root).
dns_port53_wanted() {
    case ${STOCKADE_LAB_PORT53:-auto} in
        yes|1|true) return 0 ;;
        no|0|false) return 1 ;;
        *) [[ $(id -u) -eq 0 ]] ;;
    esac
}
dns_port53_enabled() {
    if [[ -f $DNS_DIR/port53 ]]; then [[ $(cat "$DNS_DIR/port53") == yes ]]; else dns_port53_wanted; fi
}

# ---------------------------------------------------------------- queries
# dns_query SERVER PORT NAME TYPE [dig options...]: sets Q_STATUS, Q_FLAGS (" qr rd ra ad "), Q_ANSWER
# (answer-section RDATA, one per line), Q_EDE (EDE info code(s)), Q_OUT (full dig output).
dns_query() {
    local server=$1 port=$2 name=$3 type=$4
    shift 4
    Q_STATUS= Q_FLAGS= Q_ANSWER= Q_EDE=
    Q_OUT=$(dig @"$server" -p "$port" +time=2 +tries=1 "$@" "$name" "$type" 2>&1) || return 1
    Q_STATUS=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$Q_OUT" | head -n1)
    Q_FLAGS=" $(sed -n 's/^;; flags: \([^;]*\);.*/\1/p' <<<"$Q_OUT" | head -n1) "
    Q_EDE=$(sed -n 's/^; EDE: \([0-9]*\).*/\1/p' <<<"$Q_OUT" | tr '\n' ' ')
    Q_ANSWER=$(awk '/^;; ANSWER SECTION:/{a=1;next} a&&/^$/{a=0} a&&!/^;/{ $1=$2=$3=""; t=$4; $4=""; sub(/^ +/,""); print t" "$0 }' <<<"$Q_OUT")
    [[ -n $Q_STATUS ]]
}
has_flag() { [[ $Q_FLAGS == *" $1 "* ]]; }

# ---------------------------------------------------------------- build
dns_sign_zone() {   # dns_sign_zone ZONE MODE -> writes zones/ZONE.signed, keys/, prints KSK base name
    local zone=$1 mode=$2 zsk ksk opts=()
    zsk=$(cd "$DNS_DIR/keys" && ldns-keygen -a ECDSAP256SHA256 "$zone") || return 1
    ksk=$(cd "$DNS_DIR/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$zone") || return 1
    case $mode in
        nsec3)   opts=(-n -a 1 -t 0) ;;
        expired) opts=(-i 20200101000000 -e 20200201000000) ;;
    esac
    ldns-signzone "${opts[@]}" -f "$DNS_DIR/zones/$zone.signed" "$DNS_DIR/zones/$zone.zone" \
        "$DNS_DIR/keys/$zsk" "$DNS_DIR/keys/$ksk" >&2 || return 1
    if [[ $mode == expired ]]; then
        # keep the DNSKEY RRset's signature valid, so the chain of trust builds and the failure is
        # "signature expired" on the data (unbound: EDE 7) rather than an unusable key set (EDE 6)
        local re='^[^[:space:]]+[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+RRSIG[[:space:]]+DNSKEY[[:space:]]'
        ldns-signzone -f "$DNS_DIR/zones/$zone.valid-dnskey" "$DNS_DIR/zones/$zone.zone" \
            "$DNS_DIR/keys/$zsk" "$DNS_DIR/keys/$ksk" >&2 || return 1
        { grep -Ev "$re" "$DNS_DIR/zones/$zone.signed"; grep -E "$re" "$DNS_DIR/zones/$zone.valid-dnskey"; } \
            >"$DNS_DIR/zones/$zone.signed.tmp" || return 1
        [[ $(grep -Ec "$re" "$DNS_DIR/zones/$zone.signed.tmp") -eq 1 ]] \
            || { log "could not graft a valid DNSKEY RRSIG into $zone"; return 1; }
        mv "$DNS_DIR/zones/$zone.signed.tmp" "$DNS_DIR/zones/$zone.signed"
    fi
    if [[ $mode == bogus ]]; then
        # change the data of www's A record after signing: its RRSIG no longer matches
        sed -i -E 's/^(www\.bogus\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+)127\.0\.2\.1$/\1127.0.2.99/' \
            "$DNS_DIR/zones/$zone.signed"
        grep -Eq '^www\.bogus\.test\.[[:space:]].*[[:space:]]A[[:space:]]+127\.0\.2\.99$' "$DNS_DIR/zones/$zone.signed" \
            || { log "could not tamper with www.bogus.test A in the signed zone"; return 1; }
    fi
    dns_tamper "$zone" || return 1
    echo "$ksk"
}

# dns_tamper ZONE: apply the DNS_TAMPER entries whose owner is in ZONE to zones/ZONE.signed
dns_tamper() {
    local zone=$1 entry owner type file=$DNS_DIR/zones/$1.signed n
    for entry in "${DNS_TAMPER[@]}"; do
        read -r owner type <<<"$entry"
        [[ $owner == *".$zone." ]] || continue
        n=$(awk -v o="$owner" -v t="$type" -v out="$file.tmp" '
            BEGIN { n = 0; hex = "0123456789abcdef" }
            $1 == o && $3 == "IN" && $4 == t {
                if (t == "MX") { sub(/IN[ \t]+MX[ \t]+[0-9]+/, "IN\tMX\t" ($5 + 10)) }
                else if (t == "TLSA") { d = tolower($NF); c = substr(d, length(d), 1); i = index(hex, c) - 1
                    x = (i % 2 == 0) ? i + 1 : i - 1; sub(/.$/, substr(hex, x + 1, 1)) }
                else next
                n++
            }
            { print > out }
            END { print n }' "$file") || return 1
        [[ $n == 1 ]] || { log "tampering with $owner $type in $zone changed $n records (must be 1)"; return 1; }
        mv "$file.tmp" "$file"
    done
}

dns_build() {
    local entry zone mode ksk zonefile
    mkdir -p "$DNS_DIR/keys" "$DNS_DIR/zones" "$DNS_DIR/xfr"
    : >"$DNS_DIR/nsd.zones.conf"
    printf 'server:\n' >"$DNS_DIR/unbound.zones.conf"
    local stubs="" stub
    for entry in "${DNS_ZONES[@]}"; do
        read -r zone mode <<<"$entry"
        cp "$DNS_ZONE_SRC/$zone.zone" "$DNS_DIR/zones/$zone.zone"
        if [[ -n ${CA_TLSA_DIR:-} && -s $CA_TLSA_DIR/$zone.zone ]]; then
            cat "$CA_TLSA_DIR/$zone.zone" >>"$DNS_DIR/zones/$zone.zone" || return 1
        fi
        if [[ $mode == unsigned ]]; then
            zonefile=$zone.zone
        else
            ksk=$(dns_sign_zone "$zone" "$mode") || { log "signing $zone failed"; return 1; }
            zonefile=$zone.signed
            printf '    trust-anchor-file: "%s"\n' "$DNS_DIR/keys/$ksk.ds" >>"$DNS_DIR/unbound.zones.conf"
        fi
        printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n\n' "$zone" "$zonefile" >>"$DNS_DIR/nsd.zones.conf"
        printf -v stub 'stub-zone:\n    name: "%s"\n    stub-addr: %s@%s\n\n' "$zone" "$DNS_NSD_ADDR" "$DNS_NSD_PORT"
        stubs+=$stub
    done
    for zone in "${DNS_UNSERVED_CHILDREN[@]}"; do
        printf -v stub 'stub-zone:\n    name: "%s"\n    stub-addr: %s@%s\n\n' "$zone" "$DNS_NSD_ADDR" "$DNS_NSD_PORT"
        stubs+=$stub
    done
    printf '\n%s' "$stubs" >>"$DNS_DIR/unbound.zones.conf"

    if dns_port53_wanted; then
        echo yes >"$DNS_DIR/port53"
        printf 'server:\n    interface: %s@53\n' "$DNS_PORT53_ADDR" >"$DNS_DIR/unbound.interfaces.conf"
    else
        echo no >"$DNS_DIR/port53"
        printf '# port 53 listener disabled (not root or STOCKADE_LAB_PORT53=no)\n' >"$DNS_DIR/unbound.interfaces.conf"
        warn "not listening on $DNS_PORT53_ADDR:53 (not root, or STOCKADE_LAB_PORT53=no; STOCKADE_LAB_PORT53=yes forces it)"
    fi
    printf 'nameserver %s\noptions edns0 trust-ad\n' "$DNS_PORT53_ADDR" >"$RUN_DIR/resolv.conf"

    render "$DNS_CONF_SRC/nsd.conf.in" "$DNS_DIR/nsd.conf" \
        DNS_DIR="$DNS_DIR" NSD_ADDR=$DNS_NSD_ADDR NSD_PORT=$DNS_NSD_PORT || return 1
    render "$DNS_CONF_SRC/unbound.conf.in" "$DNS_DIR/unbound.conf" \
        DNS_DIR="$DNS_DIR" UNBOUND_ADDR=$DNS_UNBOUND_ADDR UNBOUND_PORT=$DNS_UNBOUND_PORT || return 1
    nsd-checkconf "$DNS_DIR/nsd.conf" >&2 || { log "nsd-checkconf failed"; return 1; }
    unbound-checkconf "$DNS_DIR/unbound.conf" >/dev/null || { log "unbound-checkconf failed"; return 1; }
}

# ---------------------------------------------------------------- lifecycle
dns_up() {
    need_cmd nsd nsd-checkconf unbound unbound-checkconf ldns-keygen ldns-signzone dig || return 1
    dns_build || return 1

    run_daemon nsd -c "$DNS_DIR/nsd.conf" 2>"$DNS_DIR/nsd.start.err" \
        || { log "nsd failed to start"; cat "$DNS_DIR/nsd.start.err" >&2; return 1; }
    wait_pidfile "$DNS_DIR/nsd.pid" 10 >/dev/null || { log "nsd wrote no pid file"; return 1; }
    local i ok=
    for ((i = 0; i < 100; i++)); do   # up to ~10 s for nsd to load the zones
        if dns_query $DNS_NSD_ADDR $DNS_NSD_PORT secure.test SOA +norec +time=1 && [[ $Q_STATUS == NOERROR ]]; then ok=1; break; fi
        sleep 0.1
    done
    [[ -n $ok ]] || { log "nsd does not answer on $DNS_NSD_ADDR:$DNS_NSD_PORT"; return 1; }

    run_daemon unbound -c "$DNS_DIR/unbound.conf" 2>"$DNS_DIR/unbound.start.err" \
        || { log "unbound failed to start"; cat "$DNS_DIR/unbound.start.err" >&2; return 1; }
    wait_pidfile "$DNS_DIR/unbound.pid" 10 >/dev/null || { log "unbound wrote no pid file"; return 1; }
    ok=
    for ((i = 0; i < 100; i++)); do
        if dns_query $DNS_UNBOUND_ADDR $DNS_UNBOUND_PORT secure.test SOA +time=1 && [[ -n $Q_STATUS ]]; then ok=1; break; fi
        sleep 0.1
    done
    [[ -n $ok ]] || { log "unbound does not answer on $DNS_UNBOUND_ADDR:$DNS_UNBOUND_PORT"; return 1; }
}

# dns_fail MESSAGE: report a failed check with the dig output of the last dns_query.
dns_fail() { log "check failed: $1"; printf '%s\n' "$Q_OUT" >&2; return 1; }

dns_verify() {
    local entry zone mode
    # nsd: authoritative SOA for every zone
    for entry in "${DNS_ZONES[@]}"; do
        read -r zone mode <<<"$entry"
        dns_query $DNS_NSD_ADDR $DNS_NSD_PORT "$zone" SOA +norec || { dns_fail "nsd SOA $zone: no answer"; return 1; }
        [[ $Q_STATUS == NOERROR ]] && has_flag aa && grep -q '^SOA ' <<<"$Q_ANSWER" \
            || { dns_fail "nsd SOA $zone (status $Q_STATUS, flags$Q_FLAGS)"; return 1; }
    done
    local u=$DNS_UNBOUND_ADDR p=$DNS_UNBOUND_PORT
    # secure: AD and the right data
    dns_query $u $p www.secure.test A +dnssec || { dns_fail "unbound www.secure.test A: no answer"; return 1; }
    [[ $Q_STATUS == NOERROR ]] && has_flag ad && grep -qx 'A 127.0.1.10' <<<"$Q_ANSWER" \
        || { dns_fail "www.secure.test A must be NOERROR with AD and 127.0.1.10"; return 1; }
    dns_query $u $p www.nsec3.test A +dnssec || { dns_fail "unbound www.nsec3.test A: no answer"; return 1; }
    [[ $Q_STATUS == NOERROR ]] && has_flag ad && grep -qx 'A 127.0.4.1' <<<"$Q_ANSWER" \
        || { dns_fail "www.nsec3.test A must be NOERROR with AD and 127.0.4.1"; return 1; }
    # insecure: answer without AD
    dns_query $u $p www.insecure.test A +dnssec || { dns_fail "unbound www.insecure.test A: no answer"; return 1; }
    [[ $Q_STATUS == NOERROR ]] && ! has_flag ad && grep -qx 'A 127.0.3.1' <<<"$Q_ANSWER" \
        || { dns_fail "www.insecure.test A must be NOERROR without AD"; return 1; }
    # bogus and expired: SERVFAIL
    dns_query $u $p www.bogus.test A +dnssec || { dns_fail "unbound www.bogus.test A: no answer"; return 1; }
    [[ $Q_STATUS == SERVFAIL ]] || { dns_fail "www.bogus.test A must be SERVFAIL"; return 1; }
    dns_query $u $p www.expired.test A +dnssec || { dns_fail "unbound www.expired.test A: no answer"; return 1; }
    [[ $Q_STATUS == SERVFAIL ]] || { dns_fail "www.expired.test A must be SERVFAIL"; return 1; }
    # big answer: truncated over UDP at 1232 bytes, complete over TCP
    dns_query $u $p big.secure.test TXT +dnssec +bufsize=1232 +notcp +ignore || { dns_fail "big.secure.test over UDP: no answer"; return 1; }
    has_flag tc || { dns_fail "big.secure.test TXT +dnssec over UDP (1232) must set TC"; return 1; }
    dns_query $u $p big.secure.test TXT +dnssec +tcp || { dns_fail "big.secure.test over TCP: no answer"; return 1; }
    [[ $Q_STATUS == NOERROR ]] && has_flag ad && [[ $(grep -c '^TXT ' <<<"$Q_ANSWER") -eq 1 ]] \
        || { dns_fail "big.secure.test TXT over TCP must be complete with AD"; return 1; }
    # second listener for resolv.conf readers
    if dns_port53_enabled; then
        dns_query $DNS_PORT53_ADDR 53 www.secure.test A +dnssec || { dns_fail "unbound on $DNS_PORT53_ADDR:53: no answer"; return 1; }
        [[ $Q_STATUS == NOERROR ]] && has_flag ad || { dns_fail "www.secure.test A via $DNS_PORT53_ADDR:53 must have AD"; return 1; }
    fi
}

dns_down() {
    # both at once (each takes 1.5-2 s to exit); returns when both processes are gone
    stop_pidfiles 15 \
        "$DNS_DIR/unbound.pid" unbound "$DNS_DIR/unbound.conf" \
        "$DNS_DIR/nsd.pid" nsd "$DNS_DIR/nsd.conf"
}

dns_status() {
    local rc=0
    if dns_query $DNS_NSD_ADDR $DNS_NSD_PORT secure.test SOA +norec +time=1 && [[ $Q_STATUS == NOERROR ]]; then
        log "nsd     $DNS_NSD_ADDR:$DNS_NSD_PORT answers"
    else log "nsd     $DNS_NSD_ADDR:$DNS_NSD_PORT does NOT answer"; rc=1; fi
    if dns_query $DNS_UNBOUND_ADDR $DNS_UNBOUND_PORT www.secure.test A +time=1 && [[ $Q_STATUS == NOERROR ]]; then
        log "unbound $DNS_UNBOUND_ADDR:$DNS_UNBOUND_PORT answers"
    else log "unbound $DNS_UNBOUND_ADDR:$DNS_UNBOUND_PORT does NOT answer"; rc=1; fi
    return $rc
}

dns_env() {
    env_line STOCKADE_RESOLVER "$DNS_UNBOUND_ADDR:$DNS_UNBOUND_PORT"
    env_line STOCKADE_LAB_AUTH "$DNS_NSD_ADDR:$DNS_NSD_PORT"
    if dns_port53_enabled; then
        env_line STOCKADE_LAB_RESOLV_CONF "$RUN_DIR/resolv.conf"
    fi
}

dns_logs() {
    [[ -s $DNS_DIR/nsd.start.err ]] && tail_log "nsd startup" "$DNS_DIR/nsd.start.err"
    [[ -s $DNS_DIR/unbound.start.err ]] && tail_log "unbound startup" "$DNS_DIR/unbound.start.err"
    tail_log nsd "$DNS_DIR/nsd.log"
    tail_log unbound "$DNS_DIR/unbound.log"
}
