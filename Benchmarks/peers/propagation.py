#!/usr/bin/env python3
"""How fast a change made through one `stockade serve` reaches another on the same PostgreSQL (issue 19).

    python3 Benchmarks/peers/propagation.py [STOCKADE_BINARY] [COUNT]

Needs the lab up (its PostgreSQL) and gpg. Two instances share a fresh schema of the lab's database, each with its
own port. One key gets COUNT extra user IDs (p0@prop.test, ...). For each address: instance 2 is asked first (404, now
cached as "not published"), then instance 1's admin API adds the address as an alias and associates the key; the
time is taken from the end of that PUT's response to the first 200 from instance 2's WKD, polled without pause on a
kept-alive connection. Prints p50/p90/p99/max in milliseconds, and the polls per change.
"""
import hashlib
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
TOKEN = "propagation-token-0123456789abcdef"


def wkd_hash(address):
    """The WKD hash of an address's local part: SHA-1 of it lower-cased, in z-base-32 (draft-koch-openpgp-webkey-service §3.1)."""
    alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769"
    digest = int.from_bytes(hashlib.sha1(address.split("@")[0].lower().encode()).digest(), "big")
    return "".join(alphabet[(digest >> (155 - 5 * i)) & 31] for i in range(32))


def lab_env():
    out = subprocess.run([os.path.join(ROOT, "lab", "lab.sh"), "env"], check=True, capture_output=True, text=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def request(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()


def admin(connection, method, path, body):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if isinstance(body, dict):
        body = json.dumps(body)
        headers["Content-Type"] = "application/json"
    status, data = request(connection, method, path, body, headers)
    if status not in (200, 201):
        raise SystemExit(f"{method} {path}: {status} {data[:200]!r}")


def wait_for_port(port, process):
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"stockade on port {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            request(connection, "GET", "/health")
            return connection
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"stockade on port {port} did not start")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "stockade")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    lab = lab_env()
    folder = tempfile.mkdtemp(prefix="stockade-propagation-")
    processes = []
    try:
        gnupg = os.path.join(folder, "gnupg")
        os.mkdir(gnupg, 0o700)
        gpg = ["gpg", "--homedir", gnupg, "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
        subprocess.run(gpg + ["--quick-gen-key", "Alice <alice@prop.test>", "ed25519", "sign", "never"], check=True, capture_output=True)
        fingerprint = next(line.split(":")[9] for line in subprocess.run(
            gpg + ["--with-colons", "--list-keys"], check=True, capture_output=True, text=True).stdout.splitlines()
            if line.startswith("fpr:"))
        addresses = [f"p{n}@prop.test" for n in range(count)]
        for address in addresses:
            subprocess.run(gpg + ["--quick-add-uid", fingerprint, f"P <{address}>"], check=True, capture_output=True)
        key = subprocess.run(gpg + ["--export", fingerprint], check=True, capture_output=True).stdout
        hashes = [wkd_hash(address) for address in addresses]

        schema = "bench_" + uuid.uuid4().hex[:12]
        ports = []
        for index in range(2):
            port = 18300 + index
            ports.append(port)
            data = os.path.join(folder, f"data{index}")
            os.mkdir(data)
            config = {"listen": f"127.0.0.1:{port}", "dataDirectory": data, "adminToken": TOKEN,
                      "database": f"{lab['STOCKADE_LAB_POSTGRES_URL']}?schema={schema}",
                      "databasePasswordFile": lab["STOCKADE_LAB_POSTGRES_PASSWORD_FILE"],
                      "domains": [{"name": "prop.test", "kind": "provider"}]}
            path = os.path.join(folder, f"config{index}.json")
            with open(path, "w") as file:
                json.dump(config, file)
            log = open(os.path.join(folder, f"server{index}.log"), "w")
            processes.append(subprocess.Popen([binary, "serve", "--config", path], stdout=log, stderr=log))
        first, second = (wait_for_port(port, process) for port, process in zip(ports, processes))

        admin(first, "POST", "/admin/v1/accounts", {"id": "alice", "primaryAddress": "alice@prop.test"})
        admin(first, "POST", "/admin/v1/accounts/alice/keys", key)
        delays, polls = [], []
        for address, hashed in zip(addresses, hashes):
            path = f"/.well-known/openpgpkey/prop.test/hu/{hashed}"
            host = {"Host": "openpgpkey.prop.test"}
            status, _ = request(second, "GET", path, headers=host)
            assert status == 404, f"{address} served before it was added"
            admin(first, "POST", "/admin/v1/accounts/alice/aliases", {"address": address})
            admin(first, "PUT", f"/admin/v1/addresses/{address}/key", {"fingerprint": fingerprint})
            changed = time.perf_counter()
            attempts = 0
            while True:
                attempts += 1
                status, _ = request(second, "GET", path, headers=host)
                if status == 200:
                    break
                if time.perf_counter() - changed > 5:
                    raise SystemExit(f"{address}: not served by the second instance after 5 s")
            delays.append((time.perf_counter() - changed) * 1000)
            polls.append(attempts)
        delays.sort()

        def percentile(p):
            return delays[min(len(delays) - 1, int(round(p / 100 * (len(delays) - 1))))]

        print(f"{count} changes: p50 {percentile(50):.2f} ms, p90 {percentile(90):.2f} ms, p99 {percentile(99):.2f} ms, "
              f"max {delays[-1]:.2f} ms; polls per change: median {statistics.median(polls):.0f}, max {max(polls)}")
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
