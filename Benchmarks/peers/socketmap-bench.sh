#!/bin/sh
# Cached socketmap lookups (issue 6, shared/PERFORMANCE.md): `stockade socketmap` next to postfix-mta-sts-resolver
# 1.5.1 (PyPI, with uvloop when installed, cache_grace 3600), both with a warm cache for enforce.web.test from the
# lab, driven by the same closed-loop generator (peers/socketmap-load.c) at 1, 16 and 64 connections, with the
# machine's floor beside them: peers/socketmap-floor.c, a C server that only answers each request with Stockade's
# reply (the loopback round trip, the wake-ups and the scheduler, nothing else).
# Run from Benchmarks/ with the lab up and the release binary built:
#   (cd .. && swift build -c release --scratch-path .build-release --product stockade)
#   sh peers/socketmap-bench.sh [SECONDS]
# STOCKADE=PATH runs another binary (default ../.build-release/release/stockade).
# RUNS=3 repeats the interleaved rounds (default 1); each round prints the load average first (the 2 cores are shared).
# SERVER_CPU=0 LOAD_CPU=1 pins both servers to one CPU (Stockade with one event loop) and the generator to the other
# (taskset), so that a one-connection round trip is not delayed by the three processes sharing both CPUs.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
runs=${RUNS:-1}
eval "$(bash "$here/../lab/lab.sh" env)"
cc -O2 -o "$here/.build/socketmap-load" "$here/peers/socketmap-load.c"
load="$here/.build/socketmap-load"
pin_server=
if [ -n "${SERVER_CPU:-}${LOAD_CPU:-}" ]; then
    [ -n "${SERVER_CPU:-}" ] && [ -n "${LOAD_CPU:-}" ] || { echo "SERVER_CPU and LOAD_CPU go together" >&2; exit 2; }
    pin_server="taskset -c $SERVER_CPU env NIO_SINGLETON_GROUP_LOOP_COUNT=1"
    load="taskset -c $LOAD_CPU $load"
fi
python=$(python3 -c 'import sys; print(sys.executable)')
config=$(mktemp)
cat >"$config" <<YML
host: 127.0.0.1
port: 18462
shutdown_timeout: 1
cache: {type: internal, options: {cache_size: 10000}}
default_zone: {strict_testing: false, timeout: 4, require_sni: true}
cache_grace: 3600
YML
# shellcheck disable=SC2086 # the pinning prefix is words
$pin_server "${STOCKADE:-$here/../.build-release/release/stockade}" socketmap --listen 127.0.0.1:18461 --resolver "$STOCKADE_RESOLVER" \
    --ca-file "$STOCKADE_LAB_CA" --port "$STOCKADE_LAB_HTTPS_PORT" 2>/dev/null &
ours=$!
${pin_server:+taskset -c $SERVER_CPU} unshare -m sh -c "mount --bind $STOCKADE_LAB_RESOLV_CONF /etc/resolv.conf && SSL_CERT_FILE=$STOCKADE_LAB_CA_BUNDLE exec $python \
    -c 'from postfix_mta_sts_resolver.daemon import main; main()' -c $config -v error" &
theirs=$!
trap 'kill $ours $theirs $floor 2>/dev/null; rm -f "$config"' EXIT INT TERM
sleep 3
for port in 18461 18462; do $load 127.0.0.1 $port 1 1 "postfix enforce.web.test" "OK secure" >/dev/null; done  # warm
# The floor: a C server that answers every request with Stockade's reply, fixed (peers/socketmap-floor.c).
reply=$(python3 -c '
import socket
s = socket.create_connection(("127.0.0.1", 18461)); s.sendall(b"24:postfix enforce.web.test,")
data = b""
while not data.endswith(b","): data += s.recv(4096)
print(data.split(b":", 1)[1][:-1].decode())')
cc -O2 -o "$here/.build/socketmap-floor" "$here/peers/socketmap-floor.c"
${pin_server:+taskset -c $SERVER_CPU} "$here/.build/socketmap-floor" 18463 "$reply" &
floor=$!
sleep 0.2
echo "the floor answers: $reply"
round=1
while [ "$round" -le "$runs" ]; do
    echo "round $round: $(uptime)"
    for connections in 1 16 64; do
        echo "stockade   $($load 127.0.0.1 18461 $connections "$seconds" "postfix enforce.web.test" "OK secure")"
        echo "mta-sts    $($load 127.0.0.1 18462 $connections "$seconds" "postfix enforce.web.test" "OK secure")"
        echo "floor (C)  $($load 127.0.0.1 18463 $connections "$seconds" "postfix enforce.web.test" "OK secure")"
    done
    round=$((round + 1))
done
