#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Load: 16 deliverers at once, as an MTA with 16 pipe(8) processes runs
# them, over 5,000 messages (600 in the short form of make check), a
# tenth of them replies into earlier tickets, while an agent lists the
# tickets. Every exit is 0 or 75, and every 75 is delivered again until
# it is 0, as the MTA would; then every Message-ID sent in is stored
# exactly once and every reply sits in its parent's ticket.
. "$(dirname "$0")/../lib.sh"
plan 11

N=$(stress 600 5000)
PARALLEL=16
# A short busy_timeout, so that deliveries give up and exit 75 and the
# redelivery is exercised, not only described: a writer holds the lock
# when the MTA starts, until the first 75 (checked below).
sed -i 's/^busy_timeout=.*/busy_timeout=100/' "$MAILTICKET_CONF"
expect_code 0 "init" -- mt init

python3 - "$tmp/load" "$N" <<'EOF'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
random.seed(7)
originals = []
with open(os.path.join(out, "replies"), "w") as replies:
    for i in range(n):
        headers = "Message-ID: <load-%d@load.test>\n" % i
        subject = "load message %d" % i
        if i % 10 == 9 and originals:
            parent = random.choice(originals[-200:])
            headers += "In-Reply-To: <load-%d@load.test>\nReferences: <load-%d@load.test>\n" % (parent, parent)
            subject = "Re: load message %d" % parent
            replies.write("load-%d@load.test load-%d@load.test\n" % (i, parent))
        else:
            originals.append(i)
        with open(os.path.join(out, "%05d.eml" % i), "w") as f:
            f.write("From: Customer %d <c%d@customer.test>\nTo: support@example.org\nSubject: %s\n"
                    "Date: Mon, 02 Jan 2023 10:00:00 +0000\n%s\n%s\n"
                    % (i % 300, i % 300, subject, headers, "Line of the body.\n" * (1 + i % 40)))
EOF

# The MTA: 16 at a time, each message until it is not deferred; an
# agent's `mailticket list` alongside. Prints the figures as key=value.
# The first 75 releases the lock (lock_db's release file), at the latest
# after 30 seconds.
lock_db; ok $? "a writer holds the database lock as the MTA starts"
python3 - "$BIN" "$DB" "$tmp/load" "$PARALLEL" "$tmp/lock.release" >"$tmp/figures" <<'EOF'
import collections, concurrent.futures, os, random, subprocess, sys, threading, time
bin_dir, db, mail, parallel, release = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
def unlock():
    open(release, "a").close()
timer = threading.Timer(30, unlock)
timer.daemon = True
timer.start()
files = sorted(f for f in os.listdir(mail) if f.endswith(".eml"))
codes = collections.Counter()
lock = threading.Lock()
stop = threading.Event()

def deliver(name):
    for attempt in range(1000):
        with open(os.path.join(mail, name), "rb") as f:
            p = subprocess.run([bin_dir + "/mailticket-deliver", "--db", db, "-r", "support@example.org"],
                               stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with lock:
            codes[p.returncode] += 1
        if p.returncode == 75:
            unlock()
        else:
            if p.returncode != 0:
                sys.stderr.write("%s: exit %d: %s\n" % (name, p.returncode, p.stderr[:200]))
            return p.returncode
        time.sleep(random.uniform(0, 0.05))
    return 75

reader_codes = collections.Counter()
def reader():
    while not stop.is_set():
        p = subprocess.run([bin_dir + "/mailticket", "--db", db, "list", "--limit", "20"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        reader_codes[p.returncode] += 1
        time.sleep(0.02)

start = time.monotonic()
agent = threading.Thread(target=reader)
agent.start()
with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
    final = collections.Counter(pool.map(deliver, files))
stop.set()
agent.join()
secs = time.monotonic() - start
print("in=%d" % len(files))
print("final_ok=%d" % final[0])
print("deferred=%d" % codes[75])
print("other=%d" % sum(v for k, v in codes.items() if k not in (0, 75)))
print("deliveries=%d" % sum(codes.values()))
print("secs=%.1f" % secs)
print("rate=%.0f" % (len(files) / secs))
print("reader_runs=%d" % sum(reader_codes.values()))
print("reader_bad=%d" % sum(v for k, v in reader_codes.items() if k not in (0, 75)))
EOF
unlock_db
. "$tmp/figures"

# What the database holds, against what went in.
ids_in=$tmp/ids.in ids_out=$tmp/ids.out
sed -n 's/^Message-ID: <\(.*\)>$/\1/p' "$tmp"/load/*.eml | sort >"$ids_in"
sql "SELECT message_id FROM articles WHERE kind = 'email-in' AND message_id LIKE 'load-%'" | sort >"$ids_out"
stored=$(sort -u "$ids_out" | comm -12 "$ids_in" - | wc -l | tr -d ' ')
duplicates=$(($(wc -l <"$ids_out") - $(sort -u "$ids_out" | wc -l)))
lost=$(sort -u "$ids_out" | comm -23 "$ids_in" - | wc -l | tr -d ' ')
while read -r reply parent; do
	echo "INSERT INTO pairs VALUES ('$reply', '$parent');"
done <"$tmp/load/replies" >"$tmp/pairs.sql"
apart=$(sqlite3 -batch "$DB" "CREATE TEMP TABLE pairs (reply, parent); $(cat "$tmp/pairs.sql")
	SELECT count(*) FROM pairs p JOIN articles r ON r.message_id = p.reply JOIN articles o ON o.message_id = p.parent
	WHERE r.ticket <> o.ticket;")
replies=$(wc -l <"$tmp/load/replies" | tr -d ' ')

[ "$deferred" -gt 0 ]; ok $? "deliveries gave up on the lock with 75 ($deferred times) and were delivered again"
expect_equal "$final_ok" "$N" "every delivery ended in exit 0"
expect_equal "$other" 0 "no exit other than 0 and 75"
expect_equal "$stored" "$N" "every Message-ID sent in is stored"
expect_equal "$duplicates" 0 "... exactly once"
expect_equal "$lost" 0 "nothing lost"
expect_equal "$apart" 0 "every reply sits in its parent's ticket ($replies replies)"
expect_equal "$(sql 'PRAGMA integrity_check')" ok "integrity_check: ok"
expect_equal "$reader_bad" 0 "the agent's list alongside: exit 0 or 75 ($reader_runs runs)"
figure "messages in" "$in"
figure "stored" "$stored"
figure "duplicates" "$duplicates"
figure "lost" "$lost"
figure "replies into earlier tickets" "$replies"
figure "exits 75, delivered again" "$deferred"
figure "other exits" "$other"
figure "deliveries run" "$deliveries"
figure "seconds" "$secs"
figure "messages per second" "$rate"
