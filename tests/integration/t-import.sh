#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket import: an mbox and a Maildir made of a thread corpus (the
# project's own, and the public one beside the checkout where it is)
# group into tickets as the same mail delivered in Date order does; each
# ticket and article is dated by its Date header (or the file's time);
# nobody is told (no outbox row, no escalation); the tickets are closed,
# or left as delivery leaves them with --status as-is; a second import
# adds nothing; a progress line on a terminal only; refusals counted;
# and deliveries go on while a large Maildir is imported.
. "$(dirname "$0")/../lib.sh"

TZ=UTC
export TZ
own=$top/tests/corpus/threads
public=$CORPUS/public
plan 59

# mailboxes DIR NAME: $tmp/NAME.mbox and the Maildir $tmp/NAME (cur/,
# new/) of the files of DIR/threads.tsv, in Date order, and that order
# in $tmp/NAME.order. mbox: mboxrd, each From_ line dated as the
# message; Maildir: the first half in cur/, the rest in new/.
mailboxes () {
python3 - "$1" "$tmp/$2" <<'EOF'
import email, email.utils, os, re, shutil, sys, time
d, out = sys.argv[1:3]
def date(name):
    with open(os.path.join(d, name), "rb") as f:
        value = email.message_from_binary_file(f).get("Date")
    try:
        return email.utils.mktime_tz(email.utils.parsedate_tz(str(value)))
    except Exception:
        return None
names = [l.split("\t")[0] for l in open(os.path.join(d, "threads.tsv")) if l.strip()]
names.sort(key=lambda n: (date(n) is not None, date(n) or 0, n))
open(out + ".order", "w").write("\n".join(names) + "\n")
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(out, sub))
with open(out + ".mbox", "wb") as mbox:
    for i, name in enumerate(names):
        data = open(os.path.join(d, name), "rb").read()
        sub = "cur" if i < len(names) // 2 else "new"
        shutil.copyfile(os.path.join(d, name), os.path.join(out, sub, "%d.%06d.corpus:2,S" % (1700000000 + i, i)))
        when = date(name) or 1700000000
        mbox.write(b"From MAILER-DAEMON " + time.asctime(time.gmtime(when)).encode() + b"\n")
        data = re.sub(rb"(?m)^(>*From )", rb">\1", data)
        mbox.write(data + (b"" if data.endswith(b"\n") else b"\n") + b"\n")
EOF
}

# groups: the tickets of $DB as their messages, one ticket a line, each
# message its Message-ID (or, for one without, its Date and subject):
# sorted, so that two databases that group alike print the same
groups () {
sqlite3 -batch "$DB" "select a.ticket, coalesce(a.message_id, a.date || ' ' || a.subject)
	from articles a where a.kind = 'email-in'" | python3 -c '
import sys
g = {}
for line in sys.stdin:
    t, key = line.rstrip("\n").split("|", 1)
    g.setdefault(t, set()).add(key)
print("\n".join(sorted(" ".join(sorted(s)) for s in g.values())))'
}

# delivered NAME DIR: the grouping of DIR delivered in Date order
delivered () {
	DB=$tmp/$1-delivered.db
	mt init >/dev/null
	failed=
	while read -r f; do
		deliver -r support@example.org <"$2/$f" >/dev/null 2>&1 || failed="$failed $f"
	done <"$tmp/$1.order"
	groups >"$tmp/$1.expected"
	delivered_outbox=$(sql 'select count(*) from outbox')
}

# same_groups DESC: the grouping of $DB is the delivered one
same_groups () {
	groups >"$tmp/got"
	cmp -s "$tmp/got" "$tmp/$1.expected"; ok $? "$2" ||
		diff "$tmp/$1.expected" "$tmp/got" | head -20 | sed 's/^/#   /'
}

mailboxes "$own" own
delivered own "$own"
expect_equal "$failed" "" "the corpus delivered in Date order, each with exit 0"
[ "$delivered_outbox" -gt 0 ]; ok $? "... and delivery told people ($delivered_outbox outbox rows)"
nmessages=$(grep -c . "$tmp/own.order")

# The Maildir.
DB=$tmp/maildir.db
mt init >/dev/null
expect_code 0 "import of a Maildir" -- mt import "$tmp/own"
new=$(sql 'select count(*) from tickets where merged_into is null')
grep -Eq "^imported $nmessages messages: [0-9]+ new tickets, [0-9]+ appended, [0-9]+ duplicates, 0 quarantined$" "$out"
ok $? "... says what became of its $nmessages messages" || diag "$(cat "$out")"
[ ! -s "$err" ]; ok $? "... no progress line in a pipe"
same_groups own "... grouped as the same mail delivered in Date order"
expect_equal "$(sql 'select count(*) from outbox')" 0 "... nobody told: no outbox row"
expect_equal "$(sql "select count(*) from tickets where status != 'closed'")" 0 "... every ticket closed"
expect_equal "$(sql 'select count(*) from articles where date is not null and created != date')" 0 \
	"... every article dated by its Date header"
