#!/usr/bin/env python3
"""pyspf's check_host() evaluations per second with a warm DNS cache, on the checks SPFBenchmarks runs:
    set -a; eval "$(lab/lab.sh env)"; set +a; python3 Benchmarks/peers/pyspf_bench.py
dnspython's resolver points at the lab's unbound (STOCKADE_RESOLVER) with its own cache on, warmed by one check."""
import os
import time

import dns.resolver
import spf

host, port = os.environ["STOCKADE_RESOLVER"].rsplit(":", 1)
resolver = dns.resolver.Resolver(configure=False)
resolver.nameservers = [host]
resolver.port = int(port)
resolver.cache = dns.resolver.Cache()
dns.resolver.default_resolver = resolver

for name, client, sender in [("one term (mail.test)", "192.0.2.10", "alice@mail.test"),
                             ("9 includes + redirect (chain1.spf.test)", "192.0.2.1", "alice@chain1.spf.test")]:
    result = spf.check2(i=client, s=sender, h="mx.example.net")
    assert result[0] == "pass", (sender, result)
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < 3:
        spf.check2(i=client, s=sender, h="mx.example.net")
        runs += 1
    elapsed = time.perf_counter() - start
    print(f"pyspf {spf.__version__} check_host, warm cache: {name}: {runs / elapsed:,.0f}/s ({elapsed / runs * 1e6:.0f} µs each)")
