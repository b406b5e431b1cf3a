#!/usr/bin/env python3
"""A round-trip floor for the uncached resolve: a timed loop of UDP queries for www.secure.test A (EDNS, DO bit)
to the lab's unbound, one in flight at a time, each reply's ID checked.

Usage: udp_query_loop.py [HOST:PORT] [COUNT]. Two modes, both printed:
  fresh socket  - a new socket (random source port) per query, as Stockade's resolver does;
  one socket    - one connected socket reused for every query (the bare round trip).
Prints queries/s and the median and p99 latency per query. It builds the query by hand and does not parse the
reply beyond its ID, so it is a floor for "send, wait, receive", not a resolver.
"""
import os
import socket
import statistics
import struct
import sys
import time

server = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("STOCKADE_RESOLVER", "127.0.0.1:53531")
count = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
host, port = server.rsplit(":", 1)
address = (host, int(port))


def query(ident: int) -> bytes:
    header = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 1)
    qname = b"".join(bytes([len(label)]) + label for label in b"www.secure.test".split(b".")) + b"\x00"
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0x8000, 0)  # root, OPT, payload 1232, DO bit, no options
    return header + qname + struct.pack("!HH", 1, 1) + opt


def exchange(sock: socket.socket, ident: int) -> None:
    sock.send(query(ident))
    while True:
        reply = sock.recv(4096)
        if len(reply) >= 12 and struct.unpack("!H", reply[:2])[0] == ident:
            return


def run(fresh: bool) -> list[int]:
    latencies = []
    sock = None
    if not fresh:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(2)
        sock.connect(address)
    for i in range(count):
        ident = (i * 7919) & 0xFFFF
        start = time.perf_counter_ns()
        if fresh:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(2)
                s.connect(address)
                exchange(s, ident)
        else:
            exchange(sock, ident)
        latencies.append(time.perf_counter_ns() - start)
    if sock:
        sock.close()
    return latencies


for fresh in (True, False):
    run(fresh)  # warm-up pass
    latencies = sorted(run(fresh))
    total = sum(latencies) / 1e9
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"{'fresh socket' if fresh else 'one socket  '}: {count / total:,.0f} queries/s, "
          f"median {statistics.median(latencies) / 1000:.1f} µs, p99 {p99 / 1000:.1f} µs ({count} queries)")
