#!/usr/bin/env python3
"""The decode peer: dnspython's dns.message.from_wire on the same bytes the Swift benchmark decodes.

Usage: dnspython_decode.py DIR   (DIR holds mx-response.bin and txt-response.bin, written by the Swift
benchmark when STOCKADE_BENCH_DUMP_DIR=DIR). Prints, per file, the median of 5 timeit repeats in µs per decode
and decodes per second.
"""
import statistics
import sys
import timeit

import dns.message
import dns.version

folder = sys.argv[1] if len(sys.argv) > 1 else "."
print(f"dnspython {dns.version.version}, Python {sys.version.split()[0]}")
for file in ("mx-response.bin", "txt-response.bin"):
    wire = open(f"{folder}/{file}", "rb").read()
    message = dns.message.from_wire(wire)  # fails loudly if dnspython cannot read it
    assert len(message.answer) > 0
    timer = timeit.Timer(lambda: dns.message.from_wire(wire))
    number, _ = timer.autorange()
    number = max(number, 2_000)
    runs = [t / number for t in timer.repeat(repeat=5, number=number)]
    median = statistics.median(runs)
    print(f"{file} ({len(wire)} B): median {median * 1e6:.2f} µs/decode, {1 / median:,.0f} decodes/s "
          f"(5 repeats of {number}; min {min(runs) * 1e6:.2f} µs, max {max(runs) * 1e6:.2f} µs)")
