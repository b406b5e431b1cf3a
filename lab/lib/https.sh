# shellcheck shell=bash
# The https component of the lab: one Python 3 process (lab/https/server.py) serving HTTPS on
# 127.0.8.1 and 127.0.8.2, choosing each host's certificate from lab/run/ca/ by SNI. The hosts are
# LAB_HTTPS_HOSTS in lab/lib/ca.sh. Sourced by lab/lab.sh; runs after ca and dns.
#
# Interface: https_up, https_verify, https_down, https_env, https_status, https_logs.

HTTPS_DIR=$RUN_DIR/https
HTTPS_SRC=$LAB_DIR/https
HTTPS_ADDRS=(127.0.8.1 127.0.8.2)
HTTPS_DEFAULT_HOST=good.web.test      # certificate for a missing or unknown SNI name

# Port 443 needs root (or CAP_NET_BIND_SERVICE); otherwise 8443. STOCKADE_LAB_HTTPS_PORT forces one.
https_port_wanted() {
    if [[ -n ${STOCKADE_LAB_HTTPS_PORT:-} ]]; then echo "$STOCKADE_LAB_HTTPS_PORT"
    elif [[ $(id -u) -eq 0 ]]; then echo 443
    else echo 8443; fi
}
https_port() { if [[ -s $HTTPS_DIR/port ]]; then cat "$HTTPS_DIR/port"; else https_port_wanted; fi; }

https_python() {
    if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

https_up() {
    local py port entry name kind addr
    need_cmd setsid || return 1
    py=$(https_python) || { log "python3 is missing"; return 1; }
    port=$(https_port_wanted)
    mkdir -p "$HTTPS_DIR/www" || return 1
    echo "$port" >"$HTTPS_DIR/port"
    {
        printf '# rendered by lab/lib/https.sh\n'
        for addr in "${HTTPS_ADDRS[@]}"; do printf 'listen %s %s\n' "$addr" "$port"; done
        printf 'root %s\nroot %s\n' "$HTTPS_DIR/www" "$HTTPS_SRC/www"
        for entry in "${LAB_HTTPS_HOSTS[@]}"; do
            read -r name kind <<<"$entry"
            printf 'host %s %s %s\n' "$name" "$CA_DIR/$name.pem" "$CA_DIR/$name.key"
            mkdir -p "$HTTPS_DIR/www/$name"
        done
        printf 'default %s\npidfile %s\n' "$HTTPS_DEFAULT_HOST" "$HTTPS_DIR/server.pid"
    } >"$HTTPS_DIR/server.conf"
    start_python_daemon "$py" "$HTTPS_SRC/server.py" "$HTTPS_DIR/server.conf" "$HTTPS_DIR/server.log" "$HTTPS_DIR/server.pid" \
        || { log "the HTTPS server wrote no pid file (it writes it once every socket is bound)"; return 1; }
}

# https_handshake NAME ADDR: 0 when a TLS handshake for NAME verifies against the lab CA (openssl, no curl).
https_handshake() {
    local out
    out=$(openssl s_client -connect "$2:$(https_port)" -servername "$1" -verify_hostname "$1" -verify_return_error \
        -CAfile "$CA_DIR/ca.pem" </dev/null 2>&1)
    [[ $out == *"Verify return code: 0 (ok)"* ]]
}

https_verify() {
    local entry name kind port tmp=$HTTPS_DIR/verify.tmp rc=0 args=() expect=() out line
    port=$(https_port)
    if ! command -v curl >/dev/null 2>&1; then
        https_handshake good.web.test 127.0.8.1 || { log "check failed: TLS with good.web.test"; rc=1; }
        https_handshake wronghost.web.test 127.0.8.2 && { log "check failed: wronghost.web.test must not verify"; rc=1; }
        return $rc
    fi
    # one curl run, one line per URL: "URL HTTP-STATUS CURL-EXIT-CODE" (60: certificate problem)
    args=(--resolve "good.web.test:$port:127.0.8.1" -o "$tmp" "https://good.web.test:$port/hello.txt"
          --resolve "good.web.test:$port:127.0.8.2" -o /dev/null "https://good.web.test:$port/status/404")
    expect=("https://good.web.test:$port/hello.txt 200 0" "https://good.web.test:$port/status/404 404 0")
    for entry in "${LAB_HTTPS_HOSTS[@]}"; do
        read -r name kind <<<"$entry"
        [[ $kind == leaf ]] && continue
        args+=(--resolve "$name:$port:127.0.8.2" -o /dev/null "https://$name:$port/hello.txt")
        expect+=("https://$name:$port/hello.txt 000 60")
    done
    out=$(curl -sS --max-time 3 --cacert "$CA_DIR/ca.pem" -w '%{url_effective} %{http_code} %{exitcode}\n' "${args[@]}" \
        2>"$HTTPS_DIR/curl.err")
    for line in "${expect[@]}"; do
        grep -qxF "$line" <<<"$out" || { log "check failed: expected \"$line\""; rc=1; }
    done
    cmp -s "$tmp" "$HTTPS_SRC/www/good.web.test/hello.txt" || { log "check failed: body of good.web.test/hello.txt"; rc=1; }
    ((rc == 0)) || { printf '%s\n' "$out" >&2; cat "$HTTPS_DIR/curl.err" >&2; }
    rm -f "$tmp"
    return $rc
}

https_down() { stop_pidfiles 5 "$HTTPS_DIR/server.pid" server.py "$HTTPS_DIR/server.conf"; }

https_status() {
    local pid
    pid=$(cat "$HTTPS_DIR/server.pid" 2>/dev/null)
    if [[ -n $pid ]] && pid_matches "$pid" server.py "$HTTPS_DIR/server.conf"; then
        log "https   ${HTTPS_ADDRS[*]} port $(https_port) serving (pid $pid)"
    else log "https   server NOT running"; return 1; fi
}

https_env() {
    env_line STOCKADE_LAB_HTTPS_PORT "$(https_port)"
    env_line STOCKADE_LAB_HTTPS_ROOT "$HTTPS_DIR/www"
}

https_logs() { tail_log https "$HTTPS_DIR/server.log"; }
