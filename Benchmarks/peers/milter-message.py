#!/usr/bin/env python3
"""Writes the milter benchmark's message (docs/benchmarks.md, "Milter"): about 10 KB of text from alice@mail.test,
signed by dkimpy with the lab zone's selector s1 (Ed25519; its seed is SHA-256 of the text below, see
lab/zones/mail.test.zone), so DKIM passes and aligns and DMARC passes. Usage: milter-message.py OUT.eml"""
import base64, hashlib, sys
import dkim

seed = hashlib.sha256(b"stockade mail.test ed25519 selector s1").digest()
line = b"The quick brown fox jumps over the lazy dog; a line of an ordinary ten-kilobyte message.\r\n"
body = line * (10240 // len(line))
headers = (b"From: Alice <alice@mail.test>\r\nTo: rcpt@y.test\r\nSubject: benchmark\r\n"
           b"Date: Sun, 06 Dec 2026 12:00:00 +0000\r\nMessage-ID: <bench@mail.test>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=us-ascii\r\n")
message = headers + b"\r\n" + body
signature = dkim.sign(message, b"s1", b"mail.test", base64.b64encode(seed), signature_algorithm=b"ed25519-sha256",
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
with open(sys.argv[1], "wb") as out:
    out.write(signature + message)
