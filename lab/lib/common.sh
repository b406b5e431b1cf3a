# shellcheck shell=bash
# Shared helpers for lab/lab.sh and its components (sourced, not executed).
# Expects LAB_DIR (absolute lab/) and RUN_DIR (absolute lab/run) to be set by lab.sh.

log()  { printf 'lab: %s\n' "$*" >&2; }
warn() { printf 'lab: warning: %s\n' "$*" >&2; }

# now_ms: milliseconds since the epoch (for timing messages)
now_ms() { date +%s%3N; }

need_cmd() {
    local c missing=()
    for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
    if ((${#missing[@]})); then
        printf 'lab: missing commands: %s (run scripts/install-lab-deps.sh)\n' "${missing[*]}" >&2
        return 1
    fi
}

# run_daemon CMD...: start a daemon (which forks into the background) without the lab lock's file
# descriptor, so the daemon does not keep holding the lock after lab.sh exits.
run_daemon() { "$@" 9<&-; }

# render TEMPLATE OUT KEY=VALUE...: replace every @KEY@ in TEMPLATE by VALUE (single-line values).
render() {
    local tmpl=$1 out=$2 kv key val expr=()
    shift 2
    for kv in "$@"; do
        key=${kv%%=*}; val=${kv#*=}
        val=${val//\\/\\\\}; val=${val//|/\\|}; val=${val//&/\\&}
        expr+=(-e "s|@${key}@|${val}|g")
    done
    sed "${expr[@]}" "$tmpl" >"$out"
    if grep -q '@[A-Z_][A-Z0-9_]*@' "$out"; then
        log "unrendered placeholder in $out:"; grep -n '@[A-Z_][A-Z0-9_]*@' "$out" >&2
        return 1
    fi
}

# pid_matches PID NAME CONF: true if PID is alive, its executable is NAME and its command line
# mentions CONF (so a stale pid file can never make us signal an unrelated process).
pid_matches() {
    local pid=$1 name=$2 conf=$3 cmd
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ -r /proc/$pid/cmdline ]] || return 0   # no procfs: trust kill -0
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$name"* && $cmd == *"$conf"* ]]
}

# pid_running PID: true while PID is alive and not a zombie. A daemon that exited stays a zombie until its
# parent reaps it; started by lab.sh (which has exited) its parent is PID 1, which here reaps only about
# once a second, so waiting on `kill -0` alone would add ~1-2 s to every stop.
pid_running() {
    kill -0 "$1" 2>/dev/null || return 1
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }   # the fields after "(comm) "; the first is the state
    [[ ${stat%% *} != Z ]]
}

# stop_pidfiles TIMEOUT_S PIDFILE NAME CONF [PIDFILE NAME CONF]...: SIGTERM every process whose PID is in a PIDFILE
# (only if it is still NAME started with CONF), then wait until all are gone; SIGKILL the ones still
# alive after TIMEOUT_S. Signalling all first lets them shut down in parallel (nsd and unbound
# each take 1.5-2 s). Safe when the files or processes do not exist.
stop_pidfiles() {
    local timeout=$1 spec pidfile name conf pid i alive pids=()
    shift
    while (($# >= 3)); do
        pidfile=$1 name=$2 conf=$3
        shift 3
        [[ -f $pidfile ]] || continue
        pid=$(head -n1 "$pidfile" 2>/dev/null | tr -dc '0-9')
        if [[ -n $pid ]] && pid_matches "$pid" "$name" "$conf"; then
            kill -TERM "$pid" 2>/dev/null && pids+=("$pid:$name")
        fi
        rm -f "$pidfile"
    done
    ((${#pids[@]})) || return 0
    for ((i = 0; i < timeout * 50; i++)); do
        alive=0
        for spec in "${pids[@]}"; do pid_running "${spec%%:*}" && alive=1; done
        ((alive)) || return 0
        sleep 0.02
    done
    for spec in "${pids[@]}"; do
        if pid_running "${spec%%:*}"; then
            warn "${spec#*:} (pid ${spec%%:*}) did not exit after ${timeout}s, sending SIGKILL"
            kill -KILL "${spec%%:*}" 2>/dev/null || true
        fi
    done
    sleep 0.2
}

# start_python_daemon PYTHON SCRIPT CONF LOG PIDFILE: run a lab Python server (SCRIPT CONF) in its own session, so it
# outlives lab.sh, without the lab lock's descriptor, appending to LOG; 0 once it wrote a live PID to PIDFILE (the
# servers write it after binding every socket), 1 after 10 s.
start_python_daemon() {
    local python=$1 script=$2 conf=$3 logfile=$4 pidfile=$5
    setsid "$python" "$script" "$conf" </dev/null >>"$logfile" 2>&1 9<&- &
    wait_pidfile "$pidfile" 10 >/dev/null
}

# wait_pidfile PIDFILE TIMEOUT_S: wait until PIDFILE holds a live PID; print it.
wait_pidfile() {
    local pidfile=$1 timeout=$2 i pid
    for ((i = 0; i < timeout * 20; i++)); do
        if [[ -s $pidfile ]]; then
            pid=$(head -n1 "$pidfile" | tr -dc '0-9')
            if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
        fi
        sleep 0.05
    done
    return 1
}

# tail_log NAME FILE: last lines of a daemon log, to stderr.
tail_log() {
    local name=$1 file=$2
    if [[ -s $file ]]; then
        printf -- '----- last lines of %s log (%s) -----\n' "$name" "$file" >&2
        tail -n 30 "$file" >&2
        printf -- '----- end of %s log -----\n' "$name" >&2
    else
        printf 'lab: (%s log %s is empty or missing)\n' "$name" "$file" >&2
    fi
}
