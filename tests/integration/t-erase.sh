#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Erasure: ticket rm deletes a ticket for good, with the tickets merged
# into it; contact forget deletes what one person sent and their address
# wherever it stood. A word found only in the erased mail is afterwards
# nowhere in the database file, its write-ahead log or the search index,
# and the other tickets are as they were.
. "$(dirname "$0")/../lib.sh"
plan 51

# Unique words: one in each erased ticket, one in the ticket that stays.
secret=Zqxvorbeljak
merged=Plumbreskit
kept=Wintergrolm
compose ann@example.com support@example.org erase-1@example.com "VPN $secret" <<EOT |
The VPN drops every hour. Codeword $secret.
EOT
	deliver -r support@example.org >/dev/null
compose bob@example.com support@example.org keep-1@example.com "Printer" <<EOT |
The printer jams. Codeword $kept.
EOT
	deliver -r support@example.org >/dev/null
compose ann@example.com support@example.org erase-2@example.com "Again" <<EOT |
Still broken. Codeword $merged.
EOT
	deliver -r support@example.org >/dev/null
expect_equal "$(sql 'select count(*) from tickets')" 3 "three tickets"
agent alice
mt note 1 -m "Asked ann about $secret" >/dev/null
mt tag 1 +vpn >/dev/null
mt task 1 add "Call ann" >/dev/null
mt time 1 15 >/dev/null
mt alarm 1 add --at 2030-01-01 >/dev/null
mt watch 1 add alice >/dev/null 2>&1
mt link 2 relates 1 >/dev/null
mt merge 3 into 1 >/dev/null
expect_code 0 "the word is found before" -- mt search "$secret"

expect_code 1 "ticket rm of a ticket not closed is refused" -- mt ticket rm 1
expect_equal "$(sql 'select count(*) from tickets')" 3 "... and erases nothing"
expect_code 1 "ticket rm of a missing ticket" -- mt ticket rm 99
expect_code 0 "ticket rm --force" -- mt ticket rm --force 1
# Before anything else opens the database (sqlite3 would checkpoint).
found=
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -f "$f" ] || continue
	for w in "$secret" "$merged"; do
		grep -q -a -i "$w" "$f" && found="$found $(basename "$f"):$w"
	done
done
expect_equal "$found" "" "the erased words are nowhere in the database file or its WAL"
wal=0; [ -f "$DB-wal" ] && wal=$(wc -c <"$DB-wal")
expect_equal "$wal" 0 "the WAL is empty"
expect_code 0 "search for the erased word" -- mt search --json "$secret"
expect_equal "$(cat "$out")" "[]" "... finds nothing"
expect_code 0 "search for the merged ticket's word" -- mt search --json "$merged"
expect_equal "$(cat "$out")" "[]" "... finds nothing"
expect_code 0 "search for the kept word" -- mt search "$kept"
grep -q "Printer" "$out"; ok $? "... finds the ticket that stays"
expect_equal "$(sql 'select id from tickets order by id')" 2 "the merged ticket went with it, the other stays"
expect_equal "$(sql "select count(*) from articles where ticket = 2") $(sql 'select count(*) from blobs')" \
	"1 $(sql 'select count(*) from (select blob from articles union select blob from outbox)')" \
	"the other ticket keeps its article; no raw message is left that nothing uses"
expect_equal "$(sql 'select count(*) from links') $(sql 'select count(*) from tags')$(sql 'select count(*) from tasks')$(sql 'select count(*) from time_entries')$(sql 'select count(*) from alarms')$(sql 'select count(*) from watchers')$(sql 'select count(*) from message_ids where ticket <> 2')" \
	"0 000000" "no row of the erased tickets is left"
expect_code 0 "db check passes" -- mt db check

# Retention: mailticket-send erases what was closed longer ago than
# purge_closed_after, and nothing else.
compose carl@example.com support@example.org open-1@example.com "Still open" <<EOT |
Open for ever.
EOT
	deliver --now "2026-11-23 10:00" -r support@example.org >/dev/null
compose dora@example.com support@example.org recent-1@example.com "Closed lately" <<EOT |
Closed lately.
EOT
	deliver --now "2027-11-01 10:00" -r support@example.org >/dev/null
mt --now "2026-11-23 11:00" set 2 status=closed >/dev/null
mt --now "2027-11-02 11:00" set 5 status=closed >/dev/null
expect_equal "$(sql 'select group_concat(id) from (select id from tickets order by id)')" 2,4,5 "tickets 2, 4 and 5"
printf '[retention]\npurge_closed_after = 1y\n' >>"$MAILTICKET_CONF"
send () { "$BIN/mailticket-send" --db "$DB" "$@"; }
expect_code 0 "mailticket-send before the year is over" -- send --once --now "2027-11-20 00:00"
expect_equal "$(sql 'select group_concat(id) from (select id from tickets order by id)')" 2,4,5 "... erases nothing"
expect_code 0 "mailticket-send a year after ticket 2 was closed" -- send --once --now "2027-11-24 00:00"
expect_equal "$(sql 'select group_concat(id) from (select id from tickets order by id)')" 4,5 \
	"... erases ticket 2, not the open one nor the one closed lately"
