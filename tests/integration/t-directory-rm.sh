#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Removing what the admin made: a group (its members, watching and alarms
# go; a queue that escalated to it no longer does) and a queue (refused
# while tickets are in it, unless they move with --move-to).
. "$(dirname "$0")/../lib.sh"
plan 20

agent alice
mt group add l2 >/dev/null
mt group member l2 add alice >/dev/null
mt queue add sales --address sales@example.org --group l2 >/dev/null
mt queue add old --address old@example.org >/dev/null
compose ann@example.com old@example.org q-1@example.com "Old queue" <<EOT |
Hello.
EOT
	deliver -r old@example.org >/dev/null
expect_equal "$(sql "select q.name from tickets t join queues q on q.id = t.queue")" old "the ticket is in queue old"
mt watch 1 add l2 >/dev/null
mt alarm 1 add --at 2030-01-01 --to l2 >/dev/null

expect_code 0 "group rm" -- mt group rm l2
expect_equal "$(sql 'select count(*) from groups')$(sql 'select count(*) from group_members')$(sql 'select count(*) from watchers where grp is not null')$(sql 'select count(*) from alarms')" \
	0000 "... the group, its members, its watching and its alarms are gone"
expect_equal "$(sql "select ifnull(grp, '-') from queues where name = 'sales'")" - "... the queue no longer names it"
expect_code 1 "group rm of a missing group" -- mt group rm l2
grep -q "no group named 'l2'" "$err"; ok $? "... says so"

expect_code 1 "queue rm of a queue with tickets is refused" -- mt queue rm old
grep -q "move-to" "$err"; ok $? "... and names --move-to"
expect_code 1 "queue rm --move-to a missing queue" -- mt queue rm old --move-to nope
expect_code 0 "queue rm --move-to sales" -- mt queue rm old --move-to sales
expect_equal "$(sql "select q.name from tickets t join queues q on q.id = t.queue")" sales "... the ticket moved to sales"
expect_equal "$(sql "select count(*) from queues where name = 'old'")" 0 "... queue old is gone"
expect_code 0 "queue rm of an empty queue" -- mt queue add empty --address empty@example.org
expect_code 0 "... removed" -- mt queue rm empty

# user rm: bob owns ticket 1 and wrote a note on it; the note stays.
mt user add bob --email bob@example.org >/dev/null
mt set 1 owner=bob >/dev/null
MAILTICKET_USER=bob mt note 1 -m "Bob was here" >/dev/null
mt task 1 add "Bob's task" --assignee bob >/dev/null
expect_code 0 "user rm bob" -- mt user rm bob
expect_equal "$(sql "select count(*) from users where login = 'bob'")$(sql 'select ifnull(owner, 0) from tickets where id = 1')$(sql 'select count(*) from tasks where assignee is not null')" \
	000 "... bob is gone, the ticket and task have no owner"
expect_equal "$(sql "select count(*) from articles where text like 'Bob was here%'")" 1 "... bob's note stays"
mt user add carl --email carl@example.org >/dev/null
mt approval 1 request carl >/dev/null
expect_code 1 "user rm of an approver is refused" -- mt user rm carl
expect_equal "$(sql "select count(*) from users where login = 'carl'")" 1 "... carl stays"
expect_code 1 "user rm of a missing user" -- mt user rm nobody
