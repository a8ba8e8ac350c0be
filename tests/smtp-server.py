#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""smtp-server.py - an SMTP server for mailticket's tests (Debian's aiosmtpd).

Listens on 127.0.0.1, on a free port that it writes to --port-file once it
accepts connections. Every message it accepts is saved in --dir as
NNNN.eml (the DATA bytes exactly as received, dot-stuffing undone) and
NNNN.json (mail_from, rcpt_tos, helo, auth), the .json last, so that a
.json file means a complete message. --dir/log gets one line per event:
connect, helo, auth, mail, rcpt, data, quit, with the reply given.

It answers as scripted:
  --reject-rcpt RE   550 to RCPT TO addresses that match RE
  --defer-rcpt RE    450 to RCPT TO addresses that match RE
  --defer-data N     451 after the first N DATA, then 250
  --drop-data N      421 after the first N DATA, and hangs up
  --auth USER:PASS   requires AUTH (PLAIN or LOGIN) with these
  --tls PEM          offers STARTTLS with the certificate and key in PEM
Counts run across connections. SIGTERM stops it.
"""
import argparse
import asyncio
import json
import os
import re
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.rename(tmp, path)


class Handler:
    def __init__(self, args):
        self.args = args
        self.saved = 0
        self.data_seen = 0
        self.log = open(os.path.join(args.dir, "log"), "a", buffering=1)

    def note(self, *words):
        self.log.write(" ".join(str(w) for w in words) + "\n")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.note("helo", hostname)
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        self.note("mail", "<%s>" % address, *options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.args.reject_rcpt and re.search(self.args.reject_rcpt, address):
            reply = "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        elif self.args.defer_rcpt and re.search(self.args.defer_rcpt, address):
            reply = "450 4.2.0 <%s>: Recipient address rejected: Mailbox busy" % address
        else:
            envelope.rcpt_tos.append(address)
            reply = "250 2.1.5 Ok"
        self.note("rcpt", "<%s>" % address, reply)
        return reply

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.data_seen <= self.args.drop_data:
            self.note("data", "421")
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down, closing connection"
        if self.data_seen <= self.args.defer_data:
            self.note("data", "451")
            return "451 4.3.0 Temporary failure, try again later"
        self.saved += 1
        base = os.path.join(self.args.dir, "%04d" % self.saved)
        write_atomically(base + ".eml", envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "helo": getattr(session, "host_name", None),
            "auth": session.auth_data.login.decode() if session.authenticated else None,
            "tls": session.ssl is not None,
        }
        write_atomically(base + ".json", json.dumps(meta).encode())
        self.note("data", "250", "%04d" % self.saved)
        return "250 2.0.0 Ok: queued as %04d" % self.saved

    async def handle_QUIT(self, server, session, envelope):
        self.note("quit")
        return "221 2.0.0 Bye"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login.decode() == user \
            and data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=data)
    return check


def make_smtp(handler, args):
    options = {"hostname": "smtp.test", "ident": "mailticket test server"}
    if args.auth:
        user, _, password = args.auth.partition(":")
        options.update(authenticator=authenticator(user, password), auth_required=True,
                       auth_require_tls=False)
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls)
        options.update(tls_context=context)

    def factory():
        smtp = SMTP(handler, **options)
        handler.note("connect")
        return smtp
    return factory


async def serve(args):
    handler = Handler(args)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(make_smtp(handler, args), host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    write_atomically(args.port_file, b"%d\n" % port)
    await stop
    server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--reject-rcpt")
    p.add_argument("--defer-rcpt")
    p.add_argument("--defer-data", type=int, default=0)
    p.add_argument("--drop-data", type=int, default=0)
    p.add_argument("--auth")
    p.add_argument("--tls")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
