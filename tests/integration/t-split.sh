#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Taking a ticket apart: split moves articles with their message ids to a
# new linked ticket, so that a reply to a moved article lands there even
# when it names the old conversation too; unmerge brings back a ticket
# merged by hand or by a message that bridged two tickets, with the
# articles it had, and leaves what came later in the survivor.
. "$(dirname "$0")/../lib.sh"
plan 42

msg () { # FROM MESSAGE-ID SUBJECT [HEADER]: delivers stdin as that mail
	compose "$1" support@example.org "$2" "$3" "${4:-}" | deliver -r support@example.org >/dev/null
}
ticket_of () { sql "select ticket from articles where message_id = '$1'"; }
article_of () { sql "select id from articles where message_id = '$1'"; }

echo "The VPN drops." | msg ann@example.com a1@example.com "VPN"
echo "Also: the printer jams." | msg ann@example.com a2@example.com "Re: VPN" "In-Reply-To: <a1@example.com>"
echo "The printer is a Laser 5." | msg ann@example.com a3@example.com "Re: VPN" \
	"$(printf 'In-Reply-To: <a2@example.com>\nReferences: <a1@example.com> <a2@example.com>')"
expect_equal "$(ticket_of a1@example.com)$(ticket_of a2@example.com)$(ticket_of a3@example.com)" 111 \
	"three mails in ticket 1"
agent alice
first=$(article_of a1@example.com)
second=$(article_of a2@example.com)
third=$(article_of a3@example.com)

# Refusals first: nothing moves.
expect_code 1 "split of the first article is refused" -- mt split 1 --articles "$first"
grep -q "opened the ticket" "$err"; ok $? "... saying that it opened the ticket"
expect_code 1 "split of every article is refused" -- mt split 1 --articles "$first,$second,$third"
grep -q "left empty" "$err"; ok $? "... saying that the ticket would be left empty"
expect_code 1 "split of an article of no such ticket" -- mt split 1 --articles 999
expect_code 1 "split without --articles is a usage error" -- mt split 1
expect_equal "$(sql 'select count(*) from tickets') $(sql 'select count(distinct ticket) from articles')" "1 1" \
	"... and nothing moved"

expect_code 0 "split 1 --articles second,third" -- mt split 1 --articles "$second,$third" --subject "Printer jams"
expect_equal "$(cat "$out")" 2 "... prints the new ticket's number"
expect_equal "$(ticket_of a1@example.com)$(ticket_of a2@example.com)$(ticket_of a3@example.com)" 122 \
	"the two articles are in ticket 2, the first stays"
expect_equal "$(sql "select ticket from message_ids where message_id = 'a3@example.com'")" 2 \
	"... with their message ids"
expect_code 0 "show 2 --json" -- mt show 2 --json
expect_equal "$(json 'd["subject"], d["queue"], d["requester"], [l["kind"] + " " + str(l["ticket"]) for l in d["links"]]' <"$out")" \
	"('Printer jams', 'support', 'ann@example.com', ['split-from 1'])" \
	"ticket 2: the subject given, ticket 1's queue, the sender as requester, linked split-from 1"
expect_equal "$(sql "select field || ' ' || new from history where ticket = 1 and field like 'split%'")" "split_into 2" \
	"ticket 1's history says it was split"
expect_equal "$(sql "select field || ' ' || new from history where ticket = 2 and field like 'split%'")" "split_from 1" \
	"ticket 2's history says where it came from"
expect_code 0 "search finds the moved text" -- mt search --json Laser
expect_equal "$(json '[r["ticket"] for r in d]' <"$out")" "[2]" "... in ticket 2"

# A reply to the moved article names the whole conversation, ticket 1's
# first mail too: it lands in ticket 2, and bridges nothing.
echo "Still jamming." | msg ann@example.com a4@example.com "Re: VPN" \
	"$(printf 'In-Reply-To: <a3@example.com>\nReferences: <a1@example.com> <a2@example.com> <a3@example.com>')"
expect_equal "$(ticket_of a4@example.com)" 2 "a reply to a moved article lands in the new ticket"
expect_equal "$(sql 'select count(*) from tickets where merged_into is not null')" 0 "... and merges nothing"
echo "VPN again." | msg ann@example.com a5@example.com "Re: VPN" \
	"$(printf 'In-Reply-To: <a1@example.com>\nReferences: <a1@example.com>')"
