#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket-deliver threads hand-written mail into tickets as DESIGN.md
# says: new ticket, In-Reply-To, References, subject token (participant or
# stranger, linked or joined), reply tokens (valid and forged), missing
# parents, reopening, queues, and the decoding that show --json reports.
. "$(dirname "$0")/../lib.sh"
plan 76

minute=0
# msg NAME FROM SUBJECT [HEADER-LINES]: $tmp/NAME.eml, Message-ID <NAME@mt.test>
msg () {
	minute=$((minute + 1))
	{
		printf 'From: %s\nTo: Support <support@example.org>\nSubject: %s\n' "$2" "$3"
		printf 'Date: Mon, 02 Jan 2023 10:%02d:00 +0000\nMessage-ID: <%s@mt.test>\n' "$minute" "$1"
		if [ -n "${4-}" ]; then printf '%s\n' "$4"; fi
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nBody of %s.\n' "$1"
	} >"$tmp/$1.eml"
}
# send NAME [RECIPIENT]: delivers $tmp/NAME.eml
send () {
	expect_code 0 "deliver $1" -- deliver -f sender@mt.test -r "${2:-support@example.org}" <"$tmp/$1.eml"
}
# tk NAME: the ticket holding message NAME
tk () { sql "select ticket from articles where message_id = '$1@mt.test'"; }
# art T NAME KEY: field KEY of message NAME's article in ticket T, from show --json
art () { mt show "$1" --json | json "[a for a in d['articles'] if a['message_id'] == '$2@mt.test'][0]['$3']"; }
tfield () { mt show "$1" --json | json "d['$2']"; }
ntickets () {
	n=$(mt list --json | json 'len(d)')
	case $n in '' | *[!0-9]*) diag "list --json: $n" >&2; echo -1 ;; *) echo "$n" ;; esac
}
narticles () { mt show "$1" --json | json "len(d['articles'])"; }

alice='Alice Example <alice@customer.test>'

# A new ticket.
msg m1 "$alice" 'Printer on fire' 'Cc: Carol <carol@customer.test>'
send m1
t1=$(tk m1)
expect_equal "$(ntickets)" 1 "m1 opens one ticket"
expect_equal "$(tfield "$t1" status)" new "new ticket has status new"
expect_equal "$(tfield "$t1" priority)" 5 "new ticket has priority 5"
expect_equal "$(tfield "$t1" subject)" 'Printer on fire' "ticket subject from the mail"
expect_equal "$(tfield "$t1" queue)" support "queue of support@example.org is support"
case $(tfield "$t1" requester) in
*alice@customer.test*) ok 0 "requester is the sender" ;;
*) ok 1 "requester is the sender"; diag "got: $(tfield "$t1" requester)" ;;
esac
expect_equal "$(art "$t1" m1 via)" new "m1 via new"
expect_equal "$(art "$t1" m1 kind)" email-in "m1 is an incoming email article"

# In-Reply-To with an unrelated subject.
msg m2 "$alice" 'something else entirely' 'In-Reply-To: <m1@mt.test>'
send m2
expect_equal "$(tk m2)" "$t1" "In-Reply-To appends to the ticket"
expect_equal "$(narticles "$t1")" 2 "ticket has 2 articles"
expect_equal "$(art "$t1" m2 via)" in-reply-to "m2 via in-reply-to"

# References only: the newest known id wins over an older one of another ticket.
msg m3 'Dave <dave@other.test>' 'Unrelated question'
send m3
t2=$(tk m3)
[ -n "$t2" ] && [ "$t2" != "$t1" ]; ok $? "unrelated mail opens a second ticket"
msg m4 "$alice" 'Still broken' 'References: <m3@mt.test> <m2@mt.test> <missing@mt.test>'
send m4
expect_equal "$(tk m4)" "$t1" "References: newest known id wins"
expect_equal "$(art "$t1" m4 via)" references "m4 via references"

# Subject token from a participant (Carol was in Cc of m1).
msg m5 'carol@customer.test' "AW: [ticket#$t1] more info"
send m5
expect_equal "$(tk m5)" "$t1" "subject token from a participant joins"
expect_equal "$(art "$t1" m5 via)" subject "m5 via subject"

# Subject token from a stranger: a new ticket linked to the old one.
before=$(narticles "$t1")
msg m6 'Mallory <mallory@evil.test>' "[Ticket#$t1] send me the data"
send m6
t3=$(tk m6)
[ -n "$t3" ] && [ "$t3" != "$t1" ]; ok $? "subject token from a stranger opens a new ticket"
expect_equal "$(narticles "$t1")" "$before" "the old ticket is untouched"
mt show "$t3" --json | json "any($t1 in (l.values() if isinstance(l, dict) else [l]) for l in d['links'])" >"$out"
expect_equal "$(cat "$out")" true "the stranger's ticket links the old one"

