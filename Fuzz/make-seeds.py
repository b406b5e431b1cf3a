#!/usr/bin/env python3
"""Writes the seed inputs of Fuzz/Corpus/<harness>/seed-*: small valid (and a few nearly valid) inputs from the test
vectors and the lab's data, so libFuzzer starts inside each grammar. Run from the repository root; deterministic.
Inputs that libFuzzer finds and `scripts/fuzz.sh merge` keeps are named by their SHA-1 and sit beside these."""
import base64
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")


def write(harness, name, data):
    folder = os.path.join(ROOT, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- DNS (RFC 1035 §4): hand-encoded messages, names compressed against the question.
def name(text):
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, rdata, ttl=300):
    return owner + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata


def message(ident, flags, question, answers=(), authority=(), additional=()):
    head = struct.pack(">HHHHHH", ident, flags, 1 if question else 0, len(answers), len(authority), len(additional))
    return head + question + b"".join(answers) + b"".join(authority) + b"".join(additional)


PTR = b"\xc0\x0c"  # the question's name
opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0x8000, 0)  # OPT, DO bit
opt_ede = b"\0" + struct.pack(">HHIH", 41, 1232, 0, 11) + struct.pack(">HH", 15, 7) + b"\0\x06bogus"
q = lambda n, t: name(n) + struct.pack(">HH", t, 1)
write("dns-message", "query-mx", message(0x1234, 0x0100, q("example.test", 15), additional=[opt]))
write("dns-message", "mx-answer", message(1, 0x8180, q("example.test", 15), answers=[
    rr(PTR, 15, struct.pack(">H", 10) + b"\x03mx1" + PTR),
    rr(PTR, 15, struct.pack(">H", 20) + name("mx2.example.net"))], additional=[opt]))
write("dns-message", "a-aaaa", message(2, 0x81a0, q("mx1.example.test", 1), answers=[
    rr(PTR, 1, bytes([192, 0, 2, 1])), rr(PTR, 28, bytes.fromhex("20010db8000000000000000000000053"))]))
write("dns-message", "txt-mta-sts", message(3, 0x8180, q("_mta-sts.example.test", 16), answers=[
    rr(PTR, 16, b"\x1cv=STSv1; id=20160831085700Z;" + b"\x00" + b"\x05split")]))
write("dns-message", "tlsa", message(4, 0x81a0, q("_25._tcp.mx1.example.test", 52), answers=[
    rr(PTR, 52, bytes([3, 1, 1]) + bytes(range(32))), rr(PTR, 52, bytes([2, 0, 2]) + bytes(range(64)))]))
write("dns-message", "cname-soa-nxdomain", message(5, 0x8183, q("www.example.test", 1), answers=[
    rr(PTR, 5, b"\x04host" + b"\xc0\x10")], authority=[
    rr(b"\xc0\x10", 6, b"\x03ns1\xc0\x10" + b"\x0ahostmaster\xc0\x10" + struct.pack(">IIIII", 2026112901, 3600, 900, 604800, 300))],
    additional=[opt_ede]))
write("dns-message", "dnssec", message(6, 0x81a0, q("example.test", 48), answers=[
    rr(PTR, 48, struct.pack(">HBB", 257, 3, 13) + bytes(range(64))),
    rr(PTR, 46, struct.pack(">HBBIIIH", 48, 13, 2, 300, 1_800_000_000, 1_700_000_000, 4242) + name("example.test") + bytes(64)),
    rr(PTR, 43, struct.pack(">HBB", 12345, 13, 2) + bytes(32)),
    rr(PTR, 47, name("b.example.test") + bytes([0, 6, 0x40, 0x01, 0, 0, 0, 0x03])),
    rr(PTR, 50, bytes([1, 1, 0, 0, 2, 0xAB, 0xCD, 20]) + bytes(20) + bytes([0, 1, 0x40]))]))
write("dns-message", "srv-caa-openpgpkey-unknown", message(7, 0x8180, q("_submission._tcp.example.test", 33), answers=[
    rr(PTR, 33, struct.pack(">HHH", 0, 1, 587) + name("host.example.test")),
    rr(PTR, 257, b"\x80\x05issueca.example;account=1"),
    rr(PTR, 61, bytes(range(40))),
    rr(PTR, 65280, bytes([10, 0, 0, 1]))]))

