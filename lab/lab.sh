#!/usr/bin/env bash
# Stockade lab: real peers on loopback for tests and demos.
#
#   lab/lab.sh up      build everything from nothing under lab/run/, start the daemons, verify them
#   lab/lab.sh down    stop the daemons by the PID they wrote (safe when nothing runs)
#   lab/lab.sh env     print KEY=VALUE lines for tests (eval "$(lab/lab.sh env)")
#   lab/lab.sh status  exit 0 only if every daemon answers
#
# Components are started in the order of LAB_COMPONENTS and stopped in reverse. Each component is a
# file lab/lib/<name>.sh defining <name>_up, _verify, _down, _env, _status and _logs.
# Works from any cwd: every path derives from this script's location.
set -uo pipefail

LAB_DIR=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd) || exit 1
RUN_DIR=$LAB_DIR/run
export LAB_DIR RUN_DIR

# nsd and unbound live in /usr/sbin, which is not always on PATH
PATH=$PATH:/usr/sbin:/sbin

LAB_COMPONENTS=(ca dns https smtp mta postgres)

# shellcheck source=lib/common.sh
. "$LAB_DIR/lib/common.sh"
for c in "${LAB_COMPONENTS[@]}"; do
    # shellcheck disable=SC1090
    . "$LAB_DIR/lib/$c.sh"
done

# env_line KEY VALUE: one shell assignment on stdout (value quoted only if it needs to be)
env_line() { printf '%s=%q\n' "$1" "$2"; }

lab_lock() {
    # serialize concurrent up/down (e.g. parallel test processes): lock this script's own file,
    # since lab/run/ itself is deleted and recreated by `up`.
    if command -v flock >/dev/null 2>&1; then
        exec 9<"$LAB_DIR/lab.sh"
        flock -w 120 9 || { log "could not take the lab lock"; exit 1; }
    fi
}

lab_down_all() {
    local i
    for ((i = ${#LAB_COMPONENTS[@]} - 1; i >= 0; i--)); do
        "${LAB_COMPONENTS[i]}_down"
    done
}

lab_fail() {
    local c
    log "FAILED: $*"
    for c in "${LAB_COMPONENTS[@]}"; do "${c}_logs"; done
    log "stopping what was started"
    lab_down_all
    exit 1
}

cmd_up() {
    local t0 c
    t0=$(now_ms)
    lab_lock
    lab_down_all                     # idempotent: stop a previous lab by its pid files
    case $RUN_DIR in */lab/run) ;; *) log "refusing to clean unexpected RUN_DIR $RUN_DIR"; exit 1 ;; esac
    rm -rf -- "$RUN_DIR"
    mkdir -p -- "$RUN_DIR" || exit 1
    for c in "${LAB_COMPONENTS[@]}"; do
        "${c}_up" || lab_fail "$c: start"
    done
    for c in "${LAB_COMPONENTS[@]}"; do
        "${c}_verify" || lab_fail "$c: verification"
    done
    log "up and verified in $(($(now_ms) - t0)) ms (run dir: $RUN_DIR)"
}

cmd_down() {
    local t0
    t0=$(now_ms)
    lab_lock
    lab_down_all
    log "down in $(($(now_ms) - t0)) ms"
}

cmd_env() {
    local c
    for c in "${LAB_COMPONENTS[@]}"; do "${c}_env"; done
    env_line STOCKADE_LAB_DIR "$RUN_DIR"
}

cmd_status() {
    local c rc=0
    for c in "${LAB_COMPONENTS[@]}"; do "${c}_status" || rc=1; done
    return $rc
}

case ${1:-} in
    up)     cmd_up ;;
    down)   cmd_down ;;
    env)    cmd_env ;;
    status) cmd_status ;;
    *)      printf 'usage: %s up|down|env|status\n' "$0" >&2; exit 2 ;;
esac