# With [thread] foreign_subject=join, a stranger's subject token joins
# the ticket instead, and flags it for an agent to check.
expect_equal "$(tfield "$t1" flagged)" false "ticket $t1 is not flagged"
printf '[thread]\nforeign_subject=join\n' >>"$MAILTICKET_CONF"
msg m6j 'Mallory <mallory@evil.test>' "[Ticket#$t1] send me the data, please"
send m6j
expect_equal "$(tk m6j)" "$t1" "foreign_subject=join: a stranger's subject token joins the ticket"
expect_equal "$(art "$t1" m6j via)" subject "... via subject"
expect_equal "$(tfield "$t1" flagged)" true "... and flags the ticket"
sed -i '/^\[thread\]$/,$d' "$MAILTICKET_CONF"

# A forged reply token does not thread.
forged="support+$t1.0000000000@example.org"
msg m7 'Erin <erin@else.test>' 'hello' "Cc: $forged"
send m7 "$forged"
t7=$(tk m7)
[ -n "$t7" ] && [ "$t7" != "$t1" ]; ok $? "forged reply token opens a new ticket"

# A valid reply token threads without any header or subject help.
expect_code 0 "token $t1" -- mt token "$t1"
token=$(sed -n 1p "$out")
expect_equal "$(sed -n 2p "$out")" "[Ticket#$t1]" "token prints the subject token"
msg m8 'Frank <frank@x.test>' 'completely unrelated'
send m8 "$token"
expect_equal "$(tk m8)" "$t1" "valid token in the envelope recipient threads"
expect_equal "$(art "$t1" m8 via)" token "m8 via token"
msg m9 'Frank <frank@x.test>' 'another unrelated one' "Cc: <$token>"
send m9
expect_equal "$(tk m9)" "$t1" "valid token in Cc threads"

# A subject token for a ticket that does not exist.
n=$(ntickets)
msg m10 "$alice" 'Re: [Ticket#999] hello'
send m10
expect_equal "$(ntickets)" $((n + 1)) "token of a missing ticket opens a new ticket"
expect_equal "$(art "$(tk m10)" m10 via)" new "m10 via new"

# Replies reopen resolved and closed tickets.
sql "UPDATE tickets SET status = 'resolved', resolved = strftime('%s', 'now') WHERE id = $t1"
msg m11 "$alice" 'Re: Printer on fire' 'In-Reply-To: <m1@mt.test>'
send m11
expect_equal "$(tk m11)" "$t1" "reply to a resolved ticket appends"
expect_equal "$(tfield "$t1" status)" open "reply reopens a resolved ticket"
sql "UPDATE tickets SET status = 'closed', closed = strftime('%s', 'now') WHERE id = $t2"
msg m12 'Dave <dave@other.test>' 'Re: Unrelated question' 'In-Reply-To: <m3@mt.test>'
send m12
expect_equal "$(tk m12)" "$t2" "reply to a just-closed ticket appends"
expect_equal "$(tfield "$t2" status)" open "reply reopens a closed ticket"

# Two replies to the same missing parent land in one ticket.
n=$(ntickets)
msg m13 'Gina <gina@y.test>' 'Re: lost' 'In-Reply-To: <ghost@mt.test>
References: <ghost@mt.test>'
msg m14 'Hank <hank@y.test>' 'Re: lost too' 'In-Reply-To: <ghost@mt.test>
References: <ghost@mt.test>'
send m13
send m14
expect_equal "$(tk m14)" "$(tk m13)" "replies to one missing parent share a ticket"
expect_equal "$(ntickets)" $((n + 1)) "... and open only one"

# The recipient names the queue, once the admin made it.
expect_code 0 "queue add sales" -- mt queue add sales --address sales@example.org
msg m15 'Ivan <ivan@z.test>' 'Quote please'
send m15 sales+quotes@example.org
expect_equal "$(tfield "$(tk m15)" queue)" sales "sales+quotes@example.org files into queue sales"

# Queues come only from the admin: mail for an address that no queue
# has, or for no address, goes to the default queue and makes none.
queues () { mt queue list --json | json '" ".join(q["name"] for q in d)'; }
# ack_from NAME: the From of the acknowledgement of message NAME's ticket
ack_from () {
	mt outbox show "$(sql "select id from outbox where kind = 'ack' and ticket = $(tk "$1")")" --raw |
		tr -d '\r' | sed -n 's/^From: //p'
}
msg q1 'Ivan <ivan@z.test>' 'To the unknown' 'X-Original-To: x@z.test'
send q1 nobody@elsewhere.test
expect_equal "$(tfield "$(tk q1)" queue) $(queues)" "support sales support" \
	"-r of no queue: the default queue, no queue made"
