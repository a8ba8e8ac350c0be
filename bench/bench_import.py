# SPDX-License-Identifier: GPL-3.0-or-later
"""bench_import.py - the import section of `make bench` (bench.py runs it)

A Maildir of N messages (100,000; QUICK 2,000; $MAILTICKET_BENCH_IMPORT
sets another N) is made from the bench's generated corpus: its messages
of at most 64 KB, copied as often as needed, each copy's Message-ID,
In-Reply-To and References made its own (so that every copy is a thread
of its own, as in a real mailbox, and no message a duplicate). Then, one
after the other on that Maildir: `mailticket import` into an empty
database, the same import again (every message a duplicate: what a
second run costs), and `notmuch new` into an empty notmuch database,
the peer that reads a Maildir whole into an index. Wall time and the
CPU time of the processes, as messages per second.
"""
import os
import re
import resource
import shutil
import subprocess
import time

MAX_SIZE = 64 * 1024
ID_LINE = re.compile(rb"^(Message-ID|In-Reply-To|References):.*(?:\n[ \t].*)*", re.M | re.I)
ID = re.compile(rb"<([^<>@\s]+)@")


def messages_wanted(mode):
    return int(os.environ.get("MAILTICKET_BENCH_IMPORT") or mode["import_msgs"])


def make_maildir(path, corpus_files, n):
    """path/{cur,new,tmp} with n messages, half in cur/, the rest in new/;
    returns their size in bytes."""
    base = [open(f, "rb").read() for f in corpus_files]
    base = [m for m in base if len(m) <= MAX_SIZE]
    shutil.rmtree(path, ignore_errors=True)
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, d))
    size = 0
    for i in range(n):
        copy, msg = divmod(i, len(base))
        data = base[msg]
        if copy > 0:
            tag = b"<c%d." % copy
            data = ID_LINE.sub(lambda m: ID.sub(lambda x: tag + x.group(1) + b"@", m.group(0)), data)
        sub = "cur" if i < n // 2 else "new"
        name = "%d.M%dP1.bench%s" % (1700000000 + i, i, ":2,S" if sub == "cur" else "")
        with open(os.path.join(path, sub, name), "wb") as f:
            f.write(data)
        size += len(data)
    return size


def timed(argv, env):
    """(wall s, CPU s of the process) of one run, which must exit 0."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(bench, log):
    """Fills bench.results["import"]: n, MB, and (wall, cpu) of each program."""
    n = messages_wanted(bench.m)
    md = bench.path("import-maildir")
    size = make_maildir(md, bench.messages_generated, n)
    log("import: a Maildir of %d messages, %.1f MB" % (n, size / 1e6))
    db = bench.path("import.db")
    bench.mt_init(db)
    mt = [os.path.join(bench.bin, "mailticket"), "--db", db, "import", "--quiet", md]
    first = timed(mt, bench.env)
    log("import: mailticket import %.1f s, %.0f msgs/s" % (first[0], n / first[0]))
    again = timed(mt, bench.env)
    log("import: the same again (all duplicates) %.1f s, %.0f msgs/s" % (again[0], n / again[0]))
    nm = bench.path("import-notmuch")
    shutil.rmtree(nm, ignore_errors=True)
    os.makedirs(nm)
    conf = os.path.join(nm, "config")
    with open(conf, "w") as f:
        f.write("[database]\npath=%s\n[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n" % md)
    env = dict(os.environ, NOTMUCH_CONFIG=conf, HOME=nm)
    notmuch = timed(["/usr/bin/notmuch", "new", "--quiet"], env)
    log("import: notmuch new %.1f s, %.0f msgs/s" % (notmuch[0], n / notmuch[0]))
    shutil.rmtree(os.path.join(md, ".notmuch"), ignore_errors=True)
    bench.results["import"] = dict(n=n, size=size, first=first, again=again, notmuch=notmuch)


def report(bench, p):
    r = bench.results["import"]
    n = r["n"]
    p("import: a Maildir of %d messages (%.1f MB), one run each" % (n, r["size"] / 1e6))
    for label, (wall, cpu) in (("mailticket import", r["first"]), ("mailticket import again (duplicates)",
                                                                    r["again"]), ("notmuch new", r["notmuch"])):
        p("  %-38s %8.1f s %9.0f msgs/s %8.3f CPU ms/msg" % (label, wall, n / wall, cpu * 1000 / n))
    p("  mailticket import / notmuch new, of msgs/s: %.2f" % (r["notmuch"][0] / r["first"][0]))
