#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The agent's write side: set, tag, link, merge, task, time, approval,
# stats. Each change is checked before anything is written, recorded in
# the history, and visible to a script through show --json and SQL.
. "$(dirname "$0")/../lib.sh"
plan 122

samples=$top/contrib/samples
for f in "$samples"/0*.eml; do deliver -r support@example.org <"$f" >/dev/null 2>&1; done
MAILTICKET_USER=alice; export MAILTICKET_USER
expect_code 0 "user alice" -- mt user add alice --email alice@example.org
expect_code 0 "user bob" -- mt user add bob --email bob@example.org
expect_equal "$(sql 'select count(*) from tickets')" 2 "the samples make two tickets"

field () { sql "select $1 from ticket_summary where id = $2"; }
history () { sql "select who || ':' || field || ':' || ifnull(old, '') || '>' || ifnull(new, '') from history where ticket = $1 and field = '$2' order by id desc limit 1"; }

# set
expect_code 0 "set several fields" -- mt set 1 status=pending priority=7 owner=bob project="VPN rollout" color=red
expect_equal "$(field 'status, priority, owner, project, color' 1)" "pending|7|bob|VPN rollout|red" "... all changed"
expect_equal "$(history 1 owner)" "alice:owner:>bob" "... owner change in the history with who"
expect_equal "$(history 1 status)" "alice:status:new>pending" "... status change in the history"
before=$(sql 'select count(*) from history')
expect_code 1 "set an unknown status" -- mt set 1 priority=2 status=bogus
expect_equal "$(field priority 1)" 7 "... changes nothing, not even the valid field"
expect_code 1 "set an unknown owner" -- mt set 1 owner=nobody
expect_code 1 "set an unknown queue" -- mt set 1 queue=nope
expect_code 1 "set priority 10" -- mt set 1 priority=10
expect_code 1 "set an unknown field" -- mt set 1 colour=red
expect_code 1 "set a bad colour" -- mt set 1 color=mauve
expect_equal "$(sql 'select count(*) from history')" "$before" "refused changes leave no history"
[ "$(wc -l <"$err")" = 1 ]; ok $? "a refusal is one line on stderr"
expect_code 0 "set owner=none" -- mt set 1 owner=none
expect_equal "$(field "ifnull(owner, '-')" 1)" "-" "... clears the owner"
expect_code 0 "set owner=bob again" -- mt set 1 owner=bob
expect_code 1 "set on a missing ticket" -- mt set 99 status=open

# watchers hear of a status change (bob owns ticket 1)
queued=$(sql "select count(*) from outbox where kind = 'notification'")
expect_code 0 "set status=open" -- mt set 1 status=open
expect_equal "$(sql "select count(*) from outbox where kind = 'notification'")" $((queued + 1)) \
	"a status change queues one notification (to the owner)"
expect_equal "$(sql "select r.address from outbox o join outbox_recipients r on r.outbox = o.id order by o.id desc limit 1")" \
	bob@example.org "... to bob"

# tags
expect_code 0 "tag +vpn +urgent" -- mt tag 1 +vpn +urgent
expect_code 0 "tag -urgent" -- mt tag 1 -urgent
expect_equal "$(sql 'select group_concat(tag) from tags where ticket = 1')" vpn "tags added and removed"
expect_equal "$(history 1 tag)" "alice:tag:urgent>" "tag removal in the history"
expect_code 1 "a tag with a comma" -- mt tag 1 +a,b
expect_code 1 "tag a missing ticket" -- mt tag 99 +x

# tasks, time and the CSV export
expect_code 0 "task add" -- mt task 1 add "Check the firewall" --assignee bob
task=$(cat "$out")
expect_code 0 "task list --json" -- mt task 1 --json
expect_equal "$(json 'd[0]["title"], d[0]["assignee"], d[0]["state"]' <"$out")" "('Check the firewall', 'bob', 'open')" \
	"the task, its assignee and state"
