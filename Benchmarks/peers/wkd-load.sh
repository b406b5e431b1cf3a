#!/bin/sh
# WKD / VKS key GET over HTTP on loopback (issues 4 and 5, shared/PERFORMANCE.md): `stockade serve` against nginx
# serving the same bytes as a static file, both loaded with wrk (apt `wrk`, 4.1.0) from the same 2 cores.
#
#     sh peers/wkd-load.sh [STOCKADE_BINARY]
#     TARGET=vks-email sh peers/wkd-load.sh         # GET /vks/v1/by-email/alice%40bench.test
#     TARGET=vks-fingerprint sh peers/wkd-load.sh   # GET /vks/v1/by-fingerprint/<FPR>
#     TARGET=vks-keyid sh peers/wkd-load.sh         # GET /vks/v1/by-keyid/<KEYID>
#     TARGET=hkp-get sh peers/wkd-load.sh           # GET /pks/lookup?op=get&options=mr&search=0x<FPR>
#     DATABASE=postgres://user@host:port/db DATABASE_PASSWORD_FILE=… sh peers/wkd-load.sh
#         # Stockade on PostgreSQL (a schema of its own, e.g. the lab's: `eval "$(lab/lab.sh env)"` and
#         # DATABASE=$STOCKADE_LAB_POSTGRES_URL DATABASE_PASSWORD_FILE=$STOCKADE_LAB_POSTGRES_PASSWORD_FILE); the
#         # directory is then set up through the admin API instead of the CLI.
#     INSTANCES=2 DATABASE=… sh peers/wkd-load.sh
#         # two instances on that database (the second on STOCKADE_PORT + 1), as behind a load balancer: each gets
#         # its own wrk (-t1, half the connections) at the same time; req/s is their sum, p50/p99 the higher of the two.
#
# For the VKS targets the key server is on (rate limits raised out of the way, mail to a closed port: the address
# is published without mail because the directory associates it with the key) and the key is uploaded with
# POST /vks/v1/upload before the load.
# ROUTER_ONLY=1 (key-server targets) makes 127.0.0.1 a trusted proxy, so that the handler in front of Hummingbird
# (HotRouteHandler) passes every request on and the router answers from the prepared answers: Hummingbird's own ceiling.
# SERVER_CPU=0 LOAD_CPU=1 pins each server to one CPU and wrk to the other (taskset): Stockade with one event loop
# (NIO_SINGLETON_GROUP_LOOP_COUNT=1), nginx with one worker, wrk with one thread; otherwise the four threads (two of
# the server, two of wrk) share both CPUs and wait for each other's scheduler slices.
# Environment: RUNS (3), DURATION (10s), CONNECTIONS ("64 256"), STOCKADE_PORT (18080), NGINX_PORT (18081),
# KEEP=1 to keep the temporary folder, OUT (results folder, default Benchmarks/.build/wkd-load).
#
# Everything lives in a temporary folder: a GnuPG home that makes the key (rsa4096 + rsa4096 encryption subkey,
# one user ID, about 3 KB armored), Stockade's data directory and JSON config (plain HTTP, adminToken set, provider
# domain bench.test), an nginx config (apt `nginx-light`, 1.22.1; never the system one) with worker_processes
# auto, access_log off, sendfile, keep-alive. Both servers serve GET /.well-known/openpgpkey/bench.test/hu/<hash>
# (the advanced form, so requests carry `Host: openpgpkey.bench.test`); the static file is the bytes Stockade
# serves, and the script checks with curl that both answer 200 with identical bodies. Every process started
# here is stopped by its PID.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
stockade=${1:-$here/../.build-release/release/stockade}
runs=${RUNS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64 256}
sport=${STOCKADE_PORT:-18080}
nport=${NGINX_PORT:-18081}
target=${TARGET:-wkd}
case $target in wkd|vks-email|vks-fingerprint|vks-keyid|hkp-get) ;;
    *) echo "TARGET must be wkd, vks-email, vks-fingerprint, vks-keyid or hkp-get" >&2; exit 2 ;; esac
