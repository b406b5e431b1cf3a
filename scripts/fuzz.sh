#!/usr/bin/env bash
# libFuzzer harnesses of the parsers that read outside input (Fuzz/, docs/fuzzing.md).
#
#   scripts/fuzz.sh build                  instrumented release build (ASan + coverage) into Fuzz/.build
#   scripts/fuzz.sh run [HARNESS ...]      each harness FUZZ_RUNS times (default 1 000 000), growing Fuzz/.corpus/HARNESS
#                                          from the committed seeds in Fuzz/Corpus/HARNESS
#   scripts/fuzz.sh short                  build, then FUZZ_SHORT_RUNS (default 100 000) runs of each harness from the
#                                          committed seeds only, in a temporary folder: CI's pass after `make test` (make fuzz-short)
#   scripts/fuzz.sh merge [HARNESS ...]    minimize Fuzz/Corpus/HARNESS + Fuzz/.corpus/HARNESS into Fuzz/Corpus/HARNESS
#   scripts/fuzz.sh list                   the harnesses
#
# Extra libFuzzer flags go in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-max_total_time=600). A failing property traps; libFuzzer
# then writes the input to Fuzz/Crashes/ and this script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
SCRATCH=${FUZZ_SCRATCH:-Fuzz/.build}
CONFIG=${FUZZ_CONFIG:-release}
BIN="$SCRATCH/$CONFIG/stockade-fuzz"
# ASan's report names the failing property and the stack; Swift's own backtracer would only add a slow second one.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
HARNESSES=(dns-message tlsa openpgp-packets openpgp-armor openpgp-certificate mtasts-policy mtasts-record netstring
           wkd-address hkp-search smtp-reply spf-record dmarc-record authentication-results dkim-signature dkim-message
           milter-frames tlsrpt-report tlsrpt-gzip tlsrpt-record caa-property audit-expected-record dmarc-aggregate-report
           lmtp-session zip-reader tlsrpt-datagram http-head)

# libFuzzer without its main(), from the toolchain of the swift on PATH.
fuzzer_runtime() {
    local bin arch dir
    bin=$(dirname "$(readlink -f "$(command -v "$SWIFT")")")
    arch=$(uname -m)
    for dir in "$bin/../lib/swift/clang/lib/linux" "$bin"/../lib/clang/*/lib/linux; do
        if [ -f "$dir/libclang_rt.fuzzer_no_main-$arch.a" ]; then
            echo "$(cd "$dir" && pwd)/libclang_rt.fuzzer_no_main-$arch.a"
            return
        fi
    done
    echo "fuzz.sh: no libclang_rt.fuzzer_no_main-$arch.a in the toolchain of $(command -v "$SWIFT")" >&2
    exit 1
}

build() {
    local runtime start
    runtime=$(fuzzer_runtime)
    start=$(date +%s)
    # Every Swift module (ours and the dependencies') gets ASan and libFuzzer's coverage instrumentation; testable
    # imports let a harness reach an internal decoder (SMTP) or check (OpenPGP) without widening the API.
    "$SWIFT" build --package-path Fuzz --scratch-path "$SCRATCH" -c "$CONFIG" \
        -Xswiftc -sanitize=address \
        -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
        -Xswiftc -enable-testing ${FUZZ_BUILD_FLAGS:-} \
        -Xlinker "$runtime" -Xlinker -lstdc++
    echo "fuzz.sh: built $BIN in $(( $(date +%s) - start )) s"
}

# run_one HARNESS RUNS CORPUS-DIR...: libFuzzer writes new inputs to the first folder.
run_one() {
    local harness=$1 runs=$2 start
    shift 2
    mkdir -p "$1" Fuzz/Crashes
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$BIN" "$harness" -runs="$runs" -seed=1 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="Fuzz/Crashes/$harness-" ${FUZZ_FLAGS:-} "$@" \
        >"$LOGS/$harness.log" 2>&1 || {
        tail -n 60 "$LOGS/$harness.log" >&2
        echo "fuzz.sh: $harness FAILED (log $LOGS/$harness.log, input in Fuzz/Crashes/)" >&2
        return 1
    }
    local execs rate
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOGS/$harness.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOGS/$harness.log")
    printf 'fuzz.sh: %-20s %9s runs %7s exec/s %4s s  corpus %s\n' "$harness" "$execs" "$rate" "$(( $(date +%s) - start ))" \
        "$(find "$1" -type f | wc -l) files"
}

command=${1:-short}
shift || true
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${HARNESSES[@]}")

case "$command" in
list)
    printf '%s\n' "${HARNESSES[@]}"
    ;;
build)
    build
    ;;
run)
    [ -x "$BIN" ] || build
    LOGS=Fuzz/.logs
    mkdir -p "$LOGS"
    for harness in "${selected[@]}"; do
        run_one "$harness" "${FUZZ_RUNS:-1000000}" "Fuzz/.corpus/$harness" "Fuzz/Corpus/$harness"
    done
    ;;
short)
    total=$(date +%s)
    build
    LOGS=$(mktemp -d)
    trap 'rm -rf "$LOGS"' EXIT
    status=0
    for harness in "${selected[@]}"; do
        run_one "$harness" "${FUZZ_SHORT_RUNS:-100000}" "$LOGS/corpus-$harness" "Fuzz/Corpus/$harness" || status=1
    done
    echo "fuzz.sh: short pass (build and ${#selected[@]} harnesses) took $(( $(date +%s) - total )) s"
    exit $status
    ;;
merge)
    [ -x "$BIN" ] || build
    for harness in "${selected[@]}"; do
        merged=$(mktemp -d)
        mkdir -p "Fuzz/.corpus/$harness"
        "$BIN" "$harness" -merge=1 "$merged" "Fuzz/Corpus/$harness" "Fuzz/.corpus/$harness" >"$merged.log" 2>&1 || {
            tail -n 20 "$merged.log" >&2
            echo "fuzz.sh: merging $harness failed; Fuzz/Corpus/$harness left as it was" >&2
            exit 1
        }
        [ -n "$(ls -A "$merged")" ] || { echo "fuzz.sh: merging $harness kept nothing; Fuzz/Corpus/$harness left as it was" >&2; exit 1; }
        rm -rf "Fuzz/Corpus/$harness"
        mv "$merged" "Fuzz/Corpus/$harness"
        chmod 755 "Fuzz/Corpus/$harness"
        echo "fuzz.sh: $harness corpus $(find "Fuzz/Corpus/$harness" -type f | wc -l) files, $(du -sk "Fuzz/Corpus/$harness" | cut -f1) KiB"
    done
    ;;
*)
    echo "usage: scripts/fuzz.sh [build|run|short|merge|list] [HARNESS ...]" >&2
    exit 2
    ;;
esac
