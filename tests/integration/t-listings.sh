#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a person sees, not what a script reads: every listing without
# --json (users, groups, contacts, organisations, queues, tasks,
# approvals, alarms, watchers, time, statistics, the outbox, the
# quarantine), its header line where it has one and a row with every
# column; a text read from standard input (-F -); and the quarantine's
# list, show and replay of a message that cannot be parsed at all.
. "$(dirname "$0")/../lib.sh"

TZ=UTC
export TZ
NOW="2026-03-02 09:00"
# now ARGS: mailticket at a fixed time, so that dates in rows are known
now () { mt --now "$NOW" "$@"; }
# has LINE DESC: the last command's stdout has this exact line
has () {
	grep -qxF -- "$1" "$out" && ok 0 "$2" && return 0
	ok 1 "$2"; diag "want the line '$1' in:"; sed 's/^/#   /' "$out"; return 1
}
# first LINE DESC: the last command's stdout starts with this exact line
first () {
	expect_equal "$(head -n 1 "$out")" "$1" "$2" || sed 's/^/#   /' "$out"
}

plan 71

mt init >/dev/null
agent alice
mt user add bob --email bob@example.org --name "Bob Builder" >/dev/null
printf 'From: Anna <anna@customer.example>\nTo: support@example.org\nSubject: Printer on fire\nMessage-ID: <l1@customer.example>\nDate: Mon, 02 Mar 2026 08:00:00 +0000\n\nThe printer is on fire.\n' |
	deliver --now "2026-03-02 08:00" -r support@example.org
ok $? "a ticket from anna@customer.example"

# People and places.
expect_code 0 "user list" -- mt user list
has "bob          bob@example.org                Bob Builder              " "user list: login, address, name"
has "alice        alice@example.org              -                        " "... a user without a name: -"
expect_code 0 "group add ops, with alice and bob" -- mt group add ops
mt group member ops add alice bob >/dev/null
expect_code 0 "group list" -- mt group list
has "ops              alice, bob" "group list: the name and its members"
expect_code 0 "user list after the group" -- mt user list
has "bob          bob@example.org                Bob Builder              ops" "user list: ... and the user's groups"
mt org add "Customer Ltd" --domain customer.example >/dev/null
expect_code 0 "org list" -- mt org list
first "NAME                     PEOPLE TICKETS  DOMAINS" "org list: the header"
has "Customer Ltd                  1      1  customer.example" "org list: people, tickets and domains"
mt contact add carl@customer.example --name Carl >/dev/null
expect_code 0 "contact list" -- mt contact list
first "ADDRESS                          NAME                     ORG                  TICKETS" \
	"contact list: the header"
has "anna@customer.example            Anna                     Customer Ltd              1" \
	"contact list: address, name, organisation and tickets"
has "carl@customer.example            Carl                     Customer Ltd              0" "... one added by hand"
mt queue add billing --address billing@example.org --sla 4h --owner bob >/dev/null
expect_code 0 "queue list" -- mt queue list
first "QUEUE            ADDRESS                             SLA  OWNER        ACTIVE" "queue list: the header"
has "billing          billing@example.org                240m  bob               0" \
	"queue list: address, SLA, owner and active tickets"
has "support          support@example.org                   -  -                 1" "... the queue mail made"

# The work on a ticket.
expect_code 0 "task add" -- now task 1 add "Check the firewall" --assignee bob
expect_code 0 "task 1" -- mt task 1
has "    1  open  bob          Check the firewall" "task list: number, state, assignee and title"
expect_code 0 "approval request" -- now approval 1 request bob --note "a new printer"
expect_code 0 "approval 1" -- mt approval 1
has "    1  pending   bob          asked by alice: a new printer" "approval list: state, approver, who asked, why"
expect_code 0 "alarm add" -- now alarm 1 add --at "2026-03-02 11:00" --note "Call Anna"
expect_code 0 "alarm list" -- now alarm list
first "ALARM TICKET  DUE                    TO           NOTE" "alarm list: the header"
has "    1      1  2026-03-02 11:00       alice        Call Anna" "alarm list: ticket, due, to and note"
expect_code 0 "watch add" -- now watch 1 add ops carl@customer.example
expect_code 0 "watch 1" -- mt watch 1
has "group    ops" "watch ID: a group"
has "address  carl@customer.example" "watch ID: an address"
expect_equal "$(wc -l <"$out")" 2 "watch ID: no one else"
expect_code 0 "time 1 30" -- now time 1 30 --date 2026-03-02 --note Firewall
has "1" "time: the entry's number"
expect_code 0 "time report" -- mt time report
has "    1  2026-03-02  alice        #1         30 min  Printer on fire: Firewall" \
	"time report: entry, day, agent, ticket, minutes, subject and note"
