#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""hostile-cost.py CASE SIZE [ARG...] - one costly message of t-reliability-cost.sh on stdout

SIZE is about how many bytes the message has (the cases that count
something take a count instead, as said below). Generated at run time, so
that no large file is kept in the tree.

  nested SIZE         multiparts nested in one another, all with one boundary
  parts SIZE          one-byte attachments, one after the other
  bare SIZE           parts without a header, one after the other
  headers SIZE        a header of one-letter fields
  rfc822 SIZE         attached messages, each holding the next, side by side
  folded SIZE         a part's header field in short folded lines
  epilogue SIZE       a multipart and then text after its end
  dsn SIZE TO ID      a delivery status notification to TO, returning the
                      message ID, with one block per recipient
  words SIZE          a subject, a sender's name and a body of words that are
                      all different: the search index keeps an entry for each
  body-run N          a body of N times "a" and then "!"
  recipients N        N addresses in To, "aaa...a@example.orgN": a regular
                      expression that backtracks on them works hard
  cc N                N addresses in Cc
"""
import sys

HEAD = (b"From: Mallory <mallory@evil.test>\nTo: %s\nSubject: %s\n"
        b"Date: Mon, 02 Jan 2023 10:00:00 +0000\nMessage-ID: <%s@evil.test>\nMIME-Version: 1.0\n")


def head(name, to=b"support@example.org", extra=b""):
    return HEAD % (to, name.encode(), name.encode()) + extra


def repeat(unit, size):
    return unit * max(1, size // len(unit))


def nested(size):
    unit = b'--b\nContent-Type: multipart/mixed; boundary="b"\n\n'
    return (head("nested", extra=b'Content-Type: multipart/mixed; boundary="b"\n\n') +
            repeat(unit, size) + b"--b--\n")


def parts(size):
    unit = b"--p\nContent-Disposition: attachment; filename=a.bin\n\nx\n"
    return (head("parts", extra=b'Content-Type: multipart/mixed; boundary="p"\n\n') +
            b"--p\nContent-Type: text/plain\n\nMany small attachments.\n" + repeat(unit, size) + b"--p--\n")


def bare(size):
    return (head("bare", extra=b'Content-Type: multipart/mixed; boundary="p"\n\n') +
            repeat(b"--p\n\nx\n", size) + b"--p--\n")


def headers(size):
    return head("headers", extra=repeat(b"X:y\n", size)) + b"\nbody\n"


def rfc822(size):
    chain = b"Content-Type: message/rfc822\n\n" * 1100 + b"\nx\n"
    unit = b"--p\n" + chain
    return (head("rfc822", extra=b'Content-Type: multipart/mixed; boundary="p"\n\n') +
            repeat(unit, size) + b"--p--\n")


def folded(size):
    return (head("folded", extra=b'Content-Type: multipart/mixed; boundary="p"\n\n') +
            b"--p\n\nfirst part\n--p\nX-Folded: a" + repeat(b"\n a", size) + b"\n\nsecond part\n--p--\n")


def epilogue(size):
    return (head("epilogue", extra=b'Content-Type: multipart/mixed; boundary="p"\n\n') +
            b"--p\n\nthe part\n--p--\n" + repeat(b"e" * 99 + b"\n", size))


def dsn(size, to, returned):
    block = b"Final-Recipient: rfc822; r%07d@customer.example\nAction: failed\nStatus: 5.1.1\n\n"
    n = max(1, size // len(block % 0))
    status = b"Reporting-MTA: dns; mx.evil.test\n\n" + b"".join(block % i for i in range(n))
    return (b"From: MAILER-DAEMON@mx.evil.test (Mail Delivery System)\nTo: " + to.encode() +
            b"\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn@evil.test>\nMIME-Version: 1.0\n"
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
            b"--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
            b"--B\nContent-Type: message/delivery-status\n\n" + status +
            b"--B\nContent-Type: text/rfc822-headers\n\nFrom: support@example.org\n"
            b"Message-ID: <" + returned.encode() + b">\n\n--B--\n")


def distinct(start, size, fold):
    words, n, total = [], 0, 0
    while total < size:
        words.append(b"w%x" % (start + n))
        total += len(words[-1]) + 1
        n += 1
    joined = b"".join(w + (b"\n " if fold and i % 12 == 11 else b" ") for i, w in enumerate(words))
    return joined.rstrip(), start + n


def words(size):
    subject, at = distinct(0, 8000, True)
    name, at = distinct(at, 8000, True)
    body, at = distinct(at, size, False)
    return (b"From: \"" + name + b"\" <mallory@evil.test>\nTo: support@example.org\nSubject: " + subject +
            b"\nMessage-ID: <words@evil.test>\n\n" + body + b"\n")


def body_run(n):
    return head("body-run") + b"\n" + b"a" * n + b"!\n"


def recipients(n):
    # After the a's, "@example.org" and then what no pattern anchored
    # there expects: the engine tries every split of the a's.
    to = b", ".join(b"a" * (20 + i % 8) + b"@example.org%d" % i for i in range(n))
    return head("recipients", to=to) + b"\nhello\n"


def cc(n):
    return head("cc", extra=b"Cc: " + b", ".join(b"c%d@x%d.test" % (i, i) for i in range(n)) + b"\n") + b"\nhello\n"


CASES = {"nested": nested, "parts": parts, "bare": bare, "headers": headers, "rfc822": rfc822, "folded": folded,
         "epilogue": epilogue, "words": words, "dsn": dsn,
         "body-run": body_run, "recipients": recipients, "cc": cc}

if __name__ == "__main__":
    make = CASES[sys.argv[1]]
    args = [int(sys.argv[2])] + sys.argv[3:]
    sys.stdout.buffer.write(make(*args))