cat "$DB" "$DB-wal" 2>/dev/null | grep -a -i -q "$kept"; [ $? = 1 ]; ok $? "... and its words are gone from the files"
printf '[retention]\npurge_closed_after = soon\n' >>"$MAILTICKET_CONF"
expect_code 78 "a bad purge_closed_after is a configuration error" -- send --once

# contact forget: erin wrote ticket 6 alone and once in frank's ticket 7,
# where frank named her in Cc. Both her words, her address and her name
# go from everything; frank's ticket stays without her.
sed -i '/purge_closed_after = soon/d' "$MAILTICKET_CONF"
alone=Xylofrinder
inreply=Quobbelnast
franks=Meadowplunk
compose "Erin Example <erin@example.com>" support@example.org erin-1@example.com "Tax form" <<EOT |
My tax form, number $alone.
EOT
	deliver -r support@example.org >/dev/null
compose frank@example.com support@example.org frank-1@example.com "Parking" \
	"Cc: Erin Example <erin@example.com>" <<EOT |
Where do we park? Codeword $franks.
EOT
	deliver -r support@example.org >/dev/null
compose "Erin Example <erin@example.com>" support@example.org erin-2@example.com "Re: Parking" \
	"$(printf 'In-Reply-To: <frank-1@example.com>\nCc: frank@example.com')" <<EOT |
Behind the shed, says $inreply.
EOT
	deliver -r support@example.org >/dev/null
compose frank@example.com support@example.org frank-2@example.com "Re: Parking" \
	"$(printf 'In-Reply-To: <erin-2@example.com>\nCc: erin@example.com')" <<EOT |
Thanks.
EOT
	deliver -r support@example.org >/dev/null
erin_ticket=$(sql "select ticket from articles where message_id = 'erin-1@example.com'")
frank_ticket=$(sql "select ticket from articles where message_id = 'frank-1@example.com'")
expect_equal "$(sql "select count(*) from articles where ticket = $frank_ticket")" 3 \
	"frank's ticket has three mails, one of them erin's"
mt watch "$frank_ticket" add erin@example.com >/dev/null
mt --now "2027-11-25 10:00" reply "$frank_ticket" -m "The shed it is." >/dev/null
expect_equal "$(sql "select count(*) > 0 from outbox_recipients where address = 'erin@example.com'") $(sql "select count(*) from contacts where address = 'erin@example.com'")" \
	"1 1" "erin had mail from us, and is a contact"
expect_code 1 "contact forget of someone whose ticket is not closed" -- mt contact forget erin@example.com
grep -q "not closed" "$err"; ok $? "... is refused, naming --force"
expect_equal "$(sql "select count(*) from articles where from_addr = 'erin@example.com'")" 2 "... and erases nothing"
expect_code 1 "contact forget of an address nowhere" -- mt contact forget nobody@example.com
expect_code 0 "contact forget --force" -- mt contact forget --force erin@example.com
found=
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -f "$f" ] || continue
	for w in "$alone" "$inreply" erin@example.com "Erin Example"; do
		grep -q -a -i "$w" "$f" && found="$found $(basename "$f"):$w"
	done
done
expect_equal "$found" "" "her words, address and name are nowhere in the database file or its WAL"
wal=0; [ -f "$DB-wal" ] && wal=$(wc -c <"$DB-wal")
expect_equal "$wal" 0 "the WAL is empty"
for w in "$alone" "$inreply" erin; do
	expect_code 0 "search for $w" -- mt search --json "$w"
	expect_equal "$(cat "$out")" "[]" "... finds nothing"
done
expect_code 0 "search for frank's word" -- mt search --json "$franks"
expect_equal "$(json '[r["ticket"] for r in d]' <"$out")" "[$frank_ticket]" "... finds his ticket"
expect_equal "$(sql "select count(*) from tickets where id = $erin_ticket")" 0 "the ticket she wrote alone is gone"
expect_equal "$(sql "select group_concat(message_id) from (select message_id from articles where ticket = $frank_ticket and kind = 'email-in' order by id)")" \
	"frank-1@example.com,frank-2@example.com" "frank's ticket keeps his mail, not hers"
expect_equal "$(sql "select cc from articles where message_id = 'frank-1@example.com'")" "(erased)" \
	"his mail's Cc shows (erased) where she stood"
expect_equal "$(sql "select count(*) from history where ticket = $frank_ticket and field = 'erased'")" 1 \
	"his ticket's history says an erasure took place"
expect_equal "$(sql "select count(*) from watchers") $(sql "select count(*) from participants where address like 'erin%'") $(sql "select count(*) from conversation_cc where address like 'erin%'")" \
	"0 0 0" "she watches nothing and takes part in nothing"
expect_code 0 "contact list" -- mt contact list
grep -q erin "$out"; [ $? = 1 ]; ok $? "... has no erin"
grep -q frank "$out"; ok $? "... and still frank"
expect_code 0 "db check passes" -- mt db check
