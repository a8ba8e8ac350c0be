#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket list: every filter and sort over the corpora (the project's
# own, and the public one where it is) and the samples, checked against
# plain SQL over the same database; the table
# on a pipe and on a terminal; one line and exit 1 for every bad option.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fill.sh"

plan 95
TZ=UTC
export TZ

mt init >/dev/null
fill_samples
fill_corpus "$top/tests/corpus/threads"
fill_corpus "$top/tests/corpus/malformed"
[ -d "$CORPUS/public" ] && fill_corpus "$CORPUS/public"
expect_equal "$fill_failed" "" "samples and corpora delivered with exit 0"
mt user add alice --email alice@example.org >/dev/null && mt user add bob --email bob@example.org >/dev/null
ok $? "two agents"

# Give the tickets owners, statuses, priorities, projects, tags and due
# times by rule, until the commands that set them exist.
sql "update tickets set status = case id % 5 when 0 then 'closed' when 1 then 'resolved' when 2 then 'pending'
	when 3 then 'open' else status end, priority = 1 + id % 9, due = iif(id % 2 = 0, created + 86400 * 20, NULL),
	project = iif(id % 4 = 0, 'web', NULL),
	owner = case id % 3 when 0 then (select id from users where login = 'alice')
	when 1 then (select id from users where login = 'bob') end;
	insert into tags (ticket, tag) select id, 'vip' from tickets where id % 6 = 0;
	insert into tags (ticket, tag) select id, 'Printer' from tickets where subject like '%drucker%';
	insert into queues (name, address, created) values ('billing', 'billing@example.org', 0);
	update tickets set queue = (select id from queues where name = 'billing') where id % 7 = 0;"
ok $? "tickets given owners, statuses, priorities, projects, tags, due times"
total=$(sql 'select count(*) from tickets')
[ "$total" -gt 20 ]; ok $? "$total tickets"

# ids ARGS...: the ids that list --json prints, space separated (in the C
# locale, as cron and the MTA run us)
ids () { LC_ALL=C mt list --json "$@" | json '" ".join(str(t["id"]) for t in d)'; }
# s: the tickets with the names the list shows, taken from the base
# tables here, not from the ticket_summary view that list reads: a view
# that joined wrongly would otherwise give the same wrong answer twice.
summary="with s as (select t.id, t.subject, t.status, t.priority, t.project, t.created, t.updated, t.due,
	(select name from queues where id = t.queue) as queue, (select login from users where id = t.owner) as owner,
	(select address from contacts where id = t.requester) as requester from tickets t)"
# want SQL: the ids of a query over s
want () { sql "$summary select group_concat(id, ' ') from (select s.id from s $1)"; }
# check DESC SQL ARGS...: list ARGS lists what SQL selects, in that order
check () {
	desc=$1 query=$2
	shift 2
	expect_equal "$(ids "$@")" "$(want "$query")" "$desc"
}
recent='order by s.updated desc, s.id desc'

check "no filter: most recently updated first, 50 at most" "$recent limit 50"
check "--limit 0: all" "$recent" --limit 0
check "--limit 3" "$recent limit 3" --limit 3
check "--status active: new, open and pending" "where status in ('new', 'open', 'pending') $recent" --status active
check "--status open --status closed" "where status in ('open', 'closed') $recent" --status open --status closed
check "--status open,closed" "where status in ('open', 'closed') $recent" --status open,closed
check "--status NEW, case ignored" "where status = 'new' $recent" --status NEW
check "--queue billing" "where queue = 'billing' $recent" --queue billing
check "--queue with no tickets" "where 0" --queue nowhere
check "--owner alice" "where owner = 'alice' $recent" --owner alice
check "--owner none" "where owner is null $recent" --owner none
requester=$(sql "$summary select requester from s where id = 1")
upper=$(printf '%s' "$requester" | tr a-z A-Z)
check "--requester, case ignored" "where requester = '$requester' $recent" --requester "$upper"
check "--tag vip" "where id in (select ticket from tags where tag = 'vip') $recent" --tag vip
check "--tag printer: case ignored" "where id in (select ticket from tags where tag = 'Printer') $recent" --tag printer
sql "insert into tags (ticket, tag) values (3, 'Büro')"
check "--tag Büro in the C locale" "where id in (select ticket from tags where tag = 'Büro') $recent" --tag Büro
check "--tag BüRO: the case of ASCII letters ignored" "where id = 3" --tag BüRO
check "--project web" "where project = 'web' $recent" --project web
check "--priority-min 7: priority 7, 8 and 9" "where priority >= 7 $recent" --priority-min 7

