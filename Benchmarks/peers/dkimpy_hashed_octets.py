#!/usr/bin/env python3
"""The octets a DKIM verifier must hash (RFC 6376 §3.7), counted through dkimpy: every SHA-256 update's length while
dkimpy verifies the files DKIMBenchmarks writes (STOCKADE_BENCH_DUMP_DIR=DIR):
python3 Benchmarks/peers/dkimpy_hashed_octets.py DIR/dkim-rsa2048.eml DIR/dkim-ed25519.eml
The crypto limits of DKIMBenchmarks hash exactly these counts (docs/benchmarks.md, DKIM fourth pass).
Keys come from the lab zone's text, as in dkimpy_bench.py."""
import hashlib
import sys

import dkim

from dkimpy_bench import records  # the lab zone's key records, as dkimpy_bench.py reads them


hashes = []


class CountingSHA256:
    """hashlib.sha256 that records the length of every update."""

    name = "sha256"

    def __init__(self, data=b""):
        self.inner = hashlib.sha256()
        self.updates = []
        hashes.append(self.updates)
        if data:
            self.update(data)

    def update(self, data):
        self.updates.append(len(data))
        self.inner.update(data)

    def digest(self):
        return self.inner.digest()

    def hexdigest(self):
        return self.inner.hexdigest()


def main():
    for name in list(dkim.HASH_ALGORITHMS):
        if b"sha256" in name:
            dkim.HASH_ALGORITHMS[name] = CountingSHA256
    table = records()
    for path in sys.argv[1:]:
        hashes.clear()
        verified = dkim.verify(open(path, "rb").read(), dnsfunc=lambda name, timeout=5: table.get(name))
        print(path, "verified:", verified)
        for index, updates in enumerate(hashes):
            print(f"  hash {index}: {len(updates)} updates, {sum(updates)} octets; sizes {updates[:12]}{' ...' if len(updates) > 12 else ''}")


main()