database=${DATABASE:-}
instances=${INSTANCES:-1}
case $instances in 1) ;; 2) [ -n "$database" ] || { echo "INSTANCES=2 needs DATABASE" >&2; exit 2; } ;;
    *) echo "INSTANCES must be 1 or 2" >&2; exit 2 ;; esac
trusted=
[ "${ROUTER_ONLY:-0}" = 1 ] && trusted=', "trustedProxies": ["127.0.0.1"]'
server_cpu=${SERVER_CPU:-}
load_cpu=${LOAD_CPU:-}
pin_server=
pin_load=
workers=auto
wrk_threads=2
if [ -n "$server_cpu$load_cpu" ]; then
    [ -n "$server_cpu" ] && [ -n "$load_cpu" ] && [ "$instances" = 1 ] || { echo "SERVER_CPU and LOAD_CPU go together, with one instance" >&2; exit 2; }
    pin_server="taskset -c $server_cpu env NIO_SINGLETON_GROUP_LOOP_COUNT=1"
    pin_load="taskset -c $load_cpu"
    workers=1
    wrk_threads=1
fi
out=${OUT:-$here/.build/$target-load${database:+-postgres}${trusted:+-router}$([ "$instances" = 2 ] && echo -2instances)${pin_server:+-pinned}}
mkdir -p "$out"

tmp=$(mktemp -d /tmp/wkd-load.XXXXXX)
chmod 755 "$tmp"   # nginx workers run as nobody and read $tmp/www
stockade_pid=
second_pid=
nginx_pid=
cleanup() {
    [ -n "$stockade_pid" ] && kill "$stockade_pid" 2>/dev/null && wait "$stockade_pid" 2>/dev/null || true
    [ -n "$second_pid" ] && kill "$second_pid" 2>/dev/null && wait "$second_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
    gpgconf --homedir "$tmp/gnupg" --kill all 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

# Retries `curl -sf ARGS…` every 0.1 s, up to 100 times; then prints LOG and fails.
retry_curl() {
    log=$1; shift
    n=0
    until curl -sf "$@"; do
        n=$((n + 1)); [ "$n" -lt 100 ] || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
}

address=alice@bench.test
host=openpgpkey.bench.test

# The key.
mkdir -m 700 "$tmp/gnupg"
g="gpg --homedir $tmp/gnupg --batch --quiet --passphrase= --pinentry-mode loopback"
$g --quick-gen-key "Alice Bench <$address>" rsa4096 sign,cert never
fpr=$(gpg --homedir "$tmp/gnupg" --batch --with-colons --list-keys "$address" | awk -F: '/^fpr/ { print $10; exit }')
$g --quick-add-key "$fpr" rsa4096 encr never
gpg --homedir "$tmp/gnupg" --batch --armor --export "$address" >"$tmp/alice.asc"
gpg --homedir "$tmp/gnupg" --batch --export "$address" >"$tmp/alice.pgp"
gpgconf --homedir "$tmp/gnupg" --kill all
echo "key $fpr: $(wc -c <"$tmp/alice.asc") bytes armored" >&2

# The directory, through the CLI (SQLite) or, on PostgreSQL, through the admin API once the server runs.
db="$tmp/data/stockade.sqlite"
mkdir -p "$tmp/data"
token=bench-admin-token-0123456789abcdef
database_settings=
if [ -n "$database" ]; then
    schema=bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    database_settings="\"database\": \"$database?schema=$schema\", \"databasePasswordFile\": \"${DATABASE_PASSWORD_FILE:?}\","
    echo "PostgreSQL schema $schema" >&2
else
    "$stockade" directory domain add bench.test --kind provider --database "$db"
    "$stockade" directory account add alice --primary "$address" --database "$db"
    "$stockade" directory key import "$tmp/alice.asc" --account alice --database "$db"
    "$stockade" directory key associate "$address" "$fpr" --database "$db"
    "$stockade" directory address show "$address" --database "$db" >&2
fi

cat >"$tmp/stockade.json" <<JSON
{
  "listen": "127.0.0.1:$sport",
  "dataDirectory": "$tmp/data", $database_settings
  "domains": [{"name": "bench.test", "kind": "provider"}],
  "adminToken": "$token",
  "keyServer": {"baseURL": "http://127.0.0.1:$sport", "mailFrom": "keys@bench.test",
                "requestsPerMinutePerClient": 1000000000$trusted},
  "mail": {"relay": "127.0.0.1:9", "tls": "none"}
}
JSON
# shellcheck disable=SC2086 # the pinning prefix is words
$pin_server "$stockade" serve --config "$tmp/stockade.json" --log-level warning >"$tmp/stockade.log" 2>&1 &
stockade_pid=$!

hash=$("$stockade" wkd hash "$address")
case $target in
    wkd) path="/.well-known/openpgpkey/bench.test/hu/$hash" ;;
    vks-email) path="/vks/v1/by-email/alice%40bench.test" ;;
    vks-fingerprint) path="/vks/v1/by-fingerprint/$fpr" ;;
    vks-keyid) path="/vks/v1/by-keyid/$(printf '%s' "$fpr" | tail -c 16)" ;;
    hkp-get) path="/pks/lookup?op=get&options=mr&search=0x$fpr" ;;
