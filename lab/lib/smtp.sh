# shellcheck shell=bash
# The smtp component of the lab: an aiosmtpd sink (lab/smtp/sink.py) on 127.0.6.25, port 2525 in plaintext (with
# PIPELINING) and port 2526 with STARTTLS (certificate smtp.web.test from lab/lib/ca.sh). AUTH PLAIN accepts the
# lab user; RCPT to @reject.test gets 550, to @tempfail.test 451. Every accepted message is written to
# lab/run/smtp/maildir/ as NAME.eml (the data) and NAME.json (the envelope). Sourced by lab/lab.sh; runs after ca.
#
# Interface: smtp_up, smtp_verify, smtp_down, smtp_env, smtp_status, smtp_logs.

SMTP_DIR=$RUN_DIR/smtp
SMTP_SRC=$LAB_DIR/smtp
SMTP_ADDR=127.0.6.25
SMTP_PORT=2525
SMTP_TLS_PORT=2526
SMTP_HOST=smtp.web.test
SMTP_USER=lab-user
SMTP_PASSWORD=lab-password

# The first python3 that has aiosmtpd (scripts/install-deps.sh installs it with pip for the python3 on PATH).
smtp_python() {
    local py
    for py in "$(command -v python3)" /usr/bin/python3; do
        [[ -x $py ]] && "$py" -c 'import aiosmtpd' 2>/dev/null && { echo "$py"; return 0; }
    done
    return 1
}

smtp_up() {
    local py
    need_cmd setsid || return 1
    py=$(smtp_python) || { log "no python3 with aiosmtpd (run scripts/install-deps.sh test)"; return 1; }
    mkdir -p "$SMTP_DIR/maildir" || return 1
    {
        printf '# rendered by lab/lib/smtp.sh\n'
        printf 'listen %s %s\n' "$SMTP_ADDR" "$SMTP_PORT"
        printf 'starttls %s %s %s %s\n' "$SMTP_ADDR" "$SMTP_TLS_PORT" "$CA_DIR/$SMTP_HOST.pem" "$CA_DIR/$SMTP_HOST.key"
        printf 'maildir %s\nuser %s %s\npidfile %s\n' "$SMTP_DIR/maildir" "$SMTP_USER" "$SMTP_PASSWORD" "$SMTP_DIR/sink.pid"
    } >"$SMTP_DIR/sink.conf"
    start_python_daemon "$py" "$SMTP_SRC/sink.py" "$SMTP_DIR/sink.conf" "$SMTP_DIR/sink.log" "$SMTP_DIR/sink.pid" \
        || { log "the SMTP sink wrote no pid file (it writes it once both sockets are bound)"; return 1; }
}

# smtp_verify: the plain port greets and takes a message end to end, and STARTTLS verifies against the lab CA.
smtp_verify() {
    local py out rc=0
    py=$(smtp_python) || return 1
    out=$("$py" - "$SMTP_ADDR" "$SMTP_PORT" "$SMTP_DIR/maildir" 2>&1 <<'PY'
import os, smtplib, sys, uuid
addr, port, maildir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
token = uuid.uuid4().hex
with smtplib.SMTP(addr, port, timeout=10) as s:
    s.ehlo("verify.web.test")
    assert s.has_extn("pipelining"), "no PIPELINING on the plain port"
    s.sendmail("verify@web.test", ["verify@web.test"], f"Subject: lab verify {token}\r\n\r\n.dot\r\n".encode())
found = [f for f in os.listdir(maildir) if f.endswith(".eml") and token.encode() in open(os.path.join(maildir, f), "rb").read()]
assert len(found) == 1, f"{len(found)} stored copies of the verification message"
data = open(os.path.join(maildir, found[0]), "rb").read()
assert data.endswith(b"\r\n.dot\r\n"), "message not stored as sent"
for suffix in (".eml", ".json"):
    os.remove(os.path.join(maildir, found[0][:-4] + suffix))
print("ok")
PY
    ) || { log "check failed: SMTP delivery on $SMTP_ADDR:$SMTP_PORT"; printf '%s\n' "$out" >&2; rc=1; }
    out=$(openssl s_client -connect "$SMTP_ADDR:$SMTP_TLS_PORT" -starttls smtp -servername "$SMTP_HOST" \
        -verify_hostname "$SMTP_HOST" -verify_return_error -CAfile "$CA_DIR/ca.pem" </dev/null 2>&1)
    [[ $out == *"Verify return code: 0 (ok)"* ]] \
        || { log "check failed: STARTTLS on $SMTP_ADDR:$SMTP_TLS_PORT"; printf '%s\n' "$out" | tail -n 5 >&2; rc=1; }
    return $rc
}

smtp_down() { stop_pidfiles 5 "$SMTP_DIR/sink.pid" sink.py "$SMTP_DIR/sink.conf"; }

smtp_status() {
    local pid
    pid=$(cat "$SMTP_DIR/sink.pid" 2>/dev/null)
    if [[ -n $pid ]] && pid_matches "$pid" sink.py "$SMTP_DIR/sink.conf"; then
        log "smtp    $SMTP_ADDR ports $SMTP_PORT (plain) and $SMTP_TLS_PORT (STARTTLS) serving (pid $pid)"
    else log "smtp    sink NOT running"; return 1; fi
}

smtp_env() {
    env_line STOCKADE_LAB_SMTP_HOST "$SMTP_ADDR"
    env_line STOCKADE_LAB_SMTP_PORT "$SMTP_PORT"
    env_line STOCKADE_LAB_SMTP_TLS_PORT "$SMTP_TLS_PORT"
    env_line STOCKADE_LAB_SMTP_TLS_NAME "$SMTP_HOST"
    env_line STOCKADE_LAB_SMTP_USER "$SMTP_USER"
    env_line STOCKADE_LAB_SMTP_PASSWORD "$SMTP_PASSWORD"
    env_line STOCKADE_LAB_SMTP_MAILDIR "$SMTP_DIR/maildir"
}

smtp_logs() { tail_log smtp "$SMTP_DIR/sink.log"; }
