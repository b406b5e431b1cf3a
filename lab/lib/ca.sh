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
)

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
    [[ $kind == wrong:* ]] && san=${kind#wrong:}
    { cat "$CA_DIR/openssl.cnf"; ca_leaf_ext "$san"; } >"$cnf"
    local req=(openssl req -config "$cnf" -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$key" -subj "/CN=$san")
    case $kind in
        selfsigned)
            "${req[@]}" -x509 -days 365 -extensions leaf -out "$pem" 2>>"$logf" ;;
        leaf|wrong:*)
            "${req[@]}" -x509 -CA "$CA_DIR/ca.pem" -CAkey "$CA_DIR/ca.key" -set_serial "$(ca_serial)" -days 365 \
                -extensions leaf -out "$pem" 2>>"$logf" ;;
        expired)
            # `openssl ca` is the only OpenSSL 3.0 command that takes an arbitrary start date
            "${req[@]}" -out "$csr" 2>>"$logf" \
                && openssl ca -config "$cnf" -batch -notext -in "$csr" -out "$pem" \
                    -startdate 20200101000000Z -enddate 20200201000000Z -extensions leaf 2>>"$logf" ;;
        *) log "unknown certificate kind $kind for $name"; return 1 ;;
    esac
}

# ca_serial: a random positive 64-bit serial in hex
ca_serial() { printf '0x%04x%04x%04x%04x\n' $((RANDOM % 32768 + 1)) $RANDOM $RANDOM $RANDOM; }

# ca_leaf_ext SAN: the [ leaf ] extension section (server auth, SAN = DNS name)
ca_leaf_ext() {
    printf '[ leaf ]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:%s\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n' "$1"
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
    local entry name kind pids=() failed=0 i
    for entry in "${LAB_HTTPS_HOSTS[@]}"; do   # all at once: each is one or two short openssl runs
        read -r name kind <<<"$entry"
        ca_issue "$name" "$kind" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        if ! wait "${pids[i]}"; then
            log "cannot issue the certificate for ${LAB_HTTPS_HOSTS[i]}"; failed=1
        fi
    done
    cat "$CA_DIR"/tmp/*.log >>"$CA_DIR/openssl.log" 2>/dev/null
    ((failed == 0)) || return 1
    # for peers that only read the system bundle (GnuPG's dirmngr): system roots + the lab CA
    { [[ -r /etc/ssl/certs/ca-certificates.crt ]] && cat /etc/ssl/certs/ca-certificates.crt; cat "$CA_DIR/ca.pem"; } \
        >"$CA_DIR/bundle.pem"
    rm -rf "$CA_DIR/tmp"
}

ca_verify() {
    # one openssl run for all: the good ones must verify against the lab CA, the bad ones must not
    local entry name kind out rc=0
    out=$(cd "$CA_DIR" && openssl verify -CAfile ca.pem -- $(printf '%s.pem ' "${LAB_HTTPS_HOSTS[@]%% *}") 2>&1)
    for entry in "${LAB_HTTPS_HOSTS[@]}"; do
        read -r name kind <<<"$entry"
        case $kind in
            leaf|wrong:*) grep -qxF "$name.pem: OK" <<<"$out" || { log "check failed: $name.pem must verify"; rc=1; } ;;
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
