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
"$SWIFT" test --skip-build --no-parallel "$@"
