#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket-send against a real SMTP server (tests/smtp-server.py): the
# bytes that arrive are the bytes queued; each recipient's outcome;
# retries after 451 and 421; an unreachable server; a crashed sender's
# rows; two senders at once; max_age; AUTH, STARTTLS and configuration
# errors; and `mailticket outbox` as an admin sees it.
. "$(dirname "$0")/../lib.sh"

if ! [ -x "$BIN/mailticket-send" ]; then
	echo "Bail out! bin/mailticket-send not built (run make)"
	test_plan=0 test_failed=1; exit 1
fi
smtp_start
# 14 of the tests need openssl(1) to make certificates; one skip without
if command -v openssl >/dev/null; then plan 123; else plan $((123 - 14 + 1)); fi
# The messages here are queued by the test itself; the acknowledgement
# of the delivery that opens ticket 1 would be one more.
sed -i '/^\[mail\]$/a acknowledge=no' "$MAILTICKET_CONF"

NOW=1800000000
at () { MAILTICKET_NOW=$1; export MAILTICKET_NOW; }
at $NOW
send () { "$BIN/mailticket-send" --db "$DB" "$@"; }
# outbox EXPR: a python expression over `mailticket outbox list --json` (as d)
outbox () { mt outbox list --json | json "$1"; }
# row ID EXPR: the same over the row with this id (as r)
row () { mt outbox list --json | json "(lambda r: $2)([x for x in d if x['id'] == $1][0])"; }
received () { smtp_count; }
# got N: the message the server saved as number N
got () { printf '%s/%04d.eml' "$SMTP_DIR" "$1"; }
# got_id ID: the message the server saved with Message-ID <ID@example.org>
got_id () { grep -l "^Message-ID: <$1@example.org>" "$SMTP_DIR"/*.eml | head -n 1; }
envelope () { json "$2" <"$(printf '%s/%04d.json' "$SMTP_DIR" "$1")"; }
stderr_lines () { wc -l <"$err" | tr -d ' '; }

# mail FILE ID [TO]: a message as the composing side writes it, CRLF
# line ends, with the headers it puts on every message, a line that
# starts with a dot, and a base64 attachment.
mail () {
	printf '%s\r\n' \
		'From: Support <support@example.org>' \
		"To: ${3:-Anna Schmidt <anna@customer.example>}" \
		'Reply-To: support+1.c0ffee@example.org' \
		"Subject: Re: VPN drops every 10 minutes [Ticket#1] ($2)" \
		'Date: Tue, 01 Jan 2027 08:00:00 +0000' \
		"Message-ID: <$2@example.org>" \
		'In-Reply-To: <req-0001@customer.example>' \
		'References: <req-0001@customer.example>' \
		'Auto-Submitted: auto-replied' \
		'X-Auto-Response-Suppress: All' \
		'X-Loop: support@example.org' \
		'MIME-Version: 1.0' \
		'Content-Type: multipart/mixed; boundary="=-b1"' \
		'' \
		'--=-b1' \
		'Content-Type: text/plain; charset=UTF-8' \
		'Content-Transfer-Encoding: quoted-printable' \
		'' \
		'Hello Anna,' \
		'.' \
		'..this line starts with two dots, the one above is a lone dot.' \
		'From here on: a line that starts with From.' \
		'Gr=C3=BC=C3=9Fe' \
		'--=-b1' \
		'Content-Type: application/octet-stream; name="log.bin"' \
		'Content-Transfer-Encoding: base64' \
		'' \
		'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' \
		'--=-b1--' >"$1"
}

# queue_mail FILE TICKET KIND RCPT...: queues FILE for the recipients as
# mt_outbox_queue() does, through the sqlite3 tool, created and due at
# $MAILTICKET_NOW; prints the outbox id. (To become `mailticket reply`
# once the composing side exists.)
queue_mail () {
	f=$1 ticket=$2 kind=$3
	shift 3
	sum=$(sha256sum <"$f" | cut -d ' ' -f 1)
	mid=$(sed -n 's/^Message-ID: <\(.*\)>\r$/\1/p' "$f" | head -n 1)
	{
		echo "INSERT OR IGNORE INTO blobs (sha256, size, data)"
		echo " VALUES ('$sum', length(readfile('$f')), readfile('$f'));"
		echo "INSERT INTO outbox (ticket, kind, message_id, blob, envelope_from, next_attempt, created)"
		echo " VALUES (nullif($ticket, 0), '$kind', '$mid', '$sum', 'support@example.org', $MAILTICKET_NOW, $MAILTICKET_NOW);"
		for r in "$@"; do
			echo "INSERT INTO outbox_recipients (outbox, address) VALUES ((SELECT max(id) FROM outbox), '$r');"
		done
		echo "SELECT max(id) FROM outbox;"
	} | sql
}

expect_code 0 "init" -- mt init
expect_code 0 "a ticket to write about" -- deliver -f anna@customer.example -r support@example.org \
	<"$top/contrib/samples/01-new-request.eml"

# The bytes on the wire are the bytes in the outbox.
mail "$tmp/m1" m1
id=$(queue_mail "$tmp/m1" 1 reply anna@customer.example)
expect_code 0 "send one message: exit 0" -- send --once -v
expect_equal "$(received)" 1 "the server got one message"
cmp -s "$tmp/m1" "$(got 1)"; ok $? "its DATA is byte for byte the queued message (CRLF, dots, headers untouched)"
expect_equal "$(envelope 1 '[d["mail_from"], d["rcpt_tos"]]')" '["support@example.org", ["anna@customer.example"]]' \
	"envelope: MAIL FROM and RCPT TO from the outbox row"
expect_equal "$(envelope 1 'd["helo"]')" example.org "EHLO names the [mail] domain by default"
expect_equal "$(row "$id" '[r["state"], r["attempts"], r["recipients"][0]["state"]]')" '["sent", 1, "sent"]' \
	"outbox: sent after one attempt"
grep -q "outbox=$id ticket=1 kind=reply message-id=<m1@example.org> .* status=sent (250 " "$err"
ok $? "one log line for the message, Postfix style"
expect_code 0 "nothing due: exit 0" -- send
expect_equal "$(received)" 1 "... and nothing sent twice"

# Many messages, one session.
for n in 1 2 3 4 5; do
	mail "$tmp/many$n" "many$n" "c$n@customer.example"
	queue_mail "$tmp/many$n" 1 notification "c$n@customer.example" >/dev/null
done
expect_code 0 "send five messages" -- send
expect_equal "$(received)" 6 "the server got all five"
expect_equal "$(grep -c '^connect$' "$SMTP_DIR/log")" 2 "... over one more SMTP session"
same=0
for n in 1 2 3 4 5; do cmp -s "$tmp/many$n" "$(got $((n + 1)))" || same=1; done
ok $same "... each byte for byte as queued"

# A recipient the server refuses (550) fails; the others are sent; the
# ticket's owner reads why.
smtp_start --reject-rcpt '^nobody@'
mail "$tmp/m550" m550
id550=$(queue_mail "$tmp/m550" 1 reply anna@customer.example nobody@customer.example)
expect_code 0 "550 for one recipient: exit 0" -- send
expect_equal "$(received)" 1 "the message went to the other recipient"
expect_equal "$(envelope 1 'd["rcpt_tos"]')" '["anna@customer.example"]' "... and only to it"
expect_equal "$(row "$id550" 'r["state"]')" failed "outbox: failed (all done, one failed)"
expect_equal "$(row "$id550" '[r["recipients"][1]["state"], r["recipients"][1]["reply"][:9]]')" '["failed", "550 5.1.1"]' \
	"... the refused recipient failed with the server's reply"
expect_equal "$(row "$id550" 'r["recipients"][0]["state"]')" sent "... the other one sent"
mt show 1 --json >"$out"
expect_equal "$(json '[(a["kind"], a["internal"]) for a in d["articles"] if "could not be delivered" in a["text"]]' <"$out")" \
	'[["system", true]]' "the ticket has an internal system article about it"
note=$(json '[a["text"] for a in d["articles"] if a["kind"] == "system"][0]' <"$out")
case $note in
"Mail to nobody@customer.example could not be delivered: 550 5.1.1 "*) ok 0 "... naming the address and the reply" ;;
*) ok 1 "... naming the address and the reply"; diag "$note" ;;
esac
expect_equal "$(json '[h["new"] for h in d["history"] if h["field"] == "delivery"]' <"$out")" \
	'["failed to nobody@customer.example"]' "... and a history line"

# retry: the failed recipient only, once the server takes it.
smtp_start
expect_code 0 "outbox retry of a failed message" -- mt outbox retry "$id550"
expect_equal "$(row "$id550" '[r["state"], [x["state"] for x in r["recipients"]]]')" '["queued", ["sent", "queued"]]' \
	"... queued again, with its failed recipient"
expect_code 0 "send after the retry" -- send
expect_equal "$(envelope 1 'd["rcpt_tos"]')" '["nobody@customer.example"]' "... went to the failed recipient only"
expect_equal "$(row "$id550" 'r["state"]')" sent "... and the message is sent"
expect_code 1 "outbox retry of a sent message: exit 1" -- mt outbox retry "$id550"
expect_equal "$(stderr_lines)" 1 "... with one line"

# 451 after DATA, then 250: delivered exactly once, after the backoff.
smtp_start --defer-data 1
mail "$tmp/m451" m451
id451=$(queue_mail "$tmp/m451" 1 reply anna@customer.example)
expect_code 0 "451: exit 0" -- send
expect_equal "$(received)" 0 "451: nothing taken"
expect_equal "$(row "$id451" '[r["state"], r["attempts"], r["last_reply"][:9]]')" '["queued", 1, "451 4.3.0"]' \
	"451: queued, one attempt, the reply kept"
expect_equal "$(row "$id451" 'r["next_attempt"]')" "$(date -u -d @$((NOW + 60)) +%Y-%m-%dT%H:%M:%SZ)" \
	"451: next attempt 60 s later"
expect_code 0 "before the next attempt: exit 0" -- send
expect_equal "$(grep -c '^data' "$SMTP_DIR/log")" 1 "... and no new attempt"
at $((NOW + 60))
expect_code 0 "at the next attempt: exit 0" -- send
expect_equal "$(received)" 1 "delivered exactly once after the retry"
cmp -s "$tmp/m451" "$(got 1)"; ok $? "... byte for byte"
expect_equal "$(row "$id451" '[r["state"], r["attempts"]]')" '["sent", 2]' "outbox: sent on the second attempt"

# 421 and a hang-up in the middle of a session: the rest waits.
smtp_start --drop-data 1
at $((NOW + 120))
mail "$tmp/d1" d1; mail "$tmp/d2" d2
d1=$(queue_mail "$tmp/d1" 1 notification anna@customer.example)
d2=$(queue_mail "$tmp/d2" 1 notification anna@customer.example)
expect_code 0 "421 and hang-up: exit 0" -- send
expect_equal "$(received)" 0 "421: nothing taken"
expect_equal "$(outbox "[(r['state'], r['attempts']) for r in d if r['id'] in ($d1, $d2)]")" \
	'[["queued", 1], ["queued", 1]]' "421: both messages wait"
at $((NOW + 180))
expect_code 0 "after the 421" -- send
expect_equal "$(received)" 2 "both delivered once the server is back"

# No server at all: exit 0, one line, the message waits.
smtp_stop
mail "$tmp/down" down
at $((NOW + 240))
iddown=$(queue_mail "$tmp/down" 1 reply anna@customer.example)
expect_code 0 "server down: exit 0" -- send
expect_equal "$(stderr_lines)" 1 "server down: one line on stderr"
grep -q "cannot send via 127.0.0.1:$SMTP_PORT: " "$err"; ok $? "... saying where and why" || diag "$(cat "$err")"
expect_equal "$(row "$iddown" '[r["state"], r["attempts"]]')" '["queued", 1]' "server down: queued, attempts 1"
smtp_start
at $((NOW + 300))
expect_code 0 "server back" -- send
expect_equal "$(row "$iddown" '[r["state"], r["attempts"]]')" '["sent", 2]' "... and the message is sent"

# A sender that died: its claim expires and the row is taken again; a
# live claim is left alone.
mail "$tmp/dead" dead; mail "$tmp/live" live
iddead=$(queue_mail "$tmp/dead" 1 reply anna@customer.example)
idlive=$(queue_mail "$tmp/live" 1 reply anna@customer.example)
before=$(received)
sql "UPDATE outbox SET state = 'sending', claimed_by = 'dead:1', claimed_until = $((NOW + 299)) WHERE id = $iddead;
     UPDATE outbox SET state = 'sending', claimed_by = 'live:2', claimed_until = $((NOW + 900)) WHERE id = $idlive;"
expect_code 0 "send with one expired and one live claim" -- send
expect_equal "$(row "$iddead" 'r["state"]')" sent "the expired claim's message is sent"
expect_equal "$(row "$idlive" '[r["state"], r["claimed_by"]]')" '["sending", "live:2"]' "the live claim is untouched"
expect_equal "$(received)" $((before + 1)) "one message sent"
sql "DELETE FROM outbox_recipients WHERE outbox = $idlive; DELETE FROM outbox WHERE id = $idlive"

# Two senders at once over 50 messages: each arrives exactly once.
smtp_start
for n in $(seq 1 50); do
	mail "$tmp/p$n" "p$n"
	queue_mail "$tmp/p$n" 1 notification anna@customer.example >/dev/null
done
send >"$tmp/s1.out" 2>&1 & s1=$!
send >"$tmp/s2.out" 2>&1 & s2=$!
wait $s1; r1=$? ; wait $s2; r2=$?
expect_equal "$r1 $r2" "0 0" "two senders at once: both exit 0"
expect_equal "$(received)" 50 "two senders: the server got 50 messages"
expect_equal "$(cat "$SMTP_DIR"/*.eml | grep -a '^Message-ID: <p' | sort | uniq | wc -l | tr -d ' ')" 50 \
	"... 50 different ones: each exactly once"
expect_equal "$(outbox "len([r for r in d if r['state'] == 'sent' and r['message_id'].startswith('p')])")" 50 \
	"... and all 50 are sent"

# --once is one pass (at most 100 messages); without it, passes go on
# until nothing is due.
smtp_start
for n in $(seq 1 130); do
	mail "$tmp/b$n" "b$n"
	queue_mail "$tmp/b$n" 0 notification anna@customer.example >/dev/null
done
expect_code 0 "--once with 130 due" -- send --once
expect_equal "$(received)" 100 "--once: one batch of 100"
expect_code 0 "without --once" -- send
expect_equal "$(received)" 130 "... the rest"
expect_equal "$(outbox "len([r for r in d if r['state'] != 'sent'])")" 0 "the outbox is drained"

# `mailticket outbox` as an admin sees it.
expect_code 0 "outbox list" -- mt outbox list
grep -q "^ *$id550  sent  *reply  *1  *2  *-  *anna@customer.example, nobody@customer.example  (250 " "$out"
ok $? "list: id, state, kind, ticket, tries, next attempt, recipients, last reply" || sed -n '1,3s/^/#   /p' "$out"
expect_code 0 "outbox list --state queued --json" -- mt outbox list --state queued --json
expect_equal "$(json 'd' <"$out")" '[]' "... nothing is queued"
expect_code 0 "outbox show" -- mt outbox show "$id550"
grep -q '^  nobody@customer.example  *sent  *250 ' "$out"; ok $? "show: the recipients with their replies"
expect_code 0 "outbox show --raw" -- mt outbox show "$id550" --raw
cmp -s "$tmp/m550" "$out"; ok $? "show --raw: the exact bytes"
expect_code 0 "outbox show --json" -- mt outbox show "$id" --json
expect_equal "$(json '[d["message_id"], d["kind"], d["size"]]' <"$out")" "[\"m1@example.org\", \"reply\", $(wc -c <"$tmp/m1")]" \
	"show --json: one object"
expect_code 1 "outbox show 99999: exit 1" -- mt outbox show 99999
expect_code 1 "outbox list --state bogus: exit 1" -- mt outbox list --state bogus
expect_code 1 "outbox frobnicate: exit 1" -- mt outbox frobnicate

# max_age: a temporary failure after it gives the message up.
smtp_start --defer-data 100
at $((NOW + 1000))
mail "$tmp/old" old
idold=$(queue_mail "$tmp/old" 1 reply anna@customer.example)
cp "$MAILTICKET_CONF" "$tmp/age.conf"
printf 'max_age=1h\n' >>"$tmp/age.conf"
expect_code 0 "within max_age: exit 0" -- send -c "$tmp/age.conf"
expect_equal "$(row "$idold" 'r["state"]')" queued "within max_age: queued"
at $((NOW + 1000 + 3600))
expect_code 0 "past max_age: exit 0" -- send -c "$tmp/age.conf"
expect_equal "$(row "$idold" '[r["state"], r["last_reply"][:27]]')" '["failed", "gave up after 1h: 451 4.3.0"]' \
	"past max_age: failed, saying why"
mt show 1 --json | json '[a for a in d["articles"] if "gave up after 1h" in a["text"]][0]["internal"]' >"$out"
expect_equal "$(cat "$out")" true "... noted on the ticket"

# AUTH, with a password file that everybody may read: a warning, never
# the password.
smtp_start --auth helpdesk:s3cr3t-pw
at $((NOW + 10000))
printf 's3cr3t-pw\n' >"$tmp/pw"
chmod 0644 "$tmp/pw"
smtp_conf user=helpdesk "password_file=$tmp/pw"
mail "$tmp/auth" auth
idauth=$(queue_mail "$tmp/auth" 1 reply anna@customer.example)
expect_code 0 "AUTH: exit 0" -- send -v
expect_equal "$(row "$idauth" 'r["state"]')" sent "AUTH: sent"
expect_equal "$(envelope 1 'd["auth"]')" helpdesk "... as the configured user"
grep -q "warning: $tmp/pw is readable by every user" "$err"; ok $? "a world-readable password file: a warning"
grep -q s3cr3t-pw "$err" "$out"; [ $? = 1 ]; ok $? "... and the password is never printed"
chmod 0600 "$tmp/pw"
printf 'wrong\n' >"$tmp/pw"
mail "$tmp/auth2" auth2
idauth2=$(queue_mail "$tmp/auth2" 1 reply anna@customer.example)
expect_code 0 "wrong password: exit 0" -- send
grep -q 'readable by every user' "$err"; [ $? = 1 ]; ok $? "a private password file: no warning"
grep -q "^mailticket-send: cannot send via 127.0.0.1:$SMTP_PORT: authentication as helpdesk failed: 535 " "$err"
ok $? "wrong password: one line saying so" || diag "$(cat "$err")"
expect_equal "$(row "$idauth2" '[r["state"], r["last_reply"][:3]]')" '["queued", "530"]' \
	"wrong password: the message waits (530 is our configuration, not the message)"

# STARTTLS required from a server that offers none: nothing is sent.
smtp_start
smtp_conf starttls=required
mail "$tmp/tls" tls
idtls=$(queue_mail "$tmp/tls" 1 reply anna@customer.example)
expect_code 0 "starttls=required, not offered: exit 0" -- send
expect_equal "$(stderr_lines)" 1 "... one line"
grep -q 'offers no STARTTLS' "$err"; ok $? "... saying so" || diag "$(cat "$err")"
expect_equal "$(grep -c '^mail' "$SMTP_DIR/log")" 0 "... and nothing was sent in clear"
expect_equal "$(row "$idtls" 'r["state"]')" queued "... the message waits"

# STARTTLS, with a server certificate for "localhost" from a test CA.
# yes takes any certificate (opportunistic, as Postfix's "may");
# required wants one that verifies and names the host.
if command -v openssl >/dev/null; then
	(
		cd "$tmp" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=mailticket test CA' \
			-keyout ca.key -out ca.crt
		openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout tls.key -out tls.csr
		printf 'subjectAltName=DNS:localhost\n' >tls.ext
		openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
			-extfile tls.ext -out tls.crt
		cat tls.key tls.crt >tls.pem
	) >/dev/null 2>&1
	smtp_start --tls "$tmp/tls.pem"
	smtp_conf starttls=required
	at $((NOW + 10100))
	expect_code 0 "starttls=required, a certificate from an unknown CA: exit 0" -- send
	grep -q "cannot send via 127.0.0.1:$SMTP_PORT: the server's certificate does not verify" "$err"
	ok $? "... one line saying so" || diag "$(cat "$err")"
	expect_equal "$(grep -c '^mail' "$SMTP_DIR/log")" 0 "... and nothing was sent"
	at $((NOW + 10300))
	expect_code 0 "starttls=required, a trusted certificate for another name: exit 0" -- \
		env SSL_CERT_FILE="$tmp/ca.crt" "$BIN/mailticket-send" --db "$DB"
	grep -q "the server's certificate is for localhost, not 127.0.0.1" "$err"
	ok $? "... one line saying so" || diag "$(cat "$err")"
	sed -i 's/^host=127.0.0.1$/host=localhost/' "$MAILTICKET_CONF"
	at $((NOW + 10600))
	expect_code 0 "starttls=required, a trusted certificate for the host" -- \
		env SSL_CERT_FILE="$tmp/ca.crt" "$BIN/mailticket-send" --db "$DB"
	expect_equal "$(row "$idtls" 'r["state"]')" sent "... sent"
	expect_equal "$(json 'd["tls"]' <"$(got_id tls | sed 's/eml$/json/')")" true "... over TLS"
	cmp -s "$tmp/tls" "$(got_id tls)"; ok $? "... byte for byte"
	mail "$tmp/tls2" tls2
	idtls2=$(queue_mail "$tmp/tls2" 1 reply anna@customer.example)
	sed -i 's/^starttls=required$/starttls=yes/; s/^host=localhost$/host=127.0.0.1/' "$MAILTICKET_CONF"
	expect_code 0 "starttls=yes, a certificate from an unknown CA for another name" -- send
	expect_equal "$(row "$idtls2" 'r["state"]')" sent "... sent"
	expect_equal "$(json 'd["tls"]' <"$(got_id tls2 | sed 's/eml$/json/')")" true "... over TLS"
	# Each run of these negotiates TLS again: a libesmtp that would hang
	# on TLS 1.3 session tickets would hang here.
	for n in 1 2 3 4 5 6; do
		mail "$tmp/tls$n" "tlsx$n"
		queue_mail "$tmp/tls$n" 1 reply anna@customer.example >/dev/null
		timeout 20 "$BIN/mailticket-send" --db "$DB" || echo "run $n: exit $?" >>"$tmp/tls.runs"
	done
	expect_equal "$(cat "$tmp/tls.runs" 2>/dev/null)" "" "six more TLS sessions, none hangs"
	expect_equal "$(grep -l '^Message-ID: <tlsx' "$SMTP_DIR"/*.eml | wc -l | tr -d ' ')" 6 \
		"... and all their messages arrive"
else
	skip "starttls with certificates" "no openssl(1)"
fi

# Configuration errors: one line, EX_CONFIG.
for bad in 'starttls=maybe' 'port=0' 'max_age=soon' "password_file=$tmp/no-such-file"; do
	cp "$MAILTICKET_CONF" "$tmp/bad.conf"
	sed -i '/^starttls=/d; /^password_file=/d' "$tmp/bad.conf"
	printf '%s\n' "$bad" >>"$tmp/bad.conf"
	expect_code 78 "config $bad: exit 78" -- send -c "$tmp/bad.conf"
	expect_equal "$(stderr_lines)" 1 "config $bad: one line"
done
expect_code 1 "a bad option: exit 1" -- send --bogus
expect_code 1 "no database: exit 1" -- "$BIN/mailticket-send" --db "$tmp/none.db"

# A write lock held past busy_timeout: 75.
sed -i '/^starttls=/d' "$MAILTICKET_CONF"
sed 's/^busy_timeout=.*/busy_timeout=300/' "$MAILTICKET_CONF" >"$tmp/lock.conf"
mkfifo "$tmp/lock.fifo"
sqlite3 "$DB" <"$tmp/lock.fifo" >"$tmp/lock.out" 2>&1 &
locker=$!
exec 3>"$tmp/lock.fifo"
printf '.timeout 5000\nBEGIN IMMEDIATE;\nSELECT 1;\n' >&3
i=0
while [ "$(cat "$tmp/lock.out")" != 1 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
expect_code 75 "database locked: exit 75" -- send -c "$tmp/lock.conf"
expect_equal "$(stderr_lines)" 1 "database locked: one line"
printf 'COMMIT;\n' >&3
exec 3>&-
wait $locker
