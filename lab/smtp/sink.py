#!/usr/bin/env python3
"""The Stockade lab's SMTP sink (component `smtp`, started by lab/lib/smtp.sh), built on aiosmtpd.

Two listeners in one process:
  plain     no STARTTLS, announces PIPELINING; AUTH PLAIN allowed without TLS (for the client's own refusal tests)
  starttls  STARTTLS with a lab-CA certificate, no PIPELINING; AUTH PLAIN only after STARTTLS
Both accept AUTH PLAIN for the one lab user (535 for anything else) and answer RCPT by the recipient's domain:
  @reject.test     550 5.1.1 (permanent)
  @tempfail.test   451 4.3.0 (transient)
  anything else    250
Every accepted message becomes two files in the mail directory, written under a temporary name and renamed:
  NNNNNN.eml   the message data as received (dot-stuffing already undone by the server)
  NNNNNN.json  {"mail_from", "rcpt_tos", "listener", "tls", "auth_user", "eml"}

Config file (one directive per line): `listen ADDR PORT`, `starttls ADDR PORT CERT KEY`, `maildir DIR`,
`user NAME PASSWORD`, `pidfile FILE`. The pid file is written after every socket is bound.
"""
import asyncio
import itertools
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def read_config(path):
    config = {"listen": None, "starttls": None, "maildir": None, "user": None, "pidfile": None}
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] not in config:
                sys.exit(f"sink: unknown directive {words[0]}")
            config[words[0]] = words[1:] if len(words) > 2 else words[1]
    missing = [k for k, v in config.items() if v is None]
    if missing:
        sys.exit(f"sink: missing directives {missing}")
    return config


class Sink:
    """aiosmtpd handler: recipient rules, PIPELINING on the plain listener, messages written to the mail directory."""

    counter = itertools.count(1)

    def __init__(self, maildir, listener):
        self.maildir = maildir
        self.listener = listener

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.listener == "plain":
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        domain = address.rsplit("@", 1)[-1].lower()
        if domain == "reject.test":
            return f"550 5.1.1 <{address}>: recipient rejected by the lab sink"
        if domain == "tempfail.test":
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        number = next(self.counter)
        name = f"{os.getpid()}-{number:06d}"
        eml = os.path.join(self.maildir, name + ".eml")
        data = envelope.original_content or envelope.content
        self.write(eml, data)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "listener": self.listener,
            "tls": session.ssl is not None,
            "auth_user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "eml": eml,
        }
        self.write(os.path.join(self.maildir, name + ".json"), json.dumps(meta).encode())
        print(f"sink: {self.listener} {session.peer} {envelope.mail_from} -> {envelope.rcpt_tos}: {name}", flush=True)
        return f"250 2.0.0 OK: queued as {name}"

    def write(self, path, data):
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, path)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


async def main(config_path):
    config = read_config(config_path)
    addr, port = config["listen"]
    tls_addr, tls_port, cert, key = config["starttls"]
    user, password = config["user"]
    maildir = config["maildir"]
    os.makedirs(maildir, exist_ok=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    loop = asyncio.get_running_loop()
    check = authenticator(user, password)

    def plain():
        return SMTP(Sink(maildir, "plain"), hostname="smtp.web.test", authenticator=check,
                    auth_require_tls=False, enable_SMTPUTF8=True)

    def starttls():
        return SMTP(Sink(maildir, "starttls"), hostname="smtp.web.test", authenticator=check,
                    tls_context=context, auth_require_tls=True, enable_SMTPUTF8=True)

    servers = [await loop.create_server(plain, addr, int(port)),
               await loop.create_server(starttls, tls_addr, int(tls_port))]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with open(config["pidfile"], "w", encoding="utf-8") as f:
        f.write(f"{os.getpid()}\n")
    print(f"sink: listening on {addr}:{port} (plain) and {tls_addr}:{tls_port} (STARTTLS)", flush=True)
    await stop.wait()
    for server in servers:
        server.close()
        await server.wait_closed()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: sink.py CONFIG")
    asyncio.run(main(sys.argv[1]))