expect_code 0 "task done" -- mt task done "$task"
expect_code 0 "task list --json" -- mt task 1 --json
expect_equal "$(json 'd[0]["state"]' <"$out")" done "... done"
expect_code 1 "task done on a missing task" -- mt task done 999
# The ticket first, as for the other verbs: it must be the task's.
task2=$(mt task 2 add "Replace the cable")
expect_code 1 "task 1 done: not ticket 1's task" -- mt task 1 done "$task2"
expect_equal "$(cat "$err")" "mailticket: ticket 1 has no task $task2" "... saying so"
expect_equal "$(mt task 2 --json | json '[t["state"] for t in d]')" '["open"]' "... and it stays open"
expect_code 0 "task 2 done: the ticket before the verb" -- mt task 2 done "$task2"
expect_equal "$(mt task 2 --json | json '[t["state"] for t in d]')" '["done"]' "... done"
expect_code 0 "time 30 on the task" -- mt time 1 30 --task "$task" --note 'Größe, "quoted"; semicolon' --date 2026-11-20
expect_code 0 "time 15 for bob" -- mt time 1 15 --user bob --date 2026-11-21
expect_code 0 "time 5 on ticket 2" -- mt time 2 5 --date 2026-11-22
expect_code 1 "time on a task of another ticket" -- mt time 2 5 --task "$task"
expect_code 1 "time on a day that does not exist" -- mt time 1 5 --date 2026-02-30
expect_code 1 "time of zero minutes" -- mt time 1 0
expect_code 0 "time report --json" -- mt time report --json
expect_equal "$(json 'd["total_minutes"], d["by_user"]' <"$out")" "(50, {'alice': 35, 'bob': 15})" "totals by user"
expect_code 0 "time report --ticket 1 --csv" -- mt time report --ticket 1 --csv
python3 - "$out" <<'PY' >"$tmp/csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
print(len(rows)); print(rows[0]); print(rows[1]); print(rows[-1])
PY
expect_equal "$(sed -n 1p "$tmp/csv")" 4 "CSV: header, two entries, total"
expect_equal "$(sed -n 3p "$tmp/csv")" "['2026-11-20', 'alice', '1', 'VPN drops every 10 minutes', 'Check the firewall', '30', 'Größe, \"quoted\"; semicolon']" \
	"CSV: RFC 4180 quoting read back by Python's csv module"
expect_equal "$(sed -n 4p "$tmp/csv")" "['', '', '', '', 'total', '45', '']" "CSV: the total line"
[ "$(grep -c "$(printf '\r')\$" "$out")" = 4 ]; ok $? "CSV lines end in CRLF"

# A customer's subject that a spreadsheet would run as a formula.
expect_code 0 "a subject that looks like a formula" -- mt set 2 'subject==HYPERLINK("http://evil.example","x")'
expect_code 0 "time report --ticket 2 --csv" -- mt time report --ticket 2 --csv
expect_equal "$(sed -n 2p "$out" | cut -d, -f4-5)" "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"" \
	"CSV: a cell that begins with = gets an apostrophe"
expect_code 0 "time report --project" -- mt time report --project "VPN rollout" --json
expect_equal "$(json 'd["total_minutes"]' <"$out")" 45 "--project: only that project's tickets"
expect_code 0 "an organisation for ticket 1's requester" -- mt org add Customer --domain customer.example
expect_code 0 "time report --org" -- mt time report --org Customer --json
expect_equal "$(json 'd["total_minutes"]' <"$out")" 45 "--org: only tickets of that organisation's people"
expect_code 1 "--xlsx with --csv" -- mt time report --csv --xlsx "$tmp/t.xlsx"
expect_code 0 "time report --xlsx" -- mt time report --xlsx "$tmp/t.xlsx"
# (Debian's python3-openpyxl: the system's python3, whatever is first on PATH)
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
$py - "$tmp/t.xlsx" >"$tmp/xlsx" 2>&1 <<'PY'
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
entries, totals = book["Entries"], book["Totals"]
rows = [[c.value for c in row] for row in entries.iter_rows()]
print(rows[0])
print([(r[0].strftime("%Y-%m-%d"), r[1], r[2], r[5]) for r in rows[1:4]])
cell = entries.cell(row=4, column=4)
print(cell.value, cell.data_type)
print(rows[4][4:6])
print([[c.value for c in row] for row in totals.iter_rows()])
PY
ok $? "the workbook opens with openpyxl" || diag "$(cat "$tmp/xlsx")"
expect_equal "$(sed -n 1p "$tmp/xlsx")" "['day', 'user', 'ticket', 'subject', 'task', 'minutes', 'note']" "xlsx: the header"
expect_equal "$(sed -n 2p "$tmp/xlsx")" \
	"[('2026-11-20', 'alice', 1, 30), ('2026-11-21', 'bob', 1, 15), ('2026-11-22', 'alice', 2, 5)]" \
	"xlsx: the entries, days as dates, numbers as numbers"