expect_equal "$(sql 'select count(*) from tickets t where created != (select min(created) from articles where ticket = t.id)')" 0 \
	"... every ticket by its first message"
expect_equal "$(sql "select count(*) from tickets where status = 'closed' and closed < (select max(created) from articles where ticket = tickets.id)")" 0 \
	"... and closed no earlier than its last message"
sql 'select count(*) from tickets; select count(*) from articles; select count(*) from history' >"$tmp/before"
expect_code 0 "the same Maildir again" -- mt import "$tmp/own"
grep -q "^imported $nmessages messages: 0 new tickets, 0 appended, $nmessages duplicates, 0 quarantined$" "$out"
ok $? "... all of it duplicates" || diag "$(cat "$out")"
sql 'select count(*) from tickets; select count(*) from articles; select count(*) from history' >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"; ok $? "... and nothing added"
expect_code 0 "the mbox of the same mail into the same database" -- mt import "$tmp/own.mbox"
grep -q " 0 new tickets, 0 appended, $nmessages duplicates," "$out"; ok $? "... adds nothing either" ||
	diag "$(cat "$out")"

# The mbox.
DB=$tmp/mbox.db
mt init >/dev/null
expect_code 0 "import of an mbox" -- mt import "$tmp/own.mbox"
grep -q "^imported $nmessages messages: " "$out"; ok $? "... all its $nmessages messages" || diag "$(cat "$out")"
same_groups own "... grouped as delivered in Date order"
expect_equal "$(sql 'select count(*) from outbox')/$(sql "select count(*) from tickets where status != 'closed'")" 0/0 \
	"... no outbox row, every ticket closed"
expect_equal "$(sql 'select count(*) from articles where date is not null and created != date')" 0 \
	"... every article dated by its Date header"
first=$(sed -n 1p "$tmp/own.order")
expect_equal "$(sql "select count(*) from blobs where data = readfile('$own/$first')")" 1 \
	"an mbox message stored as its bytes in the file"
sql 'select count(*) from tickets; select count(*) from articles' >"$tmp/before"
expect_code 0 "the same mbox again" -- mt import --quiet "$tmp/own.mbox"
grep -q " 0 new tickets, 0 appended, $nmessages duplicates," "$out"; ok $? "... all of it duplicates"
sql 'select count(*) from tickets; select count(*) from articles' >"$tmp/after"
cmp -s "$tmp/before" "$tmp/after"; ok $? "... and nothing added"

# --status as-is: left as delivery leaves them, and still no SLA clock.
DB=$tmp/as-is.db
mt init >/dev/null
mt queue add support --address support@example.org --sla 1h >/dev/null
expect_code 0 "import --status as-is" -- mt import --status as-is "$tmp/own"
expect_equal "$(sql "select count(*) from tickets where status = 'closed' and merged_into is null")" 0 \
	"... no ticket closed"
same_groups own "... grouped as delivered"
printf 'From: Late <late@customer.example>\nTo: support@example.org\nSubject: waiting\nMessage-ID: <late@t>\n\nhello\n' |
	deliver --now "2026-01-01 08:00" -r support@example.org
"$BIN/mailticket-send" --db "$DB" --now "2026-12-01 08:00" >/dev/null 2>&1
expect_equal "$(sql "select count(*) from history where field = 'escalation'")" 1 \
	"mailticket-send escalates the delivered ticket, none of the imported ones"
expect_code 1 "--status other: a usage error" -- mt import --status open "$tmp/own"

# A thread whose mail is months apart stays one ticket (the import closed
# it, but the import takes its later mail as when it came), and so do
# --queue, --no-thread, dates from the file, refusals.
DB=$tmp/small.db
mt init >/dev/null
mt queue add archive --address old@example.org >/dev/null
mkdir -p "$tmp/small/cur" "$tmp/small/new"
printf 'From: A <a@customer.example>\nTo: support@example.org\nSubject: printer\nDate: Mon, 2 Jan 2023 10:00:00 +0000\nMessage-ID: <p1@t>\n\nbroken\n' \
	>"$tmp/small/cur/1.a:2,S"
printf 'From: A <a@customer.example>\nTo: support@example.org\nSubject: Re: printer\nDate: Mon, 5 Jun 2023 10:00:00 +0000\nMessage-ID: <p2@t>\nIn-Reply-To: <p1@t>\n\nstill broken\n' \
	>"$tmp/small/cur/2.a:2,S"
printf 'From: B <b@customer.example>\nTo: support@example.org\nSubject: no date\nMessage-ID: <nodate@t>\n\nwhen?\n' \
	>"$tmp/small/new/3.a"
