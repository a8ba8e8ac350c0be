#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket-deliver --serve: with a [deliver] socket in the config, the
# process the MTA starts hands the message to the server and exits with
# the server's answer; the tickets, exit codes and stderr lines are those
# of a delivery in the process itself. Whenever the server cannot answer
# (not running, killed, another database) the process delivers itself,
# and nothing is lost or stored twice.
. "$(dirname "$0")/../lib.sh"
plan 100

sock=$tmp/deliver.sock
printf '[deliver]\nsocket=%s\nidle_timeout=%s\n' "$sock" "$(printf %.0f "$(limit 2)")" >>"$MAILTICKET_CONF"
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
expect_code 0 "a refusing rule is added" -- mt rule add blocked --sender '*@evil.example' --glob \
	--refuse '77 Mail from you is not accepted here'
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
"$BIN/mailticket" --db "$tmp/other.db" init >/dev/null
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

# Four clients that connect and keep silent, or stall halfway through
# a message, hold up themselves alone: the server takes the next client
# meanwhile, at once. The server must be seen to take the silent ones
# first (four sockets more among its files), or the next one's answer
# would prove nothing; and it closes them after idle_timeout.
sockets () { ls -l "/proc/$server/fd" 2>/dev/null | grep -c 'socket:'; }
before=$(sockets)
silent=$(log_count 'kept silent')
stalled=
for i in 1 2 3 4; do
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
if sys.argv[2] == "4":
    s.send(b"LHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<support@example.org>\r\nDATA\r\nSubject: half")
time.sleep(60)' "$sock" $i &
	stalled="$stalled $!"
