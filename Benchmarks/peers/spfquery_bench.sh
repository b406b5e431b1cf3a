#!/bin/sh
# libspf2's spfquery (Debian package spfquery) on the checks SPFBenchmarks runs, with libspf2's own DNS cache warm:
# one process reads N identical queries (-file) and the first warms the cache. libspf2 reads only /etc/resolv.conf, so
# it runs in a private mount namespace with the lab's resolv.conf (unbound on 127.0.5.53:53) bind-mounted (root).
#     set -a; eval "$(lab/lab.sh env)"; set +a; sh Benchmarks/peers/spfquery_bench.sh
set -eu
: "${STOCKADE_LAB_RESOLV_CONF:?run lab/lab.sh env first (as root, for the port-53 listener)}"
count=${COUNT:-20000}
for check in "192.0.2.10 alice@mail.test one-term" "192.0.2.1 alice@chain1.spf.test chain"; do
    set -- $check
    file=$(mktemp)
    awk -v n="$count" -v ip="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) print ip, s, "mx.example.net" }' > "$file"
    # The first answer must be pass, and all of them the same.
    results=$(unshare -m --propagation private sh -c "mount --bind '$STOCKADE_LAB_RESOLV_CONF' /etc/resolv.conf && spfquery -file '$file'" \
        | awk 'NR % 4 == 1' | sort | uniq -c | tr -s ' ')
    start=$(date +%s%N)
    # spfquery's exit status is the last result's code (pass is 2), not an error.
    unshare -m --propagation private sh -c "mount --bind '$STOCKADE_LAB_RESOLV_CONF' /etc/resolv.conf && spfquery -file '$file' > /dev/null" || true
    end=$(date +%s%N)
    rm -f "$file"
    echo "libspf2 spfquery $3 ($2 from $1): $count checks in $(( (end - start) / 1000000 )) ms:" \
        "$(( count * 1000000000 / (end - start) ))/s, $(( (end - start) / count / 1000 )) µs each; results: $results"
done