touch -d '2022-03-04 05:06:07 UTC' "$tmp/small/new/3.a"
printf 'From: spam@spam.example\nTo: support@example.org\nSubject: offer\nMessage-ID: <spam@t>\n\nbuy\n' \
	>"$tmp/small/new/4.a"
mt rule add nospam --from spam@spam.example --refuse '77 No spam here' >/dev/null
expect_code 0 "import of a small Maildir into a queue" -- mt import --queue archive "$tmp/small"
grep -q "^imported 4 messages: 2 new tickets, 1 appended, 0 duplicates, 0 quarantined, 1 refused$" "$out"
ok $? "... the rule's refusal counted" || diag "$(cat "$out")"
expect_equal "$(sql "select count(distinct ticket) from articles where message_id in ('p1@t', 'p2@t')")" 1 \
	"a reply five months after its ticket joins it"
expect_equal "$(sql "select closed from tickets where id = (select ticket from articles where message_id = 'p2@t')")" \
	"$(date -d '2023-06-05 10:00:00 UTC' +%s)" "... which is closed at its date"
expect_equal "$(sql "select created from articles where message_id = 'nodate@t'")" \
	"$(date -d '2022-03-04 05:06:07 UTC' +%s)" "a message without Date is dated by its file"
expect_equal "$(sql "select distinct q.name from tickets t join queues q on q.id = t.queue")" archive \
	"--queue: every ticket in that queue"
expect_code 0 "--no-rules" -- mt import --no-rules "$tmp/small"
grep -q "^imported 4 messages: 1 new tickets, 0 appended, 3 duplicates, 0 quarantined$" "$out"
ok $? "... and the spam no longer refused" ||
	diag "$(cat "$out")"
DB=$tmp/nothread.db
mt init >/dev/null
expect_code 0 "--no-thread" -- mt import --no-thread "$tmp/small"
expect_equal "$(sql 'select count(*) from tickets')" 4 "... every message a ticket of its own"
printf 'From: A <a@customer.example>\nTo: support@example.org\nSubject: Re: printer\nMessage-ID: <p3@t>\nIn-Reply-To: <p2@t>\n\nagain\n' |
	deliver -r support@example.org
expect_equal "$(sql "select count(*) from links l join articles a on a.ticket = l.ticket join articles b on b.ticket = l.other
	where l.kind = 'relates' and a.message_id = 'p3@t' and b.message_id = 'p2@t'")" 1 \
	"live mail later in an imported thread opens a new ticket, linked (closed past the grace period)"

# The size limit, and what is no mailbox.
DB=$tmp/limits.db
mt init >/dev/null
sed 's/^\[mail\]$/[mail]\nmax_message_size=1K/' "$MAILTICKET_CONF" >"$tmp/small.conf"
python3 -c 'print("From: x@customer.example\nSubject: big\nMessage-ID: <big@t>\n\n" + "x" * 5000)' >"$tmp/small/new/5.a"
expect_code 0 "a message over max_message_size" -- "$BIN/mailticket" -c "$tmp/small.conf" --db "$DB" import "$tmp/small"
grep -q " 1 refused$" "$out"; ok $? "... refused" || diag "$(cat "$out" "$err")"
script -qec "$BIN/mailticket -c $tmp/small.conf --db $DB import $tmp/small" /dev/null >"$tmp/pty" 2>&1
grep -q "small/new/5.a: not imported: message size 50[0-9]* exceeds the limit of 1024 bytes" "$tmp/pty"
ok $? "... with a warning on a terminal that names it" || diag "$(head -c 600 "$tmp/pty")"
expect_code 1 "a path that is not there: exit 1" -- mt import "$tmp/nothing"
expect_code 1 "a directory that is no Maildir: exit 1" -- mt import "$tmp/small/cur"
expect_code 1 "no path: a usage error" -- mt import

# Progress: on a terminal only, and not with --quiet.
DB=$tmp/progress.db
mt init >/dev/null
script -qec "$BIN/mailticket --db $DB import $tmp/own" /dev/null >"$tmp/pty" 2>&1
grep -q "importing: [0-9]* messages, [0-9]*%, [0-9]*/s, [0-9]*:[0-9][0-9] left" "$tmp/pty"
ok $? "a progress line on a terminal" || diag "$(head -c 300 "$tmp/pty")"
script -qec "$BIN/mailticket --db $DB import --quiet $tmp/own" /dev/null >"$tmp/pty" 2>&1
! grep -q 'importing' "$tmp/pty"; ok $? "--quiet: none on a terminal either"

