#!/usr/bin/env python3
"""Cuts a binary OpenPGP keyring at certificate boundaries into pieces that Stockade's `Certificate.readAll`
accepts: at most 1 MiB (OpenPGPLimits.maxInputBytes) and 10 000 packets (OpenPGPLimits.maxPackets) each.

    python3 peers/split-keyring.py KEYRING        # writes KEYRING.1, KEYRING.2, … and prints their names

`stockade key inspect KEYRING.1 KEYRING.2 …` then reads the whole keyring (the 2000-certificate keyring of the
benchmark is 1.46 MB and 12 000 packets, over both limits). Only packet headers are read (RFC 9580 §4.2).
"""
import sys

MAX_BYTES = 1 << 20
MAX_PACKETS = 10_000


def packets(data):
    """Yields (offset, tag, end) for each packet."""
    offset = 0
    while offset < len(data):
        first = data[offset]
        if not first & 0x80:
            raise ValueError(f"not a packet header at {offset}")
        if first & 0x40:
            tag = first & 0x3F
            o1 = data[offset + 1]
            if o1 < 192:
                length, header = o1, 2
            elif o1 < 224:
                length, header = ((o1 - 192) << 8) + data[offset + 2] + 192, 3
            elif o1 == 255:
                length, header = int.from_bytes(data[offset + 2:offset + 6], "big"), 6
            else:
                raise ValueError(f"partial length at {offset}")
        else:
            tag = (first >> 2) & 0x0F
            octets = (1, 2, 4, 0)[first & 3]
            if octets == 0:
                raise ValueError(f"indeterminate length at {offset}")
            length, header = int.from_bytes(data[offset + 1:offset + 1 + octets], "big"), 1 + octets
        end = offset + header + length
        yield offset, tag, end
        offset = end


def certificates(data):
    """Yields (start, end, packet count) for each certificate (a Public-Key packet, tag 6, starts one)."""
    start, count = 0, 0
    for offset, tag, end in packets(data):
        if tag == 6 and offset > 0:
            yield start, offset, count
            start, count = offset, 0
        count += 1
    yield start, len(data), count


def main():
    path = sys.argv[1]
    data = open(path, "rb").read()
    pieces, start, count = [], 0, 0
    for cert_start, cert_end, cert_count in certificates(data):
        if cert_end - start > MAX_BYTES or count + cert_count > MAX_PACKETS:
            pieces.append(data[start:cert_start])
            start, count = cert_start, 0
        count += cert_count
    pieces.append(data[start:])
    for i, piece in enumerate(pieces, 1):
        with open(f"{path}.{i}", "wb") as f:
            f.write(piece)
        print(f"{path}.{i}")


if __name__ == "__main__":
    main()
