#!/usr/bin/env bash
# Starts the lab, runs the whole Swift test suite against it, and stops the lab, also on failure.
# A lab that fails to start fails the run: no test is skipped for want of it.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

trap 'lab/lab.sh down >/dev/null 2>&1 || true' EXIT
lab/lab.sh up
eval "$(lab/lab.sh env)"
export STOCKADE_RESOLVER STOCKADE_LAB_AUTH STOCKADE_LAB_DIR
[[ -n ${STOCKADE_LAB_RESOLV_CONF:-} ]] && export STOCKADE_LAB_RESOLV_CONF
export STOCKADE_LAB_REQUIRED=1

"$SWIFT" build --build-tests
"$SWIFT" test --skip-build "$@"
