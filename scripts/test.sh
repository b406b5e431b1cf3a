#!/usr/bin/env bash
# Starts the lab, runs the whole Swift test suite against it, and stops the lab, also on failure.
# A lab that fails to start fails the run: no test is skipped for want of it.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

trap 'lab/lab.sh down >/dev/null 2>&1 || true' EXIT
lab/lab.sh up
# Every variable the lab prints is exported to the tests.
set -a
eval "$(lab/lab.sh env)"
set +a

"$SWIFT" build --build-tests
# Serial: CPU-bound tests (100 000-case fuzzers) and blocking subprocess waits (gpg, dig) would otherwise hold
# the two cooperative threads of a 2-core machine and starve the network tests' timers.
# The output is kept, so that a failure ends with what matters: a crash's report is long and CI shows only its tail.
log=$(mktemp /tmp/stockade-test.XXXXXX)
set +e
"$SWIFT" test --skip-build --no-parallel "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 ]]; then
    echo "=== swift test failed with status $status; failures and fatal errors:"
    grep -E "^✘|Fatal error|fatal error|Crash|Illegal instruction|Segmentation" "$log" | head -n 40 || true
    echo "=== the last tests started (with --no-parallel the last one was running):"
    grep -E "^◇ (Test|Suite) .* started" "$log" | tail -n 4 || true
fi
rm -f "$log"
exit "$status"
