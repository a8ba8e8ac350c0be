#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Who is who on the command line: mailticket acts as the Unix login that
# runs it; only root and the database's owner (the MTA's account) may
# name another agent in MAILTICKET_USER. What writes on a ticket is
# refused to a login that is no agent, so that history, approvals, time
# and articles always name one; time --user names an agent; an empty
# reply or note is refused and queues nothing. Runs mailticket as a
# second, unprivileged Unix user made for the test.
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" = 0 ] || cannot "not root: cannot make a Unix user to run mailticket as"
mt_account
OTHER=mtactor$$
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
	"$OTHER" >"$tmp/useradd.log" 2>&1 || cannot "cannot create a Unix user: $(head -n 1 "$tmp/useradd.log")"
remove_other () {
	userdel "$OTHER" >/dev/null 2>&1
	groupdel "$OTHER" >/dev/null 2>&1
	true
}
at_exit=remove_other

# The database as the MTA keeps it: made by its account, in a
# set-group-id directory whose group the agents (here $OTHER) are in.
mkdir "$tmp/db"
chown "$MT_USER:$OTHER" "$tmp/db"
chmod 2770 "$tmp/db"
DB=$tmp/db/mailticket.db
as_mt "$BIN/mailticket" --db "$DB" init >"$tmp/init.log" 2>&1 ||
	cannot "$MT_USER cannot make a database in $tmp/db: $(head -n 1 "$tmp/init.log")"
runuser -u "$OTHER" -- test -x "$BIN/mailticket" || cannot "$OTHER cannot run $BIN/mailticket"
runuser -u "$OTHER" -- test -w "$DB" || cannot "$OTHER cannot write $DB"

plan 52

# mt_other ARGS, mt_owner ARGS: mailticket run by $OTHER, by the owner
mt_other () { runuser -u "$OTHER" -- "$BIN/mailticket" --db "$DB" "$@"; }
mt_owner () { as_mt "$BIN/mailticket" --db "$DB" "$@"; }
priority () { sql "select priority from tickets where id = 1"; }
# who FIELD: who made the last change of FIELD on ticket 1
who () { sql "select who from history where ticket = 1 and field = '$1' order by id desc limit 1"; }
# state: all that is in the database; a refused command changes none of it
state () { sql .dump | sha256sum; }
# one_line TEXT DESC: stderr is exactly "mailticket: TEXT"
one_line () { expect_equal "$(cat "$err")" "mailticket: $1" "$2"; }

for n in 1 2; do
	printf 'From: Anna <anna@customer.example>\nTo: support@example.org\nSubject: VPN drops %s\nMessage-ID: <actor-%s@customer.example>\n\nThe VPN drops.\n' \
		"$n" "$n" | deliver -r support@example.org >/dev/null
done
expect_equal "$(sql 'select count(*) from tickets')" 2 "two tickets"
expect_code 0 "alice is an agent" -- mt user add alice --email alice@example.org
expect_code 0 "bob is an agent" -- mt user add bob --email bob@example.org
expect_equal "$(stat -c %U "$DB")" "$MT_USER" "the database is $MT_USER's"

# Naming someone else in MAILTICKET_USER takes root or the owner.
before=$(state)
MAILTICKET_USER=alice
export MAILTICKET_USER
expect_code 1 "$OTHER with MAILTICKET_USER=alice: set is refused" -- mt_other set 1 priority=9
one_line "only root and the database's owner ($MT_USER) may set MAILTICKET_USER; unset it to act as $OTHER" \
	"... saying who may set it"
expect_equal "$(state)" "$before" "... and changes nothing"
expect_code 1 "... so is a note" -- mt_other note 1 -m "written as alice"
expect_equal "$(state)" "$before" "... which stores nothing"
expect_code 1 "... and alarm list --mine" -- mt_other alarm list --mine
expect_code 0 "$OTHER reads without naming anyone: list" -- mt_other list
unset MAILTICKET_USER

# A login that is no agent writes nothing.
expect_code 1 "$OTHER, no agent: set is refused" -- mt_other set 1 priority=8
one_line "'$OTHER' is no mailticket agent; an admin adds one with: mailticket user add $OTHER --email ADDR" \
	"... naming mailticket user add"
expect_equal "$(state)" "$before" "... and changes nothing"
expect_code 0 "$OTHER, no agent, may read: show" -- mt_other show 1
expect_code 0 "root makes $OTHER an agent" -- mt user add "$OTHER" --email other@example.org
expect_code 0 "$OTHER, an agent: set works" -- mt_other set 1 priority=8
expect_equal "$(priority)/$(who priority)" "8/$OTHER" "... the history records $OTHER"
MAILTICKET_USER=$OTHER
export MAILTICKET_USER
expect_code 0 "$OTHER with MAILTICKET_USER naming $OTHER: set works" -- mt_other set 1 color=red
expect_equal "$(who color)" "$OTHER" "... as $OTHER"
unset MAILTICKET_USER

