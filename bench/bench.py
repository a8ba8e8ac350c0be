#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""bench.py - what `make bench` runs: mailticket beside the programs an admin
would use instead, on the same mail, in one run.

usage: bench.py [--quick] [--keep] [--import-only]

Ingest: every message is a process of its own fed through a pipe, as
Postfix's pipe(8) runs a filter (bench/spawn, the bench's own driver),
at concurrency 1, 4 and 8: mailticket-deliver into an SQLite database
with its delivery server running (mailticket-deliver --serve; the CPU
column adds the server's CPU time to that of the processes), procmail
into a Maildir, notmuch insert, and `cat >/dev/null` (the cost of
starting a process at all). mailticket-deliver without a server, each
process opening the database itself, runs at concurrency 1 too. The programs take turns within each
repetition, in an order that rotates, so that noise on the machine hits
all of them alike; each figure is the median of the repetitions.

Then: fsync(2) and fdatasync(2) calls per message (strace -f -c);
delivery cost into databases that already hold many messages (filled by
SQL), and the largest WAL file seen meanwhile; peak memory (/usr/bin/time
-v) for a 25 MB and a 1 MB message; the time of the read commands on a
database of many tickets; mailticket-send draining its outbox to Postfix's
smtp-sink; `mailticket import` of a Maildir of 100,000 messages
against `notmuch new` on the same Maildir (bench_import.py; N from
$MAILTICKET_BENCH_IMPORT, and --import-only runs that section alone). A
table, the ratios, and the targets of issue 8 with "met"/"NOT met".

Debian packages it needs and does not find are installed with apt-get
when run as root (procmail, notmuch, postfix for smtp-sink, time,
strace, sqlite3); otherwise it names them and stops. Postfix is
preseeded as "No configuration": no mail server is started. Nothing
leaves the machine: smtp-sink listens on 127.0.0.1.

Work files go to a temporary directory (removed at the end unless
--keep), the generated corpus included.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import bench_import

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(TOP, "bin")
SPAWN = os.path.join(TOP, "bench", "spawn")
CORPUS = os.environ.get("MAILTICKET_CORPUS") or os.path.join(TOP, "..", "shared", "corpus")
SENDER = "bench@customer.example"
RECIPIENT = "support@example.org"

# What each mode measures. QUICK keeps every row of the table, on fewer
# and smaller things, to finish in under a minute.
FULL = dict(generated=2000, shared=True, reps=3, concurrency=(1, 4, 8), fsync_msgs=200,
            growth=(0, 100000, 1000000), growth_msgs=300, growth_reps=7, query_tickets=100000, query_reps=7,
            send_msgs=5000, send_reps=3, import_msgs=100000)
QUICK = dict(generated=40, shared=False, reps=3, concurrency=(1, 4, 8), fsync_msgs=20,
             growth=(0, 10000, 100000), growth_msgs=30, growth_reps=3, query_tickets=10000, query_reps=3,
             send_msgs=500, send_reps=3, import_msgs=2000)

PACKAGES = [("procmail", "/usr/bin/procmail"), ("notmuch", "/usr/bin/notmuch"),
            ("postfix", "/usr/sbin/smtp-sink"), ("time", "/usr/bin/time"),
            ("strace", "/usr/bin/strace"), ("sqlite3", "/usr/bin/sqlite3")]


def log(*args):
    print("#", *args, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def ensure_packages():
    missing = [pkg for pkg, path in PACKAGES if not os.path.exists(path)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("bench: missing Debian packages: %s (install them, or run make bench as root)"
                 % " ".join(missing))
    log("installing", " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["debconf-set-selections"], input=b"postfix postfix/main_mailer_type select No configuration\n")
    if subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing, env=env,
                      stdout=subprocess.DEVNULL).returncode != 0:
        run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing, env=env,
            stdout=subprocess.DEVNULL)


def spawn(listfile, argv, jobs=1, env=None, watch=None, errfile=None):
    """Runs bench/spawn; its key=value line as a dict of floats."""
    cmd = [SPAWN, "-j", str(jobs)]
    if watch:
        cmd += ["-w", watch]
    if errfile:
        cmd += ["-e", errfile]
    p = subprocess.run(cmd + [listfile, "--"] + argv, env=env, stdout=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit("bench: spawn failed: %s" % " ".join(cmd + argv))
    return {k: float(v) for k, v in (kv.split("=") for kv in p.stdout.split())}


def write_list(path, files):
    with open(path, "w") as f:
        f.write("".join(x + "\n" for x in files))
    return path


def warm(db):
    """Reads a database through, so that its pages are in the page cache
    as on a host whose memory holds it. The virtual machines this bench
    ran on hand their page cache back to the host while it is unused
    (10 MB a second), and a database of 2.7 GB left alone for minutes
    was read back from disk during the deliveries."""
    for name in (db, db + "-wal"):
        if os.path.exists(name):
            with open(name, "rb", buffering=0) as f:
                while f.read(1 << 20):
                    pass


def median(xs):
    return statistics.median(xs) if xs else float("nan")


class Server:
    """mailticket-deliver --serve on one database, for the runs of one
    program: started before, its CPU time and peak memory read from /proc,
    stopped with SIGTERM after."""

    def __init__(self, db, env, socket_path, trace=None):
        argv = [os.path.join(BIN, "mailticket-deliver"), "--serve", "--db", db]
        if trace:
            argv = ["strace", "-f", "-c", "-o", trace, "-e", "trace=fsync,fdatasync,sync_file_range,syncfs"] + argv
        self.proc = subprocess.Popen(argv, env=env, stderr=subprocess.DEVNULL)
        self.pid = self.proc.pid
        deadline = time.time() + 30
        while True:
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(socket_path)
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    sys.exit("bench: mailticket-deliver --serve did not start")
                time.sleep(0.02)
        if trace:  # strace's child is the server
            self.pid = int(open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)).read().split()[0])
        self.cpu0 = self.cpu_ms()

    def cpu_ms(self):
        f = open("/proc/%d/stat" % self.pid).read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def cpu_ms_used(self):
        return self.cpu_ms() - self.cpu0

    def tidy_ms(self, db):
        """Waits while the server, idle, tidies up (merges the search
        index, then empties the WAL: src/deliver/serve.c), and returns
        the CPU ms that took."""
        before = self.cpu_ms_used()
        last, still, deadline = before, 0, time.time() + 60
        while time.time() < deadline:
            time.sleep(0.1)
            now = self.cpu_ms_used()
            empty = not os.path.exists(db + "-wal") or os.path.getsize(db + "-wal") == 0
            still = still + 1 if now == last else 0
            last = now
            if (empty and still >= 2) or still >= 10:
                break
        return last - before

    def peak_rss(self):
        m = re.search(r"VmHWM:\s+(\d+) kB", open("/proc/%d/status" % self.pid).read())
        return int(m.group(1)) * 1024

    def stop(self):
        # A server that died leaves its clients to deliver in their own
        # processes: the run's figures would not be the server's.
        if self.proc.poll() is not None:
            sys.exit("bench: mailticket-deliver --serve died during the run (exit %d)" % self.proc.returncode)
        os.kill(self.pid, signal.SIGTERM)  # strace, if any, ends with it
        self.proc.wait()


class Bench:
    def __init__(self, mode, work):
        self.m = mode
        self.work = work
        self.results = {}
        self.bin = BIN
        self.conf = os.path.join(work, "mailticket.conf")
        with open(self.conf, "w") as f:
            f.write("[database]\nbusy_timeout=60000\n[mail]\ndomain=example.org\n"
                    "address=support@example.org\ntag=Ticket\n")
        self.env = dict(os.environ, MAILTICKET_CONF=self.conf)
        self.env.pop("MAILTICKET_DB", None)
        # The same, with the delivery server's socket.
        self.socket = os.path.join(work, "deliver.sock")
        self.served_conf = os.path.join(work, "served.conf")
        with open(self.served_conf, "w") as f:
            f.write(open(self.conf).read() + "[deliver]\nsocket=%s\n" % self.socket)
        self.served_env = dict(self.env, MAILTICKET_CONF=self.served_conf)

    def serve(self, db, trace=None):
        return Server(db, self.served_env, self.socket, trace)

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    # -- the corpus -------------------------------------------------------

    def corpus(self):
        gen = self.path("corpus")
        run([sys.executable, os.path.join(TOP, "bench", "gen-corpus.py"), gen, str(self.m["generated"])])
        files = open(os.path.join(gen, "list")).read().split()
        shared = []
        if self.m["shared"]:
            for sub in ("public", "malformed"):
                d = os.path.join(CORPUS, sub)
                if os.path.isdir(d):
                    shared += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".eml"))
            if not shared:
                log("no shared corpus at %s; the generated mail only" % CORPUS)
        self.messages = files + shared
        self.messages_generated = files
        self.size = sum(os.path.getsize(f) for f in self.messages)
        self.distinct = len(set(open(f, "rb").read() for f in self.messages))
        self.list = write_list(self.path("all.list"), self.messages)
        log("corpus: %d messages (%d generated, %d from %s), %.1f MB"
            % (len(self.messages), len(files), len(shared), CORPUS, self.size / 1e6))

    # -- the programs under test -----------------------------------------

    def mt_init(self, db):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        run([os.path.join(BIN, "mailticket"), "--db", db, "init"], env=self.env, stdout=subprocess.DEVNULL)

    def programs(self):
        """[(name, setup)]: setup() returns argv, env and the server to stop
        after the run (or None)."""
        def mailticket():
            db = self.path("ingest.db")
            self.mt_init(db)
            return self.deliver_argv(db), self.served_env, self.serve(db)

        def alone():
            db = self.path("ingest.db")
            self.mt_init(db)
            return self.deliver_argv(db), self.env, None

        def procmail():
            md = self.path("procmail")
            shutil.rmtree(md, ignore_errors=True)
            for d in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(md, "Maildir", d))
            rc = os.path.join(md, "procmailrc")
            with open(rc, "w") as f:
                f.write("MAILDIR=%s\nDEFAULT=%s/Maildir/\nORGMAIL=%s/Maildir/\nLOGFILE=\n" % (md, md, md))
            return ["/usr/bin/procmail", "-m", rc], dict(os.environ, HOME=md), None

        def notmuch():
            nm = self.path("notmuch")
            shutil.rmtree(nm, ignore_errors=True)
            for d in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(nm, "mail", d))
            conf = os.path.join(nm, "config")
            with open(conf, "w") as f:
                f.write("[database]\npath=%s/mail\n[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n" % nm)
            env = dict(os.environ, NOTMUCH_CONFIG=conf, HOME=nm)
            run(["/usr/bin/notmuch", "new", "--quiet"], env=env, stdout=subprocess.DEVNULL)
            return ["/usr/bin/notmuch", "insert"], env, None

        def cat():
            return ["/bin/cat"], os.environ, None

        return [("mailticket", mailticket), ("alone", alone), ("procmail", procmail), ("notmuch", notmuch),
                ("cat", cat)]

    def deliver_argv(self, db):
        return [os.path.join(BIN, "mailticket-deliver"), "--db", db, "-f", SENDER, "-r", RECIPIENT]

    def run_program(self, listfile, setup, conc=1, watch=None, errfile=None, db=None):
        """One run of spawn; with a server, its CPU time is added to the
        processes', and what it spends tidying up once the run is over
        (given db) is tidy_cpu_ms_per_msg, apart."""
        argv, env, server = setup()
        try:
            r = spawn(listfile, argv, jobs=conc, env=env, watch=watch, errfile=errfile)
            if server:
                r["cpu_ms_per_msg"] += server.cpu_ms_used() / max(1, r["messages"])
                if db:
                    r["tidy_cpu_ms_per_msg"] = server.tidy_ms(db) / max(1, r["messages"])
        finally:
            if server:
                server.stop()
        return r

    # -- 1. ingest ----------------------------------------------------------

    def ingest(self):
        progs = self.programs()
        res = {}
        for rep in range(self.m["reps"]):
            for ci, conc in enumerate(self.m["concurrency"]):
                k = (rep + ci) % len(progs)
                for name, setup in progs[k:] + progs[:k]:
                    if name == "alone" and conc != 1:
                        continue  # one row is enough to compare, and the bench must end in 15 minutes
                    r = self.run_program(self.list, setup, conc, errfile=self.path("ingest-%s.err" % name),
                                         db=self.path("ingest.db"))
                    res.setdefault((name, conc), []).append(r)
                    log("ingest rep %d conc %d %-10s %7.3f ms/msg %8.1f msgs/s %7.3f CPU ms/msg failed %d"
                        % (rep + 1, conc, name, r["ms_per_msg"], r["msgs_per_s"], r["cpu_ms_per_msg"], r["failed"]))
                    if name in ("mailticket", "alone"):
                        self.check_stored(self.path("ingest.db"), r)
        self.results["ingest"] = res

    def check_stored(self, db, r):
        """Every message that exited 0 is in the database, as a whole message."""
        q = ("SELECT (SELECT count(DISTINCT blob) FROM articles WHERE kind = 'email-in')"
             " + (SELECT count(*) FROM quarantine)")
        n = int(subprocess.run(["sqlite3", db, q], stdout=subprocess.PIPE, text=True).stdout or 0)
        if n != self.distinct - r["failed"]:
            log("WARNING: %d messages stored, %d distinct ones delivered with exit 0"
                % (n, self.distinct - r["failed"]))

    # -- 2. fsyncs ----------------------------------------------------------

    def fsyncs(self):
        sample = write_list(self.path("fsync.list"), self.messages[:self.m["fsync_msgs"]])
        res = {}
        for name, setup in self.programs():
            out = self.path("strace-%s.txt" % name)
            if name == "mailticket":  # the server syncs; its processes only pass the message on
                db = self.path("ingest.db")
                self.mt_init(db)
                server = self.serve(db, trace=out)
                spawn(sample, self.deliver_argv(db), env=self.served_env)
                server.stop()
            else:
                argv, env, _ = setup()
                subprocess.run(["strace", "-f", "-c", "-o", out, "-e",
                                "trace=fsync,fdatasync,sync_file_range,syncfs", SPAWN, sample, "--"] + argv,
                               env=env, stdout=subprocess.DEVNULL, check=False)
            calls = 0
            for line in open(out):
                f = line.split()
                if len(f) >= 5 and f[-1] in ("fsync", "fdatasync", "sync_file_range", "syncfs"):
                    calls += int(f[3])
            res[name] = calls / self.m["fsync_msgs"]
            log("fsyncs %-10s %.2f per message" % (name, res[name]))
        self.results["fsync"] = res

    # -- 3. growth ----------------------------------------------------------

    def prefill(self, db, messages, per_ticket=2.5):
        """A database of `messages` articles in messages/per_ticket tickets,
        made by SQL: tickets, contacts, articles with text, message ids,
        small blobs, participants, history and the acknowledgements sent,
        as delivery writes them; the search index merged as the delivery
        server leaves it when mail is quiet (four segments a level at
        most). Left as one bulk insert leaves it, up to seven a level,
        the first deliveries after it merged most of the index: 13 ms a
        message and a 100 MB WAL for 1,000,000 messages."""
        self.mt_init(db)
        tickets = max(1, int(messages / per_ticket)) if messages else 0
        sql = prefill_sql(messages, tickets)
        run(["sqlite3", "-batch", db], input=sql.encode(), stdout=subprocess.DEVNULL)
        # Written back now, not during the first repetition: the kernel
        # writing 2 GB behind it made its syncs wait (10.5 ms a message
        # on 4.2 of CPU, against 4 ms after).
        os.sync()
        return tickets

    def growth(self):
        sizes = self.m["growth"]
        n = self.m["growth_msgs"]
        # Fresh mail for each repetition, with and without the server (the
        # same bytes again would be a duplicate, which costs less), the same
        # for every database size.
        gen = self.path("growth-corpus")
        run([sys.executable, os.path.join(TOP, "bench", "gen-corpus.py"), gen, str(n * self.m["growth_reps"] * 2), "9"])
        fresh = open(os.path.join(gen, "list")).read().split()
        slices = [write_list(self.path("growth-%d.list" % i), fresh[i * n:(i + 1) * n])
                  for i in range(self.m["growth_reps"] * 2)]
        # A database for each way of delivering: a site delivers through
        # the server, which merges the search index when mail is quiet,
        # or without it, where deliveries merge as they go. Runs of both
        # into one database left the levels the processes had filled for
        # the server's next run to merge: 17.7 MB of WAL in one run.
        dbs = {}
        for size in sizes:
            db = self.path("growth-%d.db" % size)
            t = time.time()
            self.prefill(db, size)
            dbs[("served", size)] = db
            dbs[("alone", size)] = self.path("growth-%d-alone.db" % size)
            shutil.copyfile(db, dbs[("alone", size)])
            os.sync()
            log("growth: prefilled %d messages in %.0f s, %.0f MB" % (size, time.time() - t,
                                                                       os.path.getsize(db) / 1e6))
        res = {}
        for rep in range(self.m["growth_reps"]):
            order = sizes[rep % len(sizes):] + sizes[:rep % len(sizes)]
            for size in order:
                for i, how in enumerate(("served", "alone") if rep % 2 == 0 else ("alone", "served")):
                    served = how == "served"
                    db = dbs[(how, size)]
                    setup = lambda: (self.deliver_argv(db), self.served_env if served else self.env,
                                     self.serve(db) if served else None)
                    warm(db)
                    r = self.run_program(slices[rep * 2 + served], setup, watch=db + "-wal",
                                         errfile=self.path("growth.err"), db=db)
                    res.setdefault((how, size), []).append(r)
                    log("growth rep %d %-6s %8d msgs %7.3f ms/msg %7.3f CPU ms/msg wal max %d bytes failed %d"
                        % (rep + 1, how, size, r["ms_per_msg"], r["cpu_ms_per_msg"], r["max_watch_bytes"],
                           r["failed"]))
        self.results["growth"] = res
        for (how, size), db in dbs.items():
            if how != "served" or size != max(sizes):
                for s in ("", "-wal", "-shm"):
                    if os.path.exists(db + s):
                        os.unlink(db + s)
        self.growth_db = dbs[("served", max(sizes))]

    # -- 4. memory ----------------------------------------------------------

    def big_message(self, path, size):
        """A message of about size bytes: a short text and an attachment."""
        import base64
        import random
        rng = random.Random(size)
        raw = size * 3 // 4 - 1000
        data = base64.encodebytes(rng.randbytes(raw)).decode()
        with open(path, "w") as f:
            f.write("From: Anna <anna@customer.example>\nTo: support@example.org\n"
                    "Subject: logs of the outage (%d bytes)\nDate: Mon, 04 Mar 2024 10:00:00 +0000\n"
                    "Message-ID: <big-%d@customer.example>\nMIME-Version: 1.0\n"
                    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
                    "Content-Type: text/plain; charset=UTF-8\n\nThe logs are attached.\n\n--b\n"
                    "Content-Type: application/octet-stream; name=\"logs.tar\"\n"
                    "Content-Disposition: attachment; filename=\"logs.tar\"\n"
                    "Content-Transfer-Encoding: base64\n\n%s\n--b--\n" % (size, size, data))
        return os.path.getsize(path)

    def peak_rss(self, msg, db, env):
        """Peak RSS of one mailticket-deliver process delivering msg, and its exit code."""
        with open(msg, "rb") as f:
            p = subprocess.run(["/usr/bin/time", "-v"] + self.deliver_argv(db), stdin=f, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) * 1024, p.returncode

    def memory(self):
        """Each message alone, then handed to a fresh server: the process's
        peak and the server's."""
        res = {}
        for label, size in (("25 MB", 25 * 1000 * 1000), ("1 MB", 1000 * 1000)):
            msg = self.path("big-%d.eml" % size)
            actual = self.big_message(msg, size)
            db = self.path("memory.db")
            self.mt_init(db)
            rss, code = self.peak_rss(msg, db, self.env)
            self.mt_init(db)
            server = self.serve(db)
            client_rss, client_code = self.peak_rss(msg, db, self.served_env)
            server_rss = server.peak_rss()
            server.stop()
            res[label] = (actual, rss, code, client_rss, server_rss, client_code)
            log("memory %s message (%d bytes): peak RSS %.1f MB alone, exit %d; handed over %.1f MB, server %.1f MB,"
                " exit %d" % (label, actual, rss / 1e6, code, client_rss / 1e6, server_rss / 1e6, client_code))
        self.results["memory"] = res

    # -- 5. query -----------------------------------------------------------

    def query(self):
        tickets = self.m["query_tickets"]
        db = self.path("query.db")
        t = time.time()
        self.prefill(db, int(tickets * 2.5))
        log("query: prefilled %d tickets in %.0f s" % (tickets, time.time() - t))
        mt = [os.path.join(BIN, "mailticket"), "--db", db]
        helps = {c: subprocess.run(mt + c.split() + ["--help"], env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True).stdout for c in ("", "list", "search")}
        has_search = re.search(r"^\s+search\s", helps[""], re.M) is not None
        show_id = tickets // 2
        word = prefill_words()[7]
        cases = [("list --status active", ["list", "--status", "active"], "--status" in helps["list"]),
                 ("list --owner agent07", ["list", "--owner", "agent07"], "--owner" in helps["list"]),
                 ("search %s" % word, ["search", word], has_search),
                 ("show %d" % show_id, ["show", str(show_id)], True)]
        res = {}
        for rep in range(self.m["query_reps"]):
            for label, args, available in cases:
                if not available:
                    res[label] = None
                    continue
                t = time.perf_counter()
                p = subprocess.run(mt + args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                ms = (time.perf_counter() - t) * 1000
                if p.returncode != 0:
                    log("query %s: exit %d: %s" % (label, p.returncode, p.stderr.decode()[:200]))
                res.setdefault(label, []).append((ms, p.stdout.count(b"\n")))
        for label, v in res.items():
            log("query %-24s %s" % (label, "n/a (not in this tree)" if v is None else
                                     "%.1f ms, %d lines" % (median([x[0] for x in v]), v[0][1])))
        self.results["query"] = res

    # -- 6. send ------------------------------------------------------------

    def send(self):
        n = self.m["send_msgs"]
        port = free_port()
        sink = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "nobody", "127.0.0.1:%d" % port, "256"]
                                if os.geteuid() == 0 else
                                ["/usr/sbin/smtp-sink", "127.0.0.1:%d" % port, "256"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(port)
            conf = self.path("send.conf")
            with open(conf, "w") as f:
                f.write(open(self.conf).read() + "[smtp]\nhost=127.0.0.1\nport=%d\n" % port)
            env = dict(self.env, MAILTICKET_CONF=conf)
            master = self.path("send-master.db")
            self.mt_init(master)
            run(["sqlite3", "-batch", master], input=outbox_sql(n).encode(), stdout=subprocess.DEVNULL)
            res = []
            for rep in range(self.m["send_reps"]):
                db = self.path("send.db")
                shutil.copyfile(master, db)
                t = time.perf_counter()
                p = subprocess.run([os.path.join(BIN, "mailticket-send"), "--db", db], env=env,
                                   stderr=subprocess.PIPE, text=True)
                secs = time.perf_counter() - t
                sent = int(subprocess.run(["sqlite3", db, "SELECT count(*) FROM outbox WHERE state = 'sent'"],
                                          stdout=subprocess.PIPE, text=True).stdout)
                res.append((n / secs, sent, p.returncode))
                log("send rep %d: %d messages in %.2f s, %.0f msgs/s, %d sent, exit %d %s"
                    % (rep + 1, n, secs, n / secs, sent, p.returncode, p.stderr.strip()[:200]))
        finally:
            sink.terminate()
            sink.wait()
        self.results["send"] = res


# -- SQL for the prefilled databases ------------------------------------------

def prefill_words():
    """The vocabulary of the prefilled articles: 2000 made-up words of
    three syllables each (the base-24 digits of 576 + i: all distinct)."""
    syl = "ka te ri on ma lo ve sta pen ur ix al do ne si ber gan tor mu fle pro sen da vi".split()
    words = []
    for i in range(2000):
        x = 576 + i
        words.append(syl[x // 576] + syl[x // 24 % 24] + syl[x % 24])
    return words


def prefill_sql(messages, tickets):
    """SQL that fills an initialised database; deterministic but for the
    uuids. Statuses: mostly closed, about 6 % active; 20 agents own 60 %."""
    if messages == 0 or tickets == 0:
        return ""
    t0 = 1600000000
    words = ",".join("(%d,'%s')" % (i, w) for i, w in enumerate(prefill_words()))
    w = lambda k: "(SELECT w FROM temp.words WHERE id = (i * %d + %d) %% 2000)" % (7919 + 2 * k, 13 * k)
    text = "printf('Hello,\n\nour %%s stopped %%s after the %%s update. We tried %%s and %%s but the %%s " \
           "still shows %%s.\n\n" \
           "The problem started on Monday morning, when the first colleagues came in and could not " \
           "log in any more. Since then it happens every few hours, and a restart helps only for a " \
           "while. We attach nothing this time, but can send logs if you need them.\n\n" \
           "Kind regards\n-- \nCustomer service desk, second floor\n', %s)" % ", ".join(w(k) for k in range(7))
    return f"""
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TEMP TABLE words (id INTEGER PRIMARY KEY, w TEXT);
INSERT INTO temp.words VALUES {words};
INSERT OR IGNORE INTO queues (name, address, created) VALUES ('support', 'support@example.org', {t0});
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20)
INSERT INTO users (login, email, name, created)
  SELECT printf('agent%02d', i), printf('agent%02d@example.org', i), printf('Agent %d', i), {t0} FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < max(1, {tickets} / 4))
INSERT INTO contacts (address, name, created)
  SELECT printf('customer%d@client%d.example', i, i % 500), printf('Customer %d', i), {t0} FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {tickets})
INSERT INTO tickets (id, uuid, subject, status, priority, queue, owner, requester, created, updated, closed)
  SELECT i, lower(hex(randomblob(16))),
         printf('%s %s does not work', {w(8)}, {w(9)}),
         CASE WHEN i % 200 < 3 THEN 'new' WHEN i % 200 < 9 THEN 'open' WHEN i % 200 < 12 THEN 'pending'
              WHEN i % 200 < 31 THEN 'resolved' ELSE 'closed' END,
         1 + i % 9, 1,
         CASE WHEN i % 5 < 3 THEN 1 + (i / 5) % 20 END,
         1 + i % max(1, {tickets} / 4),
         {t0} + i * 60, {t0} + i * 60 + 3600,
         CASE WHEN i % 200 >= 31 THEN {t0} + i * 60 + 7200 END
  FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {messages})
INSERT INTO blobs (rowid, sha256, size, data)
  SELECT i, lower(hex(randomblob(32))), 400, randomblob(400) FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {messages})
INSERT INTO articles (id, ticket, kind, from_addr, "from", "to", subject, date, message_id, text, blob,
                      size, envelope_from, envelope_to, via, created)
  SELECT i, 1 + (i - 1) % {tickets}, 'email-in',
         printf('customer%d@client%d.example', 1 + (1 + (i - 1) % {tickets}) % max(1, {tickets} / 4),
                (1 + (1 + (i - 1) % {tickets}) % max(1, {tickets} / 4)) % 500),
         'Customer', 'support@example.org', 'Re: a question', {t0} + i * 24, printf('prefill-%d@client.example', i),
         {text}, (SELECT sha256 FROM blobs WHERE rowid = i), 400, 'bench@customer.example',
         'support@example.org', CASE WHEN i <= {tickets} THEN 'new' ELSE 'in-reply-to' END, {t0} + i * 24
  FROM c;
INSERT INTO message_ids (message_id, ticket, article) SELECT message_id, ticket, id FROM articles;
INSERT OR IGNORE INTO participants (ticket, address) SELECT ticket, from_addr FROM articles;
INSERT INTO history (ticket, at, who, field, new) SELECT id, created, 'mail', 'created', subject FROM tickets;
-- the acknowledgement each new ticket sent (its bytes stand in for the ack's)
INSERT INTO outbox (id, ticket, kind, message_id, blob, envelope_from, state, attempts, next_attempt,
                    last_reply, created, done)
  SELECT id, id, 'ack', printf('ack-%d@example.org', id), (SELECT blob FROM articles a WHERE a.id = t.id),
         'support@example.org', 'sent', 1, created, '250 2.0.0 Ok', created, created + 30 FROM tickets t;
INSERT INTO outbox_recipients (outbox, address, state, reply)
  SELECT o.id, a.from_addr, 'sent', '250 2.0.0 Ok' FROM outbox o JOIN articles a ON a.id = o.id;
INSERT INTO message_ids (message_id, ticket) SELECT message_id, ticket FROM outbox;
INSERT INTO history (ticket, at, who, field, new)
  SELECT ticket, created, 'mail', 'acknowledged', (SELECT address FROM outbox_recipients WHERE outbox = o.id)
  FROM outbox o;
-- as mailticket-deliver --serve leaves the search index when mail is quiet:
-- every article indexed (sql/0010), the segments merged
INSERT INTO article_search (article_search) VALUES ('rebuild');
DELETE FROM search_pending;
INSERT INTO article_search (article_search, rank) VALUES ('merge', 2147483647);
COMMIT;
PRAGMA journal_mode = WAL;
"""


def outbox_sql(n):
    """n acknowledgements queued for sending, each its own message."""
    t0 = int(time.time()) - 60
    return f"""
PRAGMA journal_mode = OFF;
BEGIN;
CREATE TEMP TABLE m (i INTEGER PRIMARY KEY, sha TEXT, raw BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n})
INSERT INTO temp.m SELECT i, NULL, CAST(printf(
 'From: Support <support@example.org>' || char(13, 10) ||
 'To: <customer%d@client.example>' || char(13, 10) ||
 'Subject: [Ticket#%d] Your request has been received' || char(13, 10) ||
 'Date: Mon, 04 Mar 2024 10:00:00 +0000' || char(13, 10) ||
 'Message-ID: <ack-%d@example.org>' || char(13, 10) ||
 'Auto-Submitted: auto-replied' || char(13, 10) ||
 'MIME-Version: 1.0' || char(13, 10) ||
 'Content-Type: text/plain; charset=UTF-8' || char(13, 10) || char(13, 10) ||
 'Hello,' || char(13, 10) || char(13, 10) ||
 'we have received your message and opened ticket %d for it.' || char(13, 10) ||
 '%s' || 'Support' || char(13, 10),
 i, i, i, i, replace(hex(zeroblob(20)), '00',
   'We answer within one working day; reply to this mail to add to your request.' || char(13, 10)))
 AS BLOB) FROM c;
UPDATE temp.m SET sha = printf('%064x', i);
INSERT INTO blobs (sha256, size, data) SELECT sha, length(raw), raw FROM temp.m;
INSERT INTO outbox (id, kind, message_id, blob, envelope_from, next_attempt, created)
  SELECT i, 'ack', printf('ack-%d@example.org', i), sha, 'support@example.org', {t0}, {t0} FROM temp.m;
INSERT INTO outbox_recipients (outbox, address) SELECT i, printf('customer%d@client.example', i) FROM temp.m;
COMMIT;
PRAGMA journal_mode = WAL;
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("bench: smtp-sink did not start on port %d" % port)


# -- the report ---------------------------------------------------------------

def verdict(ok):
    return "met" if ok else "NOT met"


def report(b, mode_name, started):
    r = b.results
    out = []
    p = out.append
    p("mailticket bench (%s), %s, %d CPUs, %s" % (mode_name, time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(),
                                               os.uname().release))
    p("corpus: %d messages, %.1f MB; median of %d repetitions" % (len(b.messages), b.size / 1e6, b.m["reps"]))
    p("")
    p("%-32s %5s %9s %9s %11s %7s" % ("ingest (one process a message)", "conc", "ms/msg", "msgs/s", "CPU ms/msg",
                                         "failed"))
    ing = r["ingest"]
    labels = {"mailticket": "mailticket-deliver, server (1)", "alone": "mailticket-deliver, no server",
              "procmail": "procmail -> Maildir", "notmuch": "notmuch insert", "cat": "cat >/dev/null (floor)"}
    med = {k: median([x["ms_per_msg"] for x in v]) for k, v in ing.items()}
    cpu = {k: median([x["cpu_ms_per_msg"] for x in v]) for k, v in ing.items()}
    for conc in b.m["concurrency"]:
        for name in labels:
            if (name, conc) in ing:
                p("%-32s %5d %9.3f %9.1f %11.3f %7d" % (labels[name], conc, med[(name, conc)], 1000 / med[(name, conc)],
                                                       cpu[(name, conc)], max(x["failed"] for x in ing[(name, conc)])))
    p("(1) mailticket-deliver --serve running; CPU counts the server's too")
    tidy = {conc: median([x["tidy_cpu_ms_per_msg"] for x in ing[("mailticket", conc)]])
            for conc in b.m["concurrency"]}
    p("    and apart from it, the server's tidying up once idle after the run (search index merged, WAL emptied):")
    p("    " + ", ".join("%.3f CPU ms/msg at conc %d" % (v, c) for c, v in tidy.items()))
    p("")
    p("ratios, of wall ms/msg (of CPU ms/msg)     conc  mailticket/procmail  notmuch/mailticket")
    for name, conc in [("mailticket", c) for c in b.m["concurrency"]] + [("alone", 1)]:
        p("%-42s %4d %12.2f (%5.2f) %11.2f (%5.2f)"
          % ("  server" if name == "mailticket" else "  no server", conc, med[(name, conc)] / med[("procmail", conc)],
             cpu[(name, conc)] / cpu[("procmail", conc)],
             med[("notmuch", conc)] / med[(name, conc)], cpu[("notmuch", conc)] / cpu[(name, conc)]))
    p("")
    p("fsync+fdatasync per message (strace -f -c, %d messages, concurrency 1; with the server, the server's)"
      % b.m["fsync_msgs"])
    p("  " + "   ".join("%s %.2f" % ("no-server" if k == "alone" else k, v) for k, v in r["fsync"].items()))
    p("")
    p("growth: mailticket-deliver, concurrency 1, %d new messages a repetition, median of %d;"
      % (b.m["growth_msgs"], b.m["growth_reps"]))
    p("  the ratio to empty is the median of each repetition's ratio to the empty database's run in it,")
    p("  the same messages delivered seconds apart, so that the drift of a shared machine cancels out")
    g = r["growth"]
    gms = {k: median([x["ms_per_msg"] for x in v]) for k, v in g.items()}
    gcpu = {k: median([x["cpu_ms_per_msg"] for x in v]) for k, v in g.items()}
    gwal = {k: max(x["max_watch_bytes"] for x in v) for k, v in g.items()}
    sizes = sorted({size for _, size in g})

    def paired(how, size, field):
        return median([x[field] / e[field] for x, e in zip(g[(how, size)], g[(how, 0)])])

    for how in ("served", "alone"):
        for size in sizes:
            k = (how, size)
            p("  %-9s %9d messages before: %7.3f ms/msg (CPU %6.3f)  ratio to empty %.2f (CPU %.2f)  largest WAL %.1f MB"
              % ("server" if how == "served" else "no server", size, gms[k], gcpu[k], paired(how, size, "ms_per_msg"),
                 paired(how, size, "cpu_ms_per_msg"), gwal[k] / 1e6))
    for size in sizes:
        p("  server    %9d messages before: tidying up once idle, apart: %6.3f CPU ms/msg"
          % (size, median([x["tidy_cpu_ms_per_msg"] for x in g[("served", size)]])))
    p("")
    p("memory: peak RSS (/usr/bin/time -v; the server's VmHWM)")
    for label, (size, rss, code, client, server, ccode) in r["memory"].items():
        p("  %-6s message (%9d bytes): no server %6.1f MB = %.2f x size (exit %d); handed over: process %.1f MB,"
          " server %.1f MB (exit %d)" % (label, size, rss / 1e6, rss / size, code, client / 1e6, server / 1e6, ccode))
    p("")
    p("query on %d tickets (%d messages), median of %d, whole process" % (b.m["query_tickets"],
                                                                         int(b.m["query_tickets"] * 2.5),
                                                                         b.m["query_reps"]))
    for label, v in r["query"].items():
        if v is None:
            p("  %-28s n/a (not in this tree)" % label)
        else:
            p("  %-28s %7.1f ms  (%d lines)" % (label, median([x[0] for x in v]), v[0][1]))
    p("")
    s = r["send"]
    p("send: mailticket-send, %d queued messages to smtp-sink on 127.0.0.1: %.0f msgs/s (median of %d; sent %s)"
      % (b.m["send_msgs"], median([x[0] for x in s]), len(s), ",".join(str(x[1]) for x in s)))
    p("")
    bench_import.report(b, p)
    p("")
    p("targets (issue 8)")
    for name, conc in (("mailticket", 1), ("mailticket", 4), ("alone", 1)):
        if (name, conc) in med:
            mp = med[(name, conc)] / med[("procmail", conc)]
            nm = med[("notmuch", conc)] / med[(name, conc)]
            p("  ingest conc %d%s: <= 1.5x procmail: %.2fx %s; >= 3x faster than notmuch: %.2fx %s"
              % (conc, "" if name == "mailticket" else " without the server", mp, verdict(mp <= 1.5), nm,
                 verdict(nm >= 3)))
    for name in ("mailticket", "alone"):
        f = r["fsync"][name]
        p("  fsyncs per message <= 2%s: %.2f %s" % ("" if name == "mailticket" else " without the server", f,
                                                     verdict(f <= 2)))
    big = max(sizes)
    for how in ("served", "alone"):
        ratio = paired(how, big, "ms_per_msg")
        wal = max(v for (h, _), v in gwal.items() if h == how)
        p("  %d-message database <= 1.1x empty%s: %.2fx %s; WAL bounded (largest %.1f MB)"
          % (big, "" if how == "served" else " without the server", ratio, verdict(ratio <= 1.1), wal / 1e6))
    size, rss, code, client, server, ccode = r["memory"]["25 MB"]
    limit = 1.5 * size + 10e6
    p("  25 MB message peak RSS <= 1.5 x size + 10 MB (%.1f MB): no server %.1f MB %s; process %.1f MB and"
      " server %.1f MB %s" % (limit / 1e6, rss / 1e6, verdict(rss <= limit and code == 0), client / 1e6,
                              server / 1e6, verdict(max(client, server) <= limit and ccode == 0)))
    for label, v in r["query"].items():
        if v is None:
            p("  %-24s < 50 ms: n/a" % label)
        else:
            ms = median([x[0] for x in v])
            p("  %-24s < 50 ms: %.1f ms %s" % (label, ms, verdict(ms < 50)))
    rate = median([x[0] for x in s])
    p("  send >= 500 msgs/s: %.0f %s" % (rate, verdict(rate >= 500 and all(x[1] == b.m["send_msgs"] for x in s))))
    p("")
    p("bench took %.0f s" % (time.time() - started))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description="make bench")
    ap.add_argument("--quick", action="store_true", help="smaller numbers, under a minute")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--import-only", action="store_true", help="only mailticket import against notmuch new")
    args = ap.parse_args()
    started = time.time()
    ensure_packages()
    for prog in ("mailticket", "mailticket-deliver", "mailticket-send"):
        if not os.access(os.path.join(BIN, prog), os.X_OK):
            sys.exit("bench: %s/%s is not built (make)" % (BIN, prog))
    work = tempfile.mkdtemp(prefix="mt-bench.", dir=os.environ.get("TMPDIR", "/tmp"))
    os.chmod(work, 0o755)
    b = Bench(QUICK if args.quick else FULL, work)
    try:
        b.corpus()
        if args.import_only:
            bench_import.run(b, log)
            out = []
            bench_import.report(b, out.append)
            print("\n".join(out))
            return
        b.ingest()
        b.fsyncs()
        b.growth()
        b.memory()
        b.query()
        b.send()
        bench_import.run(b, log)
        text = report(b, "QUICK" if args.quick else "full", started)
        print(text)
        with open(os.path.join(TOP, "bench", "last-run.txt"), "w") as f:
            f.write(text + "\n")
    finally:
        if args.keep:
            log("work files kept in", work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
