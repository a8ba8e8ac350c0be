#!/usr/bin/python3
"""hostile-cost.py CASE SIZE [ARG...] - one costly message of t-reliability-cost.sh on stdout

SIZE is about how many bytes the message has (the cases that count
something take a count instead, as said below). Generated at run time, so
that no large file is kept in the tree.

  nested SIZE         multiparts nested in one another, all with one boundary
  parts SIZE          one-byte attachments, one after the other
  bare SIZE           parts without a header, one after the other
  headers SIZE        a header of one-letter fields
  rfc822 SIZE         attached messages, each holding the next, side by side
  dsn SIZE TO ID      a delivery status notification to TO, returning the
                      message ID, with one block per recipient
  body-run N          a body of N times "a" and then "!"
  recipients N        N addresses in To, each N-ish times "a" long: a
                      regular expression that backtracks on them works hard
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


def body_run(n):
    return head("body-run") + b"\n" + b"a" * n + b"!\n"


def recipients(n):
    to = b", ".join(b"a" * (24 + i % 8) + b"%d@evil.test" % i for i in range(n))
    return head("recipients", to=to) + b"\nhello\n"


def cc(n):
    return head("cc", extra=b"Cc: " + b", ".join(b"c%d@x%d.test" % (i, i) for i in range(n)) + b"\n") + b"\nhello\n"


CASES = {"nested": nested, "parts": parts, "bare": bare, "headers": headers, "rfc822": rfc822, "dsn": dsn,
         "body-run": body_run, "recipients": recipients, "cc": cc}

if __name__ == "__main__":
    make = CASES[sys.argv[1]]
    args = [int(sys.argv[2])] + sys.argv[3:]
    sys.stdout.buffer.write(make(*args))
