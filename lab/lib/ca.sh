# shellcheck shell=bash
# The ca component of the lab: a lab root CA (EC P-256) and one leaf certificate per lab HTTPS host,
# plus deliberately bad ones (wrong host, self-signed, expired). Sourced by lab/lab.sh; runs before dns.
# No daemon: _down and _logs have nothing to do.
#
# Interface: ca_up, ca_verify, ca_down, ca_env, ca_status, ca_logs.

CA_DIR=$RUN_DIR/ca

# Every lab HTTPS host, one line each: "NAME KIND". https.sh serves exactly these names (SNI picks the
# certificate by NAME), so adding a host is one line here + its address record in lab/zones/.
# KIND:
#   leaf          signed by the lab CA, SAN = NAME, valid from `up` for 1 year      (the good case)
#   wrong:OTHER   signed by the lab CA and valid, but SAN = OTHER                   (hostname mismatch)
#   selfsigned    self-signed, SAN = NAME                                           (untrusted issuer)
#   expired       signed by the lab CA, SAN = NAME, valid 2020-01-01..2020-02-01   (expired)
LAB_HTTPS_HOSTS=(
    "good.web.test leaf"
    "alias.web.test leaf"                   # reached through CNAME alias.web.test -> good.web.test
    "dual.web.test leaf"                    # two A records, only one of them listens
    "wronghost.web.test wrong:other.web.test"
    "selfsigned.web.test selfsigned"
    "expired.web.test expired"
    # WKD (advanced needs openpgpkey.<domain>, direct the domain itself)
    "adv.web.test leaf"
    "openpgpkey.adv.web.test leaf"
    "direct.web.test leaf"
    # Stockade's own WKD server (tests start `stockade serve` with TLS on 127.0.9.1:443): a provider domain
    # reached by the advanced method and a hosted domain by the direct method.
    "openpgpkey.provider.web.test leaf"
    "provider.web.test leaf"
    "hosted.web.test leaf"
    # the STARTTLS certificate of the lab SMTP sink (lab/lib/smtp.sh); https.sh serves it too, harmlessly
    "smtp.web.test leaf"
    # MTA-STS policy hosts (RFC 8461 §3.3), one domain per case; policies under lab/https/www/mta-sts.*/
    "mta-sts.enforce.web.test leaf"
    "mta-sts.testing.web.test leaf"
    "mta-sts.none.web.test leaf"
    "mta-sts.notxt.web.test leaf"
    "mta-sts.twotxt.web.test leaf"
    "mta-sts.badid.web.test leaf"
    "mta-sts.redirect.web.test leaf"
    "mta-sts.missing.web.test leaf"
    "mta-sts.oversized.web.test leaf"
    "mta-sts.slow.web.test leaf"
    "mta-sts.changed.web.test leaf"
    "mta-sts.danests.web.test leaf"
    "mta-sts.wrongcert.web.test wrong:other.web.test"
    "mta-sts.selfsignedsts.web.test selfsigned"
    # MTA-STS policy host of the DANE lab's sts.dane.test (no TLSA there: MTA-STS enforce + PKIX with the lab CA)
    "mta-sts.sts.dane.test leaf"
)

# The DANE-for-SMTP MX hosts (RFC 7672), served by the Postfix smtpd listeners of lab/lib/mta.sh (not by https.sh).
# Same kinds as above. Their TLSA records are computed from these certificates at every `up` (CA_TLSA_RECORDS).
LAB_MTA_HOSTS=(
    "mx.ee.dane.test leaf"                  # 127.0.7.1  DANE-EE 3 1 1
    "mx.ta.dane.test leaf"                  # 127.0.7.2  DANE-TA 2 0 1 (server sends leaf + lab CA)
    "mx.takey.dane.test leaf"               # 127.0.7.10 DANE-TA 2 1 0 with the CA key in the record (leaf only)
    "mx.mismatch.dane.test leaf"            # 127.0.7.3  TLSA names another key
    "mx.expired.dane.test expired"          # 127.0.7.4  expired, DANE-EE still validates
    "mx.unusable.dane.test leaf"            # 127.0.7.5  only unusable TLSA records
    "mx.nostarttls.dane.test leaf"          # 127.0.7.6  NOT served (no STARTTLS there); only its TLSA is published
    "mx.bogus.dane.test leaf"               # 127.0.7.7  TLSA tampered after signing
    "target.cname.dane.test leaf"           # 127.0.7.9  reached through CNAME mx.cname.dane.test
    "mx.daneless.insecure.test leaf"        # 127.0.7.8  TLSA in an unsigned zone (ignored)
    "mx.sts.dane.test leaf"                 # 127.0.7.11 no TLSA, MTA-STS enforce
)