# Deliveries go on during a large import: a batch holds the write lock a
# tenth of a second or so; the deliveries wait 2 s at the most.
DB=$tmp/large.db
mt init >/dev/null
large=$(stress 3000 20000)
python3 - "$tmp/large" "$large" <<'EOF'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(out, "cur"))
for i in range(n):
    parent = "" if i % 4 == 0 else "In-Reply-To: <large-%d@t>\n" % (i - i % 4)
    with open(os.path.join(out, "cur", "%d.%06d.large:2,S" % (1600000000 + i, i)), "w") as f:
        f.write("From: C%d <c%d@customer.example>\nTo: support@example.org\nSubject: question %d\n"
                "Date: Sat, 1 Jan 2022 00:00:00 +0000\nMessage-ID: <large-%d@t>\n%s\n%s\n"
                % (i // 4, i // 4, i // 4, i, parent, "Some words about it. " * 40))
EOF
sed 's/^busy_timeout=.*/busy_timeout=2000/' "$MAILTICKET_CONF" >"$tmp/half.conf"
"$BIN/mailticket" --db "$DB" import "$tmp/large" >"$tmp/import.out" 2>&1 &
importing=$!
sleep 0.3
kill -0 "$importing" 2>/dev/null; running=$?
codes= pids=
for i in 1 2 3 4 5 6 7 8 9 10; do
	printf 'From: l%d@kunde.example\nTo: support@example.org\nSubject: during %d\nMessage-ID: <during-%d@t>\n\nx\n' \
		"$i" "$i" "$i" | "$BIN/mailticket-deliver" -c "$tmp/half.conf" --db "$DB" -r support@example.org 2>>"$tmp/during.err" &
	pids="$pids $!"
	sleep 0.05
done
for pid in $pids; do wait "$pid"; codes="$codes$?"; done
wait "$importing"; rc=$?
expect_equal "$running $rc" "0 0" "the import ran while the deliveries came, and ended with 0" ||
	diag "$(head -c 300 "$tmp/import.out")"
expect_equal "$codes" 0000000000 "ten deliveries meanwhile, each stored (exit 0) under a busy_timeout of 2 s" ||
	diag "$(head -c 300 "$tmp/during.err")"
expect_equal "$(sql "select count(*) from tickets where subject like 'question %'")" $((large / 4)) \
	"... and the $large messages in $((large / 4)) tickets"
figure "import of $large messages" "$(tail -1 "$tmp/import.out")"

# Bounded cost: a hostile message (thousands of header fields, or of
# parts) costs an import what it costs a delivery, from a Maildir and
# from an mbox, where GMime's parser sees only the From_ lines.
DB=$tmp/cost.db
mt init >/dev/null
for case in headers parts; do
	python3 "$top/tests/hostile-cost.py" "$case" "$(stress 2000000 20000000)" >"$tmp/case.eml"
	size=$(wc -c <"$tmp/case.eml")
	max_rss=$((size * 3 / 2 / 1024 + 30720))
	rm -rf "$tmp/cost"
	mkdir -p "$tmp/cost/cur"
	cp "$tmp/case.eml" "$tmp/cost/cur/1.$case:2,S"
	{ printf 'From MAILER-DAEMON Sat Jan  1 00:00:00 2022\n'; sed 's/^\(>*From \)/>\1/' "$tmp/case.eml"; } >"$tmp/case.mbox"
	for box in cost case.mbox; do
		measured "$(limit 60)" "$BIN/mailticket" --db "$DB" import "$tmp/$box"
		if sanitized; then
			skip "$case from $box: peak memory" "AddressSanitizer keeps what is freed"
		else
			[ "$code" = 0 ] && [ "$rss" -le "$max_rss" ]
			ok $? "$case ($size bytes) from $box: exit $code, peak memory $((rss / 1024)) MB (limit $((max_rss / 1024)))"
		fi
	done
done

# The public corpus, when it is beside the checkout.
if [ -f "$public/threads.tsv" ]; then
	mailboxes "$public" public
	delivered public "$public"
	DB=$tmp/public-maildir.db
	mt init >/dev/null
	mt import "$tmp/public" >/dev/null 2>&1
	same_groups public "the public corpus: a Maildir imported groups as delivered in Date order"
	DB=$tmp/public-mbox.db
	mt init >/dev/null
	mt import "$tmp/public.mbox" >/dev/null 2>&1
	same_groups public "the public corpus: an mbox imported groups as delivered in Date order"
	mt import "$tmp/public.mbox" >"$out" 2>&1
	grep -q " 0 new tickets, 0 appended, [0-9]* duplicates," "$out"; ok $? "... and again adds nothing"
else
	skip "the public corpus: Maildir" "corpus not found ($public/threads.tsv)"
	skip "the public corpus: mbox" "corpus not found ($public/threads.tsv)"
	skip "the public corpus: again" "corpus not found ($public/threads.tsv)"
fi