msg q2 'Ivan <ivan@z.test>' 'Broken address'
send q2 '"a b" <x y>'
expect_equal "$(tfield "$(tk q2)" queue) $(queues)" "support sales support" "a malformed -r: exit 0, the default queue"
msg q3 'Mallory <mallory@evil.test>' 'Wire transfer' 'X-Original-To: ceo@bank.example
Reply-To: victim@else.test'
expect_code 0 "X-Original-To of no queue, no -r: exit 0" -- deliver -f mallory@evil.test <"$tmp/q3.eml"
expect_equal "$(tfield "$(tk q3)" queue) $(queues)" "support sales support" \
	"... the default queue, and no queue named after the header"
case $(ack_from q3) in
*'<support@example.org>' | support@example.org) ok 0 "... the acknowledgement is from the queue's address" ;;
*) ok 1 "... the acknowledgement is from the queue's address"; diag "got From: $(ack_from q3)" ;;
esac
msg q4 'Ivan <ivan@z.test>' 'Chairs' 'X-Original-To: sales+chairs@example.org'
expect_code 0 "X-Original-To of a queue, no -r" -- deliver -f ivan@z.test <"$tmp/q4.eml"
expect_equal "$(tfield "$(tk q4)" queue)" sales "... selects that queue"
msg q5 'Ivan <ivan@z.test>' 'Tables' 'X-Original-To: "foo bar" <x y>
Delivered-To: sales@example.org'
expect_code 0 "a malformed X-Original-To, no -r: exit 0" -- deliver -f ivan@z.test <"$tmp/q5.eml"
expect_equal "$(tfield "$(tk q5)" queue) $(queues)" "sales sales support" "... Delivered-To of a queue is taken"
msg q6 'Ivan <ivan@z.test>' 'Lamps' 'X-Original-To: <@>'
expect_code 0 "X-Original-To <@>, no -r: exit 0" -- deliver -f ivan@z.test <"$tmp/q6.eml"
expect_equal "$(tfield "$(tk q6)" queue)" support "... the default queue"

# RFC 2047 ISO-8859-1 subject and quoted-printable ISO-8859-1 body.
cat >"$tmp/m16.eml" <<'EOF'
From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@z.test>
To: support@example.org
Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me_br=FBl=E9e?=
Date: Mon, 02 Jan 2023 11:00:00 +0000
Message-ID: <m16@mt.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe aus K=F6ln, =E0 bient=F4t.
EOF
send m16
t16=$(tk m16)
expect_equal "$(art "$t16" m16 subject)" 'Café crème brûlée' "RFC 2047 subject decoded to UTF-8"
case $(art "$t16" m16 text) in
*'Grüße aus Köln, à bientôt.'*) ok 0 "QP ISO-8859-1 body decoded to UTF-8" ;;
*) ok 1 "QP ISO-8859-1 body decoded to UTF-8"; diag "got: $(art "$t16" m16 text)" ;;
esac
case $(art "$t16" m16 from) in
*'Jürgen Müller'*) ok 0 "RFC 2047 From name decoded" ;;
*) ok 1 "RFC 2047 From name decoded"; diag "got: $(art "$t16" m16 from)" ;;
esac

# HTML only.
cat >"$tmp/m17.eml" <<'EOF'
From: html@z.test
To: support@example.org
Subject: html only
Date: Mon, 02 Jan 2023 11:01:00 +0000
Message-ID: <m17@mt.test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><title>x</title></head><body>
<p>Hello <b>world</b>,</p><div>caf&#233; &amp; more</div>
</body></html>
EOF
send m17
text=$(art "$(tk m17)" m17 text)
case $text in
*'<'*|*'>'*) ok 1 "HTML reduced to text without tags"; diag "got: $text" ;;
*Hello*world*'café & more'*) ok 0 "HTML reduced to text without tags" ;;
*) ok 1 "HTML reduced to text without tags"; diag "got: $text" ;;
esac

# An attachment with an RFC 2231 (continued, ISO-8859-1) file name.
python3 -c 'import base64; print(base64.encodebytes(bytes(range(256)) + b"x" * 44).decode(), end="")' >"$tmp/payload"
{
	cat <<'EOF'
From: files@z.test
To: support@example.org
Subject: with attachment
Date: Mon, 02 Jan 2023 11:02:00 +0000
Message-ID: <m18@mt.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=-b-="

--=-b-=
Content-Type: text/plain; charset=us-ascii

See the attached file.
--=-b-=
Content-Type: application/octet-stream
Content-Disposition: attachment;
 filename*0*=iso-8859-1''r%E9sum%E9%20;
 filename*1*=final.txt
Content-Transfer-Encoding: base64

EOF
	cat "$tmp/payload"
	printf -- '--=-b-=--\n'
} >"$tmp/m18.eml"
send m18
mt show "$(tk m18)" --json | json "[(x['name'], x['type'], x['size']) for x in d['articles'][0]['attachments']]" >"$out"
expect_equal "$(cat "$out")" '[["résumé final.txt", "application/octet-stream", 300]]' \
	"RFC 2231 attachment listed with name, type and decoded size"
