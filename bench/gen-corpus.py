#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""gen-corpus.py - the bench's mail: deterministic, of the shapes a helpdesk gets

usage: gen-corpus.py DIR [COUNT] [SEED]

Writes COUNT messages (default 2000) as DIR/NNNNN.eml and their names,
in order, to DIR/list. The same seed gives the same bytes on every run.

Each message looks like mail that crossed the Internet to a support
address: a few Received lines, a DKIM signature and the headers of the
sender's client; a greeting, one to five paragraphs, a signature and
now and then a disclaimer. Most are 2-20 KB. About one in five is
multipart/alternative (the text and an HTML version with inline
styles); about one in thirty carries an attachment of 100 KB to 1 MB;
a quarter are replies to an earlier message (In-Reply-To, References,
"Re:", the earlier text quoted), some with the ticket's subject token.
Line ends are LF, as an MTA pipes mail.
"""
import base64
import os
import random
import sys
import time

SYLLABLES = ("ka te ri on ma lo ve sta pen ur ix al do ne si ber gan tor mu fle "
             "pro sen da vi cor net ser log wa re in ter fa ce bo ot").split()
DOMAINS = ["customer.example", "kunde.example", "client.example", "mail.example",
           "firma.example", "empresa.example", "example.net"]
FIRST = ["Anna", "Jan", "Maria", "Piotr", "Lucía", "Jörg", "Ewa", "Pablo", "Eva", "Tom"]
LAST = ["Schmidt", "Kowalski", "García", "Müller", "Nowak", "Martín", "Weber", "Fischer"]
CLIENTS = ["Mozilla Thunderbird 115.3.1", "Microsoft Outlook 16.0", "Apple Mail (2.3731)",
           "Roundcube Webmail/1.6.2", "K-9 Mail for Android"]
DISCLAIMER = ("This e-mail and any attachment are confidential and intended solely for the "
              "addressee. If you are not the intended recipient, please notify the sender "
              "immediately and delete this message. Any unauthorised use, disclosure or "
              "copying is prohibited. Messages may be monitored for security reasons, and "
              "the company accepts no liability for damage caused by any virus transmitted.")
VOCABULARY = []


def vocabulary(rng, n=4000):
    """n words of one to three syllables, most frequent first."""
    words = []
    seen = set()
    while len(words) < n:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def word(rng):
    # Zipf-like: a few words are everywhere, most are rare, as in mail
    return VOCABULARY[int(len(VOCABULARY) * rng.random() ** 3)]


def sentence(rng):
    words = [word(rng) for _ in range(rng.randint(6, 14))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice([".", ".", ".", "?", "!"])


def wrap(text, width=72):
    lines, line = [], ""
    for w in text.split():
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = (line + " " + w).strip()
    lines.append(line)
    return "\n".join(lines)


def body_text(rng, name, parent):
    paras = [rng.choice(["Hello,", "Hallo,", "Dear support team,", "Hi,", "Buenos días,"])]
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4, 5])):
        paras.append(wrap(" ".join(sentence(rng) for _ in range(rng.randint(2, 5)))))
    sig = "Best regards\n%s\n%s | phone +49 30 %07d" % (name, word(rng).capitalize() + " GmbH",
                                                       rng.randrange(10 ** 7))
    paras.append(sig)
    if rng.random() < 0.3:
        paras.append(wrap(DISCLAIMER))
    text = "\n\n".join(paras) + "\n"
    if parent is not None:
        quoted = "\n".join("> " + l if l else ">" for l in parent[1][:6000].split("\n"))
        text += "\nOn %s, %s wrote:\n%s\n" % (parent[2], parent[0], quoted)
    return text


def html_of(text):
    style = ("font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 11pt; "
             "color: rgb(0, 0, 0); margin: 0px;")
    body = "".join('<p style="%s">%s</p>\n' % (style, p.replace("\n", "<br>\n"))
                   for p in text.split("\n\n"))
    return ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            '<style type="text/css">body { font-family: Calibri, sans-serif; }</style>\n</head>\n'
            '<body dir="ltr">\n<div class="elementToProof">\n%s</div>\n</body>\n</html>' % body)


def b64_lines(data):
    enc = base64.b64encode(data).decode("ascii")
    return "\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))


def rfc2822_date(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def transport_headers(rng, t, domain, mid):
    """What the Internet adds on the way: Received, DKIM, authentication."""
    h = []
    hops = rng.randint(2, 4)
    for i in range(hops):
        h.append("Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\n\tby mail%d.example.org (Postfix) with "
                 "ESMTPS id %X\n\tfor <support@example.org>; %s"
                 % (i, domain, i, domain, rng.randrange(1, 255), i, rng.getrandbits(40),
                    rfc2822_date(t + hops - i)))
    sig = base64.b64encode(rng.randbytes(256)).decode()
    h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=sel%d;\n\th=from:to:subject:"
             "date:message-id:mime-version:content-type;\n\tbh=%s;\n\tb=%s"
             % (domain, rng.randrange(9), base64.b64encode(rng.randbytes(32)).decode(),
                "\n\t  ".join(sig[i:i + 70] for i in range(0, len(sig), 70))))
    h.append("Authentication-Results: mail0.example.org; dkim=pass header.d=%s; spf=pass "
             "smtp.mailfrom=%s; dmarc=pass" % (domain, domain))
    h.append("Return-Path: <bounce-%x@%s>" % (rng.getrandbits(32), domain))
    return h


def make(rng, n, earlier):
    """Message n as text; earlier: [(name, body, date, id, subject, sender, refs)]."""
    t = 1709539200 + n * 420
    parent = None
    if earlier and rng.random() < 0.25:
        parent = earlier[rng.randrange(max(0, len(earlier) - 300), len(earlier))]
    if parent is not None:
        pname, pbody, pdate, pid, psubject, psender, prefs = parent
        sender = psender if rng.random() < 0.8 else None
        subject = psubject if psubject.startswith("Re: ") else "Re: " + psubject
        if rng.random() < 0.3 and "[Ticket#" not in subject:
            subject += " [Ticket#%d]" % rng.randint(1, max(1, n // 2))
        refs = (prefs + [pid])[-10:]
    else:
        sender = None
        subject = " ".join(word(rng) for _ in range(rng.randint(3, 8))).capitalize()
        refs = []
    if sender is None:
        name = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
        local = name.split()[0].lower().encode("ascii", "ignore").decode() or "user"
        sender = (name, "%s.%d@%s" % (local, rng.randrange(400), rng.choice(DOMAINS)))
    domain = sender[1].split("@")[1]
    mid = "bench-%05d.%08x@%s" % (n, rng.getrandbits(32), domain)
    text = body_text(rng, sender[0], parent and (parent[0], parent[1], parent[2]))
    name_enc = sender[0]
    if any(ord(c) > 127 for c in name_enc):
        name_enc = "=?UTF-8?B?%s?=" % base64.b64encode(name_enc.encode()).decode()
    h = transport_headers(rng, t, domain, mid)
    h += ["From: %s <%s>" % (name_enc, sender[1]),
          "To: Support <support@example.org>",
          "Subject: %s" % subject,
          "Date: %s" % rfc2822_date(t),
          "Message-ID: <%s>" % mid]
    if refs:
        h.append("In-Reply-To: <%s>" % refs[-1])
        h.append("References: %s" % "\n ".join("<%s>" % r for r in refs))
    h.append("User-Agent: %s" % rng.choice(CLIENTS))
    h.append("Content-Language: %s" % rng.choice(["de-DE", "en-US", "pl-PL", "es-ES"]))
    h.append("MIME-Version: 1.0")
    kind = rng.random()
    if kind < 1 / 30:
        att = rng.randint(100 * 1024, 1024 * 1024)
        b = "------------b1%05d" % n
        h.append('Content-Type: multipart/mixed; boundary="%s"' % b)
        body = "\n".join([
            "This is a multi-part message in MIME format.", "",
            "--" + b, "Content-Type: text/plain; charset=UTF-8; format=flowed",
            "Content-Transfer-Encoding: 8bit", "", text, "",
            "--" + b, 'Content-Type: application/pdf; name="report-%d.pdf"' % n,
            'Content-Disposition: attachment; filename="report-%d.pdf"' % n,
            "Content-Transfer-Encoding: base64", "",
            b64_lines(rng.randbytes(att)), "", "--" + b + "--", ""])
    elif kind < 0.22:
        b = "_000_b2%05d_" % n
        h.append('Content-Type: multipart/alternative; boundary="%s"' % b)
        body = "\n".join([
            "--" + b, "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: 8bit", "",
            text, "",
            "--" + b, "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: 8bit", "",
            html_of(text), "", "--" + b + "--", ""])
    else:
        h.append("Content-Type: text/plain; charset=UTF-8; format=flowed")
        h.append("Content-Transfer-Encoding: 8bit")
        body = text
    earlier.append((sender[0], text, rfc2822_date(t), mid, subject, sender, refs))
    return "\n".join(h) + "\n\n" + body


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    rng = random.Random(seed)
    VOCABULARY[:] = vocabulary(rng)
    os.makedirs(out, exist_ok=True)
    earlier, names = [], []
    for n in range(1, count + 1):
        path = os.path.join(out, "%05d.eml" % n)
        with open(path, "wb") as f:
            f.write(make(rng, n, earlier).encode("utf-8"))
        names.append(path)
    with open(os.path.join(out, "list"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