# Root and the owner act for an agent, and are none themselves.
before=$(state)
expect_code 1 "root, no agent: set is refused" -- mt set 1 priority=3
one_line "'root' is no mailticket agent; an admin adds one with: mailticket user add root --email ADDR" \
	"... naming mailticket user add root"
expect_equal "$(state)" "$before" "... and changes nothing"
expect_code 1 "$MT_USER, the owner, no agent: set is refused" -- mt_owner set 1 priority=3
grep -q "mailticket user add $MT_USER --email" "$err"
ok $? "... naming mailticket user add $MT_USER"
expect_equal "$(state)" "$before" "... and changes nothing"
MAILTICKET_USER=alice
export MAILTICKET_USER
expect_code 0 "root with MAILTICKET_USER=alice: set works" -- mt set 1 priority=3
expect_equal "$(priority)/$(who priority)" "3/alice" "... the history records alice"
MAILTICKET_USER=bob
expect_code 0 "$MT_USER, the owner, with MAILTICKET_USER=bob: set works" -- mt_owner set 1 priority=4
expect_equal "$(priority)/$(who priority)" "4/bob" "... the history records bob"

# Every command that writes on a ticket asks for an agent, in one place.
MAILTICKET_USER=carol
before=$(state)
refused=
while IFS= read -r words; do
	eval "set -- $words"
	mt "$@" >"$out" 2>"$err"
	code=$?
	if [ "$code" != 1 ] || ! grep -q "^mailticket: 'carol' is no mailticket agent" "$err"; then
		refused="$refused [$words: exit $code, $(head -c 100 "$err")]"
	fi
done <<'EOF'
reply 1 -m "Fixed."
note 1 -m "A note."
new --type internal --subject "Phone call" -m "They called."
set 1 status=open
tag 1 +vpn
watch 1 add bob
watch 1 rm bob
link 1 relates 2
merge 2 into 1
task 1 add "Check the firewall"
task done 1
time 1 30
approval 1 request alice
approval 1 approve
alarm 1 add --at +2h
alarm rm 1
EOF
expect_equal "$refused" "" "carol, no agent: reply, note, new, set, tag, watch, link, merge, task, time, approval and alarm are refused"
expect_equal "$(state)" "$before" "... and change nothing"

# time --user names an agent.
MAILTICKET_USER=alice
expect_code 1 "time --user nosuch is refused" -- mt time 1 30 --user nosuch
one_line "time: no user named 'nosuch'" "... saying so"
expect_equal "$(sql 'select count(*) from time_entries')" 0 "... and books nothing"
expect_code 0 "time --user bob works" -- mt time 1 30 --user bob
expect_equal "$(sql 'select user || ":" || minutes from time_entries')" "bob:30" "... booked for bob"
expect_code 0 "time without --user works" -- mt time 1 15
expect_equal "$(sql 'select user from time_entries where minutes = 15')" alice "... booked for alice"

# An empty text is refused: nothing stored, nothing queued.
before=$(state)
expect_code 1 "reply -m '' is refused" -- mt reply 1 -m ""
one_line "the text is empty" "... the text is empty"
expect_code 1 "note -m of blanks and a newline is refused" -- mt note 1 -m "  
"
one_line "the text is empty" "... the text is empty"
: >"$tmp/empty"
expect_code 1 "reply -F of an empty file is refused" -- mt reply 1 -F "$tmp/empty"
printf ' \t\n\n' >"$tmp/blank"
expect_code 1 "note -F - of white space is refused" -- mt note 1 -F - <"$tmp/blank"
expect_code 1 "new -m '' is refused" -- mt new --requester carl@customer.example --subject "Phone" -m ""
expect_equal "$(state)" "$before" "... none of them stores or queues anything"
outbox=$(sql 'select count(*) from outbox')
expect_code 0 "a reply with text works" -- mt reply 1 -m "On it."
expect_equal "$(sql "select count(*) from outbox where kind = 'reply'")" 1 "... and is queued"
expect_equal "$(sql 'select count(*) from outbox')" "$((outbox + 1))" "... alone"
expect_code 0 "a note with text works" -- mt note 1 -m "Firewall suspected."
expect_equal "$(sql "select count(*) from articles a join users u on u.id = a.author where a.kind = 'note' and u.login = 'alice'")" 1 \
	"... stored with alice as its author"