expect_equal "$(ticket_of a5@example.com)" 1 "a reply to the first mail stays in ticket 1"
mt reply 1 -m "Which VPN client?" >/dev/null
reply=$(sql "select max(id) from articles where ticket = 1 and kind = 'email-out'")
expect_code 0 "split of an agent's reply alone" -- mt split 1 --articles "$reply"
expect_equal "$(sql "select c.address from tickets t join contacts c on c.id = t.requester where t.id = $(cat "$out")")" \
	ann@example.com "... keeps the old ticket's requester, not the queue's address"

# Unmerge after a merge by hand: the ticket comes back with its
# articles, message ids, watchers and status; later mail stays.
echo "My screen flickers." | msg bob@example.com b1@example.com "Screen"
echo "And the mouse." | msg bob@example.com b2@example.com "Re: Screen" "In-Reply-To: <b1@example.com>"
bob=$(ticket_of b1@example.com)
mt watch "$bob" add alice >/dev/null
mt set "$bob" status=open >/dev/null
expect_code 0 "merge $bob into 1" -- mt merge "$bob" into 1
expect_equal "$(ticket_of b1@example.com)$(ticket_of b2@example.com)" 11 "... its articles are in ticket 1"
echo "Thanks." | msg bob@example.com b3@example.com "Re: Screen" "In-Reply-To: <b2@example.com>"
expect_equal "$(ticket_of b3@example.com)" 1 "mail after the merge joins ticket 1"
expect_code 0 "unmerge $bob" -- mt unmerge "$bob"
expect_equal "$(ticket_of b1@example.com)$(ticket_of b2@example.com)$(ticket_of b3@example.com)" "$bob${bob}1" \
	"its two articles are back; the one that came after the merge stays in ticket 1"
expect_equal "$(sql "select status || ' ' || ifnull(merged_into, '-') from tickets where id = $bob")" "open -" \
	"... it is open again, merged into nothing"
expect_equal "$(sql "select count(*) from watchers where ticket = $bob")" 1 "... and watched again"
expect_equal "$(sql "select new from history where ticket = 1 and field = 'unmerged'")" "$bob" \
	"ticket 1's history says it was unmerged"
echo "One more thing." | msg bob@example.com b4@example.com "Re: Screen" \
	"$(printf 'In-Reply-To: <b2@example.com>\nReferences: <b1@example.com> <b2@example.com> <b3@example.com>')"
expect_equal "$(ticket_of b4@example.com)" "$bob" "a reply to an unmerged article lands in the unmerged ticket"
expect_code 1 "unmerge of a ticket not merged is refused" -- mt unmerge "$bob"
grep -q "not merged" "$err"; ok $? "... saying so"

# A merge from before merges were recorded cannot be undone.
mt merge "$bob" into 1 >/dev/null
expect_code 1 "a merged ticket is not split" -- mt split "$bob" --articles "$(article_of b2@example.com)"
grep -q "was merged" "$err"; ok $? "... saying so"
sql 'delete from merges'
expect_code 1 "unmerge of a merge made before merges were recorded" -- mt unmerge "$bob"
grep -q "before merges were recorded" "$err"; ok $? "... says why"

# A message that bridges two tickets merges the one nobody worked on.
echo "Login fails." | msg carl@example.com c1@example.com "Login"
echo "Password reset?" | msg carl@example.com c2@example.com "Password"
login=$(ticket_of c1@example.com)
password=$(ticket_of c2@example.com)
echo "Both the same." | msg carl@example.com c3@example.com "Re: Password" \
	"$(printf 'In-Reply-To: <c2@example.com>\nReferences: <c1@example.com> <c2@example.com>')"
expect_equal "$(sql "select merged_into from tickets where id = $password")" "$login" \
	"the bridging message merged ticket $password into $login"
expect_code 0 "unmerge $password" -- mt unmerge "$password"
expect_equal "$(ticket_of c2@example.com) $(ticket_of c3@example.com)" "$password $login" \
	"its article is back; the bridging message stays"
echo "Still no reset." | msg carl@example.com c4@example.com "Re: Password" \
	"$(printf 'In-Reply-To: <c2@example.com>\nReferences: <c1@example.com> <c2@example.com>')"
expect_equal "$(ticket_of c4@example.com) $(sql "select ifnull(merged_into, '-') from tickets where id = $password")" \
	"$password -" "a reply to it lands in it, and merges nothing again"
