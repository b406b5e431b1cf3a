#!/bin/sh
# Generates the keyring of the OpenPGP benchmark (issue 3, shared/PERFORMANCE.md): 2000 certificates,
#   1000 ed25519 primary + cv25519 encryption subkey, 2 user IDs each,
#    500 rsa2048 primary + rsa2048 encryption subkey, 1 user ID,
#    500 nistp256 (ECDSA) primary + nistp256 (ECDH) encryption subkey, 1 user ID,
# exported in binary (not armored) to OUT (default: Benchmarks/.build/keyring.pgp, gitignored).
#
#     sh peers/make-keyring.sh [OUT] [ED25519_COUNT RSA_COUNT P256_COUNT]
#
# GnuPG (apt `gnupg`, 2.2.40 on Debian 12) in a temporary GNUPGHOME that is removed afterwards, its agent stopped
# with `gpgconf --kill all`. The keys are generated from one batch parameter file (one gpg process for all keys,
# much faster than one `--quick-gen-key` per key); the second user ID of the ed25519 certificates is added with
# `--quick-add-uid`. Keys are random, so two runs give different bytes of (nearly) the same size.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.build/keyring.pgp}
ed=${2:-1000}
rsa=${3:-500}
p256=${4:-500}

home=$(mktemp -d)
cleanup() { gpgconf --homedir "$home" --kill all 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT INT TERM
export GNUPGHOME="$home"
gpg="gpg --batch --quiet --no-auto-check-trustdb --passphrase '' --pinentry-mode loopback"

params="$home/params"
i=1
while [ "$i" -le "$ed" ]; do
    n=$(printf %04d "$i")
    printf '%s\n' "%no-protection" "Key-Type: eddsa" "Key-Curve: ed25519" "Key-Usage: sign,cert" \
        "Subkey-Type: ecdh" "Subkey-Curve: cv25519" "Subkey-Usage: encrypt" \
        "Name-Real: Bench Ed $n" "Name-Email: ed$n@bench.test" "Expire-Date: 0" "%commit" >>"$params"
    i=$((i + 1))
done
i=1
while [ "$i" -le "$rsa" ]; do
    n=$(printf %04d "$i")
    printf '%s\n' "%no-protection" "Key-Type: rsa" "Key-Length: 2048" "Key-Usage: sign,cert" \
        "Subkey-Type: rsa" "Subkey-Length: 2048" "Subkey-Usage: encrypt" \
        "Name-Real: Bench RSA $n" "Name-Email: rsa$n@bench.test" "Expire-Date: 0" "%commit" >>"$params"
    i=$((i + 1))
done
i=1
while [ "$i" -le "$p256" ]; do
    n=$(printf %04d "$i")
    printf '%s\n' "%no-protection" "Key-Type: ecdsa" "Key-Curve: nistp256" "Key-Usage: sign,cert" \
        "Subkey-Type: ecdh" "Subkey-Curve: nistp256" "Subkey-Usage: encrypt" \
        "Name-Real: Bench P256 $n" "Name-Email: p256$n@bench.test" "Expire-Date: 0" "%commit" >>"$params"
    i=$((i + 1))
done

start=$(date +%s)
eval "$gpg --gen-key" "$params"
echo "generated $((ed + rsa + p256)) keys in $(( $(date +%s) - start )) s" >&2

# Second user ID on the ed25519 certificates (a second self-signature to verify).
gpg --batch --with-colons --list-keys 'Bench Ed' | awk -F: '
    /^pub/ { want = 1; next }
    /^fpr/ && want { fpr = $10; want = 0 }
    /^uid/ && fpr != "" { if (match($10, /ed[0-9]+@bench\.test/)) { print fpr, substr($10, RSTART + 2, RLENGTH - 13) }; fpr = "" }
' | while read -r fpr n; do
    eval "$gpg --quick-add-uid $fpr \"Bench Ed $n (second) <ed$n.second@bench.test>\""
done
echo "second user IDs added after $(( $(date +%s) - start )) s" >&2

mkdir -p "$(dirname "$out")"
gpg --batch --export >"$out"
echo "wrote $out: $(wc -c <"$out") bytes, $(gpg --batch --with-colons --list-keys | grep -c '^pub') certificates" >&2