esac
if [ -n "$database" ]; then
    retry_curl "$tmp/stockade.log" -o /dev/null "http://127.0.0.1:$sport/health"
    admin() { curl -sf -o /dev/null -H "Authorization: Bearer $token" "$@"; }
    admin -H 'Content-Type: application/json' --data "{\"id\": \"alice\", \"primaryAddress\": \"$address\"}" \
        "http://127.0.0.1:$sport/admin/v1/accounts"
    admin --data-binary "@$tmp/alice.pgp" "http://127.0.0.1:$sport/admin/v1/accounts/alice/keys"
    admin -X PUT -H 'Content-Type: application/json' --data "{\"fingerprint\": \"$fpr\"}" \
        "http://127.0.0.1:$sport/admin/v1/addresses/$address/key"
fi
if [ "$target" != wkd ]; then
    retry_curl "$tmp/stockade.log" -o "$tmp/upload.json" -H 'Content-Type: application/json' \
        --data "$(python3 -c 'import json, sys; print(json.dumps({"keytext": open(sys.argv[1]).read()}))' "$tmp/alice.asc")" \
        "http://127.0.0.1:$sport/vks/v1/upload"
    echo "uploaded: $(cat "$tmp/upload.json")" >&2
fi

# Wait for Stockade, then take the bytes it serves as nginx's static file.
retry_curl "$tmp/stockade.log" -o "$tmp/stockade.body" -H "Host: $host" "http://127.0.0.1:$sport$path"
if [ "$instances" = 2 ]; then
    sed "s/\"listen\": \"127.0.0.1:$sport\"/\"listen\": \"127.0.0.1:$((sport + 1))\"/; s#\"dataDirectory\": \"$tmp/data\"#\"dataDirectory\": \"$tmp/data2\"#" \
        "$tmp/stockade.json" >"$tmp/stockade2.json"
    mkdir -p "$tmp/data2"
    "$stockade" serve --config "$tmp/stockade2.json" --log-level warning >"$tmp/stockade2.log" 2>&1 &
    second_pid=$!
    retry_curl "$tmp/stockade2.log" -o "$tmp/stockade2.body" -H "Host: $host" "http://127.0.0.1:$((sport + 1))$path"
    cmp "$tmp/stockade.body" "$tmp/stockade2.body" && echo "the second instance serves the same bytes" >&2
fi
if [ "$target" = wkd ]; then
    "$stockade" key minimize --address "$address" "$tmp/alice.asc" -o "$tmp/minimized.bin"
    cmp "$tmp/stockade.body" "$tmp/minimized.bin" && echo "Stockade serves the minimized key: $(wc -c <"$tmp/stockade.body") bytes" >&2
