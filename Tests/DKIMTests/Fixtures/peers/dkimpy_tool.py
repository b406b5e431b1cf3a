#!/usr/bin/env python3
"""dkimpy as a peer for Stockade's DKIM tests.

  dkimpy_tool.py verify HOST:PORT FILE
      prints a JSON list, one boolean per DKIM-Signature field, top first (dkimpy's verify(idx=i)),
      keys fetched from the resolver at HOST:PORT through dnspython.
  dkimpy_tool.py sign FILE KEY.pem DOMAIN SELECTOR ALGORITHM HEADER/BODY [length]
      prints FILE signed by dkimpy (From, To, Subject signed); ALGORITHM rsa-sha256, rsa-sha1 or ed25519-sha256.
"""
import base64
import json
import sys

import dkim
import dns.resolver
from cryptography.hazmat.primitives import serialization


def verify(resolver_address, path):
    resolver = dns.resolver.Resolver(configure=False)
    host, port = resolver_address.rsplit(":", 1)
    resolver.nameservers = [host]
    resolver.port = int(port)

    def dnsfunc(name, timeout=5):
        try:
            answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
        except Exception:
            return None
        # The first record only, as dkimpy's own dnsplug.get_txt_dnspython does.
        return b"".join(answer[0].strings)

    message = open(path, "rb").read()
    verifier = dkim.DKIM(message)
    count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
    results = []
    for index in range(count):
        try:
            results.append(bool(verifier.verify(idx=index, dnsfunc=dnsfunc)))
        except Exception:  # dkimpy raises on some malformed keys instead of answering False
            results.append(False)
    print(json.dumps(results))


def sign(path, key_path, domain, selector, algorithm, canonicalization, length=False):
    key = open(key_path, "rb").read()
    if algorithm == "ed25519-sha256":
        private = serialization.load_pem_private_key(key, password=None)
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        key = base64.b64encode(raw)
    header, body = canonicalization.split("/")
    message = open(path, "rb").read()
    signature = dkim.sign(message, selector.encode(), domain.encode(), key,
                          canonicalize=(header.encode(), body.encode()),
                          signature_algorithm=algorithm.encode(),
                          include_headers=[b"from", b"to", b"subject"], length=length)
    sys.stdout.buffer.write(signature + message)


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    else:
        sign(*sys.argv[2:8], length=len(sys.argv) > 8 and sys.argv[8] == "length")