expect_equal "$(sed -n 3p "$tmp/xlsx")" '=HYPERLINK("http://evil.example","x") s' "xlsx: the formula-like subject is a string cell"
expect_equal "$(sed -n 4p "$tmp/xlsx")" "['total', 50]" "xlsx: the total"
expect_equal "$(sed -n 5p "$tmp/xlsx")" \
	"[['user', 'minutes', 'hours', None], ['alice', 35, 0.5833333333333334, None], ['bob', 15, 0.25, None], [None, None, None, None], ['ticket', 'minutes', 'hours', 'subject'], [1, 45, 0.75, 'VPN drops every 10 minutes'], [2, 5, 0.08333333333333333, '=HYPERLINK(\"http://evil.example\",\"x\")']]" \
	"xlsx: totals per person and per ticket"

# approvals block resolving
expect_code 0 "approval request" -- mt approval 1 request bob --note "needs budget"
expect_code 1 "resolve with a pending approval" -- mt set 1 status=resolved
grep -q "pending approval" "$err"; ok $? "... says why"
expect_code 1 "alice cannot approve bob's approval" -- mt approval 1 approve
MAILTICKET_USER=bob expect_code 0 "bob approves" -- mt approval 1 approve --note ok
expect_code 0 "resolve after the approval" -- mt set 1 status=resolved
expect_equal "$(sql 'select resolved is not null from tickets where id = 1')" 1 "resolving stamps the time"
expect_code 0 "approval list --json" -- mt approval 1 --json
expect_equal "$(json 'd[0]["state"], d[0]["approver"], d[0]["decision_note"]' <"$out")" "('approved', 'bob', 'ok')" \
	"the approval's outcome"

expect_code 0 "show --json" -- mt show 1 --json
expect_equal "$(json '[t["state"] for t in d["tasks"]], [a["state"] for a in d["approvals"]], d["time_minutes"]' <"$out")" \
	"(['done'], ['approved'], 45)" "show --json has the tasks, approvals and time booked"
expect_code 0 "show" -- mt show 1
grep -q '^Time: *45 minutes' "$out"; ok $? "show prints the time booked"

# link and merge
expect_code 0 "new ticket 3" -- mt new --requester anna@customer.example --subject "VPN again" -m "phone call"
expect_code 0 "link 2 parent 1" -- mt link 2 parent 1
expect_equal "$(sql "select kind || other from links where ticket = 2")" parent1 "link from 2"
expect_equal "$(sql "select kind || other from links where ticket = 1")" child2 "... and back from 1"
expect_code 1 "link to itself" -- mt link 2 relates 2
expect_code 0 "tag 3 +phone" -- mt tag 3 +phone
expect_code 0 "watch 3 add bob" -- mt watch 3 add bob
expect_code 0 "task on 3" -- mt task 3 add "Call back"
expect_code 0 "time on 3" -- mt time 3 10 --note "merged time"
expect_code 0 "an alarm on 3" -- mt alarm 3 add --at +1d --note "merged alarm"
expect_code 0 "a reply on 3, Cc the boss" -- mt reply 3 -m "On it." --cc boss@customer.example
articles1=$(sql 'select count(*) from articles where ticket = 1')
expect_code 0 "merge 3 into 1" -- mt merge 3 into 1
expect_equal "$(sql 'select count(*) from articles where ticket = 1')" $((articles1 + 2)) "the articles moved"
expect_equal "$(sql "select group_concat(tag) from (select tag from tags where ticket = 1 order by tag)")" phone,vpn "tags moved"
expect_equal "$(sql 'select merged_into, status from tickets where id = 3')" "1|closed" "3 is closed and points to 1"
# Each table's owner moves its rows (README, Layout): each must have.
expect_equal "$(sql "select count(*) from watchers w join users u on u.id = w.user where w.ticket = 1 and u.login = 'bob'")" \
	1 "the watchers moved"
