#!/bin/sh
# Whole-process timing of reading the benchmark keyring (issue 3, shared/PERFORMANCE.md): Stockade's
# `stockade key inspect --json` against `sq inspect`, `gpg --with-colons --show-keys` and `gpg --import` into an
# empty home, with hyperfine (apt `hyperfine`, 1.15). Run from Benchmarks/ after `sh peers/make-keyring.sh`.
#
#     sh peers/keyring-inspect.sh [STOCKADE_BINARY] [KEYRING]
#
# STOCKADE_BINARY defaults to ../.build-release/release/stockade
# (`swift build -c release --scratch-path .build-release --product stockade` in the root).
# Stockade's `Certificate.readAll` refuses inputs over 1 MiB or 10 000 packets, so the keyring is first cut at
# certificate boundaries into KEYRING.1, KEYRING.2 (peers/split-keyring.py) and `stockade key inspect` is given
# both files: one process, the same 2000 certificates. The gpg commands use temporary homes (never ~/.gnupg),
# whose agents are stopped with `gpgconf --kill all` before they are removed.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
stockade=${1:-$here/../.build-release/release/stockade}
keyring=${2:-$here/.build/keyring.pgp}
runs=${RUNS:-10}
out=${OUT:-$here/.build/keyring-inspect}
mkdir -p "$out"

parts=$(python3 "$here/peers/split-keyring.py" "$keyring" | tr '\n' ' ')
echo "keyring: $(wc -c <"$keyring") bytes; pieces: $parts" >&2

# What Stockade says about the whole file in one piece (expected: the 1 MiB limit).
"$stockade" key inspect "$keyring" --json >/dev/null 2>"$out/stockade-whole.err" || true
echo "stockade key inspect on the whole keyring: $(head -c 300 "$out/stockade-whole.err")" >&2

# Sanity: every tool reads 2000 certificates.
echo "stockade: $("$stockade" key inspect $parts --json | grep -c '"fingerprint"') fingerprint fields (primary + subkeys)" >&2
echo "sq inspect: $(sq inspect "$keyring" | grep -c '^OpenPGP Certificate\|Fingerprint:') lines" >&2

show=$(mktemp -d)
import=$(mktemp -d)
cleanup() {
    for h in "$show" "$import"; do gpgconf --homedir "$h" --kill all 2>/dev/null || true; rm -rf "$h"; done
}
trap cleanup EXIT INT TERM
chmod 700 "$show" "$import"
echo "gpg --show-keys: $(gpg --homedir "$show" --batch --with-colons --show-keys "$keyring" | grep -c '^pub') certificates" >&2

uptime >&2
# One --prepare per command; only gpg --import needs one (a fresh, empty home before every run).
hyperfine --warmup 1 --runs "$runs" --export-json "$out/hyperfine.json" --export-markdown "$out/hyperfine.md" \
    -n "stockade key inspect --json" --prepare true "$stockade key inspect $parts --json > /dev/null" \
    -n "sq inspect" --prepare true "sq inspect $keyring > /dev/null" \
    -n "gpg --with-colons --show-keys" --prepare true \
    "gpg --homedir $show --batch --with-colons --show-keys $keyring > /dev/null" \
    -n "gpg --import (empty home)" \
    --prepare "gpgconf --homedir $import --kill all 2>/dev/null; rm -rf $import; mkdir -m 700 $import" \
    "gpg --homedir $import --batch --quiet --import $keyring"
uptime >&2
