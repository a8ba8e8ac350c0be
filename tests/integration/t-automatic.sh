#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Automatic mail, each kind that mailticket-deliver(8) lists, is filed
# and nothing more: as a new request it gets no acknowledgement and its
# ticket is not escalated when the queue's SLA runs out; as an answer to
# a resolved ticket (by In-Reply-To, or by the reply address) it joins
# the ticket and leaves it resolved. A person's mail, sent alongside,
# gets all three, so that each check can fail.
. "$(dirname "$0")/../lib.sh"

smtp_start
TZ=UTC
export TZ

# One kind of automatic mail a line: NAME|FROM|ENVELOPE|HEADERS. ENVELOPE
# is -f ("" the null sender, "-" none given); HEADERS are header lines
# for printf %b, "-" none. "customer" stands for a person's address made
# for the line (customer-N@customer.example), so that no two lines share
# one and only the header or the other address makes the mail automatic.
kinds='auto-submitted|customer|customer|Auto-Submitted: auto-replied
x-autoreply|customer|customer|X-Autoreply: yes
x-autorespond|customer|customer|X-Autorespond: yes
x-auto-response-suppress-all|customer|customer|X-Auto-Response-Suppress: All
x-auto-response-suppress-oof|customer|customer|X-Auto-Response-Suppress: OOF
x-auto-response-suppress-list|customer|customer|X-Auto-Response-Suppress: DR, RN, NRN
precedence-bulk|customer|customer|Precedence: bulk
precedence-junk|customer|customer|Precedence: junk
precedence-list|customer|customer|Precedence: list
precedence-auto_reply|customer|customer|Precedence: auto_reply
x-precedence-bulk|customer|customer|X-Precedence: bulk
x-precedence-auto_reply|customer|customer|X-Precedence: auto_reply
list-id|customer|customer|List-Id: Users <users.lists.example>
list-unsubscribe|customer|customer|List-Unsubscribe: <mailto:leave@lists.example>
feedback-type|customer|customer|Feedback-Type: abuse
feedback-report|customer|customer|MIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary="R"
x-loop|customer|customer|X-Loop: support@example.org
out-of-office-of-issue-23|customer|customer|X-Autoreply: yes\nPrecedence: auto_reply
null-sender|customer||-
null-sender-in-brackets|customer|<>|-
mailer-daemon|MAILER-DAEMON@mx.customer.example|-|-
postmaster|postmaster@customer.example|-|-
noreply|noreply@shop.example|-|-
no-reply|no-reply@shop.example|-|-
no_reply|no_reply@shop.example|-|-
donotreply|donotreply@shop.example|-|-
do-not-reply|do-not-reply@shop.example|-|-
do_not_reply|do_not_reply@shop.example|-|-
noreply-prefix|noreply-billing@shop.example|-|-
noreply-suffix|notifications-noreply@social.example|-|-
noreply-envelope|customer|noreply-bounces@shop.example|-'
nkinds=$(printf '%s\n' "$kinds" | wc -l)

# mail ID FROM ENVELOPE HEADERS SUBJECT [IN-REPLY-TO [RECIPIENT]]: delivers a
# message with Message-ID <ID@test> at 08:00
mail () {
	{
		printf 'From: %s\nTo: support@example.org\nSubject: %s\nMessage-ID: <%s@test>\n' "$2" "$5" "$1"
		[ -n "${6-}" ] && printf 'In-Reply-To: <%s@test>\n' "$6"
		[ "$4" != - ] && printf '%b\n' "$4"
		printf '\nHello.\n'
	} >"$tmp/mail"
	if [ "$3" = - ]; then
		deliver --now "2026-11-23 08:00" -r "${7:-support@example.org}" <"$tmp/mail"
	else
		deliver --now "2026-11-23 08:00" -f "$3" -r "${7:-support@example.org}" <"$tmp/mail"
	fi
}
ticket_of () { sql "select ticket from articles where message_id = '$1@test'"; }
status () { mt show "$1" --json | json 'd["status"]'; }
# After mailticket-send: every recipient the SMTP server got, one a line,
# and the ticket of every escalation queued, one a line.
mailed () {
	for f in "$SMTP_DIR"/*.json; do json '"\n".join(d["rcpt_tos"]).lower()' <"$f"; done >"$tmp/rcpts"
	mt outbox list --json | json '"\n".join(str(o["ticket"]) for o in d if o["kind"] == "escalation")' >"$tmp/escalated"
}
mails_to () { grep -cix "$1" "$tmp/rcpts"; }
escalations () { grep -cx "$1" "$tmp/escalated"; }

plan $((nkinds * 4 + 4))

agent bob
mt queue add support --address support@example.org --sla 1h >/dev/null

# The person's mail: a request that waits, and one that was resolved.
mail waiting "Anna <anna@customer.example>" anna@customer.example - "Please help"
waiting=$(ticket_of waiting)
mail solved "Carl <carl@customer.example>" carl@customer.example - "Solved already"
resolved=$(ticket_of solved)
mt set "$resolved" status=resolved >/dev/null
token=$(mt token "$resolved" | head -n 1)

n=0
printf '%s\n' "$kinds" >"$tmp/kinds"
while IFS='|' read -r name from envelope headers; do
	n=$((n + 1))
	[ "$from" = customer ] && from="customer-$n@customer.example"
	[ "$envelope" = customer ] && envelope=$from
	expect_code 0 "$name: delivered as a new request" -- mail "new-$n" "$from" "$envelope" "$headers" "$name"
	# Resolved again, so that one kind that reopens it fails alone;
	# every second kind finds it by its reply address.
	mt set "$resolved" status=resolved >/dev/null
	if [ $((n % 2)) = 0 ]; then
		mail "answer-$n" "$from" "$envelope" "$headers" "Re: Solved already" "" "$token"
	else
		mail "answer-$n" "$from" "$envelope" "$headers" "Re: Solved already" solved
	fi
	expect_equal "$(ticket_of "answer-$n") $(status "$resolved")" "$resolved resolved" \
		"$name: an answer joins the resolved ticket and leaves it resolved"
	echo "$n|$name|$from" >>"$tmp/sent"
done <"$tmp/kinds"

mail answer "Carl <carl@customer.example>" carl@customer.example - "Re: Solved already" solved
expect_equal "$(ticket_of answer) $(status "$resolved")" "$resolved open" "a person's answer reopens the ticket"

"$BIN/mailticket-send" --db "$DB" --once --now "2026-11-23 09:30"
ok $? "mailticket-send runs when the SLA has passed"
mailed
expect_equal "$(mails_to anna@customer.example)" 1 "the person's request was acknowledged"
expect_equal "$(escalations "$waiting")" 1 "... and escalated"

while IFS='|' read -r n name from; do
	expect_equal "$(mails_to "$from")" 0 "$name: no acknowledgement"
	expect_equal "$(escalations "$(ticket_of "new-$n")")" 0 "$name: no escalation"
done <"$tmp/sent"
