#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bulk and small edits: set and tag over several tickets in one
# transaction, time edit and rm, user set --email and --name, set
# requester=ADDR (the replies go there) and reply --status.
. "$(dirname "$0")/../lib.sh"
plan 77

mt init >/dev/null
for i in 1 2 3 4; do
	printf 'Please help, number %s.\n' "$i" |
		compose "c$i@customer.example" support@example.org "req$i@customer.example" "Request $i" |
		deliver -f "c$i@customer.example" -r support@example.org || echo "deliver $i failed"
done
expect_equal "$(sql 'select count(*) from tickets')" 4 "four tickets"
agent bob
agent alice

# fields: id|status|priority|owner of tickets 1 to 3, one line
fields () { sql "select group_concat(id || ':' || status || ':' || priority || ':' || ifnull(owner, '-'), ' ')
	from (select t.id, t.status, t.priority, u.login as owner from tickets t left join users u on u.id = t.owner
	where t.id <= 3 order by t.id)"; }
outbox () { sql 'select count(*) from outbox'; }
history () { sql 'select count(*) from history'; }

# set over three tickets: all of them in one transaction
before=$(fields) mails=$(outbox) lines=$(history)
expect_code 0 "approval request on ticket 2" -- mt approval 2 request bob
mails=$(outbox) lines=$(history)
expect_code 1 "set 1 2 3 status=resolved: ticket 2 waits on an approval" -- mt set 1 2 3 status=resolved priority=8
expect_equal "$(cat "$err")" \
	"mailticket: ticket 2: ticket 2 has 1 pending approval(s); it cannot be resolved" "... the error names ticket 2"
expect_equal "$(fields)" "$before" "... and no ticket changed, not even ticket 1 before it"
expect_equal "$(outbox) $(history)" "$mails $lines" "... no mail queued, no history written"
expect_code 1 "set 1 2 99 priority=8: no ticket 99" -- mt set 1 2 99 priority=8
expect_equal "$(cat "$err")" "mailticket: no ticket 99" "... the error names it"
expect_equal "$(fields)" "$before" "... and nothing changed"
expect_code 1 "set 1 3 priority=12: a bad value" -- mt set 1 3 priority=12
grep -q "^mailticket: ticket 1: priority: '12' is not a priority from 1 to 9" "$err"; ok $? "... named with ticket 1"
expect_equal "$(fields)" "$before" "... nothing changed"
expect_code 1 "set 1 2 3 with no field" -- mt set 1 2 3
expect_code 1 "set 1 x=1: an unknown field" -- mt set 1 2 x=1
expect_code 0 "bob approves" -- env MAILTICKET_USER=bob "$BIN/mailticket" --db "$DB" approval 2 approve
mails=$(outbox)
expect_code 0 "set 1 2 3 status=resolved priority=8 owner=bob" -- mt set 1 2 3 status=resolved priority=8 owner=bob
expect_equal "$(fields)" "1:resolved:8:bob 2:resolved:8:bob 3:resolved:8:bob" "... all three changed"
expect_equal "$(sql "select count(*) from history where field = 'status' and new = 'resolved' and who = 'alice'")" 3 \
	"... a history line on each"
expect_equal "$(sql "select group_concat(r.address, ' ') from outbox o join outbox_recipients r on r.outbox = o.id
	where o.id > $mails and o.kind = 'notification' and r.address like 'c%'")" \
	"c1@customer.example c2@customer.example c3@customer.example" \
	"... each requester told of the resolution, as a single set tells"
expect_equal "$(sql "select count(distinct o.ticket) from outbox o join outbox_recipients r on r.outbox = o.id
	where o.id > $mails and r.address = 'bob@example.org'")" 3 "... and the new owner of each told"
expect_code 0 "set 4 status=open: a single ticket as before" -- mt set 4 status=open
expect_code 1 "set 4 status=shut" -- mt set 4 status=shut
expect_equal "$(cat "$err")" "mailticket: status: 'shut' is not one of new, open, pending, resolved, closed" \
	"... a single ticket's error as before"

# tag over several tickets
expect_code 0 "tag 1 2 3 +vpn +urgent" -- mt tag 1 2 3 +vpn +urgent
expect_equal "$(sql "select group_concat(ticket || tag, ' ') from (select * from tags order by ticket, tag)")" \
	"1urgent 1vpn 2urgent 2vpn 3urgent 3vpn" "... all three tagged"
expect_code 0 "tag 1 3 -urgent" -- mt tag 1 3 -urgent
expect_equal "$(sql "select group_concat(ticket, ' ') from tags where tag = 'urgent'")" 2 "... removed from 1 and 3"
expect_code 1 "tag 1 2 99 +x: no ticket 99" -- mt tag 1 2 99 +x
expect_equal "$(sql "select count(*) from tags where tag = 'x'")" 0 "... nothing tagged"
expect_code 1 "tag 1 2 'bad,tag'" -- mt tag 1 2 "+bad,tag"
expect_equal "$(sql "select count(*) from tags where tag like 'bad%'")" 0 "... nothing tagged"
expect_code 0 "tag 4 +2024: a number as a tag, with +" -- mt tag 4 +2024
expect_equal "$(sql "select tag from tags where ticket = 4")" 2024 "... tagged 2024"
expect_code 1 "tag 4: no tags" -- mt tag 4

# time edit and time rm
expect_code 0 "time 1 30" -- mt time 1 30 --note "first go" --date 2026-11-20
entry=$(cat "$out")
expect_equal "$entry" "$(sql 'select max(id) from time_entries')" "time prints the entry's number"
expect_code 0 "time 2 1h30" -- mt time 2 1h30
expect_equal "$(sql 'select minutes from time_entries where ticket = 2')" 90 "... 1h30 is 90 minutes"
expect_code 0 "time report" -- mt time report
grep -q "^ *$entry  2026-11-20  alice  .* 30 min  Request 1: first go$" "$out"; ok $? "report: the entry's number first"
expect_code 0 "time edit --duration 1h15 --note --date" -- \
	mt time edit "$entry" --duration 1h15 --note "second go" --date 2026-11-21
expect_equal "$(sql "select minutes || ' ' || day || ' ' || note from time_entries where id = $entry")" \
	"75 2026-11-21 second go" "... changed"
expect_equal "$(sql "select old || ' -> ' || new from history where ticket = 1 and field = 'time' order by id desc limit 1")" \
	"entry $entry: 30 min on 2026-11-20 -> entry $entry: 75 min on 2026-11-21" "... with a history line"
expect_code 0 "time edit --minutes 20 --note ''" -- mt time edit "$entry" --minutes 20 --note ""
expect_equal "$(sql "select minutes || ' ' || ifnull(note, 'none') from time_entries where id = $entry")" "20 none" \
	"... minutes changed, note gone"
expect_code 1 "time edit --minutes and --duration" -- mt time edit "$entry" --minutes 5 --duration 1h
expect_code 1 "time edit without a change" -- mt time edit "$entry"
expect_code 1 "time edit --date 2026-02-30" -- mt time edit "$entry" --date 2026-02-30
expect_code 1 "time edit 999: no such entry" -- mt time edit 999 --minutes 5
expect_equal "$(cat "$err")" "mailticket: no time entry 999" "... saying so"
expect_code 0 "time rm" -- mt time rm "$entry"
expect_equal "$(sql "select count(*) from time_entries where id = $entry")" 0 "... gone"
expect_equal "$(sql "select ifnull(new, '-') from history where ticket = 1 and field = 'time' order by id desc limit 1")" \
	"-" "... with a history line"
expect_code 1 "time rm again" -- mt time rm "$entry"

# user set --email, --name
expect_code 0 "user set bob --email --name" -- mt user set bob --email Bob.New@Example.ORG --name "Bob New"
expect_equal "$(sql "select email || '|' || name from users where login = 'bob'")" "bob.new@example.org|Bob New" \
	"... changed"
expect_code 1 "user set bob --email alice's address" -- mt user set bob --email ALICE@example.org
expect_equal "$(cat "$err")" "mailticket: ALICE@example.org is the address of user alice already" "... refused"
expect_code 1 "user set bob --email not-an-address" -- mt user set bob --email not-an-address
expect_equal "$(sql "select email from users where login = 'bob'")" "bob.new@example.org" "... bob keeps his"
mails=$(outbox)
expect_code 0 "a note on ticket 1, which bob owns" -- mt note 1 -m "For bob."
expect_equal "$(sql "select group_concat(address) from outbox_recipients where outbox > $mails")" \
	"bob.new@example.org" "... bob is told at his new address"

# set requester=ADDR: the replies go there
expect_code 1 "set 4 requester=nobody" -- mt set 4 requester=nobody
expect_code 0 "set 4 requester=New.Person@other.example" -- mt set 4 requester=New.Person@other.example
expect_equal "$(mt list --json | json '[t["requester"] for t in d if t["id"] == 4][0]')" \
	"New.Person@other.example" "... the ticket's requester"
expect_equal "$(sql "select old || ' -> ' || new from history where ticket = 4 and field = 'requester'")" \
	"c4@customer.example -> New.Person@other.example" "... with a history line"
mails=$(outbox)
expect_code 0 "reply 4" -- mt reply 4 -m "Here you are."
expect_equal "$(sql "select group_concat(r.address) from outbox o join outbox_recipients r on r.outbox = o.id
	where o.id > $mails and o.kind = 'reply'")" "new.person@other.example" "... the reply goes to the new requester"

# reply --status: the answer and the status in one step
mails=$(outbox)
expect_code 0 "reply 4 --status pending" -- mt reply 4 -m "Which model is it?" --status pending
expect_equal "$(sql 'select status from tickets where id = 4')" pending "... the ticket is pending"
expect_equal "$(sql "select group_concat(kind, ' ') from outbox o join outbox_recipients r on r.outbox = o.id
	where o.id > $mails and r.address = 'new.person@other.example'")" "reply" \
	"... the requester gets the reply and no status mail (pending without -m, as set does)"
mt approval 4 request bob >/dev/null
articles=$(sql 'select count(*) from articles') mails=$(outbox)
expect_code 1 "reply 4 --status resolved: an approval is pending" -- mt reply 4 -m "Done." --status resolved
expect_equal "$(sql 'select count(*) from articles') $(outbox) $(sql 'select status from tickets where id = 4')" \
	"$articles $mails pending" "... no reply stored nor queued, the status unchanged"
expect_code 1 "reply 4 --status shut" -- mt reply 4 -m "Done." --status shut
env MAILTICKET_USER=bob "$BIN/mailticket" --db "$DB" approval 4 approve >/dev/null
expect_code 0 "reply 4 --status resolved" -- mt reply 4 -m "Done." --status resolved
expect_equal "$(sql 'select status from tickets where id = 4')" resolved "... resolved"
expect_equal "$(sql "select group_concat(o.kind, ' ') from outbox o join outbox_recipients r on r.outbox = o.id
	where o.id > $mails and r.address = 'new.person@other.example'")" "reply notification" \
	"... the requester gets the reply, then the resolution as set tells it"
