#!/bin/sh
# Runs a benchmark command with the guest's halt polling on: an idle vCPU polls for up to HALT_POLL_NS (default
# 200000, the Linux default of haltpoll's guest_halt_poll_ns) before it halts, and is then woken without a VM exit.
# This VM ships with guest_halt_poll_ns=0, so every request of a one-connection ping-pong (socketmap, milter) pays a
# halted vCPU's wake-up, most of its round trip (docs/benchmarks.md, issue 20). Both servers of a comparison run
# under the same setting; the previous value is put back on exit. Needs root and the cpuidle-haltpoll driver.
#
#   sh peers/with-halt-poll.sh sh peers/socketmap-bench.sh 10
set -eu
parameter=/sys/module/haltpoll/parameters/guest_halt_poll_ns
[ -w "$parameter" ] || { echo "with-halt-poll: $parameter is not writable (root and cpuidle-haltpoll needed)" >&2; exit 2; }
previous=$(cat "$parameter")
trap 'echo "$previous" > "$parameter"' EXIT INT TERM
echo "${HALT_POLL_NS:-200000}" > "$parameter"
echo "guest_halt_poll_ns: $previous -> $(cat "$parameter") for: $*" >&2
"$@"
