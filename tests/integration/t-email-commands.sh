#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Email commands: an agent answering on the agent's own reply address
# (the one in the agent's notifications) can set status, priority,
# owner, tags, book time and make the mail an internal note with #lines
# at the top. The same lines from a customer, or from an agent whose mail
# found the ticket by the customer's reply address, its headers or its
# subject token alone, are text and change nothing. What the
# watchers and the SMTP server see follows: an internal note never
# reaches a customer.
. "$(dirname "$0")/../lib.sh"

printf 'commands-secret' >"$tmp/secret"
echo "secret_file=$tmp/secret" >>"$MAILTICKET_CONF"
smtp_start
plan 52
send () { "$BIN/mailticket-send" --db "$DB" --once "$@"; }
# to ADDR: how many messages the SMTP server accepted for ADDR
to () { cat "$SMTP_DIR"/*.json 2>/dev/null | grep -o "\"$1\"" | wc -l | tr -d ' '; }
field () { sql "select $1 from ticket_summary where id = 1"; }
tags () { sql "select group_concat(tag, ',') from (select tag from tags where ticket = 1 order by tag)"; }
minutes () { sql "select coalesce(sum(minutes), 0) from time_entries where ticket = 1"; }
# article N EXPR: a python expression over article N of ticket 1 (as a)
article () { mt show 1 --json | json "(lambda a: $2)([x for x in d['articles'] if x['id'] == $1][0])"; }
last_article () { sql "select max(id) from articles where ticket = 1 and kind = 'email-in'"; }


expect_code 0 "agent alice" -- mt user add alice --email alice@example.org
expect_code 0 "agent bob" -- mt user add bob --email bob@example.org
agent alice

compose 'Anna <anna@customer.example>' support@example.org req-1@customer.example 'VPN drops' >"$tmp/req" <<'MAIL'
The VPN drops every ten minutes.
MAIL
expect_code 0 "a customer opens ticket 1" -- deliver -f anna@customer.example -r support@example.org <"$tmp/req"
expect_code 0 "bob watches it" -- mt watch 1 add bob
expect_code 0 "so does the customer's boss, a plain address" -- mt watch 1 add boss@customer.example
expect_code 0 "send" -- send
expect_equal "$(to anna@customer.example)" 1 "the customer got the acknowledgement"
token=$(mt token 1 | sed -n 1p)
subject_token=$(mt token 1 | sed -n 2p)
atoken=$(mt token 1 --agent alice | sed -n 1p)

# The agent's commands, on the reply address.
compose 'Alice <alice@example.org>' "$atoken" cmd-1@example.org 'Re: VPN drops' >"$tmp/cmd" <<'MAIL'

#status resolved
#priority 7
#tag +vpn
#time 30
#note

Rebooted the concentrator; closing.
MAIL
expect_code 0 "an agent's mail with commands to the reply address is stored" -- \
	deliver -f alice@example.org -r "$atoken" <"$tmp/cmd"
a=$(last_article)
expect_equal "$(field 'status, priority')" "resolved|7" "... the ticket is resolved, priority 7"
expect_equal "$(tags)" vpn "... tagged vpn"
expect_equal "$(minutes)" 30 "... 30 minutes booked"
expect_equal "$(sql 'select user from time_entries where ticket = 1')" alice "... by alice"
expect_equal "$(sql "select who from history where ticket = 1 and field = 'priority'")" alice \
	"... the history names the agent"
expect_equal "$(article "$a" 'a["text"].strip()')" "Rebooted the concentrator; closing." \
	"... the stored text has no command lines"
mt show 1 >"$out"
! grep -q '#status' "$out"; ok $? "... nor does show"
expect_equal "$(article "$a" 'a["internal"]')" true "... #note: the article is internal"
mt show 1 --raw "$a" | grep -q '^#status resolved'; ok $? "... the raw message keeps them: the message is the truth"
expect_code 0 "send" -- send
expect_equal "$(to anna@customer.example)" 1 "the customer got no mail of it"
expect_equal "$(to boss@customer.example)" 0 "nor the plain-address watcher"
expect_equal "$(to bob@example.org)" 1 "the agent watching it did"
bob_mail=$(grep -l '"bob@example.org"' "$SMTP_DIR"/*.json | sed 's/json$/eml/')
grep -q 'Rebooted the concentrator' "$bob_mail"; ok $? "... with the text"
! grep -q '#priority' "$bob_mail"; ok $? "... without the command lines"

# The same lines from the customer are text.
compose 'Anna <anna@customer.example>' "$token" req-2@customer.example 'Re: VPN drops' >"$tmp/fake" <<'MAIL'
#status closed
#priority 1
#owner alice
#tag +free -vpn
#time 600
#note
It drops again.
MAIL
expect_code 0 "the customer's mail with the same lines is stored" -- \
	deliver -f anna@customer.example -r "$token" <"$tmp/fake"
a=$(last_article)
expect_equal "$(field "status, priority, ifnull(owner, '-')")" "open|7|alice" \
	"... the priority and owner (alice, who answered first) stay; a customer's reply reopens as always"
expect_equal "$(sql "select new from history where ticket = 1 and field = 'commands ignored'" | tail -n 1)" \
	"not authenticated: a customer's reply address" "... the history says why the lines did nothing"
expect_equal "$(tags)" vpn "... the tags stay"
expect_equal "$(minutes)" 30 "... no time booked"
expect_equal "$(article "$a" 'a["internal"]')" false "... the article is not internal"
article "$a" 'a["text"]' | grep -q '^#priority 1'; ok $? "... the lines stay in its text"
expect_code 0 "send" -- send
expect_equal "$(to boss@customer.example)" 1 "the plain-address watcher heard of it (the test above could fail)"

# An agent's mail that found the ticket by In-Reply-To alone.
compose 'Alice <alice@example.org>' support@example.org cmd-2@example.org 'Re: VPN drops' \
	'In-Reply-To: <req-2@customer.example>' >"$tmp/irt" <<'MAIL'
#priority 2
#tag +irt
Looking at it.
MAIL
expect_code 0 "an agent's mail threaded by In-Reply-To only" -- \
	deliver -f alice@example.org -r support@example.org <"$tmp/irt"
a=$(last_article)
expect_equal "$(sql "select ticket || '|' || via from articles where id = $a")" "1|in-reply-to" "... joins ticket 1"
expect_equal "$(field priority)/$(tags)" "7/vpn" "... its commands change nothing"
article "$a" 'a["text"]' | grep -q '^#priority 2'; ok $? "... and stay in its text"

# The subject token is no key: every customer sees it.
compose 'Alice <alice@example.org>' support@example.org cmd-3@example.org "Re: VPN drops $subject_token" \
	>"$tmp/subj" <<'MAIL'
#priority 3
#owner bob
#time 1h15
Handing over to Bob.
MAIL
expect_code 0 "an agent's mail with the subject token" -- deliver -f alice@example.org -r support@example.org <"$tmp/subj"
expect_equal "$(field 'priority, owner')" "7|alice" "... its commands change nothing"
expect_equal "$(minutes)" 30 "... nor is time booked"

# Invalid commands do not lose the mail.
compose 'Alice <alice@example.org>' "$atoken" cmd-4@example.org 'Re: VPN drops' >"$tmp/bad" <<'MAIL'
#priority 12
#owner nobody
#status done
#tag +urgent
#time soon
Please look.
MAIL
expect_code 0 "an agent's mail with invalid commands is stored" -- deliver -f alice@example.org -r "$atoken" <"$tmp/bad"
a=$(last_article)
expect_equal "$(field 'priority, owner, status')" "7|alice|open" "... the invalid ones change nothing"
expect_equal "$(tags)" "urgent,vpn" "... the valid one applies"
expect_equal "$(sql "select count(*) from history where ticket = 1 and field = 'command-refused' and who = 'alice'")" 4 \
	"... each refusal is in the history"
sql "select new from history where field = 'command-refused'" | grep -q "^#priority 12: .*1 to 9"; ok $? \
	"... with the line and the reason"
expect_equal "$(article "$a" 'a["text"].strip()')" "Please look." "... all the command lines leave the text"

# A look-alike of an agent's address with the reply token is a customer.
compose 'Mallory <alice@example.org.evil.example>' "$atoken" cmd-5@evil.example 'Re: VPN drops' >"$tmp/evil" <<'MAIL'
#status closed
MAIL
expect_code 0 "a look-alike address with the agent's token" -- deliver -f x@evil.example -r "$atoken" <"$tmp/evil"
expect_equal "$(field status)" open "... changes nothing"

# db reindex rebuilds the text from the raw messages: the commands stay
# out of it and are not applied again.
before=$(sql "select count(*) from history")
texts=$(sql "select group_concat(text, '|') from articles where ticket = 1")
expect_code 0 "db reindex" -- mt db reindex
expect_equal "$(sql "select group_concat(text, '|') from articles where ticket = 1")" "$texts" \
	"... the texts are as they were, command lines out where they were taken"
expect_equal "$(sql "select count(*) from history")/$(minutes)/$(tags)" "$before/30/urgent,vpn" \
	"... nothing applied twice"

# A redelivery (the MTA timed out) changes nothing either.
expect_code 0 "the first command mail again" -- deliver -f alice@example.org -r "$atoken" <"$tmp/cmd"
expect_equal "$(minutes)/$(field status)" "30/open" "... is a duplicate: nothing applied"