# Rollover material (not served, not in DNS): kind "renew:BASE" = a new certificate from the lab CA with BASE's
# key and SAN; "wrong:BASE" under another file name = a new key with BASE as SAN. Made after LAB_MTA_HOSTS.
LAB_MTA_ROLLOVER=(
    "mx.ee.dane.test.renewed renew:mx.ee.dane.test"
    "mx.ee.dane.test.newkey wrong:mx.ee.dane.test"
)

# The generated TLSA records, one line each: "ZONE OWNER USAGE SELECTOR MTYPE DATA-FORM". lab/lib/dns.sh appends
# $CA_DIR/tlsa/ZONE.zone (written by ca_tlsa) to its copy of lab/zones/ZONE.zone before signing.
# DATA-FORM (NAME is a file $CA_DIR/NAME.pem, or NAME.key for dane-other, a key made only for this):
#   spki256:NAME     sha256 of NAME's SubjectPublicKeyInfo (DER)
#   spki256/16:NAME  its first 16 bytes only (wrong length for matching type 1)
#   cert256:NAME     sha256 of NAME's certificate (DER)
#   spki:NAME        the full SubjectPublicKeyInfo DER in hex (matching type 0)
CA_TLSA_RECORDS=(
    "dane.test _25._tcp.mx.ee.dane.test. 3 1 1 spki256:mx.ee.dane.test"
    "dane.test _25._tcp.mx.ta.dane.test. 2 0 1 cert256:ca"
    "dane.test _25._tcp.mx.takey.dane.test. 2 1 0 spki:ca"
    "dane.test _25._tcp.mx.mismatch.dane.test. 3 1 1 spki256:dane-other"
    "dane.test _25._tcp.mx.expired.dane.test. 3 1 1 spki256:mx.expired.dane.test"
    "dane.test _25._tcp.mx.unusable.dane.test. 1 1 1 spki256:mx.unusable.dane.test"
    "dane.test _25._tcp.mx.unusable.dane.test. 0 0 1 cert256:ca"
    "dane.test _25._tcp.mx.unusable.dane.test. 3 1 1 spki256/16:mx.unusable.dane.test"
    "dane.test _25._tcp.mx.unusable.dane.test. 3 1 3 spki256:mx.unusable.dane.test"
    "dane.test _25._tcp.mx.nostarttls.dane.test. 3 1 1 spki256:mx.nostarttls.dane.test"
    "dane.test _25._tcp.mx.bogus.dane.test. 3 1 1 spki256:mx.bogus.dane.test"
    "dane.test _25._tcp.target.cname.dane.test. 3 1 1 spki256:target.cname.dane.test"
    "dane.test _25._tcp.mx.cname.dane.test. 3 1 1 spki256:dane-other"
    "insecure.test _25._tcp.mx.daneless.insecure.test. 3 1 1 spki256:mx.daneless.insecure.test"
)
CA_TLSA_DIR=$CA_DIR/tlsa

# ca_openssl_conf FILE: a minimal config for `openssl req` and `openssl ca` (nothing from the system's).
ca_openssl_conf() {
    cat >"$1" <<CNF
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ ca ]
default_ca = lab
[ lab ]
database        = $CA_DIR/db/index.txt
new_certs_dir   = $CA_DIR/db
serial          = $CA_DIR/db/serial
certificate     = $CA_DIR/ca.pem
private_key     = $CA_DIR/ca.key
default_md      = sha256
policy          = any
unique_subject  = no
copy_extensions = none
[ any ]
commonName = supplied
CNF
}

