#!/bin/sh
# The milter benchmark (docs/benchmarks.md, "Milter"): messages/s and latency through Stockade's milter, through
# OpenDKIM 2.11 + OpenDMARC 1.4.2 and through rspamd 3.4 (Debian 12; DKIM, SPF and DMARC only, rspamd/rspamd.conf),
# the same load generator (milter-load.c) and message (milter-message.py:
# 10 KB, one Ed25519 DKIM signature that passes and aligns, client 192.0.2.10 whose SPF passes), warm DNS caches
# (a warm-up run first), runs interleaved ROUNDS times. Needs root (OpenDMARC resolves through /etc/resolv.conf: the
# peers run in a private mount namespace with the lab's STOCKADE_LAB_RESOLV_CONF bind-mounted), the lab up and its
# variables exported, and the release server: (cd Benchmarks && swift build -c release --product MilterBenchmarkServer).
# The OpenDKIM 2.11 daemon found no lab key through any resolver setting (see Tests/Support/OpenDKIMOpenDMARC.swift):
# it reads the s1 key from a file (TestPublicKeys), one DNS query per message fewer than Stockade and OpenDMARC make.
# rspamd runs as _rspamd (its package's user) with its own files in $work/rspamd and asks the lab's unbound directly.
#
# Each round prints the load average first (two other workloads on 2 cores skew every figure). MILTER_SERVER names
# another build of the server to measure, e.g. a copy of the binary from before a change.
#
#   [MILTER_SERVER=PATH] Benchmarks/peers/milter-bench.sh [CONNECTIONS] [SECONDS] [ROUNDS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
connections=${1:-8}; seconds=${2:-10}; rounds=${3:-3}
work=$(mktemp -d /tmp/stockade-milter-bench.XXXXXX)
cc -O2 -pthread -o "$work/milter-load" "$here/milter-load.c"
python3 "$here/milter-message.py" "$work/message.eml"
: > "$work/ignore-hosts"
echo 's1._domainkey.mail.test v=DKIM1; k=ed25519; p=ijIsZx5Z69On+UIjxhDiElzQWfwH4E64aA8pEy8X2jA=' > "$work/keys"
cat > "$work/opendkim.conf" <<CONF
Mode v
Socket inet:18891@127.0.0.1
AuthservID mx.bench.test
PidFile $work/opendkim.pid
Background no
Syslog no
InternalHosts $work/ignore-hosts
TestPublicKeys $work/keys
CONF
cat > "$work/opendmarc.conf" <<CONF
Socket inet:18892@127.0.0.1
AuthservID mx.bench.test
TrustedAuthservIDs mx.bench.test
PidFile $work/opendmarc.pid
Background false
Syslog false
RejectFailures true
HoldQuarantinedMessages true
SPFSelfValidate true
IgnoreHosts $work/ignore-hosts
PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat
FailureReports false
RequiredHeaders false
CONF
# Each daemon in the foreground of its own namespace, so that $! is its PID.
unshare -m --propagation private sh -c 'mount --bind "$1" /etc/resolv.conf && exec opendkim -f -x "$2"' sh \
    "$STOCKADE_LAB_RESOLV_CONF" "$work/opendkim.conf" </dev/null >/dev/null 2>&1 &
opendkim=$!
unshare -m --propagation private sh -c 'mount --bind "$1" /etc/resolv.conf && exec opendmarc -f -c "$2"' sh \
    "$STOCKADE_LAB_RESOLV_CONF" "$work/opendmarc.conf" </dev/null >/dev/null 2>&1 &
opendmarc=$!
mkdir "$work/rspamd"
chown _rspamd:_rspamd "$work/rspamd"
chmod 755 "$work"
rspamd -f -u _rspamd -g _rspamd -c "$here/rspamd/rspamd.conf" --var=WORKDIR="$work/rspamd" \
    --var=NAMESERVER="$(awk '$1 == "nameserver" { print $2; exit }' "$STOCKADE_LAB_RESOLV_CONF"):53" --var=PORT=18894 \
    </dev/null >/dev/null 2>&1 &
rspamd=$!
"${MILTER_SERVER:-$here/../.build/release/MilterBenchmarkServer}" 18893 2>/dev/null &
stockade=$!
trap 'kill $stockade $opendkim $opendmarc $rspamd; wait; rm -rf "$work"' EXIT
sleep 2
# rspamd compiles its TLD list (hyperscan) at start: ~10 s on 2 cores.
for _ in $(seq 120); do ss -ltn | grep -q '127.0.0.1:18894 ' && break; sleep 0.5; done
# Warm-up (DNS caches, first connections), printing what each stack added to a message: DKIM, SPF and DMARC pass.
"$work/milter-load" -v -c 1 -d 2 -f "$work/message.eml" -m 127.0.0.1:18893
"$work/milter-load" -v -c 1 -d 2 -f "$work/message.eml" -m 127.0.0.1:18891,127.0.0.1:18892
"$work/milter-load" -v -c 1 -d 2 -f "$work/message.eml" -m 127.0.0.1:18894
for round in $(seq "$rounds"); do
    echo "round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for c in 1 "$connections"; do
        printf 'round %s, %s connection(s), Stockade:           ' "$round" "$c"
        "$work/milter-load" -c "$c" -d "$seconds" -f "$work/message.eml" -m 127.0.0.1:18893
        printf 'round %s, %s connection(s), OpenDKIM+OpenDMARC: ' "$round" "$c"
        "$work/milter-load" -c "$c" -d "$seconds" -f "$work/message.eml" -m 127.0.0.1:18891,127.0.0.1:18892
        printf 'round %s, %s connection(s), rspamd:             ' "$round" "$c"
        "$work/milter-load" -c "$c" -d "$seconds" -f "$work/message.eml" -m 127.0.0.1:18894
    done
done
