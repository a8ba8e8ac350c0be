#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""hostile-mail.py DIR - writes the hostile messages of t-reliability-hostile.sh

Each case is DIR/NAME.eml, and DIR/NAME.id its Message-ID (without angle
brackets) when it is meant to be stored. Generated, so that no large or
strange file is kept in the tree.
"""
import base64
import io
import os
import sys
import zipfile

OUT = sys.argv[1]


def write(name, data, message_id=None):
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write(data)
    if message_id is not None:
        with open(os.path.join(OUT, name + ".id"), "w") as f:
            f.write(message_id)


def message(message_id, subject=b"hostile", headers=b"", body=b"body\n", sender=b"Eve <eve@evil.test>"):
    return (b"From: " + sender + b"\nTo: support@example.org\nSubject: " + subject +
            b"\nDate: Mon, 02 Jan 2023 10:00:00 +0000\nMessage-ID: <" + message_id.encode() + b">\n" +
            b"MIME-Version: 1.0\n" + headers + b"\n" + body)


def case(name, message_id, **kw):
    write(name, message(message_id, **kw), message_id)


def nested_multipart(depth):
    opening = b"".join(b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i, i + 1) for i in range(depth))
    closing = b"".join(b"\n--b%d--\n" % i for i in reversed(range(depth + 1)))
    return opening + b"--b%d\nContent-Type: text/plain\n\ndeep inside\n" % depth + closing


def nested_rfc822(depth):
    levels = b"".join(b"From: level%d@evil.test\nSubject: level %d\nContent-Type: message/rfc822\n\n" % (i, i)
                      for i in range(depth))
    return levels + b"From: core@evil.test\nSubject: the core\n\ncore text\n"


def multipart(parts, boundary=b"hostile-boundary"):
    out = b""
    for headers, body in parts:
        out += b"--" + boundary + b"\n" + headers + b"\n\n" + body + b"\n"
    return out + b"--" + boundary + b"--\n"


MIXED = b'Content-Type: multipart/mixed; boundary="hostile-boundary"\n'


def structure():
    case("nested-multipart-10000", "nested@evil.test",
         headers=b'Content-Type: multipart/mixed; boundary="b0"\n', body=nested_multipart(10000))
    case("nested-rfc822-10000", "rfc822@evil.test", headers=b"Content-Type: message/rfc822\n",
         body=nested_rfc822(10000))
    case("header-line-1mb", "longline@evil.test", headers=b"X-Long: " + b"a" * (1 << 20) + b"\n")
    words = b" ".join(b"=?utf-8?q?w=C3=B6rd%d?=" % i for i in range(60000))
    case("subject-1mb", "subject1mb@evil.test", subject=words)
    case("subject-250000-prefixes", "prefixes@evil.test", subject=b"Re: " * 250000 + b"printer")
    to = b", ".join(b"r%d@x%d.test" % (i, i) for i in range(100000))
    write("recipients-100000", b"From: Eve <eve@evil.test>\nTo: " + to +
          b"\nSubject: to everybody\nMessage-ID: <recipients@evil.test>\n\nhello\n", "recipients@evil.test")
    refs = b" ".join(b"<ref%d@evil.test>" % i for i in range(100000))
    case("references-100000", "references@evil.test", headers=b"References: " + refs + b"\n")
    case("html-megabyte-of-ampersands", "amp@evil.test", headers=b"Content-Type: text/html\n",
         body=b"&" * (1 << 20) + b"\n")
    tags = b"<a " * 100000 + b"<!-- " * 50000 + b"<script>" * 50000 + b"&#x" * 50000 + b"<b>x</b>" * 50000
    case("html-megabyte-of-tags", "tags@evil.test", headers=b"Content-Type: text/html\n", body=tags + b"\n")


def bytes_and_charsets():
    case("nul-bytes", "nul@evil.test", subject=b"nul\0in\0subject", sender=b"Ev\0e <eve@evil.test>",
         body=b"body\0with\0\0nul bytes\n" + bytes(range(256)) + b"\n")
    write("bare-cr", b"From: eve@evil.test\nTo: support@example.org\nSubject: bare\rcarriage\rreturns\n"
          b"Message-ID: <barecr@evil.test>\n\nline one\rline two\r\rline three\r\n", "barecr@evil.test")
    write("mac-line-ends", b"From: eve@evil.test\rTo: support@example.org\rSubject: classic Mac\r"
          b"Message-ID: <mac@evil.test>\r\rbody\r", "mac@evil.test")
    b64 = [(b"Content-Type: text/plain\nContent-Transfer-Encoding: base64", b"!!!! not base64 ####\n===\nSGVsbG8"),
           (b"Content-Type: application/octet-stream; name=a.bin\nContent-Transfer-Encoding: base64",
            b"QUJD\x00\xff\xfe====QUJD" * 100),
           (b"Content-Type: text/plain\nContent-Transfer-Encoding: base64", b"=" * 1000)]
    case("bad-base64", "b64@evil.test", headers=MIXED, body=multipart(b64))
    qp = [(b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
           b"=ZZ =4 =\n=\n=C3=\nsoft=\nbreak =E2=82 \xff\xfe 8bit" + b"=" * 5000),
          (b"Content-Type: text/plain\nContent-Transfer-Encoding: x-unknown-encoding", b"what is this")]
    case("bad-quoted-printable", "qp@evil.test", headers=MIXED, body=multipart(qp))
    unknown = [(b"Content-Type: text/plain; charset=x-no-such-charset", b"caf\xe9 \xff\xfe\x80"),
               (b"Content-Type: text/html; charset=\"\"", b"<p>caf\xe9</p>"),
               (b"Content-Type: text/plain; charset=utf-7", b"+AGEAYgBj- +ZZZ-")]
    case("unknown-charsets", "unknown@evil.test", subject=b"=?x-unknown?q?caf=E9?= =?bogus?b?!!!?=",
         sender=b"=?x-nope?q?Ev=E9?= <eve@evil.test>", headers=MIXED, body=multipart(unknown))
    lying = [(b"Content-Type: text/plain; charset=utf-8", b"Gr\xfc\xdfe aus K\xf6ln"),
             (b"Content-Type: text/plain; charset=iso-2022-jp", b"\x1b$B\xff\xfe\x1b(B\x1b$)C\x0e\xff"),
             (b"Content-Type: text/plain; charset=utf-16", b"\xff\xfea\x00\x00\xd8"),
             (b"Content-Type: text/plain; charset=us-ascii", bytes(range(128, 256))),
             (b"Content-Type: text/plain; charset=shift_jis", b"\x82\xa0\x82\xff\x81")]
    case("lying-charsets", "lying-charsets@evil.test", subject=b"=?utf-8?b?" + base64.b64encode(b"\xc3(\xff") + b"?=",
         headers=MIXED, body=multipart(lying))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("zeros.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(256):
                member.write(chunk)
    zipped = buf.getvalue()
    with open(os.path.join(OUT, "zeros.zip"), "wb") as f:
        f.write(zipped)
    encoded = base64.encodebytes(zipped)
    zip_parts = [(b"Content-Type: text/plain", b"256 MB of zeros, zipped."),
                 (b"Content-Type: application/zip; name=zeros.zip\nContent-Disposition: attachment; "
                  b"filename=zeros.zip\nContent-Transfer-Encoding: base64", encoded)]
    case("zip-of-zeros", "zip@evil.test", headers=MIXED, body=multipart(zip_parts))


def injection():
    sql = [(b"Content-Type: text/plain", b"'; DROP TABLE tickets; --"),
           (b"Content-Type: text/plain; name=\"x'); DROP TABLE attachments;--.txt\"\n"
            b"Content-Disposition: attachment; filename=\"x'); DROP TABLE attachments;--.txt\"", b"%_\\'\"")]
    case("sql-metacharacters", "'); DELETE FROM articles; --@evil.test",
         subject=b"Robert'); DROP TABLE tickets; -- \" OR 1=1 --",
         sender=b"\"x'); DROP TABLE contacts; --\" <\"o'hara\\\"--\"@evil.test>",
         headers=MIXED + b"In-Reply-To: <\"'; DROP TABLE message_ids;--@x>\nReferences: <%@x> <_@x> <*@x>\n"
         b"X-Original-To: '; DROP TABLE queues; --@example.org\n",
         body=multipart(sql))
    case("first-ticket", "first@evil.test", subject=b"printer broken", sender=b"Alice <alice@customer.test>")
    forged = b", ".join(b"support+%d.%010x@example.org" % (i, 0x0123456789 + i) for i in range(1, 31))
    case("forged-token", "forged@evil.test", subject=b"Re: printer broken",
         headers=b"Cc: " + forged + b"\nX-Original-To: support+1.0000000000@example.org\n"
         b"Delivered-To: support+1.ffffffffff@example.org\n")
    case("no-such-ticket", "nosuch@evil.test", subject=b"Re: [Ticket#99999] hello")
    case("crlf-injection", "crlf@evil.test",
         subject=b"=?utf-8?q?Help=0D=0ABcc:_victim2@evil.test=0D=0AX-Injected:_yes?=",
         sender=b"\"=?utf-8?q?Eve=0D=0ABcc:_victim1@evil.test?=\" <carla@evil.test>",
         headers=b"Cc: \"=?utf-8?q?C=0D=0ABcc:_victim3@evil.test?=\" <cc@evil.test>\n")
    write("crlf-raw", b"From: Mallory <mallory@evil.test>\nTo: support@example.org\n"
          b"Subject: Help\rBcc: victim4@evil.test\rX-Injected: yes\nMessage-ID: <crlfraw@evil.test>\n\nbody\n",
          "crlfraw@evil.test")
    paths = [(b"Content-Type: text/plain", b"four attachments"),
             (b"Content-Type: application/octet-stream\n"
              b"Content-Disposition: attachment; filename=\"../../../../../../../../tmp/mt-hostile-evil-1\"",
              b"path one"),
             (b"Content-Type: application/octet-stream\n"
              b"Content-Disposition: attachment; filename=\"/tmp/mt-hostile-evil-2\"", b"path two"),
             (b"Content-Type: application/octet-stream\n"
              b"Content-Disposition: attachment; filename*=utf-8''..%2F..%2F..%2F..%2Ftmp%2Fmt-hostile-evil-3",
              b"path three"),
             (b"Content-Type: application/octet-stream; name=\"..\\\\..\\\\mt-hostile-evil-4\"",
              b"path four")]
    case("attachment-paths", "paths@evil.test", headers=MIXED, body=multipart(paths))


def size():
    body = b"Content-Type: text/plain\n\n" + (b"y" * 99 + b"\n") * (400 * 1024)
    write("big-40mb", message("big40@evil.test", headers=body[:26], body=body[27:]), "big40@evil.test")
    write("big-refused", message("bigrefused@evil.test", headers=body[:26], body=body[27:]))


structure()
bytes_and_charsets()
injection()
size()