# ca_issue NAME KIND: writes $CA_DIR/NAME.{key,pem} (one or two openssl runs; `req -x509 -CA` needs OpenSSL >= 3.0)
ca_issue() {
    local name=$1 kind=$2 san=$1 key=$CA_DIR/$1.key pem=$CA_DIR/$1.pem cnf=$CA_DIR/tmp/$1.cnf csr=$CA_DIR/tmp/$1.csr
    local logf=$CA_DIR/tmp/$1.log
    [[ $kind == wrong:* || $kind == renew:* ]] && san=${kind#*:}
    { cat "$CA_DIR/openssl.cnf"; ca_leaf_ext "$san"; } >"$cnf"
    local req=(openssl req -config "$cnf" -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$key" -subj "/CN=$san")
    case $kind in
        selfsigned)
            "${req[@]}" -x509 -days 365 -extensions leaf -out "$pem" 2>>"$logf" ;;
        renew:*)   # same key as the base certificate (files $CA_DIR/BASE.key), new serial and validity
            openssl req -config "$cnf" -new -key "$CA_DIR/$san.key" -subj "/CN=$san" -x509 -CA "$CA_DIR/ca.pem" \
                -CAkey "$CA_DIR/ca.key" -set_serial "$(ca_serial)" -days 365 -extensions leaf -out "$pem" 2>>"$logf" ;;
        leaf|wrong:*)
            "${req[@]}" -x509 -CA "$CA_DIR/ca.pem" -CAkey "$CA_DIR/ca.key" -set_serial "$(ca_serial)" -days 365 \
                -extensions leaf -out "$pem" 2>>"$logf" ;;
        expired)
            # `openssl ca` is the only OpenSSL 3.0 command that takes an arbitrary start date
            "${req[@]}" -out "$csr" 2>>"$logf" \
                && ca_db_locked openssl ca -config "$cnf" -batch -notext -in "$csr" -out "$pem" \
                    -startdate 20200101000000Z -enddate 20200201000000Z -extensions leaf 2>>"$logf" ;;
        *) log "unknown certificate kind $kind for $name"; return 1 ;;
    esac
}

# ca_db_locked CMD...: run CMD holding a lock on the `openssl ca` database (expired certificates are made in parallel)
ca_db_locked() {
    if command -v flock >/dev/null 2>&1; then flock "$CA_DIR/db/lock" "$@" 9<&-; else "$@"; fi
}

# ca_serial: a random positive 64-bit serial in hex
ca_serial() { printf '0x%04x%04x%04x%04x\n' $((RANDOM % 32768 + 1)) $RANDOM $RANDOM $RANDOM; }

# ca_leaf_ext SAN: the [ leaf ] extension section (server auth, SAN = DNS name)
ca_leaf_ext() {
    printf '[ leaf ]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:%s\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n' "$1"
}

# ca_issue_all "NAME KIND"...: ca_issue for each entry, all at once (each is one or two short openssl runs)
ca_issue_all() {
    local entry name kind pids=() failed=0 i entries=("$@")
    for entry in "${entries[@]}"; do
        read -r name kind <<<"$entry"
        ca_issue "$name" "$kind" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        if ! wait "${pids[i]}"; then
            log "cannot issue the certificate for ${entries[i]}"; failed=1
        fi
    done
    return $failed
}

# ca_tlsa_data FORM: the TLSA certificate-association data in hex for a DATA-FORM of CA_TLSA_RECORDS, from the
# DER files ca_tlsa made ($CA_TLSA_DIR/NAME.spki.der, NAME.cert.der)
ca_tlsa_data() {
    local form=$1 name=${1#*:} hex
    case $form in
        spki256:*)    hex=$(sha256sum <"$CA_TLSA_DIR/$name.spki.der") ;;
        spki256/16:*) hex=$(sha256sum <"$CA_TLSA_DIR/$name.spki.der"); hex=${hex:0:32} ;;
        cert256:*)    hex=$(sha256sum <"$CA_TLSA_DIR/$name.cert.der") ;;
        spki:*)       hex=$(od -An -v -tx1 <"$CA_TLSA_DIR/$name.spki.der" | tr -d ' \n') ;;
        *) log "unknown TLSA data form $form"; return 1 ;;
    esac
    hex=${hex%% *}
    [[ $hex =~ ^[0-9a-f]+$ ]] || { log "no TLSA data for $form"; return 1; }
    echo "$hex"
}

