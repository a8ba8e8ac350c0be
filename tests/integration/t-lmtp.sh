#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket-deliver --serve speaks LMTP (RFC 2033) on its Unix socket
# and, with [deliver] listen, over TCP to the addresses of [deliver]
# allow. Spoken to directly here, as Postfix's lmtp(8) or a relay would:
# one reply per recipient after DATA, with the code of the pipe path's
# exit contract; malformed and out-of-order commands answered 500, 501,
# 503, and never the end of the server; pipelining; the limits of a
# session (per peer, idle time) known before a byte is read.
. "$(dirname "$0")/../lib.sh"
need swaks:swaks
plan 39

sock=$tmp/lmtp.sock
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
idle=$(printf %.0f "$(limit 2)")
sed -i "s/^busy_timeout=.*/busy_timeout=500/" "$MAILTICKET_CONF"
printf '[deliver]\nsocket=%s\nlisten=127.0.0.1:%s\nallow=127.0.0.1\nmax_per_peer=3\nidle_timeout=%s\n' \
	"$sock" "$port" "$idle" >>"$MAILTICKET_CONF"
sed -i 's/^\[mail\]$/[mail]\nmax_message_size=4K/' "$MAILTICKET_CONF"
server=
stop_server () {
	[ -n "$server" ] || return 0
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}
at_exit=stop_server

# session ADDRESS [SOURCE]: sends stdin (LF line ends made CRLF) at once
# to the server at ADDRESS (a socket path, or HOST:PORT from SOURCE),
# and prints what it answered until it hung up (or TIMEOUT after 60 s)
cat >"$tmp/session.py" <<'PYEND'
import socket, sys
addr = sys.argv[1]
if addr.startswith("/"):
    s = socket.socket(socket.AF_UNIX)
    s.connect(addr)
else:
    host, port = addr.rsplit(":", 1)
    source = (sys.argv[2], 0) if len(sys.argv) > 2 else None
    s = socket.create_connection((host, int(port)), source_address=source)
try:
    s.sendall(sys.stdin.buffer.read().replace(b"\n", b"\r\n"))
except OSError:
    pass  # turned away, or closed for silence: what it said is read below
s.settimeout(60)
got = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
except socket.timeout:
    got += b"TIMEOUT\r\n"
except OSError:
    got += b"RESET\r\n"
sys.stdout.write(got.decode("utf-8", "replace").replace("\r\n", "\n"))
PYEND
session () { python3 "$tmp/session.py" "$@"; }
# codes: the reply codes of $out, one line each, as "CODE ENHANCED" (the
# first two words of each reply's last line)
codes () { grep -v '^[0-9][0-9][0-9]-' "$out" | cut -d' ' -f1-2 | tr '\n' ' ' | sed 's/ $//'; }
nart () { sql "select count(*) from articles where message_id = '$1'"; }

mt init >/dev/null
mt queue add sales --address sales@example.org >/dev/null
mt rule add closed --recipient 'closed@example.org' --glob --refuse '77 5.7.1 This address takes no mail' >/dev/null
"$BIN/mailticket-deliver" -v --serve --db "$DB" 2>"$tmp/server.log" &
server=$!
i=0
while ! grep -q serving "$tmp/server.log" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
grep -q "serving .* on $sock and 127.0.0.1:$port" "$tmp/server.log"
ok $? "the server listens on the socket and on 127.0.0.1:$port"

# swaks, as a mail admin tries it: one message over the socket.
expect_code 0 "swaks --protocol LMTP over the socket: exit 0" -- \
	swaks --socket "$sock" --protocol LMTP --from anna@customer.test --to support@example.org \
	--header 'Subject: printer' --header 'Message-Id: <l-swaks@customer.test>' --body 'The printer is on fire.'
grep -q '<-  250 2.0.0 ticket=1 article=1 action=new' "$out"; ok $? "... answered 250 2.0.0 with the ticket" ||
	grep '<-' "$out" | tail -n 3 | sed 's/^/#   /'
expect_equal "$(sql "select envelope_from || ' ' || envelope_to from articles where message_id = 'l-swaks@customer.test'")" \
	"anna@customer.test support@example.org" "... MAIL FROM and RCPT TO are the envelope"
mt show 1 --raw 1 | sed -n '1,/^$/p' >"$tmp/head"
grep -qx 'Return-Path: <anna@customer.test>' "$tmp/head" && grep -qx 'Delivered-To: support@example.org' "$tmp/head"
ok $? "... stored with Return-Path and Delivered-To, as pipe(8) flags=DR add them"

# Three recipients: one answer each, in their order.
session "$sock" >"$out" <<EOF
LHLO client.test
MAIL FROM:<bert@customer.test> BODY=8BITMIME SIZE=200
RCPT TO:<support@example.org>
RCPT TO:<closed@example.org>
RCPT TO:<sales@example.org>
DATA
From: bert@customer.test
Subject: three ways
Message-ID: <l-three@customer.test>

