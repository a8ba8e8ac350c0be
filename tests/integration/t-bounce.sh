#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bounces (delivery status notifications, RFC 3464) through a real SMTP
# server on 127.0.0.1. Anyone can send one, so a report changes the
# outbox only for a message that mailticket-send really handed to the
# server, and only for the recipients its Final-Recipient fields name
# with Action: failed; anything else is only filed in its ticket. What
# a user sees: the mail that still goes out, `mailticket outbox`, and
# the agent told of a failure (only of a real one). A forged report of
# 2 MB (20 MB with MAILTICKET_STRESS=full) costs about what any message
# of its size does.
. "$(dirname "$0")/../lib.sh"

printf 'bounce-secret' >"$tmp/secret"
echo "secret_file=$tmp/secret" >>"$MAILTICKET_CONF"
smtp_start
plan 28
send () { "$BIN/mailticket-send" --db "$DB" --once; }
# mails_to ADDRESS: how many messages the server accepted for ADDRESS
mails_to () { cat "$SMTP_DIR"/*.json 2>/dev/null | grep -o "\"$1\"" | wc -l | tr -d ' '; }
# outbox ID: "STATE / ADDRESS STATE, ..." of outbox row ID, from outbox show --json
outbox () {
	mt outbox show "$1" --json |
		json 'd["state"] + " / " + ", ".join(r["address"] + " " + r["state"] for r in d["recipients"])'
}

# dsn NAME MESSAGE-ID ACTION RECIPIENT...: $tmp/NAME, a report from the
# customer's mail server that the message MESSAGE-ID had ACTION for each
# RECIPIENT.
dsn () {
	name=$1 id=$2 action=$3
	shift 3
	{
		printf 'From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)\nTo: support@example.org\n'
		printf 'Subject: Delivery Status Notification\nMessage-ID: <%s@mx.customer.example>\n' "$name"
		printf 'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
		printf '%s\n' --B 'Content-Type: text/plain' '' 'Your message could not be delivered.' ''
		printf '%s\n' --B 'Content-Type: message/delivery-status' '' 'Reporting-MTA: dns; mx.customer.example'
		for r in "$@"; do
			printf '\nFinal-Recipient: rfc822; %s\nAction: %s\nStatus: 5.1.1\n' "$r" "$action"
			printf 'Diagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected\n' "$r"
		done
		printf '\n'
		printf '%s\n' --B 'Content-Type: text/rfc822-headers' '' 'From: support@example.org' "Message-ID: <$id>" ''
		printf '%s\n' --B--
	} >"$tmp/$name"
}
bounce () { deliver -f "" -r support@example.org <"$tmp/$1"; }

mt init >/dev/null
echo "The printer jams." | compose anna@customer.example support@example.org req-1@customer.example "Printer jams" \
	>"$tmp/request"
expect_code 0 "a request opens ticket 1" -- deliver -f anna@customer.example -r support@example.org <"$tmp/request"
ack=$(sql "select id from outbox where kind = 'ack'")
ack_id=$(sql "select message_id from outbox where id = $ack")

# A forged report for the acknowledgement, which was never sent.
dsn forged "$ack_id" failed anna@customer.example
expect_code 0 "a report that the queued acknowledgement failed" -- bounce forged
expect_equal "$(sql "select ticket from articles where message_id = 'forged@mx.customer.example'")" 1 \
	"... is filed in ticket 1"
expect_equal "$(outbox "$ack")" "queued / anna@customer.example queued" "... and leaves the acknowledgement queued"
expect_code 0 "send" -- send
expect_equal "$(mails_to anna@customer.example)" 1 "... so that anna still gets it"

# A reply to the requester and a Cc, sent.
agent alice
expect_code 0 "alice replies to anna, with boss in Cc" -- mt reply 1 -m "Try the other tray." --cc boss@customer.example
expect_code 0 "send" -- send
reply=$(sql "select id from outbox where kind = 'reply'")
reply_id=$(sql "select message_id from outbox where id = $reply")
expect_equal "$(outbox "$reply")" "sent / anna@customer.example sent, boss@customer.example sent" \
	"the reply went to both"

# Reports that change nothing.
sent=$(smtp_count)
dsn delayed "$reply_id" delayed boss@customer.example
expect_code 0 "a report that the reply to boss is delayed" -- bounce delayed
dsn stranger "$reply_id" failed stranger@evil.test
expect_code 0 "a report that the reply failed for an address it did not go to" -- bounce stranger
expect_equal "$(outbox "$reply")" "sent / anna@customer.example sent, boss@customer.example sent" \
	"... change nothing in the outbox"
expect_code 0 "send" -- send
expect_equal "$(smtp_count)" "$sent" "... and tell nobody"

# A report naming one of the two recipients.
dsn boss "$reply_id" failed boss@customer.example
expect_code 0 "a report that the reply to boss failed" -- bounce boss
expect_equal "$(outbox "$reply")" "sent / anna@customer.example sent, boss@customer.example failed" \
	"... fails boss only: anna got it, and the reply stays sent"
mt outbox list >"$out"
grep -q "sent     reply .*  anna@customer.example, boss@customer.example (failed)" "$out"
ok $? "outbox list marks boss failed" || sed 's/^/#   /' "$out"
mt outbox show "$reply" >"$out"
grep -q "boss@customer.example  *failed  *5.1.1 smtp; 550 5.1.1 <boss@customer.example>" "$out"
ok $? "outbox show gives the report's reason for boss" || sed 's/^/#   /' "$out"
expect_code 0 "send" -- send
expect_equal "$(smtp_count) $(mails_to alice@example.org)" "$((sent + 1)) 1" "alice, who wrote the reply, is told"
grep -q "boss@customer.example: 5.1.1" "$(printf '%s/%04d.eml' "$SMTP_DIR" "$(smtp_count)")"
ok $? "... that boss did not get it, and why"

# The same failure reported again.
dsn boss-again "$reply_id" failed boss@customer.example
expect_code 0 "a second report that the reply to boss failed" -- bounce boss-again
expect_code 0 "send" -- send
expect_equal "$(smtp_count)" "$((sent + 1))" "... tells nobody again"

# A report for a sent message with one recipient.
dsn ack-failed "$ack_id" failed anna@customer.example
expect_code 0 "a report that the sent acknowledgement failed" -- bounce ack-failed
expect_equal "$(outbox "$ack")" "failed / anna@customer.example failed" \
	"... fails it: its only recipient failed"

# A forged report of many MB, for the sent reply: it names a stranger
# first, then anna beyond the part of the report that is read. It is
# filed in a fraction of the time the report took to re-read (a minute
# for 20 MB), and changes nothing.
size=$(stress 2000000 20000000)
python3 - "$tmp/big" "$size" "$reply_id" <<'PY'
import sys
path, size, mid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write("From: MAILER-DAEMON@evil.test\nTo: support@example.org\nSubject: big report\n"
            "Message-ID: <big@evil.test>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; evil.test\n\n")
    n = 0
    while n < size:
        block = "Final-Recipient: rfc822; stranger%d@evil.test\nAction: failed\nStatus: 5.1.1\n\n" % n
        f.write(block)
        n += len(block)
    f.write("Final-Recipient: rfc822; anna@customer.example\nAction: failed\nStatus: 5.1.1\n\n")
    f.write("--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: <%s>\n\n--B--\n" % mid)
PY
measured "$(limit 60)" "$BIN/mailticket-deliver" --db "$DB" -f "" -r support@example.org <"$tmp/big"
figure "big report" "$(wc -c <"$tmp/big") bytes, $secs s, $cpu s CPU, $((rss / 1024)) MB"
python3 -c 'import sys; sys.exit(not (sys.argv[1] == "0" and float(sys.argv[2]) < float(sys.argv[3])))' \
	"$code" "$cpu" "$(limit "$(stress 1 5)")"
ok $? "a report of $((size / 1000000)) MB is filed (exit 0) within $(stress 1 5) s of CPU"
expect_equal "$(outbox "$reply")" "sent / anna@customer.example sent, boss@customer.example failed" \
	"... and changes nothing"
