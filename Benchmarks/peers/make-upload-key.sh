#!/bin/sh
# Writes the key of the upload benchmark (issue 13): one Ed25519 primary key with one user ID and a cv25519
# encryption subkey, made by GnuPG, exported in binary to OUT (default Benchmarks/.build/upload-key.pgp, gitignored).
# The benchmark repeats its user ID's self-signature 4 500 times itself.
#
#     sh peers/make-upload-key.sh [OUT]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.build/upload-key.pgp}
home=$(mktemp -d)
cleanup() { gpgconf --homedir "$home" --kill all 2>/dev/null || true; rm -rf "$home"; }
trap cleanup EXIT INT TERM
export GNUPGHOME="$home"
gpg --batch --quiet --passphrase '' --pinentry-mode loopback --quick-gen-key 'Flood <flood@example.org>' ed25519 cert,sign never
fpr=$(gpg --batch --with-colons --list-keys | awk -F: '/^fpr/ { print $10; exit }')
gpg --batch --quiet --passphrase '' --pinentry-mode loopback --quick-add-key "$fpr" cv25519 encr never
mkdir -p "$(dirname "$out")"
gpg --batch --export "$fpr" > "$out"
echo "$out: $(wc -c < "$out") bytes, $fpr"