..a line that starts with a dot
.
QUIT
EOF
expect_equal "$(codes)" "220 $(hostname) 250 SIZE 250 2.1.0 250 2.1.5 250 2.1.5 250 2.1.5 354 2.0.0 250 2.0.0 550 5.7.1 250 2.0.0 221 2.0.0" \
	"three recipients: 250, 550 5.7.1 for the refused one, 250" || sed 's/^/#   /' "$out"
grep -q '^550 5.7.1 This address takes no mail$' "$out"; ok $? "... with the rule's text"
expect_equal "$(sql "select group_concat(envelope_to, ' ') from (select envelope_to from articles where message_id = 'l-three@customer.test' order by id)")" \
	"support@example.org sales@example.org" "... filed for each accepted recipient"
expect_equal "$(sql "select text from articles where message_id = 'l-three@customer.test' limit 1")" \
	".a line that starts with a dot" "... dot-unstuffed"
grep -q 'XMAILTICKET' "$out"; ok $? "LHLO on the socket offers XMAILTICKET"
grep -q '^250 SIZE$' "$out"; ok $? "... and SIZE, without a number (max_message_size is told at MAIL FROM)"

# The store locked: 451 4.3.0 for each recipient, nothing stored; stored once when sent again.
lock_db
msg='From: carl@customer.test
Subject: while locked
Message-ID: <l-locked@customer.test>

Locked out.'
printf 'LHLO c\nMAIL FROM:<carl@customer.test>\nRCPT TO:<support@example.org>\nRCPT TO:<sales@example.org>\nDATA\n%s\n.\nQUIT\n' "$msg" |
	session "$sock" >"$out"
expect_equal "$(codes | sed 's/.*354 2.0.0 //')" "451 4.3.0 451 4.3.0 221 2.0.0" "a locked store: 451 4.3.0 for each recipient" ||
	sed 's/^/#   /' "$out"
grep -q '^451 4.3.0 mailticket-deliver: .*database is locked' "$out"; ok $? "... with the pipe path's reason"
expect_equal "$(nart l-locked@customer.test)" 0 "... nothing stored"
unlock_db
printf 'LHLO c\nMAIL FROM:<carl@customer.test>\nRCPT TO:<support@example.org>\nDATA\n%s\n.\nQUIT\n' "$msg" |
	session "$sock" >"$out"
expect_equal "$(codes | sed 's/.*354 2.0.0 //')" "250 2.0.0 221 2.0.0" "... sent again once unlocked: 250"
expect_equal "$(nart l-locked@customer.test)" 1 "... stored once"

# Over max_message_size: refused at MAIL when SIZE says so, else after DATA.
printf 'LHLO c\nMAIL FROM:<d@customer.test> SIZE=5000\nQUIT\n' | session "$sock" >"$out"
grep -q '^552 5.2.3 mailticket-deliver: message size 5000 exceeds the limit of 4096 bytes$' "$out"
ok $? "MAIL FROM with SIZE over the limit: 552 5.2.3, the pipe path's reason" || sed 's/^/#   /' "$out"
python3 -c 'print("LHLO c\nMAIL FROM:<d@customer.test>\nRCPT TO:<support@example.org>\nRCPT TO:<sales@example.org>\nDATA\nSubject: big\nMessage-ID: <l-big@customer.test>\n\n" + ("y" * 99 + "\n") * 60 + ".\nQUIT")' |
	session "$sock" >"$out"
expect_equal "$(codes | sed 's/.*354 2.0.0 //')" "552 5.2.3 552 5.2.3 221 2.0.0" "a message over the limit: 552 5.2.3 for each" ||
	sed 's/^/#   /' "$out"
expect_equal "$(nart l-big@customer.test)" 0 "... nothing stored"

# Malformed and out-of-order commands: answered, the session goes on.
python3 -c 'print("MAIL FROM:<a@b.c>\nEHLO c\nLHLO\nLHLO c\nRCPT TO:<x@example.org>\nDATA\nMAIL FROM:a@b.c\nMAIL FROM:<a@b.c> FOO=1\nMAIL FROM:<a@b.c>\nMAIL FROM:<a@b.c>\nRCPT TO:<>\nDATA extra\n" + "NOOP " + "x" * 5000 + "\nFROB\nVRFY support\nRSET\nNOOP\nQUIT")' |
	session "$sock" >"$out"
expect_equal "$(codes)" "220 $(hostname) 503 5.5.1 500 5.5.1 501 5.5.4 250 SIZE 503 5.5.1 503 5.5.1 501 5.5.4 555 5.5.4 250 2.1.0 503 5.5.1 501 5.1.3 501 5.5.4 500 5.5.2 500 5.5.2 252 2.5.0 250 2.0.0 250 2.0.0 221 2.0.0" \
	"malformed and out-of-order commands: 500, 501, 503, 555, and the session goes on" || sed 's/^/#   /' "$out"
python3 -c 'import sys; sys.stdout.buffer.write(b"LHLO c\n" + b"\x00\xff\x01garbage\n" * 25)' | session "$sock" >"$out"
expect_equal "$(tail -n 1 "$out")" "421 4.7.0 too many errors: closing" "twenty bad commands: 421, and the session is closed"
kill -0 "$server"; ok $? "... the server is still up"