has "total 30 minutes (0:30 h)" "time report: the total"
expect_code 0 "stats" -- now stats
first "QUEUE             OPENED  RESOLVED  BACKLOG   1ST-MED  1ST-P90   RES-MED  RES-P90" "stats: the header"
has "support                1         0        1         -        -         -        -" \
	"stats: opened, resolved, backlog, and no response yet"

# A text from standard input: a note, and a reply that goes out.
echo "Written on standard input." | now note 1 -F - >"$out"
ok $? "note -F -"
expect_equal "$(mt show 1 --json | json 'd["articles"][-1]["text"]')" "Written on standard input." \
	"note -F -: the text read from standard input"
echo "We are on it." | now reply 1 -F - >"$out"
ok $? "reply -F -"
expect_equal "$(mt show 1 --json | json 'd["articles"][-1]["text"].splitlines()[0]')" "We are on it." \
	"reply -F -: the text read from standard input"
expect_code 0 "outbox list" -- mt outbox list
first "   ID  STATE    KIND         TICKET TRIES  NEXT ATTEMPT      RECIPIENTS (LAST REPLY)" "outbox list: the header"
has "    1  queued   ack               1     0  2026-03-02 08:00  anna@customer.example" \
	"outbox list: the acknowledgement, waiting"
grep -q '^ *[0-9]*  queued   reply             1     0  2026-03-02 09:00  anna@customer.example, carl@customer.example$' "$out"
ok $? "outbox list: the reply, to the requester and the watching address"

# The quarantine: what cannot be parsed at all is kept, shown, replayed.
printf 'this is no mail\n' >"$tmp/junk"
expect_code 0 "a message without a header: delivered into quarantine" -- \
	deliver --now "2026-03-02 10:00" -f eve@junk.example -r support@example.org <"$tmp/junk"
expect_code 0 "quarantine list" -- mt quarantine list
has "    1  2026-03-02 10:00       16  eve@junk.example         no message header found" \
	"quarantine list: received, size, sender and why"
expect_code 0 "quarantine, no verb" -- mt quarantine
has "    1  2026-03-02 10:00       16  eve@junk.example         no message header found" "... lists too"
expect_code 0 "quarantine show 1" -- mt quarantine show 1
cmp -s "$out" "$tmp/junk"; ok $? "quarantine show: the bytes as received"
expect_code 0 "quarantine replay 1" -- mt quarantine replay 1
has "still unreadable: no message header found" "quarantine replay: still unreadable, says why"
expect_equal "$(sql 'select count(*) from tickets')" 1 "... and opens no ticket"
expect_code 1 "quarantine show 99" -- mt quarantine show 99
expect_equal "$(cat "$err")" "mailticket: no quarantined message 99" "... no such entry"
expect_code 1 "quarantine frobnicate" -- mt quarantine frobnicate
expect_code 1 "quarantine show without a number" -- mt quarantine show

# Bytes that parse now (as after a fix of the parser): replay opens the
# ticket and marks the entry.
printf 'From: Dora <dora@customer.example>\nTo: support@example.org\nSubject: Scanner jammed\nMessage-ID: <q2@customer.example>\n\nThe scanner is jammed.\n' >"$tmp/fixed"
sum=$(sha256sum <"$tmp/fixed" | cut -d' ' -f1)
sql "INSERT INTO blobs (sha256, size, data) VALUES ('$sum', $(wc -c <"$tmp/fixed"), readfile('$tmp/fixed'));
	INSERT INTO quarantine (received, blob, size, envelope_from, envelope_to, reason)
	VALUES (1772445600, '$sum', $(wc -c <"$tmp/fixed"), 'dora@customer.example', 'support@example.org', 'an old parser''s bug')"
ok $? "a quarantined message that parses now"
expect_code 0 "quarantine replay 2" -- mt quarantine replay 2
article=$(sql "select id from articles where blob = '$sum'")
has "ticket 2 article $article (new)" "quarantine replay: the ticket and article it made"
expect_equal "$(mt show 2 --json | json 'd["subject"]')" "Scanner jammed" "... a ticket of the replayed message"
expect_code 0 "quarantine list after the replay" -- mt quarantine list
has "$(printf '%5d  %-16s %8d  %-24s %s' 2 "2026-03-02 10:00" "$(wc -c <"$tmp/fixed")" dora@customer.example \
	"an old parser's bug (replayed)")" \
	"quarantine list: the entry says it was replayed"