mid=$(sql 'select created from tickets order by created limit 1 offset 10')
day=$(sql "select date($mid, 'unixepoch')")
at=$(sql "select strftime('%Y-%m-%dT%H:%M:%S', $mid, 'unixepoch')")
check "--since DATE: from its midnight" "where created >= unixepoch('$day') $recent" --limit 0 --since "$day"
check "--until DATE: to its end" "where created < unixepoch('$day', '+1 day') $recent" --limit 0 --until "$day"
check "--since TIME: that second on" "where created >= $mid $recent" --limit 0 --since "$at"
check "--until TIME: up to that second" "where created <= $mid $recent" --limit 0 --until "$at"
check "--since and --until the same day" \
	"where created >= unixepoch('$day') and created < unixepoch('$day', '+1 day') $recent" \
	--since "$day" --until "$day"
check "--until with a space for the T and no seconds" "where created <= $mid - $mid % 60 $recent" \
	--limit 0 --until "$(sql "select strftime('%Y-%m-%d %H:%M', $mid, 'unixepoch')")"

now=$(sql 'select max(created) from tickets')
MAILTICKET_NOW=$now
export MAILTICKET_NOW
check "--overdue: due passed, not resolved or closed" \
	"where due < $now and status not in ('resolved', 'closed') $recent" --overdue
unset MAILTICKET_NOW
check "--sort created" "order by created desc, id desc limit 50" --sort created
check "--sort id" "order by id desc limit 50" --sort id
check "--sort priority: highest first, then updated" "order by priority desc, updated desc, id desc" \
	--sort priority --limit 0
check "filters combine" "where status in ('new', 'open', 'pending') and owner = 'alice' and priority >= 3
	order by priority desc, updated desc, id desc" --status active --owner alice --priority-min 3 --sort priority
check "an owner nobody is" "where 0" --owner nobody

# JSON: the keys of before, and tags and project.
expect_code 0 "list --json --tag printer" -- mt list --json --tag printer
expect_equal "$(json 'sorted(d[0].keys())' <"$out")" \
	'["articles", "color", "created", "due", "id", "org", "owner", "priority", "project", "queue", "requester", "status", "subject", "tags", "updated"]' \
	"list --json: the keys"
expect_equal "$(json 'd[0]["tags"]' <"$out")" '["Printer"]' "list --json: tags as an array"
expect_equal "$(json 'd[0]["subject"]' <"$out")" "Drucker im Büro druckt nur Müll" "list --json: decoded subject"
expect_equal "$(mt list --json --project web | json '{t["project"] for t in d} == {"web"}')" true \
	"list --json: project"

# The table, on a pipe: a header, one line per ticket, subjects whole.
expect_code 0 "list --limit 0 (a pipe)" -- mt list --limit 0
# (the tags column as wide as the longest tags: "Printer, vip" or "Büro, vip")
tags=$(sql "select max(length(t)) from (select group_concat(tag, ', ') as t from tags group by ticket)")
expect_equal "$(head -n 1 "$out")" \
	"   ID  STATUS   PRI  QUEUE    OWNER    REQUESTER            UPDATED          $(printf "%-${tags}s" TAGS) SUBJECT" \
	"table: the header, with the tags column"
expect_equal "$(($(wc -l <"$out") - 1))" "$total" "table: one line per ticket"
# (its tab, from a folded header, shows as a space)
long=$(sql 'select subject from tickets order by length(subject) desc limit 1' | tr '\t' ' ')
grep -qF -- "$long" "$out"; ok $? "table on a pipe: the longest subject whole (${#long} characters)"
# columns COLUMNS FILE: the distinct lengths in characters of the first COLUMNS
columns () {
	python3 -c 'import sys
n = int(sys.argv[1])
print(" ".join(sorted({str(len(l.rstrip("\n")[:n])) for l in open(sys.argv[2], encoding="utf-8")})))' "$@"
}
expect_equal "$(columns $((78 + tags)) "$out")" $((78 + tags)) \
	"table: every line has the same columns before the subject"
expect_equal "$(grep ' Drucker im Büro druckt nur Müll$' "$out" | awk '{ print $1, $2, $3, $4, $5 }')" \
	"$(sql "$summary select id, status, priority, queue, coalesce(owner, '-') from s
		where subject like 'Drucker%'" | tr '|' ' ')" "table: the sample's id, status, priority, queue, owner"

# list_tty COLUMNS ARGS...: list ARGS on a terminal COLUMNS wide; its
# output as the terminal shows it (without the colours' escape sequences)
list_tty () {
	list_columns=$1
	shift
	on_tty "$list_columns" "$BIN/mailticket" --db "$DB" list "$@"
	tr -d '\r' <"$out" | sed 's/\x1b\[[0-9;]*m//g'
	[ "$code" = 0 ]
}

# On a terminal of 100 columns: no line longer, subjects cut with an ellipsis.
list_tty 100 --limit 0 >"$tmp/tty"
ok $? "list on a terminal"
expect_equal "$(columns 1000 "$tmp/tty" | tr ' ' '\n' | sort -n | tail -n 1)" 100 \
	"terminal: the longest line fills the 100 columns"
