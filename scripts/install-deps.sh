#!/usr/bin/env bash
# Installs, from Debian's packages, what `make run` or `make test` needs and is missing. Idempotent: apt-get
# runs only when a command is missing.
#
#   scripts/install-deps.sh run    the server: a Swift toolchain (checked, not installed) and SQLite's headers
#   scripts/install-deps.sh test   the above, the lab (nsd, unbound, ldns, dig, aiosmtpd), the interop peers (gpg, sq),
#                                  headless Chromium (chromium, chromium-driver, Selenium) for the page tests, and
#                                  Postfix's postmap for the socketmap tests, and systemd-analyze for the
#                                  unit in contrib/systemd; the mail-authentication peers (OpenDKIM, OpenDMARC, swaks;
#                                  pyspf, dkimpy with PyNaCl, checkdmarc from PyPI); xmllint and parsedmarc for the
#                                  DMARC aggregate reports; tlsrpt-reporter (and sqlite3 to read its database) for the
#                                  TLSRPT collector
#   scripts/install-deps.sh bench  the above, and the load tools and peers of Benchmarks/peers and docs/benchmarks.md
#                                  (wrk, nginx-light, hyperfine, perf, libspf2's spfquery, uvloop)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
mode=${1:-test}

command -v swift >/dev/null 2>&1 || { echo "install-deps: no swift toolchain on PATH (Swift 6.1 or newer is needed)" >&2; exit 1; }

# command or file -> Debian package
declare -A wanted=([/usr/include/sqlite3.h]=libsqlite3-dev)
python_modules=(aiosmtpd selenium postfix_mta_sts_resolver prometheus_client spf dns dkim nacl checkdmarc parsedmarc tlsrpt_reporter)
if [[ $mode == bench ]]; then
    python_modules+=(uvloop)
    wanted+=([wrk]=wrk [/usr/sbin/nginx]=nginx-light [hyperfine]=hyperfine [perf]=linux-perf [spfquery]=spfquery [/usr/bin/rspamd]=rspamd)
    mode=test
fi
if [[ $mode == test ]]; then
    wanted+=([gpg]=gnupg [gpgconf]=gnupg [/usr/lib/gnupg/gpg-wks-client]=gpg-wks-client [sq]=sq [openssl]=openssl [python3]=python3 [curl]=curl
             [chromium]=chromium [chromedriver]=chromium-driver [/usr/sbin/postmap]=postfix [systemd-analyze]=systemd
             [/usr/sbin/opendkim]=opendkim [/usr/sbin/opendkim-testmsg]=opendkim-tools [/usr/sbin/opendmarc]=opendmarc
             [swaks]=swaks [xmllint]=libxml2-utils [sqlite3]=sqlite3)
fi

missing=()
for need in "${!wanted[@]}"; do
    if [[ $need == /* ]]; then [[ -e $need ]] && continue; else command -v "$need" >/dev/null 2>&1 && continue; fi
    missing+=("${wanted[$need]}")
done
if ((${#missing[@]} > 0)); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    echo "install-deps: installing ${missing[*]}"
    # Postfix's tools only (postmap for the policy-service tests): no mail system is configured or started
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ $mode == test ]]; then
    scripts/install-lab-deps.sh >/dev/null
    # Python modules from PyPI: the lab SMTP sink, the browser driver of the page tests, the socketmap peer, and the
    # Prometheus text-format parser of the metrics test
    modules=()
    for module in "${python_modules[@]}"; do python3 -c "import $module" 2>/dev/null || modules+=("$module"); done
    if ((${#modules[@]} > 0)); then
        echo "install-deps: installing ${modules[*]} for $(command -v python3)"
        python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip; }
        pip_args=(--quiet --disable-pip-version-check)
        # Debian's own python3 refuses pip (PEP 668) unless told; pip then installs under /usr/local, apart from apt's files
        if python3 -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
            pip_args+=(--break-system-packages)
        fi
        # import name -> PyPI name where they differ
        declare -A pypi=([postfix_mta_sts_resolver]=postfix-mta-sts-resolver==1.5.1 [spf]=pyspf [dns]=dnspython [dkim]=dkimpy [nacl]=pynacl [parsedmarc]=parsedmarc==11.1.0 [tlsrpt_reporter]=tlsrpt-reporter==0.6.0)
        packages=()
        for module in "${modules[@]}"; do packages+=("${pypi[$module]:-$module}"); done
        python3 -m pip install "${pip_args[@]}" "${packages[@]}"
    fi
fi
echo "install-deps: everything for '$mode' is installed"