fi

file_path=$(printf '%s' "${path%%\?*}" | sed 's/%40/@/')   # nginx looks up the decoded path, without the query
mkdir -p "$tmp/www$(dirname "$file_path")" "$tmp/nginx"
cp "$tmp/stockade.body" "$tmp/www$file_path"
chmod -R a+rX "$tmp/www"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;   # the default (1000) would make wrk reconnect; Stockade never closes first
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$nport;
        root $tmp/www;
        location / {
            add_header Access-Control-Allow-Origin * always;
        }
    }
}
CONF
# shellcheck disable=SC2086
${pin_server:+taskset -c $server_cpu} nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
retry_curl "$tmp/nginx/error.log" -o "$tmp/nginx.body" -H "Host: $host" "http://127.0.0.1:$nport$path"
cmp "$tmp/stockade.body" "$tmp/nginx.body"
echo "both answer 200 with the same $(wc -c <"$tmp/nginx.body") bytes" >&2
curl -s -D - -o /dev/null -H "Host: $host" "http://127.0.0.1:$sport$path" >"$out/stockade.headers"
curl -s -D - -o /dev/null -H "Host: $host" "http://127.0.0.1:$nport$path" >"$out/nginx.headers"

# The highest of wrk's latency percentile $1 in the files that follow, as wrk writes it (850.00us, 1.23ms, 1.02s).
highest_latency() {
    percentile=$1; shift
    awk -v p="$percentile" '$1 == p {
        v = $2; n = v + 0
        if (v ~ /us$/) n = n; else if (v ~ /ms$/) n = n * 1000; else if (v ~ /s$/) n = n * 1000000
        if (n >= best) { best = n; text = v }
    } END { print text }' "$@"
}

# wrk, alternating servers, RUNS times per connection count.
summary="$out/summary.tsv"
printf 'server\tconnections\trun\treq/s\tp50\tp99\tnon2xx\terrors\tload\n' >"$summary"
for c in $connections; do
    r=1
    while [ "$r" -le "$runs" ]; do
        for server in stockade nginx; do
            if [ "$server" = stockade ]; then port=$sport; else port=$nport; fi
            load=$(cut -d' ' -f1 /proc/loadavg)
            file="$out/$server-c$c-run$r.txt"
            if [ "$server" = stockade ] && [ "$instances" = 2 ]; then
                wrk -t1 -c$((c / 2)) -d"$duration" --latency -H "Host: $host" "http://127.0.0.1:$sport$path" >"$file" &
                first_wrk=$!
                wrk -t1 -c$((c / 2)) -d"$duration" --latency -H "Host: $host" "http://127.0.0.1:$((sport + 1))$path" >"$file.2"
                wait "$first_wrk"
                files="$file $file.2"
            else
                # shellcheck disable=SC2086
                $pin_load wrk -t$wrk_threads -c"$c" -d"$duration" --latency -H "Host: $host" "http://127.0.0.1:$port$path" >"$file"
                files=$file
            fi
            # shellcheck disable=SC2086 # two files for two instances
            rps=$(awk '/^Requests\/sec/ { sum += $2 } END { printf "%.2f", sum }' $files)
            p50=$(highest_latency 50% $files)
            p99=$(highest_latency 99% $files)
            # shellcheck disable=SC2086
            non2xx=$(awk '/Non-2xx/ { sum += $NF } END { if (sum) print sum }' $files)
            # shellcheck disable=SC2086
            errors=$(awk '/Socket errors/ { print $0 }' $files | tr '\n' ' ')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$c" "$r" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}" "$load" | tee -a "$summary"
        done
        r=$((r + 1))
    done
done
echo "stockade RSS after the runs: $(awk '/VmRSS/ { print $2, $3 }' /proc/$stockade_pid/status)" >&2
echo "results in $out" >&2
