#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Two-way mail through a real SMTP server on 127.0.0.1: the
# acknowledgement a customer receives, the customer's answer to it landing
# in the same ticket whatever the mail client kept, replies with
# attachments, notifications to watchers, internal notes that never reach
# the requester, automatic mail left unanswered, bounces, and two
# helpdesks that answer each other until they stop.
. "$(dirname "$0")/../lib.sh"

printf 'outbound-secret' >"$tmp/secret"
cat >>"$MAILTICKET_CONF" <<EOF
secret_file=$tmp/secret
response_time=4 hours
EOF
smtp_start
plan 59
send () { "$BIN/mailticket-send" --db "$DB" --once "$@"; }
site_send () { MAILTICKET_CONF=$tmp/$1.conf "$BIN/mailticket-send" --once; }

# msg N: the path of the Nth message the server accepted (1-based)
msg () { printf '%s/%04d.eml' "$SMTP_DIR" "$1"; }
# env N EXPR: a python expression over the envelope of message N (as e)
env () { python3 -c 'import json, sys; e = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
	"$(printf '%s/%04d.json' "$SMTP_DIR" "$1")" "$2"; }
# hdr N NAME: a header of message N, as the Python email package reads it
hdr () { python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
v = m[sys.argv[2]]; print("" if v is None else str(v))' "$(msg "$1")" "$2"; }
received () { smtp_count; }

cat >"$tmp/new" <<'EOF'
From: Anna Kunde <anna@customer.example>
To: support@example.org
Subject: Printer jams
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <new-1@customer.example>

The printer jams on every second page.
EOF
expect_code 0 "a new request" -- deliver -f anna@customer.example -r support@example.org <"$tmp/new"
expect_code 0 "mailticket-send delivers the outbox" -- send
expect_equal "$(received)" 1 "the server received one message: the acknowledgement"
expect_equal "$(env 1 'e["rcpt_tos"]')" "['anna@customer.example']" "... to the requester"
token=$(mt token 1 | head -n 1)
expect_equal "$(env 1 'e["mail_from"]')" "$token" "... from the ticket's reply address (bounces find the ticket)"
expect_equal "$(hdr 1 Reply-To)" "$token" "... Reply-To is the reply token"
expect_equal "$(hdr 1 Auto-Submitted)" auto-replied "... Auto-Submitted: auto-replied"
expect_equal "$(hdr 1 X-Loop)" support@example.org "... X-Loop"
expect_equal "$(hdr 1 Subject)" "[Ticket#1] Printer jams" "... the subject token"
expect_equal "$(hdr 1 In-Reply-To)" "<new-1@customer.example>" "... In-Reply-To the request"
grep -q "We will answer within 4 hours" "$(msg 1)"; ok $? "... promises the response time"
ack_id=$(hdr 1 Message-ID)
expect_equal "$(sql "select ticket from message_ids where message_id = '$(echo "$ack_id" | tr -d '<>')'")" 1 \
	"its Message-ID is recorded for the ticket"
sha=$(sha256sum "$(msg 1)" | cut -d' ' -f1)
expect_equal "$(sql "select count(*) from outbox where blob = '$sha' and state = 'sent'")" 1 \
	"the bytes received are the bytes queued, and the row is sent"
expect_code 0 "send again" -- send
expect_equal "$(received)" 1 "... sends nothing twice"

# The customer answers the acknowledgement, with three kinds of client.
answer () {	# answer NAME HEADERS...: a reply built from the acknowledgement
	name=$1; shift
	{ printf 'From: anna@customer.example\n'; printf '%s\n' "$@"; printf '\nAnswer %s\n' "$name"; } >"$tmp/$name"
}
answer irt "To: support@example.org" "Subject: Re: something else entirely" \
	"Message-ID: <ans-irt@customer.example>" "In-Reply-To: $ack_id"
expect_code 0 "an answer by In-Reply-To" -- deliver -f anna@customer.example -r support@example.org <"$tmp/irt"
answer token "To: $token" "Subject: no token here"
expect_code 0 "an answer with every header stripped but the Reply-To address" -- \
	deliver -f anna@customer.example -r "$token" <"$tmp/token"
answer subject "To: support@example.org" "Subject: AW: [Ticket#1] Printer jams" "Message-ID: <ans-subj@customer.example>"
expect_code 0 "an answer with only the subject token" -- deliver -f anna@customer.example -r support@example.org <"$tmp/subject"
expect_equal "$(sql 'select count(*) from tickets')" 1 "all three answers joined ticket 1"
expect_equal "$(sql "select group_concat(via, ',') from (select via from articles where ticket = 1 and kind = 'email-in' order by id)")" \
	"new,in-reply-to,token,subject" "... each by the rule its client left us"
expect_code 0 "send" -- send
expect_equal "$(received)" 1 "answers to a ticket get no new acknowledgement"

# Agents, watchers, a reply with an attachment, an internal note.
MAILTICKET_USER=alice; export MAILTICKET_USER
mt user add alice --email alice@example.org --name "Alice Agent" >/dev/null
mt user add bob --email bob@example.org >/dev/null
expect_code 0 "bob watches ticket 1" -- mt watch 1 add bob
# Binary data that content sniffing takes for MATLAB source, by its
# leading "%": it must still go as application/octet-stream, its bytes
# intact (random data alone hit this one time in 250).
{ printf '%% \000\377'; head -c 2996 /dev/urandom; } >"$tmp/diag.bin"
printf 'driver 4.1\nfirmware 2.0\n' >"$tmp/versions.txt"
expect_code 0 "alice replies with two attachments" -- \
	mt reply 1 -m "Please install the new driver. Grüße" --attach "$tmp/diag.bin" --attach "$tmp/versions.txt" \
	--cc boss@customer.example
expect_code 0 "send" -- send
expect_equal "$(received)" 3 "the reply and one notification went out"
reply_n=$(for n in 2 3; do [ "$(hdr $n Auto-Submitted)" = "" ] && echo $n; done)
note_n=$((5 - reply_n))
expect_equal "$(env "$reply_n" 'sorted(e["rcpt_tos"])')" "['anna@customer.example', 'boss@customer.example']" \
	"the reply goes to the requester and the Cc"
expect_equal "$(hdr "$reply_n" In-Reply-To)" "<ans-subj@customer.example>" "... In-Reply-To the customer's last mail"
expect_equal "$(hdr "$reply_n" Subject)" "[Ticket#1] Printer jams" "... with the subject token"
python3 - "$(msg "$reply_n")" "$tmp/diag.bin" <<'PY'; ok $? "... multipart/alternative text and HTML, the attachments intact and typed"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
kinds = [p.get_content_type() for p in m.walk()]
att = [p for p in m.iter_attachments()]
assert "multipart/alternative" in kinds and "text/html" in kinds, kinds
assert "Grüße" in m.get_body(("plain",)).get_content()
assert [a.get_filename() for a in att] == ["diag.bin", "versions.txt"], att
assert att[0].get_content() == open(sys.argv[2], "rb").read()
assert att[0].get_content_type() == "application/octet-stream", att[0].get_content_type()
assert att[1].get_content_type() == "text/plain", att[1].get_content_type()
PY
expect_equal "$(env "$note_n" 'e["rcpt_tos"]')" "['bob@example.org']" "bob, watching, is notified"
expect_equal "$(hdr "$note_n" Auto-Submitted)" auto-generated "... Auto-Submitted: auto-generated"
sha=$(sha256sum "$(msg "$reply_n")" | cut -d' ' -f1)
expect_equal "$(sql "select kind from articles where blob = '$sha'")" email-out \
	"the reply is stored as an email-out article with the bytes that were sent"
expect_code 0 "an internal note" -- mt note 1 -m "Driver 4.2 is broken, do not offer it."
expect_code 0 "send" -- send
expect_equal "$(received)" 4 "one message for the note"
expect_equal "$(env 4 'e["rcpt_tos"]')" "['bob@example.org']" "... to the watching agent only"
grep -rl "Driver 4.2 is broken" "$SMTP_DIR"/*.eml | while read -r f; do
	grep -q "anna@customer.example\|boss@customer.example" "${f%.eml}.json" && echo leaked; done >"$tmp/leak"
[ ! -s "$tmp/leak" ]; ok $? "the note never reaches the requester or the Cc"

# Automatic mail is filed, never answered.
n=0
for h in "Auto-Submitted: auto-replied" "Precedence: bulk" "List-Id: <users.lists.example>" "X-Loop: support@example.org"; do
	n=$((n + 1))
	printf 'From: robot%d@customer.example\nTo: support@example.org\nSubject: automatic %d\nMessage-ID: <auto-%d@x>\n%s\n\nauto\n' \
		$n $n $n "$h" >"$tmp/auto"
	deliver -f "robot$n@customer.example" -r support@example.org <"$tmp/auto"
done
printf 'From: MAILER-DAEMON@customer.example\nTo: support@example.org\nSubject: failure\nMessage-ID: <auto-md@x>\n\nx\n' |
	deliver -f "" -r support@example.org
expect_equal "$(sql 'select count(*) from tickets')" 6 "five automatic mails opened five tickets"
expect_code 0 "send" -- send
expect_equal "$(received)" 4 "... and got no acknowledgement"

# The rate limit: at most ack_limit acknowledgements an hour to one address.
echo "ack_limit=2" >"$tmp/limit"
sed -i "/^\[mail\]/r $tmp/limit" "$MAILTICKET_CONF"
for i in 1 2 3; do
	printf 'From: flood@customer.example\nTo: support@example.org\nSubject: flood %d\nMessage-ID: <flood-%d@x>\n\nx\n' $i $i |
		deliver -f flood@customer.example -r support@example.org
done
expect_code 0 "send" -- send
expect_equal "$(grep -l flood@customer.example "$SMTP_DIR"/*.json | wc -l)" 2 "three new tickets from one address: two acknowledgements"

# A bounce of our reply joins the ticket and fails the recipient it names.
reply_id=$(hdr "$reply_n" Message-ID)
cat >"$tmp/bounce" <<EOF
From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)
To: $token
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.customer.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

Final-Recipient: rfc822; boss@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <boss@customer.example>: Recipient address rejected

--B
Content-Type: text/rfc822-headers

From: support@example.org
To: anna@customer.example
Subject: [Ticket#1] Printer jams
Message-ID: $reply_id

--B--
EOF
expect_code 0 "a bounce, delivered without the token in the envelope" -- deliver -f "" -r support@example.org <"$tmp/bounce"
expect_equal "$(sql "select ticket || ' ' || automatic from articles where message_id = 'bounce-1@mx.customer.example'")" "1 1" \
	"the bounce joins ticket 1 as automatic mail"
rcpts="select r.address, r.state, r.reply from outbox_recipients r join outbox o on o.id = r.outbox
	where o.message_id = '$(echo "$reply_id" | tr -d '<>')' order by address"
expect_equal "$(sql "select group_concat(address || ' ' || state, ', ') from ($rcpts)")" \
	"anna@customer.example sent, boss@customer.example failed" "... and fails the Cc it names, not the requester"
sql "select reply from ($rcpts) where address = 'boss@customer.example'" | grep -q "5.1.1"
ok $? "... with the reason from the report"
before=$(received)
expect_code 0 "send" -- send
expect_equal "$(received)" "$((before + 1))" "a bounce is answered by nobody: one mail goes out, ..."
expect_equal "$(env "$(received)" 'e["rcpt_tos"]')" "['alice@example.org']" "... to alice, who wrote the reply"
grep -q '550 5.1.1' "$(printf '%s/%04d.eml' "$SMTP_DIR" "$(received)")"; ok $? "... with the reason"

# A recipient the server refuses: the reply fails for it, and the agents hear.
smtp_start --reject-rcpt 'gone@customer\.example'
expect_code 0 "a reply with a Cc the server refuses" -- mt reply 1 -m "One more thing." --cc gone@customer.example
expect_code 0 "send" -- send
expect_code 0 "send again" -- send
expect_equal "$(sql "select state from outbox where kind = 'reply' order by id desc limit 1")" failed \
	"the reply's row is failed (one recipient refused)"
expect_equal "$(sql "select state || ' ' || substr(reply, 1, 3) from outbox_recipients where address = 'gone@customer.example'")" \
	"failed 550" "... for the refused recipient, with the server's reply"
expect_equal "$(sql "select count(*) from articles where ticket = 1 and kind = 'system' and internal and text like '%gone@customer.example%'")" 1 \
	"an internal system article on the ticket says so"
grep -l "could not be delivered" "$SMTP_DIR"/*.eml | while read -r f; do cat "${f%.eml}.json"; done | grep -q bob@example.org
ok $? "the watching agent is told"

# Two helpdesks whose support addresses write to each other.
siteconf () {	# siteconf NAME DOMAIN: a config of its own, same SMTP server
	cat >"$tmp/$1.conf" <<EOF
[database]
path=$tmp/$1.db
[mail]
domain=$2
address=support@$2
[smtp]
host=127.0.0.1
port=$SMTP_PORT
EOF
}
siteconf a a.example
siteconf b b.example
for site in a b; do MAILTICKET_CONF=$tmp/$site.conf "$BIN/mailticket" init >/dev/null; done
seen=$(received)
printf 'From: support@b.example\nTo: support@a.example\nSubject: Your invoice\nMessage-ID: <start@b.example>\n\nhello\n' |
	MAILTICKET_CONF=$tmp/a.conf "$BIN/mailticket-deliver" -f support@b.example -r support@a.example
rounds=0 exchanged=0
while [ $rounds -lt 10 ]; do
	rounds=$((rounds + 1))
	site_send a
	site_send b
	now=$(received)
	[ "$now" = "$seen" ] && break
	n=$seen
	while [ $n -lt "$now" ]; do
		n=$((n + 1)); exchanged=$((exchanged + 1))
		for site in a b; do
			rcpt=$(env $n 'e["rcpt_tos"][0]')
			case $rcpt in *@$site.example)
				MAILTICKET_CONF=$tmp/$site.conf "$BIN/mailticket-deliver" -f "$(env $n 'e["mail_from"]')" \
					-r "$rcpt" <"$(msg $n)" ;;
			esac
		done
	done
	seen=$now
done
[ "$exchanged" -le 2 ] && [ $rounds -lt 10 ]; ok $? "two helpdesks answering each other stop ($exchanged messages, $rounds rounds)"
diag "loop: $exchanged messages exchanged in $rounds rounds"