# ca_tlsa: writes $CA_TLSA_DIR/ZONE.zone for every zone in CA_TLSA_RECORDS (appended to the zone by dns_build).
# The DER inputs first, all at once (SPKI from NAME.key: the same as the certificate's), then the records.
ca_tlsa() {
    local entry zone owner usage sel mtype form data name pids=() pid rc=0
    mkdir -p "$CA_TLSA_DIR" || return 1
    for entry in "${CA_TLSA_RECORDS[@]}"; do
        read -r zone owner usage sel mtype form <<<"$entry"
        name=${form#*:}
        case $form in
            cert256:*) [[ -e $CA_TLSA_DIR/$name.cert.der ]] && continue; : >"$CA_TLSA_DIR/$name.cert.der"
                       openssl x509 -in "$CA_DIR/$name.pem" -outform DER -out "$CA_TLSA_DIR/$name.cert.der" & ;;
            *)         [[ -e $CA_TLSA_DIR/$name.spki.der ]] && continue; : >"$CA_TLSA_DIR/$name.spki.der"
                       openssl pkey -in "$CA_DIR/$name.key" -pubout -outform DER -out "$CA_TLSA_DIR/$name.spki.der" & ;;
        esac
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    ((rc == 0)) || return 1
    for entry in "${CA_TLSA_RECORDS[@]}"; do
        read -r zone owner usage sel mtype form <<<"$entry"
        data=$(ca_tlsa_data "$form") || return 1
        [[ -s $CA_TLSA_DIR/$zone.zone ]] \
            || printf '; TLSA records computed by lab/lib/ca.sh (CA_TLSA_RECORDS) from this run'"'"'s certificates\n' \
                >"$CA_TLSA_DIR/$zone.zone"
        printf '; %s\n%s 300 IN TLSA %s %s %s %s\n' "$form" "$owner" "$usage" "$sel" "$mtype" "$data" >>"$CA_TLSA_DIR/$zone.zone"
    done
}

ca_up() {
    need_cmd openssl || return 1
    mkdir -p "$CA_DIR/db" "$CA_DIR/tmp" || return 1
    : >"$CA_DIR/db/index.txt"
    ca_serial | sed "s/^0x//" >"$CA_DIR/db/serial"
    ca_openssl_conf "$CA_DIR/openssl.cnf"
    openssl req -config "$CA_DIR/openssl.cnf" -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$CA_DIR/ca.key" -out "$CA_DIR/ca.pem" -days 3650 -subj "/CN=Stockade Lab CA/O=Stockade lab" \
        -extensions ca_ext 2>>"$CA_DIR/openssl.log" || { log "cannot create the lab CA"; return 1; }
    local failed=0
    ca_issue_all "${LAB_HTTPS_HOSTS[@]}" "${LAB_MTA_HOSTS[@]}" || failed=1
    if ((failed == 0)); then   # these need keys made above; dane-other is a bare key for "some other key's SPKI"
        ca_issue_all "${LAB_MTA_ROLLOVER[@]}" || failed=1
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CA_DIR/dane-other.key" 2>>"$CA_DIR/openssl.log" \
            || failed=1
    fi
    cat "$CA_DIR"/tmp/*.log >>"$CA_DIR/openssl.log" 2>/dev/null
    ((failed == 0)) || return 1
    ca_tlsa || { log "cannot compute the TLSA records"; return 1; }
    # for peers that only read the system bundle (GnuPG's dirmngr): system roots + the lab CA
    { [[ -r /etc/ssl/certs/ca-certificates.crt ]] && cat /etc/ssl/certs/ca-certificates.crt; cat "$CA_DIR/ca.pem"; } \
        >"$CA_DIR/bundle.pem"
    rm -rf "$CA_DIR/tmp"
}

ca_verify() {
    # one openssl run for all: the good ones must verify against the lab CA, the bad ones must not
    local entry name kind out rc=0 all=("${LAB_HTTPS_HOSTS[@]}" "${LAB_MTA_HOSTS[@]}" "${LAB_MTA_ROLLOVER[@]}")
    out=$(cd "$CA_DIR" && openssl verify -CAfile ca.pem -- $(printf '%s.pem ' "${all[@]%% *}") 2>&1)
    for entry in "${all[@]}"; do
        read -r name kind <<<"$entry"
        case $kind in
            leaf|wrong:*|renew:*) grep -qxF "$name.pem: OK" <<<"$out" || { log "check failed: $name.pem must verify"; rc=1; } ;;
            *)            ! grep -qxF "$name.pem: OK" <<<"$out" || { log "check failed: $name.pem ($kind) must NOT verify"; rc=1; } ;;
        esac
    done
    ((rc == 0)) || printf '%s\n' "$out" >&2
    return $rc
}

ca_down() { :; }

ca_status() {
    if [[ -s $CA_DIR/ca.pem ]]; then log "ca      $CA_DIR/ca.pem present"
    else log "ca      no lab CA (run lab/lab.sh up)"; return 1; fi
}

ca_env() {
    env_line STOCKADE_LAB_CA "$CA_DIR/ca.pem"
    env_line STOCKADE_LAB_CA_BUNDLE "$CA_DIR/bundle.pem"
}

ca_logs() { [[ -s $CA_DIR/openssl.log ]] && tail_log openssl "$CA_DIR/openssl.log"; return 0; }
