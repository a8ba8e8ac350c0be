#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Agent mail: an agent answers a notification from a mail client and the
# customer gets exactly the new text; the comment address makes a note.
# Nobody acts as an agent by forging a header: commands and answers need
# the agent's own reply token from the agent's address. A reply goes to
# the requester and the Cc that the requester or an agent named, never
# to the addresses a stranger's mail put there.
. "$(dirname "$0")/../lib.sh"

printf 'agent-mail-secret' >"$tmp/secret"
printf 'secret_file=%s\n[thread]\nforeign_subject=join\n' "$tmp/secret" >>"$MAILTICKET_CONF"
smtp_start
plan 87
send () { "$BIN/mailticket-send" --db "$DB" --once; }
as_alice () { MAILTICKET_USER=alice "$BIN/mailticket" --db "$DB" "$@"; }
field () { sql "select $1 from ticket_summary where id = ${2:-1}"; }
minutes () { sql "select coalesce(sum(minutes), 0) from time_entries where ticket = 1"; }
# received_by ADDR: the newest message the SMTP server accepted for ADDR
received_by () {
	f=$(grep -l "\"$1\"" "$SMTP_DIR"/*.json 2>/dev/null | sort | tail -n 1)
	[ -n "$f" ] && echo "${f%.json}.eml"
}
count_to () { cat "$SMTP_DIR"/*.json 2>/dev/null | grep -o "\"$1\"" | wc -l | tr -d ' '; }
rcpts () { python3 -c 'import json, sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["rcpt_tos"])))' "$1"; }
header () {
	python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(m[sys.argv[2]] or "")' "$1" "$2"
}
body () {
	python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.get_content_type() == "text/plain":
        sys.stdout.write(p.get_payload(decode=True).decode()); break' "$1"
}
history () { sql "select new from history where ticket = ${2:-1} and field = '$1' order by id desc limit 1"; }
commands () { printf '#status resolved\n#owner none\n#priority 9\n#tag +forged\n#time 600\n\nDone.\n'; }
state () { echo "$(field "status, ifnull(owner, '-'), priority")|$(minutes)"; }

mt user add alice --email alice@example.org >/dev/null
mt user add bob --email bob@example.org >/dev/null
compose 'Anna <anna@customer.example>' support@example.org req-1@customer.example 'VPN drops' \
	'Cc: Carl <carl@customer.example>' >"$tmp/req" <<'MAIL'
The VPN drops every ten minutes.
MAIL
expect_code 0 "a customer opens ticket 1, Cc carl" -- deliver -f anna@customer.example -r support@example.org <"$tmp/req"
compose 'Olga <olga@other.example>' support@example.org req-2@other.example 'Printer' >"$tmp/req2" <<'MAIL'
Printer jammed.
MAIL
expect_code 0 "another customer opens ticket 2" -- deliver -f olga@other.example -r support@example.org <"$tmp/req2"
expect_code 0 "bob owns ticket 1" -- as_alice set 1 owner=bob priority=3
expect_code 0 "alice watches ticket 1" -- as_alice watch 1 add alice
expect_code 0 "a note by bob, which alice hears of" -- env MAILTICKET_USER=bob "$BIN/mailticket" --db "$DB" note 1 -m 'Looking into it.'
expect_code 0 "send" -- send
n=$(received_by alice@example.org)
[ -n "$n" ]; ok $? "alice received a notification"
areply=$(header "$n" Reply-To)
case $areply in support+1.a*@example.org) r=0 ;; *) r=1 ;; esac
ok $r "... its Reply-To is alice's agent token for ticket 1 ($areply)"
comment=$(mt token 1 --agent alice --comment | sed -n 1p)
grep -q "$comment" "$n"; ok $? "... its text offers the comment address"
ctoken=$(mt token 1 | sed -n 1p)
btoken=$(mt token 1 --agent bob | sed -n 1p)
a2token=$(mt token 2 --agent alice | sed -n 1p)

# Forgeries: none of these runs a command.
before=$(state)
try_forged () { # DESC TO [HEADER]
	commands | compose 'Alice <alice@example.org>' "$2" "forged-$test_n@evil.example" "Re: VPN drops [Ticket#1]" \
		"${3:-}" >"$tmp/forged"
	expect_code 0 "forged From alice, $1: stored" -- deliver -f mallory@evil.example -r "$2" <"$tmp/forged"
	expect_equal "$(state)" "$before" "... no command applied: status, owner, priority, time as they were"
	case $(history 'commands ignored') in "not authenticated: "*) r=0 ;; *) r=1 ;; esac
	ok $r "... the history says why the commands were ignored: $(history 'commands ignored')"
	sql "delete from history where field = 'commands ignored'"
}
try_forged "the subject token" support@example.org
try_forged "References to the customer's mail" support@example.org "References: <req-1@customer.example>"
try_forged "the customer's token" "$ctoken"
try_forged "bob's agent token" "$btoken"
try_forged "alice's token of ticket 2, renumbered" "$(echo "$a2token" | sed 's/+2\./+1./')"
commands | compose 'Mallory <mallory@evil.example>' "$a2token" forged-x@evil.example "Re: Printer" >"$tmp/forged"
expect_code 0 "alice's token of ticket 2 from another sender" -- deliver -f mallory@evil.example -r "$a2token" <"$tmp/forged"
expect_equal "$(field 'status, priority' 2)" "new|5" "... runs nothing on ticket 2"

# The same lines with alice's own token from alice's address apply.
commands | compose 'Alice <alice@example.org>' "$areply" cmd-1@example.org "Re: VPN drops" >"$tmp/cmd"
expect_code 0 "alice's own token from alice's address" -- deliver -f alice@example.org -r "$areply" <"$tmp/cmd"
expect_equal "$(state)" "resolved|alice|9|600" "... the commands apply (and alice, who answered, owns it)"
expect_code 0 "set it back" -- as_alice set 1 status=open owner=bob priority=3 --quiet
expect_code 0 "send" -- send

# Alice answers the notification from her mail client.
count_before=$(count_to anna@customer.example)
{
	printf 'From: Alice <alice@example.org>\nTo: %s\nSubject: Re: [Ticket#1] VPN drops\n' "$areply"
	printf 'Date: Mon, 23 Nov 2026 11:00:00 +0000\nMessage-ID: <answer-1@example.org>\n'
	printf 'In-Reply-To: %s\n\n' "$(header "$n" Message-ID)"
	printf 'Dear Anna,\n\nplease update the client to 5.2.\n\nOn Mon, 23 Nov 2026 10:00 support@example.org wrote:\n'
	body "$n" | tr -d '\r' | sed 's/^/> /'
	printf '\n-- \nAlice Agent\nExample Support\n'
} >"$tmp/answer"
expect_code 0 "alice's answer is delivered" -- deliver -f alice@example.org -r "$areply" <"$tmp/answer"
expect_code 0 "send" -- send
expect_equal "$(count_to anna@customer.example)" "$((count_before + 1))" "the customer received one mail"
c=$(received_by anna@customer.example)
# The reply template quotes the last mail of the customer side (here the
# forged one above), with its date as dated: DATE below.
undated () { sed -E 's/^On [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}, /On DATE, /'; }
answered=$(printf 'Dear Anna,\n\nplease update the client to 5.2.\n\nOn DATE, Alice <alice@example.org> wrote:\n%s\n\n-- \nalice\nsupport@example.org' \
	"$(commands | sed -e 's/^/> /' -e 's/^> $/>/')")
expect_equal "$(body "$c" | tr -d '\r' | undated)" "$answered" \
	"... the new text without the quote and her own signature, the template's quote, the queue's signature"
expect_equal "$(rcpts "${c%.eml}.json")" "anna@customer.example carl@customer.example" \
	"... to the requester and the Cc of her opening mail"
expect_equal "$(header "$c" Reply-To)" "$ctoken" "... with the customer's own reply address"
header "$c" In-Reply-To | grep -q '@'; ok $? "... with In-Reply-To"
header "$c" References | grep -q '<req-1@customer.example>'; ok $? "... and References of the thread"
expect_equal "$(header "$c" Subject)" "[Ticket#1] VPN drops" "... and the subject token"
expect_equal "$(sql "select text from articles where ticket = 1 and kind = 'email-out' order by id desc limit 1" | undated)" \
	"$answered" "... stored as an email-out article"
expect_equal "$(sql "select u.login from articles a join users u on u.id = a.author
	where a.ticket = 1 and a.kind = 'email-out' order by a.id desc limit 1")" alice "... by alice"
expect_equal "$(field status)" open "... the answer reopens or resolves nothing"

# Quoted another way (indented, as Outlook does), the notification still
# does not hand the agent's addresses to the customer.
{
	printf 'From: Alice <alice@example.org>\nTo: %s\nSubject: Re: [Ticket#1] VPN drops\n' "$areply"
	printf 'Message-ID: <answer-2@example.org>\n\nAnd reboot the router.\n\n'
	body "$n" | tr -d '\r' | sed 's/^/    /'
} >"$tmp/answer2"
expect_code 0 "alice answers with the notification indented" -- deliver -f alice@example.org -r "$areply" <"$tmp/answer2"
expect_code 0 "send" -- send
c=$(received_by anna@customer.example)
grep -q 'And reboot the router' "$c"; ok $? "... the customer gets the answer"
! grep -qi 'support+1\.[an]' "$c"; ok $? "... without alice's reply or comment address"

# Carl, Cc'd, holds the requester's reply address too: what his reply
# adds to Cc is only proposed.
printf 'Adding Eve.\n' | compose 'Carl <carl@customer.example>' "$ctoken" carl-1@customer.example 'Re: VPN' \
	'Cc: eve@evil.example' >"$tmp/carl"
expect_code 0 "carl replies with the requester's address, Cc eve" -- deliver -f carl@customer.example -r "$ctoken" <"$tmp/carl"
expect_equal "$(sql "select source from conversation_cc where ticket = 1 and address = 'eve@evil.example'")" proposed \
	"... eve is only proposed"

# The comment address gives a note the agents hear of, not the customer.
count_before=$(count_to anna@customer.example)
printf 'Customer runs an old client.\n' |
	compose 'Alice <alice@example.org>' "$comment" note-1@example.org 'Re: VPN' >"$tmp/note"
expect_code 0 "alice writes to the comment address" -- deliver -f alice@example.org -r "$comment" <"$tmp/note"
expect_equal "$(sql "select internal from articles where message_id = 'note-1@example.org'")" 1 "... an internal note"
expect_code 0 "send" -- send
expect_equal "$(count_to anna@customer.example)" "$count_before" "... the customer got nothing"
grep -q 'Customer runs an old client' "$(received_by bob@example.org)"; ok $? "... bob, the owner, got the note"

# An outsider's mail with 1,000 Cc that joined by subject token.
python3 - "$tmp/cc" <<'PY'
import sys
cc = ", ".join("victim%d@spam.example" % i for i in range(1000))
open(sys.argv[1], "w").write("From: eve@evil.example\nTo: support@example.org\nCc: %s\n"
    "Subject: Re: [Ticket#1] VPN\nMessage-ID: <cc-1@evil.example>\n\nHello all.\n" % cc)
PY
expect_code 0 "an outsider's mail with 1,000 Cc joins by subject token" -- \
	deliver -f eve@evil.example -r support@example.org <"$tmp/cc"
expect_code 0 "alice replies from the CLI" -- as_alice reply 1 -m 'Fixed.'
expect_code 0 "send" -- send
c=$(received_by anna@customer.example)
expect_equal "$(rcpts "${c%.eml}.json")" "anna@customer.example carl@customer.example" \
	"... the reply goes to the requester and her Cc alone"
mt show 1 >"$out"
expect_equal "$(sed -n 's/^Cc: *//p' "$out" | head -n 1)" "carl@customer.example" "... show lists the conversation's Cc"
grep -q '^Proposed: *eve@evil.example, victim0@spam.example, .* (and 190 more)$' "$out"; ok $? \
	"... and the outsider's as proposed, the first 200 addresses of one mail, less ours"
expect_equal "$(mt show 1 --json | json 'd["cc"], len(d["proposed_cc"])')" "(['carl@customer.example'], 200)" \
	"... so does show --json"
expect_code 1 "a reply to 60 addresses is refused" -- as_alice reply 1 -m x $(seq -f '--cc=x%g@cc.example' 1 60)
grep -q max_reply_recipients "$err"; ok $? "... naming max_reply_recipients"

# Resolve: the requester is told; a new owner is told.
count_before=$(count_to anna@customer.example)
expect_code 0 "resolve ticket 1" -- as_alice set 1 status=resolved
expect_code 0 "bob is made owner of ticket 2" -- as_alice set 2 owner=bob
expect_code 0 "send" -- send
expect_equal "$(count_to anna@customer.example)" "$((count_before + 1))" "the requester received the resolved mail"
grep -qi 'resolved' "$(received_by anna@customer.example)"; ok $? "... saying resolved"
grep -q 'owner' "$(received_by bob@example.org)"; ok $? "bob received a mail that he owns ticket 2"

# With trust_authserv_id, commands also need that host's word for the
# agent's domain.
sed -i '/^\[mail\]$/a trust_authserv_id=mx.example.org' "$MAILTICKET_CONF"
before=$(field priority)
count_before=$(count_to anna@customer.example)
printf '#priority 8\n\nPlease send us your password.\n' | compose 'Alice <alice@example.org>' "$areply" authres-1@example.org \
	'Re: VPN' 'Authentication-Results: mx.evil.example; dmarc=pass header.from=example.org' >"$tmp/authres"
expect_code 0 "alice's token, Authentication-Results of another host" -- deliver -f alice@example.org -r "$areply" <"$tmp/authres"
expect_equal "$(field priority)" "$before" "... runs no command"
expect_code 0 "send" -- send
expect_equal "$(count_to anna@customer.example)" "$count_before" "... and answers nobody: a leaked token is no key"
case $(history 'commands ignored') in *Authentication-Results*) r=0 ;; *) r=1 ;; esac
ok $r "... the history says why"
printf '#priority 8\n' | compose 'Alice <alice@example.org>' "$areply" authres-2@example.org 'Re: VPN' \
	'Authentication-Results: mx.example.org; dkim=pass header.d=example.org' >"$tmp/authres"