grep -q '…$' "$tmp/tty"; ok $? "terminal: long subjects end in an ellipsis"
grep -qF -- "$long" "$tmp/tty"; [ $? -ne 0 ]; ok $? "terminal: the longest subject is cut"
expect_equal "$(grep -c '^(the first' "$tmp/tty")" 0 "terminal: no note when all are shown"
list_tty 100 --limit 5 >"$tmp/tty"
expect_equal "$(tail -n 1 "$tmp/tty")" "(the first 5; --limit 0 lists all)" "terminal: a note when more matched"
expect_equal "$(grep -c '^ *[0-9]' "$tmp/tty")" 5 "... after 5 tickets"
expect_equal "$(mt list --limit 5 | tail -n 1 | grep -c '^(the first')" 0 "no such note on a pipe"

# The tags column: whole on a pipe, cut to its share of a terminal.
long_tags=$(sql "select id from tickets order by id limit 1")
MAILTICKET_USER=alice mt tag "$long_tags" +a-rather-long-tag-for-the-column +another-long-tag-here >/dev/null
ok $? "tag: two long tags"
mt list --limit 0 >"$out"
grep -q "^ *$long_tags  .*a-rather-long-tag-for-the-column, another-long-tag-here" "$out"
ok $? "tags column on a pipe: the tags whole"
list_tty 100 --limit 0 >"$tmp/tty"
expect_equal "$(columns 1000 "$tmp/tty" | tr ' ' '\n' | sort -n | tail -n 1)" 100 \
	"tags column on a terminal: no line longer than the 100 columns"
grep "^ *$long_tags  " "$tmp/tty" >"$tmp/line"
grep -q ' a-rather-long-tag-for-the-column' "$tmp/line"; [ $? -ne 0 ]; ok $? "... the long tags are cut" ||
	cat "$tmp/line"
grep -q ' a-r[a-z-]*… ' "$tmp/line"; ok $? "... with an ellipsis" || cat "$tmp/line"
list_tty 60 --limit 0 >"$tmp/tty"
expect_equal "$(columns 1000 "$tmp/tty" | tr ' ' '\n' | sort -n | tail -n 1)" $((77 + 20)) \
	"a narrow terminal: the tags and the subject keep 20 columns between them"

# --color: escape sequences only when asked, or on a terminal without NO_COLOR.
esc=$(printf '\033')
expect_code 0 "list --color always (a pipe)" -- mt list --color always
grep -q "$esc\[" "$out"; ok $? "--color always: colours on a pipe"
grep -q "^ *[0-9]*  $esc\[32mopen *$esc\[0m" "$out"; ok $? "... an open ticket's status in green"
expect_code 0 "list (a pipe)" -- mt list
grep -q "$esc" "$out"; [ $? -ne 0 ]; ok $? "a pipe: no colour by default"
on_tty 100 "$BIN/mailticket" --db "$DB" list
grep -q "$esc\[" "$out"; ok $? "a terminal: colours by default"
on_tty 100 env NO_COLOR=1 "$BIN/mailticket" --db "$DB" list
grep -q "$esc" "$out"; [ $? -ne 0 ]; ok $? "a terminal with NO_COLOR: no colour"
on_tty 100 "$BIN/mailticket" --db "$DB" list --color never
grep -q "$esc" "$out"; [ $? -ne 0 ]; ok $? "a terminal with --color never: no colour"
MAILTICKET_NOW=$((now + 86400 * 400)) mt list --overdue --limit 1 --color always >"$out"
grep -q "^$esc\[1;31m *[0-9]*$esc\[0m" "$out"; ok $? "--color: an overdue ticket's number in bold red" ||
	cat -v "$out"

# Errors: one line on stderr, nothing on stdout, exit 1.
bad () {
	desc=$1
	shift
	expect_code 1 "$desc: exit 1" -- mt list "$@"
	[ "$(wc -l <"$err")" = 1 ] && [ ! -s "$out" ]; ok $? "$desc: one line on stderr" || cat "$err"
}
bad "--status shut" --status shut
bad "--status open,shut" --status open,shut
bad "--status=" --status=
bad "--sort subject" --sort subject
bad "--since yesterday" --since yesterday
bad "--until 2023-02-30" --until 2023-02-30
bad "--priority-min 10" --priority-min 10
bad "--priority-min x" --priority-min x
bad "--limit -1" --limit -1
bad "an argument" 42
bad "an unknown option" --colour
bad "--color sometimes" --color sometimes
expect_code 0 "list --help" -- mt list --help
grep -q -- '--overdue' "$out"; ok $? "list --help names --overdue"

rm -f "$DB"
expect_code 1 "list without a database: exit 1" -- mt list
