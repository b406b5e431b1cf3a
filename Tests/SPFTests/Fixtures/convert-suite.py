#!/usr/bin/env python3
"""Converts the RFC 7208 test suite (rfc7208-tests.yml) into rfc7208-tests.json, which the Swift tests read.

    python3 Tests/SPFTests/Fixtures/convert-suite.py   # from the repository root, or anywhere

Each YAML document is one scenario. The output keeps the scenarios and their tests in file order and turns the
zone data into what an authoritative server answers, applying the suite's own conventions (its header and pyspf's
test driver, test/testspf.py):
- a type SPF record also serves as a TXT record when the name has no TXT record of its own (RFC 7208 dropped
  type SPF; the suite relies on drivers copying it);
- `TXT: NONE` stands for no TXT record, and blocks that copying;
- a bare `TIMEOUT` entry means queries for the name's other types get no reply at all;
- a name listed in the zone exists (NODATA for types it lacks); any other name is NXDOMAIN.
"""
import json
import pathlib

import yaml

HERE = pathlib.Path(__file__).resolve().parent


def strings(value):
    """A TXT value as its list of character-strings."""
    return value if isinstance(value, list) else [value]


def zone(zonedata):
    names = {}
    for name, entries in zonedata.items():
        records, timeout, has_txt, spf = [], False, False, []
        for entry in entries:
            if entry == "TIMEOUT":
                timeout = True
                continue
            (kind, value), = entry.items()
            if kind == "TXT":
                has_txt = True
                if value != "NONE":
                    records.append({"type": "TXT", "strings": strings(value)})
            elif kind == "SPF":
                if value != "NONE":
                    spf.append({"type": "TXT", "strings": strings(value)})
            elif kind == "MX":
                records.append({"type": "MX", "preference": value[0], "exchange": value[1]})
            else:
                records.append({"type": kind, "value": str(value)})
        if not has_txt:
            records += spf
        names[name.lower().rstrip(".")] = {"records": records, "timeout": timeout}
    return names


def main():
    scenarios = []
    with open(HERE / "rfc7208-tests.yml", encoding="utf-8") as source:
        for document in yaml.safe_load_all(source):
            tests = []
            for name, test in document["tests"].items():
                result = test["result"]
                tests.append({
                    "name": name,
                    "spec": str(test["spec"]),
                    "helo": test["helo"],
                    "host": test["host"],
                    "mailfrom": test["mailfrom"],
                    "results": result if isinstance(result, list) else [result],
                    "explanation": test.get("explanation"),
                })
            scenarios.append({"description": document["description"], "tests": tests, "zone": zone(document["zonedata"])})
    with open(HERE / "rfc7208-tests.json", "w", encoding="utf-8") as output:
        json.dump(scenarios, output, indent=1, ensure_ascii=False)
        output.write("\n")


if __name__ == "__main__":
    main()