expect_equal "$(sql 'select count(*) from watchers where ticket = 3')" 0 "... and left 3"
expect_equal "$(sql "select ticket from tasks where title = 'Call back'")" 1 "the task moved"
expect_equal "$(sql "select ticket from time_entries where note = 'merged time'")" 1 "the time moved"
expect_equal "$(sql "select ticket from alarms where note = 'merged alarm'")" 1 "the alarm moved"
expect_equal "$(sql "select ticket from conversation_cc where address = 'boss@customer.example'")" 1 \
	"the conversation's Cc moved"
expect_code 1 "merge it again" -- mt merge 3 into 1
cat >"$tmp/late" <<EOF
From: anna@customer.example
To: support@example.org
Subject: Re: [Ticket#3] VPN again
Message-ID: <late@customer.example>

still broken
EOF
expect_code 0 "mail to the merged ticket" -- deliver -r support@example.org <"$tmp/late"
expect_equal "$(sql "select ticket from articles where message_id = 'late@customer.example'")" 1 \
	"... lands in the ticket it was merged into"

# stats
expect_code 0 "stats --json" -- mt stats --json
# Ticket 3 was merged (not counted); ticket 1 was resolved, then reopened by mail.
expect_equal "$(json '[(r["queue"], r["opened"], r["resolved"], r["backlog"]) for r in d]' <"$out")" \
	'[["support", 2, 0, 2], ["(all)", 2, 0, 2]]' "opened, resolved and backlog by queue"
expect_code 0 "resolve ticket 2" -- mt set 2 status=resolved
expect_code 0 "stats --json --queue support" -- mt stats --json --queue support
expect_equal "$(json '[(r["queue"], r["resolved"], r["backlog"], r["resolution"]["median"] is not None) for r in d]' <"$out")" \
	'[["support", 1, 1, true], ["(all)", 1, 1, true]]' "a resolution counts, with its time"
expect_code 0 "stats (table)" -- mt stats
grep -q '^(all)' "$out"; ok $? "the table has a total row"
expect_code 1 "stats --from garbage" -- mt stats --from garbage
# queues
expect_code 0 "queue add sales" -- mt queue add sales --address sales@example.org --sla 4h --owner bob
expect_code 1 "queue add with an unknown owner" -- mt queue add x --address x@example.org --owner nobody
expect_code 1 "queue add with a bad SLA" -- mt queue add x --address x@example.org --sla soon
expect_code 0 "queue list --json" -- mt queue list --json
expect_equal "$(json '[(q["name"], q["sla_minutes"], q["owner"]) for q in d]' <"$out")" \
	'[["sales", 240, "bob"], ["support", null, null]]' "the queues with SLA and owner"
printf 'From: carl@customer.example\nTo: sales@example.org\nSubject: Quote please\nMessage-ID: <sales-1@x>\n\nHow much?\n' |
	deliver -r sales@example.org
expect_equal "$(field 'queue, owner' "$(sql "select ticket from articles where message_id = 'sales-1@x'")")" "sales|bob" \
	"mail to the sales address lands in its queue with its default owner"
sql "select data from blobs b join outbox o on o.blob = b.sha256 where o.kind = 'ack' order by o.id desc limit 1" |
	grep -q "We will answer within 4 hours"
ok $? "its acknowledgement promises the queue's SLA"
