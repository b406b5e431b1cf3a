#!/usr/bin/env python3
"""Runs pyspf (PyPI `pyspf`) on SPF checks read as JSON from standard input, against the lab's resolver.

Input: [{"ip": "192.0.2.1", "sender": "a@b.example", "helo": "mail.example.com"}, ...]
Output: [{"result": "pass", "explanation": null}, ...] in the same order; the explanation is the one `exp=` gave a
`fail` (pyspf's default explanations are switched off, as Stockade has none). When pyspf raises instead of giving a
result, the result is `exception: <its class>`.

STOCKADE_RESOLVER (HOST:PORT, as `lab/lab.sh env` prints it) names the resolver; dnspython's default resolver is
pointed at it, so pyspf asks only the lab.
"""
import json
import os
import sys

import dns.resolver
import spf


def lab_resolver():
    host, _, port = os.environ["STOCKADE_RESOLVER"].rpartition(":")
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = int(port)
    return resolver


def check(case):
    query = spf.query(case["ip"], case["sender"], case["helo"])
    query.set_default_explanation(None)
    try:
        result, _code, explanation = query.check()
    except Exception as error:  # pyspf lets some DNS library errors through
        return {"result": "exception: " + type(error).__name__, "explanation": None}
    return {"result": result, "explanation": explanation if result == "fail" else None}


def main():
    dns.resolver.default_resolver = lab_resolver()
    json.dump([check(case) for case in json.load(sys.stdin)], sys.stdout)


if __name__ == "__main__":
    main()
