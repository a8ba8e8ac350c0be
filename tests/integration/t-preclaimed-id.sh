#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A Message-ID that earlier mail only referenced is no key to a ticket
# (issue 24, "pre-claimed Message-IDs"). Mallory's mail names in its
# References the id that Vera's request will have; Vera's request then
# joins Mallory's ticket, as threading wants a parent that comes after
# its reply to. Since it joined only through that id and Vera is no
# participant, Vera is answered as the opener of a ticket is: her own
# acknowledgement, the replies (on the conversation's Cc), a history line
# and the ticket flagged. A participant's late parent and a reply to a
# stored message join as before, with nothing of the kind.
. "$(dirname "$0")/../lib.sh"
plan 16

# sent KIND TICKET: the recipients of the outbox's KIND mail for TICKET
sent () {
	mt outbox list --json |
		json "' '.join(sorted(r['address'] for o in d if o['kind'] == '$1' and o['ticket'] == $2 for r in o['recipients']))"
}
tk () { sql "select ticket from articles where message_id = '$1'"; }
tfield () { mt show "$1" --json | json "d['$2']"; }
# put FILE: delivers FILE, from the envelope sender of its From line
put () {
	from=$(sed -n 's/^From: .*<\(.*\)>$/\1/p' "$1" | head -n 1)
	expect_code 0 "deliver $(basename "$1") from $from" -- deliver -f "$from" -r support@example.org <"$1"
}

compose 'Mallory <mallory@evil.example>' support@example.org m1@evil.example 'Account question' \
	'References: <future@victim.example>' >"$tmp/m1" <<'MAIL'
Hello, a question about my account.
MAIL
put "$tmp/m1"
t=$(tk m1@evil.example)
expect_equal "$(sent ack "$t")" mallory@evil.example "mallory's ticket $t is acknowledged to mallory"

compose 'Vera <vera@victim.example>' support@example.org future@victim.example 'My invoice is wrong' >"$tmp/v1" <<'MAIL'
Invoice 4711 charges us twice.
MAIL
mt explain "$tmp/v1" >"$out" 2>&1
grep -q "joins ticket $t by message-id <future@victim.example>; no message stored or sent has that id.*not a participant.*flagged" "$out"
ok $? "explain says why it would be flagged" || sed 's/^/#   /' "$out"
put "$tmp/v1"
expect_equal "$(tk future@victim.example)" "$t" "vera's request joins ticket $t, by its own Message-ID"
expect_equal "$(sent ack "$t")" "mallory@evil.example vera@victim.example" "vera gets an acknowledgement of her own"
expect_equal "$(tfield "$t" cc)" '["vera@victim.example"]' "vera is on the conversation's Cc"
mt show "$t" --json | json "[h['new'] for h in d['history'] if h['field'] == 'participant']" >"$out"
expect_equal "$(cat "$out")" '["vera@victim.example: joined by <future@victim.example>, which only earlier mail referenced"]' \
	"the history says why"
expect_equal "$(tfield "$t" flagged)" true "the ticket is flagged for an agent to look at"

agent alice
expect_code 0 "alice replies" -- mt reply "$t" -m "We refunded invoice 4711."
expect_equal "$(sent reply "$t")" "mallory@evil.example vera@victim.example" "the reply goes to vera too"

# A reply to Vera's request: its id is a stored message now.
compose 'Walt <walt@victim.example>' support@example.org w1@victim.example 'Re: My invoice is wrong' \
	'In-Reply-To: <future@victim.example>' >"$tmp/w1" <<'MAIL'
Thanks.
MAIL
put "$tmp/w1"
expect_equal "$(tk w1@victim.example) $(sent ack "$t")" "$t mallory@evil.example vera@victim.example" \
	"a reply to vera's stored request joins, unacknowledged"

# A child before its parent, whose sender the child named: nothing new.
compose 'Anna <anna@customer.example>' support@example.org c1@customer.example 'Re: printer' \
	'In-Reply-To: <p1@customer.example>
Cc: Bob <bob@customer.example>' >"$tmp/c1" <<'MAIL'
Same here.
MAIL
compose 'Bob <bob@customer.example>' support@example.org p1@customer.example 'printer' >"$tmp/p1" <<'MAIL'
The printer is down.
MAIL
put "$tmp/c1"
put "$tmp/p1"
c=$(tk c1@customer.example)
expect_equal "$(tk p1@customer.example) $(sent ack "$c") $(tfield "$c" flagged)" "$c anna@customer.example false" \
	"a participant's late parent joins, unacknowledged and unflagged"
