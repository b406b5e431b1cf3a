#!/usr/bin/env python3
"""The Stockade lab's HTTPS server (component `https`, started by lab/lib/https.sh).

One process, one ThreadingHTTPServer per listen address. TLS is terminated here; an SNI callback picks
the certificate by the requested host name (unknown or missing names get the default host's
certificate). Every response is HTTP/1.1 with Content-Length and
`Connection: close`, never chunked, except the explicit test paths `/chunked` (chunked, only to 1.1
clients) and `/big-unannounced` (no length, ends at close). TLS connections end with close_notify.

Files: the first of ROOT/<host>/<path> over the configured roots (lab/run/https/www, filled by tests,
then the committed lab/https/www). The query string is ignored for files (WKD's `?l=`). Where
<path> is missing but <path>.redirect exists, its content "CODE LOCATION" is answered as a redirect; where
<path>.slow exists, its content is served as <path> after SLOW_SECONDS.
Content-Type by extension (.txt text/plain, .html text/html, .json application/json, .asc
application/pgp-keys, anything else application/octet-stream).

Behaviours by path (any host):
  /redirect-http        301 to http://<host>/hello.txt
  /redirect-https       302 to https://<host>[:port]/hello.txt
  /redirect-relative    302 to /hello.txt (a relative reference)
  /redirect-loop        302 to /redirect-loop
  /redirect?to=URL[&code=N]   N (default 302) to URL
  /big                  2 MiB of 'x' with Content-Length
  /big-unannounced      2 MiB of 'x' without Content-Length (body ends at close)
  /chunked              hello text in three chunks (HTTP/1.1 clients only)
  /slow                 waits 30 s, then 200 "slow\n" (far longer than any client timeout in the tests)
  /status/NNN           status NNN with a short text body
  /content-type?type=T  200 "typed\n" with Content-Type T

Config file (one directive per line): `listen ADDR PORT`, `root DIR`, `host NAME CERT KEY`,
`default NAME`, `pidfile FILE`. The pid file is written after every socket is bound.
"""
import mimetypes
import os
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG_SIZE = 2 * 1024 * 1024
SLOW_SECONDS = 30
TYPES = {".txt": "text/plain", ".html": "text/html", ".json": "application/json", ".asc": "application/pgp-keys"}


def read_config(path):
    conf = {"listen": [], "root": [], "host": {}, "default": None, "pidfile": None}
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            key = words[0]
            if key == "listen":
                conf["listen"].append((words[1], int(words[2])))
            elif key == "root":
                conf["root"].append(words[1])
            elif key == "host":
                conf["host"][words[1].lower()] = (words[2], words[3])
            elif key in ("default", "pidfile"):
                conf[key] = words[1]
            else:
                raise SystemExit(f"unknown directive {key} in {path}")
    return conf


def make_contexts(conf):
    contexts = {}
    for name, (cert, key) in conf["host"].items():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)
        contexts[name] = ctx
    default = contexts[conf["default"]]

    def pick(sock, server_name, _ctx):
        sock.context = contexts.get((server_name or "").lower().rstrip("."), default)
        return None

    default.sni_callback = pick
    return default


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "StockadeLab/1"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), self.address_string(), fmt % args))
        sys.stderr.flush()

    def host(self):
        host = (self.headers.get("Host") or getattr(self.connection, "server_hostname", None) or "").lower()
        if host.startswith("["):
            return host
        return host.rsplit(":", 1)[0] if ":" in host else host

    def port_suffix(self):
        port = self.server.server_address[1]
        return "" if port == 443 else f":{port}"

    def send(self, status, body=b"", ctype="text/plain", extra=(), length=True):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def redirect(self, code, location):
        self.send(code, f"see {location}\n".encode(), extra=[("Location", location)])

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        query = urllib.parse.parse_qs(url.query)
        host = self.host()
        if path == "/redirect-http":
            return self.redirect(301, f"http://{host}/hello.txt")
        if path == "/redirect-https":
            return self.redirect(302, f"https://{host}{self.port_suffix()}/hello.txt")
        if path == "/redirect-relative":
            return self.redirect(302, "/hello.txt")
        if path == "/redirect-loop":
            return self.redirect(302, "/redirect-loop")
        if path == "/redirect":
            return self.redirect(int(query.get("code", ["302"])[0]), query.get("to", ["/hello.txt"])[0])
        if path == "/big":
            return self.send(200, b"x" * BIG_SIZE, "application/octet-stream")
        if path == "/big-unannounced":
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(BIG_SIZE // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        if path == "/chunked":
            if self.request_version != "HTTP/1.1":
                return self.send(505, b"chunked needs HTTP/1.1\n")
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for part in (b"hello ", b"in ", b"chunks\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            return self.send(200, b"slow\n")
        if path.startswith("/status/") and path[8:].isdigit():
            code = int(path[8:])
            return self.send(code, f"status {code}\n".encode())
        if path == "/content-type":
            return self.send(200, b"typed\n", query.get("type", ["text/plain"])[0])
        return self.serve_file(host, path)

    def serve_file(self, host, path):
        parts = [p for p in urllib.parse.unquote(path).split("/") if p]
        if not host or "/" in host or host.startswith(".") or any(p in (".", "..") for p in parts):
            return self.send(400, b"bad request\n")
        for root in self.server.roots:
            full = os.path.join(root, host, *parts)
            if os.path.isfile(full):
                with open(full, "rb") as f:
                    body = f.read()
                ext = os.path.splitext(full)[1].lower()
                ctype = TYPES.get(ext) or mimetypes.types_map.get(ext) or "application/octet-stream"
                return self.send(200, body, ctype)
            if os.path.isfile(full + ".slow"):  # served like the file itself, but after SLOW_SECONDS
                time.sleep(SLOW_SECONDS)
                with open(full + ".slow", "rb") as f:
                    return self.send(200, f.read(), TYPES.get(os.path.splitext(full)[1].lower(), "application/octet-stream"))
            if os.path.isfile(full + ".redirect"):  # "CODE LOCATION": a redirect placed by a test
                with open(full + ".redirect") as f:
                    code, location = f.read().split(None, 1)
                return self.redirect(int(code), location.strip())
        return self.send(404, b"not found\n")


class TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, context, roots):
        self.context = context
        self.roots = roots
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        # the TLS handshake happens here, in the connection's own thread, never in the accept loop
        request.settimeout(15)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {client_address[0]} handshake failed: {e}\n")
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            try:
                tls.settimeout(1)
                tls.unwrap()  # close_notify: a body that ends at close is then complete, not truncated
            except (ssl.SSLError, OSError, ValueError):
                pass
            tls.close()

    def handle_error(self, request, client_address):
        sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {client_address[0]} error: {sys.exc_info()[1]!r}\n")


def main():
    conf = read_config(sys.argv[1])
    context = make_contexts(conf)
    servers = [TLSServer(addr, context, conf["root"]) for addr in conf["listen"]]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    with open(conf["pidfile"] + ".tmp", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(conf["pidfile"] + ".tmp", conf["pidfile"])
    sys.stderr.write("listening on %s\n" % ", ".join(f"{a}:{p}" for a, p in conf["listen"]))
    sys.stderr.flush()
    while True:  # SIGTERM (the default action) ends the process; the kernel closes the sockets
        signal.pause()


if __name__ == "__main__":
    main()