expect_code 0 "... and of the trusted host" -- deliver -f alice@example.org -r "$areply" <"$tmp/authres"
expect_equal "$(field priority)" 8 "... runs it"
sed -i '/^trust_authserv_id=/d' "$MAILTICKET_CONF"

# A task's assignee and an approver are told; an agent who gives herself
# a task is not.
expect_code 0 "alice gives bob a task" -- as_alice task 2 add 'Order a fuser' --assignee bob
expect_code 0 "alice gives herself one" -- as_alice task 2 add 'Call Olga' --assignee alice
expect_code 0 "alice asks bob to approve" -- as_alice approval 2 request bob --note 'The fuser costs 300 EUR.'
count_before=$(count_to alice@example.org)
expect_code 0 "send" -- send
mails_to () { grep -l "\"$1\"" "$SMTP_DIR"/*.json | sed 's/json$/eml/'; }
mails_to bob@example.org | xargs grep -l 'Order a fuser' | grep -q .; ok $? "bob received the task"
mails_to bob@example.org | xargs grep -l 'The fuser costs 300 EUR' | grep -q .; ok $? "bob received the approval request"
expect_equal "$(count_to alice@example.org)" "$count_before" "alice is not told of the task she took"

# token prints the reply address the ticket's mail carries, which is
# made on its queue's address: sales+N for a ticket of sales.
expect_code 0 "queue add sales" -- mt queue add sales --address sales@example.org
compose 'Sven <sven@customer.example>' sales@example.org req-3@customer.example 'Quote' >"$tmp/req3" <<'MAIL'
How much for ten?
MAIL
expect_code 0 "a customer writes to sales" -- deliver -f sven@customer.example -r sales@example.org <"$tmp/req3"
t=$(sql "select ticket from articles where message_id = 'req-3@customer.example'")
expect_code 0 "send" -- send
sreply=$(header "$(received_by sven@customer.example)" Reply-To)
case $sreply in "sales+$t.c"*@example.org) r=0 ;; *) r=1 ;; esac
ok $r "the acknowledgement's Reply-To is on the sales address ($sreply)"
expect_equal "$(mt token "$t" | sed -n 1p)" "$sreply" "token prints that address"
