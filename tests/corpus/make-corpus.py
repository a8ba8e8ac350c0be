#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make-corpus.py DIR - writes the project's own test corpus into DIR

    DIR/threads/NAME.eml and DIR/threads/threads.tsv (file, thread): mail
        threads as mail clients write them, with the grouping a header
        threader must find (by construction: the ids each message carries).
    DIR/generated/NAME.eml and DIR/generated/threads.tsv: 64 threads, a
        few hundred messages, generated from a fixed seed: the same
        patterns many times over, in trees of replies of every shape.
    DIR/malformed/NAME.eml: broken, exotic or tricky messages; every one
        must be stored, never refused. duplicate_msg-N-M are resends of one
        Message-ID N with other bytes.

The same layout as ../shared/corpus (public/, malformed/), so that the tests
read either. Everything here is written for mailticket's tests; the output
is the same on every run (no clock; the generated set's randomness comes
from a fixed seed), and tests/corpus holds
it as generated: after a change here, run `python3 tests/corpus/make-corpus.py
tests/corpus` and commit both.

The threads reproduce what reaches a helpdesk out of order or cut short:
replies dated before their parents, In-Reply-To without References
(Outlook, Zimbra), References cut to the first and last ids (KMail, Opera),
replies without a Message-ID, replies to a parent that never arrives,
resends, mixed charsets and broken MIME inside a thread, and unrelated mail
that shares a subject (which must not be joined). The generated set adds
two halves of a thread that share no id until one late message joins them
(its Date days ahead, its replies with In-Reply-To only), exact duplicates
and resends, and replies without a Message-ID. Each set's threads.tsv is
checked, when written, against the grouping the ids themselves give.
"""
import base64
import os
import random
import sys
import unicodedata

DOMAIN = "corpus.mailticket.test"
BASE = 1767261600  # 2026-01-01 10:00:00 UTC: a fixed clock

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def rfc2822(t, zone=0):
    """t (seconds since the epoch) as a Date: value in zone (minutes east)."""
    import time
    tm = time.gmtime(t + zone * 60)
    sign = "+" if zone >= 0 else "-"
    return "%s, %02d %s %d %02d:%02d:%02d %s%02d%02d" % (
        DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon - 1], tm.tm_year, tm.tm_hour, tm.tm_min, tm.tm_sec,
        sign, abs(zone) // 60, abs(zone) % 60)


def mid(name):
    return "<%s@%s>" % (name, DOMAIN)


class Writer:
    def __init__(self, out):
        self.out = out
        self.threads = []
        self.generated_threads = []

    def path(self, sub, name):
        return os.path.join(self.out, sub, name + ".eml")

    def file(self, sub, name, data):
        with open(self.path(sub, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    def thread(self, tag, name, data):
        self.file("threads", name, data)
        self.threads.append((name + ".eml", tag))

    def generated(self, tag, name, data):
        self.file("generated", name, data)
        self.generated_threads.append((name + ".eml", tag))


def message(sender, subject, when, body, msgid=None, irt=None, refs=None, to="support@example.org",
            extra="", content="Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n",
            zone=0):
    head = "From: %s\nTo: %s\nSubject: %s\nDate: %s\n" % (sender, to, subject, rfc2822(when, zone))
    if msgid:
        head += "Message-ID: %s\n" % mid(msgid)
    if irt:
        head += "In-Reply-To: %s\n" % mid(irt)
    if refs:
        head += "References: %s\n" % "\n ".join(mid(r) for r in refs)
    head += extra + "MIME-Version: 1.0\n" + content
    return head + "\n" + body


def quote(text):
    return "".join("> " + line + "\n" for line in text.splitlines())


def threads(w):
    t = BASE
    # 1. A plain conversation, each reply with the whole chain (Thunderbird).
    w.thread("plain", "plain-1", message("Anna Berg <anna@kunde.example>", "Printer on floor 3 offline", t,
                                         "Hello,\nthe printer on floor 3 shows offline since this morning.\nAnna\n",
                                         "plain-1"))
    w.thread("plain", "plain-2", message("Support <support@example.org>", "Re: Printer on floor 3 offline",
                                         t + 3600, "Is it switched on?\n\n" + quote("the printer shows offline"),
                                         "plain-2", "plain-1", ["plain-1"]))
    w.thread("plain", "plain-3", message("Anna Berg <anna@kunde.example>", "Re: Printer on floor 3 offline",
                                         t + 7200, "Yes, and it still says offline.\n", "plain-3", "plain-2",
                                         ["plain-1", "plain-2"]))
    # 2. A branching thread: two answers to the root, one reply to each.
    t += 86400
    w.thread("branch", "branch-1", message("Piotr Nowak <piotr@klient.example>", "Faktura 2026/01 nieczytelna",
                                           t, "Dzień dobry,\nfaktura jest nieczytelna.\n", "branch-1"))
    w.thread("branch", "branch-2a", message("Support <support@example.org>", "Re: Faktura 2026/01 nieczytelna",
                                            t + 600, "Wysyłamy ponownie.\n", "branch-2a", "branch-1",
                                            ["branch-1"]))
    w.thread("branch", "branch-2b", message("Ewa <ewa@klient.example>", "Re: Faktura 2026/01 nieczytelna",
                                            t + 900, "U mnie też.\n", "branch-2b", "branch-1", ["branch-1"]))
    w.thread("branch", "branch-3a", message("Piotr Nowak <piotr@klient.example>",
                                            "Re: Faktura 2026/01 nieczytelna", t + 1800, "Dziękuję.\n",
                                            "branch-3a", "branch-2a", ["branch-1", "branch-2a"]))
    w.thread("branch", "branch-3b", message("Support <support@example.org>", "Re: Faktura 2026/01 nieczytelna",
                                            t + 2400, "Też wysłane.\n", "branch-3b", "branch-2b",
                                            ["branch-1", "branch-2b"]))
    # 3. A reply dated before its parent: a phone with a wrong clock.
    t += 86400
    w.thread("skew", "skew-2", message("Luis Gómez <luis@cliente.example>", "Re: Pedido 4471 sin entregar",
                                       t - 5400, "Sigue sin llegar.\n", "skew-2", "skew-1", ["skew-1"]))
    w.thread("skew", "skew-1", message("Luis Gómez <luis@cliente.example>", "Pedido 4471 sin entregar", t,
                                       "Buenos días,\nel pedido 4471 no ha llegado.\n", "skew-1"))
    w.thread("skew", "skew-3", message("Support <support@example.org>", "Re: Pedido 4471 sin entregar",
                                       t + 600, "Lo revisamos.\n", "skew-3", "skew-2", ["skew-1", "skew-2"]))
    # 4. In-Reply-To only, no References (Outlook, Zimbra).
    t += 86400
    w.thread("irt-only", "irt-1", message("Jan Kowal <jan@firma.example>", "VPN drops every hour", t,
                                          "The VPN drops every hour.\n", "irt-1"))
    w.thread("irt-only", "irt-2", message("Support <support@example.org>", "RE: VPN drops every hour", t + 300,
                                          "Which client version?\n", "irt-2", "irt-1",
                                          extra="Thread-Topic: VPN drops every hour\nThread-Index: AdqFzk1=\n"))
    w.thread("irt-only", "irt-3", message("Jan Kowal <jan@firma.example>", "RE: VPN drops every hour", t + 900,
                                          "5.2, on Windows.\n", "irt-3", "irt-2",
                                          extra="Thread-Topic: VPN drops every hour\nX-MS-Has-Attach: \n"))
    w.thread("irt-only", "irt-4", message("Support <support@example.org>", "RE: VPN drops every hour",
                                          t + 1200, "Please update to 5.3.\n", "irt-4", "irt-3"))
    # 5. References cut to the first and the last ids (KMail, Opera).
    t += 86400
    chain = ["cut-%d" % i for i in range(1, 7)]
    for i, name in enumerate(chain):
        refs = chain[:i]
        if len(refs) > 2:
            refs = [refs[0], refs[-1]]
        w.thread("cut", name, message("Greta Maier <greta@kunde.example>" if i % 2 == 0
                                      else "Support <support@example.org>",
                                      ("Re: " if i else "") + "Zugang zum Portal gesperrt", t + i * 600,
                                      "Nachricht %d\n" % (i + 1), name, refs[-1] if refs else None,
                                      refs or None))
    # 6. A reply without a Message-ID.
    t += 86400
    w.thread("no-id", "noid-1", message("Olaf <olaf@kunde.example>", "Backup job failed", t,
                                        "The nightly backup failed.\n", "noid-1"))
    w.thread("no-id", "noid-2", message("Olaf <olaf@kunde.example>", "Re: Backup job failed", t + 60,
                                        "Log attached below.\n", None, "noid-1", ["noid-1"]))
    # 7. Two replies to a parent that never arrives: one conversation.
    t += 86400
    w.thread("ghost", "ghost-2", message("Marta <marta@klient.example>", "Re: Zmiana hasła", t,
                                         "Nadal nie działa.\n", "ghost-2", "ghost-1", ["ghost-1"]))
    w.thread("ghost", "ghost-3", message("Support <support@example.org>", "Re: Zmiana hasła", t + 60,
                                         "Proszę spróbować ponownie.\n", "ghost-3", "ghost-1", ["ghost-1"]))
    # 8. Mixed charsets and encodings in one thread.
    t += 86400
    w.thread("charset", "charset-1", message(
        "=?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@kunde.example>", "=?ISO-8859-1?Q?Rechnung_f=FCr_M=E4rz?=", t,
        "Gr=FC=DFe, die Rechnung f=FCr M=E4rz fehlt.\n", "charset-1",
        content="Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n"))
    w.thread("charset", "charset-2", message(
        "Support <support@example.org>", "=?UTF-8?B?" + base64.b64encode("Re: Rechnung für März".encode())
        .decode() + "?=", t + 600,
        base64.b64encode("Die Rechnung für März ist unterwegs.\n".encode()).decode() + "\n", "charset-2",
        "charset-1", ["charset-1"],
        content="Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n"))
    w.thread("charset", "charset-3", message(
        "=?windows-1252?Q?J=F6rg_M=FCller?= <joerg@kunde.example>", "AW: Rechnung =?utf-8?q?f=C3=BCr?= März",
        t + 1200, "Danke \x80 erhalten.\n", "charset-3", "charset-2", ["charset-1", "charset-2"],
        content="Content-Type: text/plain; charset=windows-1252\n", zone=60).encode("utf-8")
        .replace("\x80".encode("utf-8"), b"\x80").replace("März".encode(), b"M\xe4rz"))
    # 9. Broken MIME inside a thread: no closing boundary.
    t += 86400
    w.thread("broken", "broken-1", message("Ivo <ivo@kunde.example>", "Screenshot of the error", t,
                                           "--b1\nContent-Type: text/plain\n\nSee the screenshot.\n"
                                           "--b1\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
                                           "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEA\n",
                                           "broken-1", content='Content-Type: multipart/mixed; boundary="b1"\n'))
    w.thread("broken", "broken-2", message("Support <support@example.org>", "Re: Screenshot of the error",
                                           t + 300, "The screenshot did not come through.\n", "broken-2",
                                           "broken-1", ["broken-1"]))
    # 10. A resend with the same Message-ID and other bytes.
    t += 86400
    w.thread("resend", "resend-1a", message("Kai <kai@kunde.example>", "Lizenz verlängern", t,
                                            "Bitte die Lizenz verlängern.\n", "resend-1"))
    w.thread("resend", "resend-1b", message("Kai <kai@kunde.example>", "Lizenz verlängern", t + 30,
                                            "Bitte die Lizenz verlängern.\n", "resend-1",
                                            extra="Resent-Date: %s\nResent-From: kai@kunde.example\n"
                                            % rfc2822(t + 30)))
    # 11. Unrelated mail with one subject: never joined.
    t += 86400
    for i in range(3):
        w.thread("help-%d" % i, "help-%d" % i, message("User %d <user%d@kunde.example>" % (i, i), "Help", t + i * 60,
                                                        "I need help with number %d.\n" % i, "help-%d" % i))
    # 12. A long chain whose middle messages arrive after their children.
    t += 86400
    names = ["late-%d" % i for i in range(1, 9)]
    order = [0, 1, 4, 5, 2, 3, 6, 7]  # the dates put 4 and 5 (index) before 2 and 3
    for pos, i in enumerate(order):
        w.thread("late", names[i], message("Rosa <rosa@cliente.example>" if i % 2 == 0
                                           else "Support <support@example.org>",
                                           ("Re: " if i else "") + "Acceso bloqueado", t + pos * 300,
                                           "Mensaje %d\n" % (i + 1), names[i], names[i - 1] if i else None,
                                           names[:i] or None))
    # 13. A thread with a Re: and a [tag] in the subject, and a forward out of it that starts its own.
    t += 86400
    w.thread("tagged", "tagged-1", message("Hugo <hugo@kunde.example>", "[Urgent] Mail server down", t,
                                           "Nothing gets through.\n", "tagged-1"))
    w.thread("tagged", "tagged-2", message("Support <support@example.org>", "Re: [Urgent] Mail server down",
                                           t + 120, "Looking into it.\n", "tagged-2", "tagged-1", ["tagged-1"]))
    w.thread("forward", "forward-1", message("Hugo <hugo@kunde.example>", "Fwd: [Urgent] Mail server down",
                                             t + 600, "FYI, see below.\n\n---------- Forwarded message ---------\n"
                                             "Nothing gets through.\n", "forward-1", to="boss@kunde.example"))


# The generated set: GENERATED_THREADS threads from a fixed seed, each a
# small tree of replies written by the mail clients of its people, with
# the patterns that split threads when mail comes out of order.
GENERATED_SEED = 20261207
GENERATED_THREADS = 64
FIRST = ["Anna", "Piotr", "Luis", "Greta", "Olaf", "Marta", "Jörg", "Ivo", "Kai", "Rosa", "Hugo", "Ewa", "Jan",
         "Lucía", "Tomasz", "Inés", "Maren", "Zofia", "Pablo", "Uwe"]
LAST = ["Berg", "Nowak", "Gómez", "Maier", "Kowalska", "Ruiz", "Schulz", "Wiśniewski", "Fischer", "Díaz"]
DOMAINS = ["kunde.example", "klient.example", "cliente.example", "firma.example", "customer.example"]
TOPICS = ["Drucker druckt nur leere Seiten", "Faktura korygująca do zamówienia", "No puedo acceder al portal",
          "VPN certificate expired", "Lieferung unvollständig", "Błąd przy logowaniu", "Factura duplicada",
          "Mailbox over quota", "Rechnungsadresse ändern", "Aktualizacja licencji", "Pedido sin confirmar",
          "Laptop will not boot", "Passwort zurücksetzen", "Brak dostępu do folderu", "Error al imprimir",
          "Calendar invites not arriving", "Bestellung stornieren", "Zmiana adresu dostawy", "Devolución de un equipo",
          "Phone line crackling"]
# How each mail client writes the ids of a reply.
CLIENTS = ["full", "full", "full", "irt", "cut", "refs"]


def person(rng, used):
    while True:
        first, last, domain = rng.choice(FIRST), rng.choice(LAST), rng.choice(DOMAINS)
        plain = unicodedata.normalize("NFKD", first[0] + last).encode("ascii", "ignore").decode()
        local = plain.lower().replace("ł", "l") or "x"
        addr = "%s.%d@%s" % (local, len(used) + 1, domain)
        if addr not in used:
            used.add(addr)
            return "%s %s" % (first, last), addr


def reply_ids(client, parent, chain):
    """In-Reply-To and References of a reply to parent, whose ancestors
    (oldest first, parent last) are chain, as client writes them."""
    if parent is None:
        return None, None
    if client == "irt":  # Outlook, Zimbra
        return parent, None
    if client == "cut" and len(chain) > 2:  # KMail, Opera: the first and the last
        return parent, [chain[0], chain[-1]]
    if client == "refs":  # References only
        return None, chain
    return parent, chain


class Tree:
    """One generated thread: its messages as (name, parent name, date)."""

    def __init__(self, rng, tag, start):
        self.rng, self.tag, self.start = rng, tag, start
        self.msgs = []  # dicts: name, parent, chain, date, client, msgid, sender

    def add(self, parent=None, delay=None, client=None, msgid=True, sender=None):
        rng = self.rng
        name = "%s-%d" % (self.tag, len(self.msgs) + 1)
        p = self.msgs[parent] if parent is not None else None
        chain = (p["chain"] + [p["name"]]) if p else []
        when = (p["date"] if p else self.start) + (delay if delay is not None else rng.randint(300, 20000))
        self.msgs.append({"name": name, "parent": p["name"] if p else None, "chain": chain, "date": when,
                          "client": client or rng.choice(CLIENTS), "msgid": msgid, "sender": sender})
        return len(self.msgs) - 1


def shape(rng, t):
    """The tree of thread t and the out-of-order patterns it shows."""
    kind = ["random", "skew", "halves", "ghost", "random", "noid", "halves", "dup"][t.number % 8]
    root = None if kind == "ghost" else t.add()
    if kind == "ghost":  # replies to a parent that never arrives
        t.msgs.append({"name": "%s-0" % t.tag, "parent": None, "chain": [], "date": t.start, "client": "full",
                       "msgid": True, "sender": 0, "ghost": True})
        root = 0
    if kind == "halves":
        # root <- a <- m <- b <- c: m reaches the helpdesk last (a clock
        # days ahead), b and c know only m (Outlook): until m comes, the
        # two halves share no id.
        a = t.add(root, client="full")
        m = t.add(a, delay=5 * 86400, client=rng.choice(["full", "cut"]))
        b = t.add(m, delay=-5 * 86400 + 600, client="irt")
        t.add(b, client="irt")
        return kind
    n = rng.randint(3, 7)
    for i in range(n):
        last = len(t.msgs) - 1
        parent = last if rng.random() < 0.7 else rng.randint(0, last)
        delay = -rng.randint(600, 7200) if kind == "skew" and rng.random() < 0.5 else None
        t.add(parent, delay=delay)
    if kind == "noid":  # a reply without a Message-ID, at the end: nothing can name it
        t.add(len(t.msgs) - 1, msgid=False, client=rng.choice(["full", "irt"]))
    return kind


def generated(w):
    rng = random.Random(GENERATED_SEED)
    used = set()
    start = BASE + 60 * 86400
    for number in range(GENERATED_THREADS):
        tag = "g%02d" % number
        t = Tree(rng, tag, start + number * 7200)
        t.number = number
        kind = shape(rng, t)
        people = [person(rng, used) for _ in range(rng.randint(2, 3))]
        subject = "%s (%s)" % (rng.choice(TOPICS), 1000 + number)
        everyone = ", ".join("%s <%s>" % p for p in people)
        for i, m in enumerate(t.msgs):
            if m.get("ghost"):
                continue
            who = people[m["sender"] if m["sender"] is not None else (0 if m["parent"] is None
                                                                      else rng.randrange(len(people)))]
            irt, refs = reply_ids(m["client"], m["parent"], m["chain"])
            body = "Nachricht %d / message %d of thread %s.\n" % (i + 1, i + 1, tag)
            if m["parent"]:
                body += "\n" + quote("an earlier message, %s" % m["parent"])
            data = message("%s <%s>" % who, ("Re: " if m["parent"] else "") + subject, m["date"], body,
                           m["name"] if m["msgid"] else None, irt, refs,
                           to="Support <support@example.org>", extra="Cc: %s\n" % everyone,
                           zone=rng.choice([0, 60, -300, 120]))
            w.generated(tag, m["name"], data)
        if kind == "dup":
            last = t.msgs[-1]
            # the same bytes twice (a relay retried), and a resend with other bytes
            w.generated(tag, last["name"] + "-copy", open(w.path("generated", last["name"]), "rb").read())
            first = t.msgs[0]
            data = open(w.path("generated", first["name"]), "rb").read()
            w.generated(tag, first["name"] + "-resent",
                        b"Resent-Date: " + rfc2822(first["date"] + 3600).encode() + b"\n" + data)


def malformed(w):
    t = BASE + 30 * 86400

    def m(name, data):
        w.file("malformed", name, data)

    plain = "Content-Type: text/plain; charset=utf-8\n"
    m("broken_broken-cc", message("a@kunde.example", "broken cc", t, "cc is broken\n", "mal-1",
                                  extra="Cc: \"unclosed <x@y, ,,, @@, <>\n"))
    m("broken_empty-part", message("a@kunde.example", "empty part", t, "--e\nContent-Type: text/plain\n\n\n--e\n"
                                   "Content-Type: application/octet-stream\n\n--e--\n", "mal-2",
                                   content='Content-Type: multipart/mixed; boundary="e"\n'))
    m("broken_loop-a", message("a@kunde.example", "loop a", t, "refs loop\n", "loop-a", "loop-b", ["loop-b"]))
    m("broken_loop-b", message("b@kunde.example", "loop b", t + 1, "refs loop\n", "loop-b", "loop-a",
                               ["loop-a"]))
    m("broken_self-reference", message("a@kunde.example", "self", t, "refs itself\n", "self-1", "self-1",
                                       ["self-1", "self-1"]))
    m("broken_no-boundary", message("a@kunde.example", "no boundary", t, "just text\n", "mal-3",
                                    content="Content-Type: multipart/mixed\n"))
    m("broken_bad-base64", message("a@kunde.example", "bad base64", t, "!!!not*base64@@@\n====\n", "mal-4",
                                   content=plain + "Content-Transfer-Encoding: base64\n"))
    m("broken_bad-qp", message("a@kunde.example", "bad qp", t, "=ZZ=4=\n=E4=\n", "mal-5",
                               content=plain + "Content-Transfer-Encoding: quoted-printable\n"))
    m("broken_unknown-charset", message("a@kunde.example", "=?x-nosuch?Q?caf=E9?=", t, "caf\xe9\n", "mal-6",
                                        content="Content-Type: text/plain; charset=x-nosuch\n"))
    m("broken_8bit-header", message("a@kunde.example", "Grüße aus Köln", t, "8-bit header\n", "mal-7")
      .encode("utf-8").replace("Köln".encode(), b"K\xf6ln"))
    m("broken_no-body", "From: a@kunde.example\nSubject: header only\nMessage-ID: %s\n" % mid("mal-8"))
    m("broken_no-blank-line", "From: a@kunde.example\nSubject: no blank line\nMessage-ID: %s\n"
      "this line is no header\nand the text goes on\n" % mid("mal-9"))
    m("broken_long-header", message("a@kunde.example", "x" * 5000, t, "long subject\n", "mal-10"))
    m("broken_nul-bytes", message("a@kunde.example", "nul", t, "before\0after\n", "mal-11"))
    m("broken_crlf-mixed", message("a@kunde.example", "mixed line ends", t, "one\r\ntwo\nthree\r\n", "mal-12")
      .replace("Subject:", "X-Line: crlf\r\nSubject:"))
    m("broken_unclosed-multipart", message("a@kunde.example", "unclosed", t,
                                           "--u\nContent-Type: text/plain\n\nfirst\n--u\nContent-Type: text/html\n\n"
                                           "<p>second", "mal-13",
                                           content='Content-Type: multipart/alternative; boundary="u"\n'))
    m("broken_nested-one-boundary", message("a@kunde.example", "nested, one boundary", t,
                                            "--n\nContent-Type: multipart/mixed; boundary=\"n\"\n\n--n\n"
                                            "Content-Type: text/plain\n\ninner\n--n--\n--n--\n", "mal-14",
                                            content='Content-Type: multipart/mixed; boundary="n"\n'))
    m("html_only", message("a@kunde.example", "html only", t,
                           "<html><body><p>Only &amp; HTML &rsquo;here&rsquo;</p><table><tr><td>a</td><td>b</td>"
                           "</tr></table></body></html>\n", "mal-15", content="Content-Type: text/html\n"))
    m("attachment_calendar", message("a@kunde.example", "invitation", t,
                                     "--c\nContent-Type: text/plain\n\nSee invite.\n--c\n"
                                     "Content-Type: text/calendar; method=REQUEST; name=invite.ics\n\n"
                                     "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n--c--\n", "mal-16",
                                     content='Content-Type: multipart/mixed; boundary="c"\n'))
    m("attachment_rfc2231-name", message("a@kunde.example", "rfc2231 name", t,
                                         "--r\nContent-Type: text/plain\n\ntext\n--r\n"
                                         "Content-Type: application/pdf\n"
                                         "Content-Disposition: attachment;\n filename*0*=utf-8''Pr%C3%BCf;\n"
                                         " filename*1*=bericht.pdf\nContent-Transfer-Encoding: base64\n\n"
                                         "JVBERi0xLjQK\n--r--\n", "mal-17",
                                         content='Content-Type: multipart/mixed; boundary="r"\n'))
    m("attachment_forwarded-message", message("a@kunde.example", "forwarded", t,
                                              "--f\nContent-Type: text/plain\n\nsee attached\n--f\n"
                                              "Content-Type: message/rfc822\n\nFrom: x@y.example\n"
                                              "Subject: the original\nMessage-ID: <orig@y.example>\n\n"
                                              "original text\n--f--\n", "mal-18",
                                              content='Content-Type: multipart/mixed; boundary="f"\n'))
    m("crypto_pgp-signed", message("a@kunde.example", "signed", t,
                                   "--s\nContent-Type: text/plain\n\nsigned text\n--s\n"
                                   "Content-Type: application/pgp-signature; name=signature.asc\n\n"
                                   "-----BEGIN PGP SIGNATURE-----\nAAAA\n-----END PGP SIGNATURE-----\n--s--\n",
                                   "mal-19", content='Content-Type: multipart/signed; micalg=pgp-sha256;'
                                   ' protocol="application/pgp-signature"; boundary="s"\n'))
    m("crypto_pgp-encrypted", message("a@kunde.example", "...", t,
                                      "--x\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--x\n"
                                      "Content-Type: application/octet-stream; name=encrypted.asc\n\n"
                                      "-----BEGIN PGP MESSAGE-----\nAAAA\n-----END PGP MESSAGE-----\n--x--\n",
                                      "mal-20", content='Content-Type: multipart/encrypted;'
                                      ' protocol="application/pgp-encrypted"; boundary="x"\n'))
    m("crypto_smime", message("a@kunde.example", "smime", t, "MIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n", "mal-21",
                              content='Content-Type: application/pkcs7-mime; smime-type=enveloped-data;'
                              ' name=smime.p7m\nContent-Transfer-Encoding: base64\n'))
    m("encoding_uuencode", message("a@kunde.example", "uuencoded", t,
                                   "see file\n\nbegin 644 hello.txt\n-:&5L;&\\L('=O<FQD\"@  \n`\nend\n", "mal-22"))
    for n in (1, 2, 3):
        for k in (1, 2):
            m("duplicate_msg-%d-%d" % (n, k), message("dup%d@kunde.example" % n, "resent %d" % n, t + k,
                                                     "copy %d of message %d\n" % (k, n), "dup-%d" % n,
                                                     extra="X-Copy: %d\n" % k))


def check_grouping(out, sub, names):
    """Fails unless the threads of names are what the ids the messages
    carry group them into (their Message-ID, In-Reply-To and References,
    as notmuch groups): the expected grouping holds by construction."""
    import email
    import re
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    files = {}
    for name, tag in names:
        with open(os.path.join(out, sub, name), "rb") as f:
            m = email.message_from_binary_file(f)
        ids = re.findall(r"<[^>]+>", " ".join(str(m.get(h, "")) for h in ("Message-ID", "In-Reply-To", "References")))
        files[name] = ids or ["file:" + name]
        for i in files[name][1:]:
            parent[find(i)] = find(files[name][0])
    got, want = {}, {}
    for name, tag in names:
        got.setdefault(find(files[name][0]), set()).add(name)
        want.setdefault(tag, set()).add(name)
    if sorted(map(sorted, got.values())) != sorted(map(sorted, want.values())):
        sys.exit("make-corpus.py: the threads of %s are not what their ids group" % sub)


def main():
    out = sys.argv[1]
    for sub in ("threads", "generated", "malformed"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
        for name in os.listdir(os.path.join(out, sub)):
            os.unlink(os.path.join(out, sub, name))
    w = Writer(out)
    threads(w)
    generated(w)
    malformed(w)
    for sub, names in (("threads", w.threads), ("generated", w.generated_threads)):
        check_grouping(out, sub, names)
        with open(os.path.join(out, sub, "threads.tsv"), "w") as f:
            for name, tag in sorted(names):
                f.write("%s\t%s\n" % (name, tag))


main()
