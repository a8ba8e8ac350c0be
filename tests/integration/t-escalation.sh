#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Escalations, as mailticket-send fires them: a first response overdue
# by the queue's SLA mails the owner, else the queue's group, else every
# agent, once, also with two senders at once; an answered ticket is not
# escalated; a pending ticket whose until time passed is escalated and
# open again; a status other than pending forgets the until time; a
# ticket that an auto-reply opened owes a response only from the first
# mail a person writes into it.
. "$(dirname "$0")/../lib.sh"

# Only the escalations and replies reach the server: not the news of
# each new ticket to the queue's group ([notify] new_ticket).
printf '[notify]\nnew_ticket=no\n' >>"$MAILTICKET_CONF"
smtp_start
sed -i '/^\[mail\]$/a acknowledge=no' "$MAILTICKET_CONF"
TZ=UTC
export TZ

send () { "$BIN/mailticket-send" --db "$DB" "$@"; }
# both TIME: two senders at once, as overlapping cron runs
both () {
	send --now "$1" & p1=$!
	send --now "$1" & p2=$!
	wait $p1; c1=$?
	wait $p2; c2=$?
	return $((c1 + c2))
}
# mail N SUBJECT [TO]: a new request from a customer at 08:00
mail () {
	printf 'From: Customer %s <c%s@customer.example>\nTo: %s\nSubject: %s\nMessage-ID: <m%s@customer.example>\n\nPlease help.\n' \
		"$1" "$1" "${3:-support@example.org}" "$2" "$1" |
		deliver --now "2026-11-23 08:00" -r "${3:-support@example.org}"
}
# rcpts: every envelope recipient the server got, sorted, one line
rcpts () { for f in "$SMTP_DIR"/*.json; do json 'd["rcpt_tos"][0]' <"$f"; done | sort | tr '\n' ' '; }
escalations () { sql "select count(*) from history where ticket = $1 and field = 'escalation'"; }
status () { mt show "$1" --json | json '(d[0] if isinstance(d, list) else d)["status"]'; }

plan 26

mt user add bob --email bob@example.org >/dev/null
mt user add carol --email carol@example.org >/dev/null
mt user add dave --email dave@example.org >/dev/null
mt group add l2 >/dev/null
mt group member l2 add carol dave >/dev/null
expect_code 0 "queue add takes --group" -- mt queue add support --address support@example.org --sla 1h --group l2
expect_equal "$(mt queue list --json | json '[q["group"] for q in d if q["name"] == "support"][0]')" l2 \
	"queue list shows the group"
mt queue add sales --address sales@example.org --sla 90m >/dev/null
expect_code 1 "an unknown group is refused" -- mt queue add support --address support@example.org --group nope

mail 1 "No owner: the group hears of it"
mail 2 "Answered in time"
mail 3 "Owned by bob"
mail 4 "Pending on the customer"
mail 5 "Sales: nobody in charge" sales@example.org
export MAILTICKET_USER=bob
mt --now "2026-11-23 08:30" reply 2 -m "We are on it." >/dev/null
mt --now "2026-11-23 08:30" reply 4 -m "Which model is it?" >/dev/null
mt set 3 owner=bob >/dev/null
mt set 4 owner=bob >/dev/null
send --now "2026-11-23 08:31" 2>/dev/null
answers=$(smtp_count)
expect_equal "$answers" 2 "the two replies went out"

send --now "2026-11-23 08:59"
expect_equal "$(smtp_count)" "$answers" "nothing is overdue before the SLA runs out"

both "2026-11-23 09:30"
ok $? "two senders at once exit 0"
expect_equal "$(smtp_count)" $((answers + 3 + 3)) "three escalation mails for support, three for sales"
rm -f "$tmp/seen"
for f in "$SMTP_DIR"/*.eml; do
	grep -q '^Subject: Escalation:' "$f" && tr -d '\r' <"$f" >>"$tmp/seen"
done
expect_equal "$(grep -c '^Subject: Escalation: \[Ticket#1\] No owner' "$tmp/seen")" 2 \
	"ticket 1, without an owner: each member of the queue's group"
expect_equal "$(grep -c '^Subject: Escalation: \[Ticket#3\] Owned by bob' "$tmp/seen")" 1 "ticket 3: its owner"
expect_equal "$(grep -c '^Subject: Escalation: \[Ticket#5\]' "$tmp/seen")" 3 \
	"ticket 5, no owner, group or queue owner: every agent"
expect_equal "$(grep -c '^Subject: Escalation: \[Ticket#2\]' "$tmp/seen")" 0 "ticket 2 was answered: none"
grep -q '^No first response within 60 minutes (due 2026-11-23 09:00)\.$' "$tmp/seen"
ok $? "the mail says why"
expect_equal "$(rcpts)" \
	"bob@example.org bob@example.org c2@customer.example c4@customer.example carol@example.org carol@example.org dave@example.org dave@example.org " \
	"to the agents, never to a customer"
expect_equal "$(escalations 1)" 1 "one history line on ticket 1"

both "2026-11-23 10:00"
expect_equal "$(smtp_count)" $((answers + 6)) "later runs escalate nothing again"
expect_equal "$(escalations 1)" 1 "still one history line"

expect_code 1 "until= is for a pending ticket" -- mt set 4 until=+1h
expect_code 0 "until= with status=pending in the same command, either order" -- \
	mt --now "2026-11-23 10:00" set 4 until="today 12:00" status=pending
mt set 2 status=pending until="2026-11-23 11:00" >/dev/null
mt set 2 status=open >/dev/null
expect_equal "$(sql 'select ifnull(pending_until, "none") from tickets where id = 2')" none \
	"a status other than pending forgets the until time"

both "2026-11-23 11:59"
expect_equal "$(smtp_count)" $((answers + 6)) "not before the until time"
both "2026-11-23 12:00"
expect_equal "$(smtp_count)" $((answers + 7)) "then its owner hears of it, once"
expect_equal "$(status 4)" open "and the ticket is open again"
expect_equal "$(sql "select new from history where ticket = 4 and field = 'escalation'")" \
	"Pending until 2026-11-23 12:00, which has passed" "with a history line"

# An auto-reply opens a ticket but no clock: nobody waits for an answer
# until a person writes into it.
printf 'From: Customer 6 <c6@customer.example>\nTo: support@example.org\nSubject: Out of office\nMessage-ID: <m6@customer.example>\nAuto-Submitted: auto-replied\n\nI am away.\n' |
	deliver --now "2026-11-23 12:00" -r support@example.org
auto=$(sql "select ticket from articles where message_id = 'm6@customer.example'")
both "2026-11-23 14:00"
expect_equal "$(escalations "$auto")" 0 "a ticket that an auto-reply opened is not escalated"
printf 'From: Customer 6 <c6@customer.example>\nTo: support@example.org\nSubject: Re: Out of office\nMessage-ID: <m7@customer.example>\nIn-Reply-To: <m6@customer.example>\n\nBack now: please help.\n' |
	deliver --now "2026-11-23 15:00" -r support@example.org
both "2026-11-23 15:59"
expect_equal "$(escalations "$auto")" 0 "a person's mail into it starts the clock..."
both "2026-11-23 16:00"
expect_equal "$(escalations "$auto")" 1 "... which runs out an hour later"
