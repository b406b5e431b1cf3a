#!/usr/bin/env bash
# Postfix's own DANE verdict for a lab MX host, for comparing Stockade's verdicts with Postfix's:
#
#   lab/tools/posttls-finger-dane.sh HOST         e.g. mx.ee.dane.test (a host, connected as [HOST] on port 25)
#   lab/tools/posttls-finger-dane.sh -d DOMAIN    e.g. ee.dane.test (MX lookup first, as a sender would)
#
# Runs `posttls-finger -t 10 -l dane -P CA` (its full SMTP transcript is printed) inside a private mount namespace (unshare -m --propagation private) with
# the lab's resolv.conf (unbound on 127.0.5.53:53) bind-mounted over /etc/resolv.conf, since Postfix's resolver only
# reads /etc/resolv.conf. Prints posttls-finger's output, then one line "verdict: ..." (the line that decides:
# "Verified/Trusted/Untrusted TLS connection established ...", a lookup or session failure, or "no STARTTLS ...").
# Needs root and a running lab (lab/lab.sh up).
set -uo pipefail
LAB_DIR=$(cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd) || exit 1
RUN_DIR=$LAB_DIR/run
PATH=$PATH:/usr/sbin:/sbin
target=
case ${1:-} in
    -d) [[ -n ${2:-} ]] || { echo "usage: $0 HOST | -d DOMAIN" >&2; exit 2; }; target=$2 ;;
    ""|-*) echo "usage: $0 HOST | -d DOMAIN" >&2; exit 2 ;;
    *) target="[$1]" ;;
esac
[[ -s $RUN_DIR/resolv.conf && -s $RUN_DIR/ca/ca.pem ]] || { echo "no lab running (lab/lab.sh up)" >&2; exit 1; }
# posttls-finger reads a main.cf (MAIL_CONFIG): a minimal one of its own, never /etc/postfix's or the lab smtpd's
conf=$RUN_DIR/mta/finger
mkdir -p "$conf" || exit 1
printf '# for lab/tools/posttls-finger-dane.sh\ncompatibility_level = 3.6\nsmtp_dns_support_level = dnssec\ninet_protocols = ipv4\n' >"$conf/main.cf"
touch -d '1 minute ago' "$conf/main.cf"
export MAIL_CONFIG=$conf
out=$(unshare -m --propagation private -- sh -c '
    mount --bind "$1" /etc/resolv.conf || exit 1
    shift
    exec posttls-finger "$@"' sh "$RUN_DIR/resolv.conf" -t 10 -l dane -P "$RUN_DIR/ca/ca.pem" "$target" 2>&1)
rc=$?
printf '%s\n' "$out"
verdict=$(grep -E 'TLS connection established' <<<"$out" | tail -n 1)
[[ -n $verdict ]] || verdict=$(grep -E 'Failed|failed|TLSA lookup error|[Nn]ame service error|refused|timed out' <<<"$out" | tail -n 1)
if [[ -z $verdict ]] && grep -q '^posttls-finger: < 250[ -]' <<<"$out" && ! grep -qi '^posttls-finger: < 250[ -]STARTTLS' <<<"$out"; then
    verdict="no STARTTLS in the EHLO answer: no TLS session (a DANE sender defers)"
fi
printf 'verdict: %s\n' "${verdict:-(none; exit $rc)}"
exit $rc
