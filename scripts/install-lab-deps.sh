#!/usr/bin/env bash
# Install the programs lab/lab.sh needs (Debian/Ubuntu), only those that are missing. Idempotent.
#
#   scripts/install-lab-deps.sh          install what is missing (needs root and a reachable apt mirror)
#   scripts/install-lab-deps.sh --check  only report; exit 1 if something is missing
#
# The lab starts its own nsd and unbound on other ports with configs under lab/run/, and its own Postfix
# instance (postfix -c lab/run/mta/config) and its own PostgreSQL cluster (lab/run/postgres); the system services from the packages are never used, and
# Postfix is installed with debconf's "No configuration" (no /etc/postfix/main.cf, nothing listens). This script stops apt from starting them at install time
# (policy-rc.d), and reports any system nsd/unbound that is running afterwards (it leaves them alone:
# the lab uses 127.0.0.1:53530/53531 and 127.0.5.53:53, which a default system unbound on
# 127.0.0.1:53 does not conflict with).
set -euo pipefail

# command -> Debian package
declare -A PKG_OF=(
    [nsd]=nsd
    [nsd-checkconf]=nsd
    [unbound]=unbound
    [unbound-checkconf]=unbound
    [ldns-keygen]=ldnsutils
    [ldns-signzone]=ldnsutils
    [ldns-verify-zone]=ldnsutils
    [dig]=bind9-dnsutils
    [postfix]=postfix
    [postconf]=postfix
    [posttls-finger]=postfix
)
ORDER=(nsd nsd-checkconf unbound unbound-checkconf ldns-keygen ldns-signzone ldns-verify-zone dig postfix postconf posttls-finger)

# nsd/unbound/postfix live in /usr/sbin, which may not be on a non-root PATH
export PATH="$PATH:/usr/sbin:/sbin"

check_only=
[[ ${1:-} == --check ]] && check_only=1

missing_pkgs=()
for cmd in "${ORDER[@]}"; do
    if command -v "$cmd" >/dev/null 2>&1; then
        printf 'ok       %-18s %s\n' "$cmd" "$(command -v "$cmd")"
    else
        pkg=${PKG_OF[$cmd]}
        printf 'missing  %-18s (package %s)\n' "$cmd" "$pkg"
        [[ " ${missing_pkgs[*]-} " == *" $pkg "* ]] || missing_pkgs+=("$pkg")
    fi
done

# PostgreSQL's server programs are not on PATH (/usr/lib/postgresql/N/bin); the lab's postgres component finds them there
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    printf 'ok       %-18s %s\n' initdb "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n1)"
else
    printf 'missing  %-18s (package %s)\n' initdb postgresql
    missing_pkgs+=(postgresql)
fi

if ((${#missing_pkgs[@]} == 0)); then
    echo "all lab dependencies are installed"
    exit 0
fi
if [[ -n $check_only ]]; then
    echo "missing packages: ${missing_pkgs[*]}"
    exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "need root to install: ${missing_pkgs[*]} (try: sudo $0)" >&2
    exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "apt-get not found; install by hand: ${missing_pkgs[*]}" >&2; exit 1; }

# Keep maintainer scripts from starting the packaged daemons (invoke-rc.d honours policy-rc.d;
# exit 101 = "action forbidden"). Only if no policy is in place already, and removed afterwards.
policy=/usr/sbin/policy-rc.d
created_policy=
if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from Stockade scripts/install-lab-deps.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
fi
cleanup() { [[ -n $created_policy ]] && rm -f "$policy"; return 0; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing_pkgs[*]} " == *" postfix "* ]]; then
    # no system mail configuration at all: the lab's instance has its own main.cf/master.cf under lab/run/mta/
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi
echo "installing: ${missing_pkgs[*]}"
apt-get update
apt-get install -y --no-install-recommends "${missing_pkgs[@]}"

# what is running now that is not the lab's own (the lab's daemons run with -c .../lab/run/dns/...)
for name in nsd unbound; do
    for pid in $(pgrep -x "$name" 2>/dev/null || true); do
        args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
        [[ $args == *"/lab/run/dns/"* ]] && continue
        echo "note: a system $name is running (pid $pid: $args); left alone, the lab uses its own ports"
    done
done
# anything on port 53 (other than the lab) that binds 0.0.0.0 would stop the lab's 127.0.5.53:53 listener
if command -v ss >/dev/null 2>&1; then
    while read -r line; do
        pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
        [[ -n $pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '/lab/run/dns/' && continue
        echo "note: port 53 in use: $line"
    done < <(ss -Hlnup 'sport = :53' 2>/dev/null || true)
fi

# re-check
for cmd in "${ORDER[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "still missing after install: $cmd" >&2; exit 1; }
done
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || { echo "still missing after install: initdb" >&2; exit 1; }
echo "all lab dependencies are installed"
