#!/usr/bin/env python3
"""dkimpy's verifications per second on the files DKIMBenchmarks writes (STOCKADE_BENCH_DUMP_DIR=DIR):
python3 Benchmarks/peers/dkimpy_bench.py DIR/dkim-rsa2048.eml DIR/dkim-ed25519.eml
Keys come from the lab zone's text (no DNS in the loop, as Stockade's benchmark reads them from a table)."""
import pathlib
import re
import sys
import time

import dkim

ZONE = pathlib.Path(__file__).resolve().parents[2] / "lab/zones/dkim.test.zone"


def records():
    found = {}
    for line in open(ZONE):
        match = re.match(r"^(\S+)\._domainkey\s+IN TXT\s+\((.*)\)", line)
        if match:
            found[f"{match.group(1)}._domainkey.dkim.test.".encode()] = "".join(re.findall(r'"([^"]*)"', match.group(2))).encode()
    return found


def main():
    table = records()
    for path in sys.argv[1:]:
        message = open(path, "rb").read()
        assert dkim.verify(message, dnsfunc=lambda name, timeout=5: table.get(name)), path
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < 3:
            dkim.verify(message, dnsfunc=lambda name, timeout=5: table.get(name))
            count += 1
        print(f"dkimpy {dkim.__name__} verify {path}: {count / (time.perf_counter() - start):.0f}/s")


if __name__ == "__main__":
    main()