# Pipelining: the whole transaction in one write, the replies in order.
printf 'LHLO c\nMAIL FROM:<e@customer.test>\nRCPT TO:<support@example.org>\nDATA\nSubject: piped\nMessage-ID: <l-pipe1@customer.test>\n\none\n.\nMAIL FROM:<e@customer.test>\nRCPT TO:<sales@example.org>\nDATA\nSubject: piped 2\nMessage-ID: <l-pipe2@customer.test>\n\ntwo\n.\nQUIT\n' |
	session "$sock" >"$out"
expect_equal "$(codes | sed "s/^220 $(hostname) 250 SIZE //")" \
	"250 2.1.0 250 2.1.5 354 2.0.0 250 2.0.0 250 2.1.0 250 2.1.5 354 2.0.0 250 2.0.0 221 2.0.0" \
	"two transactions pipelined in one write: every reply, in order" || sed 's/^/#   /' "$out"
expect_equal "$(nart l-pipe1@customer.test) $(nart l-pipe2@customer.test)" "1 1" "... both stored"

# TCP: the allowed address is served, without XMAILTICKET; another is turned away before it says a word.
printf 'LHLO relay.test\nMAIL FROM:<f@customer.test> XDB=/tmp/x\nQUIT\n' | session "127.0.0.1:$port" >"$out"
expect_equal "$(head -n 1 "$out" | cut -d' ' -f1)" 220 "TCP from 127.0.0.1 (allow): served"
grep -q XMAILTICKET "$out"; [ $? -ne 0 ]; ok $? "... LHLO offers no XMAILTICKET over TCP"
grep -q '^555 5.5.4' "$out"; ok $? "... and its parameters are unknown there"
printf 'LHLO relay.test\nQUIT\n' | session "127.0.0.1:$port" 127.0.0.2 >"$out"
expect_equal "$(cat "$out")" "421 4.7.0 not served: 127.0.0.2 is not in [deliver] allow" \
	"TCP from 127.0.0.2 (not in allow): 421 and closed" || sed 's/^/#   /' "$out"
grep -q 'a client turned away: 127.0.0.2 is not in \[deliver\] allow' "$tmp/server.log"; ok $? "... and logged"

# max_per_peer=3: a fourth session of the same user is turned away at
# once; the three hold up only themselves.
# hold N: a session that says NOOP every half second, to stay within
# idle_timeout, until $tmp/release is there; $tmp/held.N once it is served
hold () {
	python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
if s.recv(100).startswith(b"220"):
    open(sys.argv[2], "w").close()
end = time.time() + 60
while not os.path.exists(sys.argv[3]) and time.time() < end:
    s.sendall(b"NOOP\r\n")
    s.recv(100)
    time.sleep(0.5)
s.sendall(b"QUIT\r\n")' "$sock" "$tmp/held.$1" "$tmp/release"
}
holders=
for i in 1 2 3; do
	hold $i &
	holders="$holders $!"
done
i=0
while [ "$(ls "$tmp" | grep -c '^held\.')" -lt 3 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
printf 'LHLO c\nQUIT\n' | session "$sock" >"$out"
case $(cat "$out") in
"421 4.7.0 not served: uid $(id -u) has 3 sessions, max_per_peer") ok 0 "a fourth session of one user: 421 (max_per_peer=3)" ;;
*) ok 1 "a fourth session of one user: 421 (max_per_peer=3)"; sed 's/^/#   /' "$out" ;;
esac
printf 'LHLO relay.test\nQUIT\n' | session "127.0.0.1:$port" >"$out"
expect_equal "$(head -n 1 "$out" | cut -d' ' -f1)" 220 "... a peer over TCP meanwhile: served"
compose anna@customer.test support@example.org l-front@customer.test 'through the front' </dev/null >"$tmp/front"
expect_code 0 "... mailticket-deliver of that user meanwhile: exit 0" -- deliver -v <"$tmp/front"
grep -q 'delivering in this process: .*max_per_peer' "$err"; ok $? "... delivered in its own process, as without a server"
: >"$tmp/release"
for job in $holders; do wait "$job"; done
printf 'LHLO c\nQUIT\n' | session "$sock" >"$out"
expect_equal "$(codes | cut -d' ' -f1)" 220 "once they end: served again"

# idle_timeout: a session that keeps silent is told 421 and closed.
start=$(date +%s)
session "$sock" </dev/null >"$out"
took=$(($(date +%s) - start))
expect_equal "$(tail -n 1 "$out")" "421 4.4.2 no command for too long: closing" "a silent session: 421 4.4.2 after idle_timeout"
[ "$took" -ge $((idle - 1)) ] && [ "$took" -le $((idle + 3)) ]; ok $? "... after about $idle s (took $took s)"

# QUIT: 221 and closed; SIGTERM: the server stops, removes its socket.
printf 'LHLO c\nQUIT\nNOOP\n' | session "$sock" >"$out"
expect_equal "$(tail -n 1 "$out")" "221 2.0.0 bye" "QUIT: 221, nothing after it"
kill "$server"
wait "$server"
expect_equal "$?" 0 "SIGTERM: the server exits 0"
server=
[ ! -e "$sock" ]; ok $? "... and removes its socket"