# --- TLSA record data (RFC 6698 §2.1), the lab's dane.test shapes.
write("tlsa", "3-1-1", bytes([3, 1, 1]) + bytes(range(32)))
write("tlsa", "2-0-2", bytes([2, 0, 2]) + bytes(range(64)))
write("tlsa", "3-0-0", bytes([3, 0, 0]) + bytes(range(80)))
write("tlsa", "1-1-1-pkix", bytes([1, 1, 1]) + bytes(32))
write("tlsa", "3-1-1-short", bytes([3, 1, 1]) + bytes(31))

# --- OpenPGP: the RFC 9580 vectors of Tests/OpenPGPTests/Vectors, binary and armored.
vectors = os.path.join(os.path.dirname(ROOT), "..", "Tests", "OpenPGPTests", "Vectors")


def dearmor(text):
    body = text.split("\n\n", 1)[1].split("-----END")[0]
    return base64.b64decode("".join(l for l in body.split("\n") if l and not l.startswith("=")))


for file in sorted(os.listdir(vectors)):
    if not file.endswith(".asc"):
        continue
    armored = open(os.path.join(vectors, file)).read()
    stem = file[:-4]
    write("openpgp-armor", stem, armored)
    write("openpgp-packets", stem, dearmor(armored))
    if "signature" not in stem:
        write("openpgp-certificate", stem, dearmor(armored))
        write("openpgp-certificate", stem + "-armored", armored)
write("openpgp-armor", "headers-crc", "text before\n-----BEGIN PGP MESSAGE-----\nComment: fuzz\nVersion: 1\n\nT3BlblBHUA==\n=ZnXt\n"
      "-----END PGP MESSAGE-----\n-----BEGIN PGP SIGNATURE-----\n\nAAEC\n-----END PGP SIGNATURE-----\n")
# Legacy-format headers and a partial-length literal packet.
write("openpgp-packets", "legacy-and-partial", bytes([0xB4, 5]) + b"a <b>" + bytes([0xCB, 0xE9]) + bytes(512) + bytes([3, 1, 2, 3]))

# --- MTA-STS (RFC 8461): the policies and records of Tests/MTASTSTests.
policies = {
    "rfc": "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n",
    "none": "version: STSv1\nmode: none\nmax_age: 86400\n",
    "crlf-testing": "version: STSv1\r\nmode: testing \r\nmx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n",
    "gmail": "version: STSv1\nmode: enforce\nmx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n",
    "repeats-unicode": "version: STSv1\nnote: caf\u00e9 \u2713\nmode: enforce\nmode: none\nmx: a.example\n\nmax_age: 0000000001",
}
for key, text in policies.items():
    write("mtasts-policy", key, text)
records = {
    "rfc": "v=STSv1; id=20160831085700Z;",
    "minimal": "v=STSv1;id=abc",
    "extensions": "v=STSv1 ;\tid=abc\t; ext_1.a-b=va!ue; X9=:/~",
    "repeated": "v=STSv1; id=first; id=second; v=STSv2",
    "rrset-split": "v=spf1 include:_spf.example.com -all\nv=STSv1; \x00id=20190429T010101;",
}
for key, text in records.items():
    write("mtasts-record", key, text)

# --- Postfix socketmap netstrings (socketmap_table(5)).
write("netstring", "requests", b"21:policy example.test,16:policy mx.test,")
write("netstring", "partial", b"5:hello,0:,10:incomp")
write("netstring", "reply", b"42:OK dane-only match=nexthop:hostname,")

# --- WKD addresses and HKP searches (the key server's request paths).
write("wkd-address", "simple", "Joe.Doe@Example.ORG")
write("wkd-address", "unicode", "j\u00f6rg+tag@m\u00fcnchen.example")
write("wkd-address", "two-at", "\"a@b\"@example.test")
write("hkp-search", "fingerprint", "0x5D7346DDE6C6AE11F6F7E5F2C6E7C9B5A7B3D4E8")
write("hkp-search", "v6-fingerprint", "cb186c4f0609a697e4d52dfa6c722b0c1f1e27c18a56708f6525ec27bad9acc9")
write("hkp-search", "keyid", "0xC6E7C9B5A7B3D4E8")
write("hkp-search", "email", " <Alice@Example.ORG> ")

# --- SMTP replies (RFC 5321 §4.2), as the lab's sink and real servers send them.
write("smtp-reply", "ehlo", "220 mx.example.test ESMTP\r\n250-mx.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
      "250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n")
write("smtp-reply", "errors", "421 4.7.0 Try again later\r\n550-5.1.1 The email account\n550 5.1.1 does not exist\r\n354 go\r\n")