done
i=0 tries=$(printf %.0f "$(limit 200)")
while [ "$(sockets)" -lt $((before + 4)) ] && [ $i -lt "$tries" ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$(sockets)" -ge $((before + 4)) ]; ok $? "four clients that keep silent or stall: the server takes them"
mkmsg "$tmp/after-stall" s6@mt.test 'after a stalled client'
start=$(date +%s)
expect_code 0 "... the next one is answered meanwhile" -- \
	timeout 10 "$BIN/mailticket-deliver" --db "$DB" -v <"$tmp/after-stall"
by_server; ok $? "... by the server"
[ $(($(date +%s) - start)) -le "$(printf %.0f "$(limit 2)")" ]; ok $? "... at once, not after their time"
logged $((silent + 4)) 'kept silent'; ok $? "... and the silent ones are closed after idle_timeout"
kill $stalled 2>/dev/null

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

# Removed under the server: deferred, and no new database made.
rm -f "$DB" "$DB-wal" "$DB-shm"
expect_code 75 "the database removed under the server: exit 75" -- deliver <"$tmp/new"
expect_equal "$(head -n 1 "$err")" \
	"4.3.0 mailticket-deliver: database missing: run mailticket init ($DB is not there)" "... with a 4.3.0 line"
[ ! -e "$DB" ]; ok $? "... and the server makes none"

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

# Where the lock and the socket go. conf_at DIR: a config whose socket
# is DIR/deliver.sock; serve_at DIR: --serve with it for a few seconds
# (exit 124 when it was still serving then, and said so).
conf_at () { sed "s|^socket=.*|socket=$1/deliver.sock|" "$MAILTICKET_CONF" >"$tmp/at.conf"; }
serve_at () {
	conf_at "$1"
	expect_code "$2" "$3" -- timeout "$(limit 3)" "$BIN/mailticket-deliver" -v --serve -c "$tmp/at.conf" --db "$DB"
}
mkdir -m 0755 "$tmp/planted"
ln -s "$tmp/victim" "$tmp/planted/deliver.sock.lock"
ln -s "$tmp/created" "$tmp/planted/deliver.sock"
serve_at "$tmp/planted" 75 "a symbolic link at the lock's path: exit 75"
grep -q 'deliver.sock.lock is a symbolic link, which is not followed' "$err"; ok $? "... it says so"
[ ! -e "$tmp/victim" ]; ok $? "... and makes no file where it points"
rm "$tmp/planted/deliver.sock.lock"
serve_at "$tmp/planted" 75 "a symbolic link at the socket's path: exit 75"
grep -q 'deliver.sock is there and is no socket' "$err"; ok $? "... it says so"
[ -L "$tmp/planted/deliver.sock" ] && [ ! -e "$tmp/created" ]; ok $? "... and leaves it, making nothing where it points"
rm "$tmp/planted/deliver.sock"
serve_at "$tmp/planted" 124 "without them: the server starts"
grep -q 'serving' "$err"; ok $? "... and serves"
mkdir "$tmp/open" && chmod 0777 "$tmp/open"
serve_at "$tmp/open" 75 "a socket directory every user may write to: exit 75"
grep -q 'is writable by every user' "$err"; ok $? "... it says so"
[ ! -e "$tmp/open/deliver.sock.lock" ]; ok $? "... and makes nothing in it"
chmod 1777 "$tmp/open"
serve_at "$tmp/open" 124 "... with the sticky bit (/tmp): the server starts"
if [ "$(id -u)" = 0 ] && id -u nobody >/dev/null 2>&1; then
	mkdir -m 0755 "$tmp/theirs" && chown nobody "$tmp/theirs"
	serve_at "$tmp/theirs" 75 "a socket directory of another user: exit 75"
	grep -q 'belongs to user id' "$err"; ok $? "... it says so"
else
	skip "a socket directory of another user: exit 75" "needs root to give a directory away"
	skip "... it says so" "needs root to give a directory away"
fi

# No database: the server does not start, and makes none.
expect_code 75 "--serve without a database: exit 75" -- \
	timeout "$(limit 10)" "$BIN/mailticket-deliver" --serve --db "$tmp/none.db"
expect_equal "$(head -n 1 "$err")" \
	"4.3.0 mailticket-deliver: database missing: run mailticket init ($tmp/none.db is not there)" "... and says so"
expect_equal "$(ls "$tmp" | grep -c '^none\.db')" 0 "... and makes no file"

# A socket of another user's at the configured path (a directory that
# let them in): the mail is not handed to that server, which would
# answer 0 and keep it, but delivered in the process.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && id -u nobody >/dev/null 2>&1; then
	chmod 0755 "$tmp"
	mkdir "$tmp/shared" && chmod 1777 "$tmp/shared"
	cat >"$tmp/fake.py" <<'FAKE'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
f = c.makefile("rwb", buffering=0)
f.write(b"220 stranger LMTP\r\n")
data = False
for line in f:
    if data:
        if line == b".\r\n":
            f.write(b"250-exit=0\r\n250 2.0.0 kept by a stranger\r\n")
            data = False
    elif line.upper().startswith(b"DATA"):
        f.write(b"354 go ahead\r\n")
        data = True
    elif line.upper().startswith(b"QUIT"):
        break
    else:
        f.write(b"250 ok\r\n")
c.close()
FAKE
	chmod 0644 "$tmp/fake.py"
	setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 "$tmp/fake.py" "$tmp/shared/deliver.sock" 2>/dev/null &
	fake=$!
	i=0
	while ! [ -S "$tmp/shared/deliver.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	conf_at "$tmp/shared"
	mkmsg "$tmp/stranger" stranger@mt.test 'not for strangers'
	expect_code 0 "a server of another user at the socket: exit 0" -- deliver -v -c "$tmp/at.conf" <"$tmp/stranger"
	grep -q 'runs as user id' "$err"; ok $? "... it is not trusted"
	expect_equal "$(sql "select count(*) from articles where message_id = 'stranger@mt.test'")" 1 \
		"... and the message is stored here"
	kill "$fake" 2>/dev/null
	wait "$fake" 2>/dev/null
else
	for d in "a server of another user at the socket: exit 0" "... it is not trusted" \
		"... and the message is stored here"; do
		skip "$d" "needs root and setpriv(1) to run a server as another user"
	done
fi
