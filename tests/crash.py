#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""crash.py - the kills of t-reliability-crash.sh

  crash.py deliver BIN DB WORKDIR TIMED SWEEP_STEP
      mailticket-deliver killed with SIGKILL: TIMED times after a random
      delay, then once before each write, sync, truncate and unlink of
      a delivery (every SWEEP_STEP-th write), by strace's fault
      injection. After every kill: integrity_check ok, no ticket without
      an article, the message whole or absent; delivered again, it is
      stored exactly once.

  crash.py send BIN DB SMTP_DIR RUNS NOW
      mailticket-send killed with SIGKILL in the middle of a session,
      RUNS times (after a random delay, or before its Nth write to the
      database), each over a fresh batch of acknowledgements and
      replies; then run again past the claim's expiry. Each message
      must reach the server once or twice, never more nor less, and be
      recorded as sent once.

Prints key=value figures on stdout; problems on stderr, exit 1.
"""
import email
import glob
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

random.seed(int(os.environ.get("MAILTICKET_CRASH_SEED", "11")))
problems = []


def problem(text):
    problems.append(text)
    sys.stderr.write(text + "\n")


def query(db, sql, *args):
    c = sqlite3.connect(db, timeout=30)
    try:
        return c.execute(sql, args).fetchall()
    finally:
        c.close()


def sound(db, when):
    """integrity_check and the foreign keys hold, no ticket is empty."""
    if query(db, "PRAGMA integrity_check") != [("ok",)]:
        problem("%s: integrity_check: %s" % (when, query(db, "PRAGMA integrity_check")[:3]))
    if query(db, "PRAGMA foreign_key_check"):
        problem("%s: foreign_key_check fails" % when)
    empty = query(db, "SELECT count(*) FROM tickets t WHERE NOT EXISTS"
                      " (SELECT 1 FROM articles a WHERE a.ticket = t.id)")[0][0]
    if empty:
        problem("%s: %d tickets without an article" % (when, empty))


# --- mailticket-deliver ---------------------------------------------------

class Mail:
    def __init__(self, path, message_id, attachments):
        self.path, self.message_id, self.attachments = path, message_id, attachments
        self.data = open(path, "rb").read()
        self.sha = hashlib.sha256(self.data).hexdigest()


def make_mail(workdir, i, stored_ids):
    """Mail i: small, or with a 200 KB or 3 MB attachment; a third are
    replies to mail stored before."""
    message_id = "crash-%d@crash.test" % i
    size = random.choices([0, 200 * 1024, 3 * 1024 * 1024], [7, 2, 1])[0]
    reply = stored_ids and random.random() < 0.3
    head = ("From: Customer %d <c%d@customer.test>\nTo: support@example.org\nSubject: %s\n"
            "Date: Mon, 02 Jan 2023 10:00:00 +0000\nMessage-ID: <%s>\nMIME-Version: 1.0\n"
            % (i % 50, i % 50, "Re: crash" if reply else "crash %d" % i, message_id))
    if reply:
        head += "In-Reply-To: <%s>\n" % random.choice(stored_ids)
    if size:
        blob = os.urandom(size // 4 * 3).hex()[:size].encode()
        body = (b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\ntext %d\n'
                b'--b\nContent-Type: application/octet-stream; name=data.hex\n\n' % i + blob + b"\n--b--\n")
    else:
        body = b"Content-Type: text/plain\n\n" + b"line of text\n" * random.randint(1, 100)
    path = os.path.join(workdir, "crash-%05d.eml" % i)
    with open(path, "wb") as f:
        f.write(head.encode() + body)
    return Mail(path, message_id, 1 if size else 0)


def deliver_cmd(bin_dir, db):
    return [bin_dir + "/mailticket-deliver", "--db", db, "-r", "support@example.org"]


def state(db, mail, when):
    """'present' (whole), 'absent', or a problem."""
    articles = query(db, "SELECT id, message_id FROM articles WHERE blob = ?", mail.sha)
    blobs = query(db, "SELECT size, data FROM blobs WHERE sha256 = ?", mail.sha)
    known = query(db, "SELECT article FROM message_ids WHERE message_id = ? AND article IS NOT NULL",
                  mail.message_id)
    if not articles and not blobs and not known:
        return "absent"
    if len(articles) == 1 and len(blobs) == 1 and blobs[0] == (len(mail.data), mail.data) \
            and known == [(articles[0][0],)] and articles[0][1] == mail.message_id:
        n = query(db, "SELECT count(*) FROM attachments WHERE article = ?", articles[0][0])[0][0]
        if n == mail.attachments:
            return "present"
    problem("%s: %s is partly stored: %d articles, %d blobs, ids %s" %
            (when, mail.message_id, len(articles), len(blobs), known))
    return "partial"


def after_kill(bin_dir, db, mail, when, figures):
    sound(db, when)
    figures[state(db, mail, when)] += 1
    for attempt in range(20):
        with open(mail.path, "rb") as f:
            code = subprocess.run(deliver_cmd(bin_dir, db), stdin=f, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL).returncode
        if code != 75:
            break
    if code != 0:
        problem("%s: delivered again: exit %d" % (when, code))
    if state(db, mail, when + ", delivered again") == "present":
        figures["redelivered_once"] += 1


def timed_kill(bin_dir, db, mail, delay):
    with open(mail.path, "rb") as f:
        p = subprocess.Popen(deliver_cmd(bin_dir, db), stdin=f, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        return p.wait()


def injected_kill(bin_dir, db, mail, syscall, n):
    with open(mail.path, "rb") as f:
        return subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "trace=" + syscall,
                               "-e", "inject=%s:signal=KILL:when=%d" % (syscall, n)] + deliver_cmd(bin_dir, db),
                              stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def count_syscalls(bin_dir, db, mail, syscalls):
    """How often one delivery of mail makes each of syscalls."""
    out = mail.path + ".strace"
    with open(mail.path, "rb") as f:
        subprocess.run(["strace", "-f", "-c", "-U", "name,calls", "-o", out, "-e", "trace=" + ",".join(syscalls)]
                       + deliver_cmd(bin_dir, db), stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts = {}
    for line in open(out):
        words = line.split()
        if len(words) == 2 and words[0] in syscalls:
            counts[words[0]] = int(words[1])
    return counts


def crash_deliver(bin_dir, db, workdir, timed, step):
    figures = {"kills": 0, "present": 0, "absent": 0, "partial": 0, "redelivered_once": 0, "injected": 0}
    stored, i = [], 0

    def fresh():
        nonlocal i
        i += 1
        return make_mail(workdir, i, stored)

    # How long a delivery of each kind takes, to kill within it.
    durations = []
    for _ in range(6):
        m = fresh()
        start = time.monotonic()
        with open(m.path, "rb") as f:
            subprocess.run(deliver_cmd(bin_dir, db), stdin=f, stdout=subprocess.DEVNULL)
        durations.append(time.monotonic() - start)
        stored.append(m.message_id)
    longest = max(durations)
    for k in range(timed):
        m = fresh()
        figures["kills"] += timed_kill(bin_dir, db, m, random.uniform(0, 1.2 * longest)) == -signal.SIGKILL
        after_kill(bin_dir, db, m, "timed kill %d" % k, figures)
        stored.append(m.message_id)
    syscalls = ["pwrite64", "fdatasync", "ftruncate", "unlink"]
    probe = fresh()
    counts = count_syscalls(bin_dir, db, probe, syscalls)
    stored.append(probe.message_id)
    figures["syscalls"] = " ".join("%s:%d" % kv for kv in sorted(counts.items()))
    for syscall in syscalls:
        for n in range(1, counts.get(syscall, 0) + 1, step if syscall == "pwrite64" else 1):
            m = fresh()
            killed = injected_kill(bin_dir, db, m, syscall, n) in (128 + signal.SIGKILL, -signal.SIGKILL)
            figures["kills"] += killed
            figures["injected"] += killed
            after_kill(bin_dir, db, m, "kill before %s #%d" % (syscall, n), figures)
            stored.append(m.message_id)
    return figures


# --- mailticket-send --------------------------------------------------------

def spool_ids(smtp_dir):
    counts = {}
    for path in glob.glob(os.path.join(smtp_dir, "*.eml")):
        with open(path, "rb") as f:
            mid = email.message_from_binary_file(f).get("Message-ID", "").strip().strip("<>")
        counts[mid] = counts.get(mid, 0) + 1
    return counts


def run_env(now):
    env = dict(os.environ)
    env["MAILTICKET_NOW"] = str(now)
    return env


def queue_batch(bin_dir, db, run, now):
    """Acknowledgements of new tickets from 20 new senders, and agents'
    replies to half of them."""
    env = run_env(now)
    for k in range(20):
        msg = ("From: Sender %d <s%d-%d@customer.test>\nTo: support@example.org\nSubject: run %d, %d\n"
               "Message-ID: <send-%d-%d@customer.test>\n\nPlease help.\n" % (k, run, k, run, k, run, k))
        subprocess.run([bin_dir + "/mailticket-deliver", "--db", db, "-r", "support@example.org"],
                       input=msg.encode(), env=env, check=True, stdout=subprocess.DEVNULL)
        if k % 2 == 0:
            ticket = query(db, "SELECT ticket FROM articles WHERE message_id = ?", "send-%d-%d@customer.test" % (run, k))
            subprocess.run([bin_dir + "/mailticket", "--db", db, "reply", str(ticket[0][0]), "-m", "Reply %d" % k],
                           env=env, check=True, stdout=subprocess.DEVNULL)
    return [r[0] for r in query(db, "SELECT message_id FROM outbox WHERE created = ?", now)]


def crash_send(bin_dir, db, smtp_dir, runs, now0):
    figures = {"kills": 0, "messages": 0, "sent_once": 0, "sent_twice": 0, "lost": 0, "over_twice": 0,
               "recorded_once": 0}
    send = [bin_dir + "/mailticket-send", "--db", db]
    for run in range(runs):
        now = now0 + run * 100000
        ids = queue_batch(bin_dir, db, run, now)
        before = spool_ids(smtp_dir)
        if run % 2 == 0:
            p = subprocess.Popen(send, env=run_env(now), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(random.uniform(0.003, 0.08))
            p.send_signal(signal.SIGKILL)
            code = p.wait()
        else:
            # Killed before its Nth write to the database: after a message
            # was taken by the server, before or while it is recorded.
            n = random.randint(1, 200)
            code = subprocess.run(["strace", "-f", "-o", "/dev/null", "-e", "trace=pwrite64",
                                   "-e", "inject=pwrite64:signal=KILL:when=%d" % n] + send,
                                  env=run_env(now), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        figures["kills"] += code in (128 + signal.SIGKILL, -signal.SIGKILL)
        sound(db, "send run %d, killed" % run)
        # The claim of the dead sender expires after 30 minutes.
        code = subprocess.run(send, env=run_env(now + 1801), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE).returncode
        if code != 0:
            problem("send run %d: the restarted sender exits %d" % (run, code))
        sound(db, "send run %d, restarted" % run)
        after = spool_ids(smtp_dir)
        for mid in ids:
            got = after.get(mid, 0) - before.get(mid, 0)
            figures["messages"] += 1
            key = {0: "lost", 1: "sent_once", 2: "sent_twice"}.get(got, "over_twice")
            figures[key] += 1
            rows = query(db, "SELECT state, (SELECT count(*) FROM outbox_recipients r WHERE r.outbox = o.id"
                             " AND r.state <> 'sent') FROM outbox o WHERE message_id = ?", mid)
            if rows == [("sent", 0)]:
                figures["recorded_once"] += 1
            else:
                problem("send run %d: %s recorded as %s" % (run, mid, rows))
            if got not in (1, 2):
                problem("send run %d: %s reached the server %d times" % (run, mid, got))
    return figures


def main():
    if sys.argv[1] == "deliver":
        figures = crash_deliver(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    else:
        figures = crash_send(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    for key, value in figures.items():
        print("%s=%s" % (key, "'%s'" % value if isinstance(value, str) else value))
    print("problems=%d" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
