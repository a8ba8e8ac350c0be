#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket-deliver --serve: with a [deliver] socket in the config, the
# process the MTA starts hands the message to the server and exits with
# the server's answer; the tickets, exit codes and stderr lines are those
# of a delivery in the process itself. Whenever the server cannot answer
# (not running, killed, another database) the process delivers itself,
# and nothing is lost or stored twice.
. "$(dirname "$0")/../lib.sh"
plan 75

sock=$tmp/deliver.sock
printf '[deliver]\nsocket=%s\n' "$sock" >>"$MAILTICKET_CONF"
# Deliveries that wait for a CLI's lock below wait for slow builds too.
sed -i "s/^busy_timeout=.*/busy_timeout=$(printf %.0f "$(limit 10000)")/" "$MAILTICKET_CONF"
server=

# log_count PATTERN: how many lines of the server's log match
log_count () {
	n=$(grep -c "$1" "$tmp/server.log" 2>/dev/null)
	echo "${n:-0}"
}
# logged N PATTERN: waits until N lines of the server's log match
# PATTERN, a minute at most (longer for slow builds); false if they do not
logged () {
	i=0 tries=$(printf %.0f "$(limit 1200)")
	while [ "$(log_count "$2")" -lt "$1" ] && [ $i -lt "$tries" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(log_count "$2")" -ge "$1" ]
}
# serve: starts a server and waits until it says it listens (a socket
# file alone may be a dead server's)
serve () {
	started=$(log_count serving)
	"$BIN/mailticket-deliver" -v --serve --db "$DB" 2>>"$tmp/server.log" &
	server=$!
	logged $((started + 1)) serving
}
stop_server () {
	[ -n "$server" ] || return 0
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}
at_exit=stop_server

# mkmsg FILE MESSAGE-ID SUBJECT [IN-REPLY-TO]
mkmsg () {
	{
		printf 'From: Alice <alice@customer.test>\nTo: support@example.org\n'
		printf 'Subject: %s\nDate: Mon, 02 Jan 2023 10:00:00 +0000\nMessage-ID: <%s>\n' "$3" "$2"
		if [ -n "${4-}" ]; then printf 'In-Reply-To: <%s>\n' "$4"; fi
		printf '\nHello, this is %s.\n' "$3"
	} >"$1"
}
articles () { sql 'select count(*) from articles'; }
pending () { sql 'select count(*) from search_pending'; }
# unindex MESSAGE-ID: the state a server killed before it indexed that
# message leaves: stored, pending, not in the search index (where it may
# be already: the server indexes when it is idle)
unindex () {
	sql "insert into article_search (article_search, rowid, subject, text, sender)
		select 'delete', id, subject, text, \"from\" from articles
		where message_id = '$1' and id not in (select article from search_pending);
	insert or ignore into search_pending select id from articles where message_id = '$1'"
}
found () { mt search --json --limit 0 "$1" | json 'len(d)'; }
by_server () { grep -q 'by the server: ticket=' "$err"; }
here () { grep -q 'delivering in this process' "$err"; }

mt init >/dev/null
serve
[ -S "$sock" ]; ok $? "the server listens on the [deliver] socket"

# New ticket and a reply, through the server.
mkmsg "$tmp/new" s1@mt.test 'printer on fire'
expect_code 0 "a new message: exit 0" -- deliver -v -f alice@customer.test -r support@example.org <"$tmp/new"
by_server; ok $? "... delivered by the server"
mkmsg "$tmp/reply" s2@mt.test 'Re: printer on fire' s1@mt.test
expect_code 0 "a reply: exit 0" -- deliver -v -f alice@customer.test -r support@example.org <"$tmp/reply"
by_server; ok $? "... delivered by the server"
expect_equal "$(mt list --json | json '[(t["id"], t["articles"]) for t in d]')" "[[1, 2]]" \
	"the reply joined the ticket"
expect_code 0 "the same bytes again: exit 0" -- deliver -v <"$tmp/reply"
grep -q 'action=duplicate' "$err"; ok $? "... a duplicate, says the server"
expect_equal "$(articles)" 2 "... and stored once"
expect_code 0 "acknowledgement queued by the server" -- mt outbox list
grep -q 'alice@customer.test' "$out"; ok $? "... to the customer"

# --now reaches the server, per request.
mkmsg "$tmp/dated" s3@mt.test 'dated'
expect_code 0 "--now through the server" -- deliver -v --now "2026-11-23 08:00" <"$tmp/dated"
by_server; ok $? "... delivered by the server"
expect_equal "$(mt list --json | json '[t["created"] for t in d if t["subject"] == "dated"][0]')" \
	"2026-11-23T08:00:00Z" "... the ticket was opened at the client's --now"

# The exit codes and lines of the MTA contract come back from the server.
mt rule add blocked --sender '*@evil.example' --glob --refuse '77 Mail from you is not accepted here' >/dev/null
mkmsg "$tmp/evil" s4@mt.test 'buy now'
expect_code 77 "a rule's refusal through the server: its code" -- deliver -f spam@evil.example <"$tmp/evil"
expect_equal "$(head -n 1 "$err")" "5.7.1 Mail from you is not accepted here" "... and its line first on stderr" ||
	diag "$(cat "$err")"
expect_equal "$(articles)" 3 "... nothing stored"

# Over the size limit: refused by the process the MTA starts, which
# reads the message, before any server is asked.
sed '/^\[mail\]$/a max_message_size=1K' "$MAILTICKET_CONF" >"$tmp/size.conf"
mkmsg "$tmp/big" s4b@mt.test 'too big'
python3 -c 'print(("y" * 99 + "\n") * 20, end="")' >>"$tmp/big"
expect_code 69 "over the size limit: exit 69" -- deliver -v -c "$tmp/size.conf" <"$tmp/big"
expect_equal "$(head -n 1 "$err")" \
	"5.2.3 mailticket-deliver: message size $(wc -c <"$tmp/big") exceeds the limit of 1024 bytes" "... and a 5.2.3 line"
grep -q 'by the server\|in this process' "$err"; [ $? -ne 0 ]; ok $? "... neither the server nor this process delivered"
expect_equal "$(articles)" 3 "... nothing stored"

# Another database: the server declines, the process delivers itself.
mkmsg "$tmp/other" s5@mt.test 'other database'
expect_code 0 "a message for another database: exit 0" -- \
	"$BIN/mailticket-deliver" -v --db "$tmp/other.db" <"$tmp/other"
here; ok $? "... delivered in the process, not by the server"
expect_equal "$(sqlite3 "$tmp/other.db" 'select count(*) from articles')" 1 "... into its own database"
expect_code 0 "--no-server delivers in the process" -- deliver -v --no-server <"$tmp/other"
by_server; [ $? -ne 0 ]; ok $? "... the server was not asked"

# Eight deliverers at once, every fifth message refused by the rule:
# 77 for those, nothing of them stored, every other message stored once.
i=0
while [ $i -lt 40 ]; do
	mkmsg "$tmp/p$i" "p$i@mt.test" "parallel $i"
	i=$((i + 1))
done
workers=
for w in 0 1 2 3 4 5 6 7; do
	(
		i=$w fails=0
		while [ $i -lt 40 ]; do
			if [ $((i % 5)) = 4 ]; then
				deliver -f spam@evil.example <"$tmp/p$i" 2>/dev/null
				[ $? = 77 ] || fails=$((fails + 1))
			else
				deliver <"$tmp/p$i" 2>/dev/null || fails=$((fails + 1))
			fi
			i=$((i + 8))
		done
		exit $fails
	) &
	workers="$workers $!"
done
fails=0
for job in $workers; do
	wait "$job" || fails=$((fails + 1))
done
expect_equal "$fails" 0 "eight deliverers at once: 0 for each message, 77 for each refused one"
expect_equal "$(sql "select count(*) from articles where subject like 'parallel %'")" 32 \
	"... the 32 accepted messages stored once each"
expect_equal "$(sql "select count(*) from articles where subject like 'parallel %' and (cast(substr(subject, 10) as int) % 5) = 4")" 0 \
	"... none of the refused ones"
expect_equal "$(grep -c 'action=new via=new message-id=<p[0-9]*@mt.test>' "$tmp/server.log")" 32 \
	"... all of them by the server"
expect_equal "$(mt list --json --limit 0 | json 'sum(t["created"] == "2026-11-23T08:00:00Z" for t in d if t["subject"].startswith("parallel "))')" 0 \
	"... at the server's own time: an earlier client's --now was that request's alone"

# While a CLI holds the write lock, the messages that come wait for the
# store together, and are stored in one transaction, one sync for all:
# each answered as if alone, the refused one undone by itself. The log
# says when the first is being stored and the others wait.
lock_db
for i in 0 1 2 3; do mkmsg "$tmp/b$i" "b$i@mt.test" "batched $i"; done
storing=$(log_count 'storing a batch')
waiting=$(log_count 'waits while a batch is stored')
deliver <"$tmp/b0" 2>/dev/null &
first=$!
logged $((storing + 1)) 'storing a batch' || diag "the first message is not being stored"
deliver <"$tmp/b1" 2>/dev/null &
b1=$!
deliver -f spam@evil.example <"$tmp/b2" 2>"$tmp/b2.err" &
b2=$!
deliver <"$tmp/b3" 2>/dev/null &
b3=$!
logged $((waiting + 3)) 'waits while a batch is stored' || diag "not all three wait for the store"
codes=
unlock_db
for job in $first $b1 $b2 $b3; do
	wait "$job"
	codes="$codes $?"
done
expect_equal "$codes" " 0 0 77 0" "messages held up by a CLI's lock: 0 each, 77 for the refused one"
expect_equal "$(head -n 1 "$tmp/b2.err")" "5.7.1 Mail from you is not accepted here" "... with its line"
expect_equal "$(sql "select group_concat(subject, ',') from (select subject from articles where subject like 'batched %' order by subject)")" \
	"batched 0,batched 1,batched 3" "... the accepted ones stored, the refused one not"
grep -q '3 messages in one transaction' "$tmp/server.log"
ok $? "... the three that waited together stored in one transaction" || diag "$(grep transaction "$tmp/server.log")"

# A client that stalls halfway through its request holds up itself
# alone: the server takes the next client meanwhile. The server must be
# seen to take the stalled one first (a socket more among its files), or
# the next one's answer would prove nothing; and it drops it once it
# hangs up.
sockets () { ls -l "/proc/$server/fd" 2>/dev/null | grep -c 'socket:'; }
before=$(sockets)
dropped=$(log_count 'dropped a client')
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.send(b"\0\0\0\20")
time.sleep(60)' "$sock" &
stalled=$!
i=0 tries=$(printf %.0f "$(limit 200)")
while [ "$(sockets)" -le "$before" ] && [ $i -lt "$tries" ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$(sockets)" -gt "$before" ]; ok $? "a client that stalls halfway through its request: the server takes it"
mkmsg "$tmp/after-stall" s6@mt.test 'after a stalled client'
expect_code 0 "a client stalls: the next one is answered meanwhile" -- \
	timeout 10 "$BIN/mailticket-deliver" --db "$DB" -v <"$tmp/after-stall"
by_server; ok $? "... by the server"
kill "$stalled"
logged $((dropped + 1)) 'dropped a client'; ok $? "... and the stalled one is dropped when it hangs up"

# Quiet after the burst: the server merges the search index and then
# empties the WAL into the database; all of the mail is found.
i=0
while [ "$(wc -c <"$DB-wal")" != 0 ] && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_equal "$(wc -c <"$DB-wal")" 0 "quiet after a burst: the server empties the WAL"
expect_equal "$(pending)" 0 "... having indexed every message it delivered"
expect_equal "$(found parallel)" 32 "... and every message is found by search"
expect_code 0 "... in an index that matches the articles" -- mt db check

# The config changed under the server: read again before the next delivery.
acks () { sql "select count(*) from outbox where kind = 'ack'"; }
before=$(acks)
sed -i 's/^\[mail\]$/[mail]\nacknowledge=no/' "$MAILTICKET_CONF"
mkmsg "$tmp/quiet" q1@mt.test 'no acknowledgement please'
sed -i 's/alice@customer.test/bob@customer.test/' "$tmp/quiet"
expect_code 0 "after acknowledge=no was set: exit 0" -- deliver -v -f bob@customer.test <"$tmp/quiet"
by_server; ok $? "... delivered by the server"
expect_equal "$(acks)" "$before" "... and no acknowledgement queued"

# The database file replaced under the server: the server opens the new one.
stop_server
serve
rm -f "$DB" "$DB-wal" "$DB-shm"
mt init >/dev/null
expect_code 0 "after the database was replaced: exit 0" -- deliver -v <"$tmp/new"
by_server; ok $? "... delivered by the server"
expect_equal "$(articles)" 1 "... into the new file"

# Replaced by a file that is no database: 75, and the server, which
# cannot open it, stays up, idle with no database, until there is one.
rm -f "$DB" "$DB-wal" "$DB-shm"
python3 -c 'print("not a database " * 40)' >"$DB"
expect_code 75 "the database replaced by a file that is none: exit 75" -- deliver <"$tmp/new"
sleep 0.5
kill -0 "$server" 2>/dev/null; ok $? "... the server stays up through its idle time"
rm -f "$DB"
mt init >/dev/null
expect_code 0 "... and delivers once there is a database again" -- deliver -v <"$tmp/new"
by_server; ok $? "... by the server"
expect_equal "$(articles)" 1 "... into it"

# A second server on the same socket is refused.
expect_code 75 "a second server: exit 75" -- "$BIN/mailticket-deliver" --serve --db "$DB"
grep -q 'another server holds' "$err"; ok $? "... another server holds the lock"

# Killed: the socket stays behind, nobody answers, the process delivers itself.
kill -9 "$server"
wait "$server" 2>/dev/null
server=
[ -S "$sock" ]; ok $? "a killed server leaves its socket"
unindex s1@mt.test
expect_code 0 "no server behind the socket: exit 0" -- deliver -v <"$tmp/reply"
here; ok $? "... delivered in the process"
expect_equal "$(mt list --json | json '[t["articles"] for t in d]')" "[2]" "... into the ticket"
expect_equal "$(pending)" 0 "... which indexed the message the killed server had left unindexed"
expect_equal "$(found fire)" 2 "... so that both are found"

# Restarted over the stale socket; SIGTERM removes it.
unindex s2@mt.test
serve
kill -0 "$server" 2>/dev/null; ok $? "a new server starts over the stale socket"
i=0
while [ "$(pending)" != 0 ] && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_equal "$(pending)" 0 "... and indexes what a server before it left pending"
expect_code 0 "... and delivers" -- deliver -v <"$tmp/dated"
by_server; ok $? "... by the server"

# The environment Postfix's pipe(8) gives a command can be all but
# empty: no HOME, no PATH, no locale. mailticket-deliver, shared or static,
# needs none of them, through the server or in its own process.
mkmsg "$tmp/bare" bare1@mt.test 'bare environment'
expect_code 0 "an empty environment: exit 0" -- \
	env -i MAILTICKET_CONF="$MAILTICKET_CONF" "$BIN/mailticket-deliver" -v --db "$DB" <"$tmp/bare"
by_server; ok $? "... delivered by the server"
mkmsg "$tmp/bare2" bare2@mt.test 'bare environment, no server'
expect_code 0 "an empty environment, --no-server: exit 0" -- \
	env -i MAILTICKET_CONF="$MAILTICKET_CONF" "$BIN/mailticket-deliver" -v --no-server --db "$DB" <"$tmp/bare2"
by_server; [ $? -ne 0 ]; ok $? "... not by the server"
expect_equal "$(sql "select count(*) from articles where message_id in ('bare1@mt.test', 'bare2@mt.test')")" 2 \
	"... both stored"
kill "$server"
wait "$server"
expect_equal "$?" 0 "SIGTERM: the server exits 0"
server=
[ ! -e "$sock" ]; ok $? "... and removes its socket"

# Without a [deliver] socket, --serve refuses to start.
sed '/^\[deliver\]/,$d' "$MAILTICKET_CONF" >"$tmp/plain.conf"
expect_code 75 "--serve without a socket: exit 75" -- "$BIN/mailticket-deliver" --serve -c "$tmp/plain.conf" --db "$DB"
grep -q 'no \[deliver\] socket' "$err"; ok $? "... says what is missing"
