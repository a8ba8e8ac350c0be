#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Alarms: `mailticket alarm` sets, lists and removes them; mailticket-send
# mails each one due to its recipient (a user, each member of a group, a
# plain address) exactly once, also with two senders at once and after a
# sender killed between queuing and sending; --now on every program.
. "$(dirname "$0")/../lib.sh"

smtp_start
sed -i '/^\[mail\]$/a acknowledge=no' "$MAILTICKET_CONF"
# The clocks here are local time; fix the zone so that they are exact.
TZ=UTC
export TZ

send () { "$BIN/mailticket-send" --db "$DB" "$@"; }
as () { MAILTICKET_USER=$1; export MAILTICKET_USER; }
# got N: the message the server saved as number N
got () { printf '%s/%04d.eml' "$SMTP_DIR" "$1"; }
# rcpt N: the envelope recipients of message N
rcpt () { json 'sorted(d["rcpt_tos"])' <"$(printf '%s/%04d.json' "$SMTP_DIR" "$1")"; }
# alarms EXPR: a python expression over `alarm list --all --json` (as d)
alarms () { mt alarm list --all --json | json "$1"; }
history () { mt show "$1" --json | json "[h['new'] for h in (d[0] if isinstance(d, list) else d)['history'] if h['field'] == '$2']"; }

plan 37

printf 'From: Ann <ann@customer.example>\nTo: support@example.org\nSubject: Printer broken\nMessage-ID: <a1@customer.example>\n\nIt prints nothing.\n' >"$tmp/in.eml"
expect_code 0 "deliver takes --now" -- deliver --now "2026-11-23 08:00" -r support@example.org <"$tmp/in.eml"
expect_equal "$(mt list --json | json 'd[0]["created"]')" "2026-11-23T08:00:00Z" "the ticket was opened at --now"
mt user add bob --email bob@example.org >/dev/null
mt user add carol --email carol@example.org >/dev/null
mt user add dave --email dave@example.org >/dev/null
mt group add ops >/dev/null
mt group member ops add carol dave >/dev/null
mt group list --json | json '[g["members"] for g in d if g["name"] == "ops"][0]' >"$tmp/ops"
expect_equal "$(cat "$tmp/ops")" '["carol", "dave"]' "group ops has carol and dave"

as bob
expect_code 0 "an alarm due in the past, for oneself" -- \
	mt --now "2026-11-23 10:00" alarm 1 add --at "09:30" --note "Call Ann back about the toner"
# 09:30 had passed at 10:00: a bare time is its next occurrence.
expect_equal "$(alarms 'd[0]["due"]')" "2026-11-24T09:30:00Z" "a bare time that has passed is tomorrow's"
mt alarm rm 1 >/dev/null
expect_code 0 "the past, as a date and time" -- \
	mt --now "2026-11-23 10:00" alarm 1 add --at "2026-11-23 09:30" --note "Call Ann back about the toner"
alarm=$(cat "$out")
expect_code 0 "an alarm for a group, two hours on" -- mt --now "2026-11-23 10:00" alarm 1 add --at +2h --to ops
expect_code 0 "an alarm for a plain address" -- \
	mt --now "2026-11-23 10:00" alarm 1 add --at "today 09:45" --to partner@vendor.example --note "Ask for a quote"
expect_code 1 "an alarm at no time is refused" -- mt alarm 1 add --at "soon"
expect_code 1 "an alarm for nobody known is refused" -- mt alarm 1 add --at +1h --to "no one"
expect_code 1 "an alarm on no ticket is refused" -- mt alarm 7 add --at +1h

as carol
expect_equal "$(mt --now '2026-11-23 10:00' alarm list --mine --json | json '[a["to"] for a in d]')" '["ops"]' \
	"--mine: carol's through her group"
expect_equal "$(mt --now '2026-11-23 10:00' alarm list --due --json | json '[a["to"] for a in d]')" \
	'["bob", "partner@vendor.example"]' "--due: the two due, soonest first"

# Two senders at once, as overlapping cron runs: each alarm is queued once.
send --now "2026-11-23 10:00" 2>"$tmp/send1" &
p1=$!
send --now "2026-11-23 10:00" 2>"$tmp/send2" &
p2=$!
wait $p1; c1=$?
wait $p2; c2=$?
ok $((c1 + c2)) "both senders exit 0"
expect_equal "$(smtp_count)" 2 "two alarms due, two messages reached the server"
for n in 1 2; do
	case $(rcpt $n) in
	*bob@*) bob=$(got $n) ;;
	*partner@*) partner=$(got $n) ;;
	esac
done
expect_equal "$(grep -c '^To: bob@example.org' "$bob")" 1 "bob's alarm is addressed to him"
grep -q '^Subject: Alarm: \[Ticket#1\] Printer broken' "$bob"
ok $? "its subject has the ticket's token"
grep -q '^Auto-Submitted: auto-generated' "$bob"
ok $? "it is Auto-Submitted: auto-generated"
tr -d '\r' <"$bob" | grep -q '^Call Ann back about the toner$' && tr -d '\r' <"$bob" | grep -q '^Ticket #1: Printer broken$' &&
	tr -d '\r' <"$bob" | grep -q '^Status new, priority 5, queue support, owner -$'
ok $? "its body has the note, the ticket and where it stands"
tr -d '\r' <"$partner" | grep -q '^Ask for a quote$'
ok $? "the plain address gets its own note"
expect_equal "$(alarms "[a['to'] for a in d if a['fired']]")" '["bob", "partner@vendor.example"]' "both are fired"
expect_equal "$(history 1 alarm | json '[h for h in d if h and h.startswith("fired")]')" \
	'["fired: mailed bob", "fired: mailed partner@vendor.example"]' "the ticket's history says so, once each"

send --now "2026-11-23 11:00"
expect_equal "$(smtp_count)" 2 "a later run sends nothing again"
send --now "2026-11-23 12:00"
expect_equal "$(smtp_count)" 4 "at noon the group alarm reaches each member"
got_rcpts=$(for n in 3 4; do rcpt $n; done | sort | tr '\n' ' ')
expect_equal "$got_rcpts" '["carol@example.org"] ["dave@example.org"] ' "carol and dave, one message each"

# A sender killed after it queued an alarm's mail and before the server
# took it: the rerun sends that mail once and queues nothing new.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 60
while time.time() < end:
    c, _ = s.accept(); conns.append(c)
' "$tmp/hang.port" &
hang=$!
i=0
while ! [ -s "$tmp/hang.port" ] && kill -0 "$hang" 2>/dev/null && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -s "$tmp/hang.port" ]; ok $? "an SMTP server that never answers listens"
real_port=$SMTP_PORT
sed -i "s/^port=.*/port=$(cat "$tmp/hang.port")/" "$MAILTICKET_CONF"
mt --now "2026-11-23 12:00" alarm 1 add --at "12:30" --note "After the crash" >/dev/null
send --now "2026-11-23 13:00" 2>/dev/null &
victim=$!
i=0
while [ "$(mt outbox list --json | json "len([o for o in d if o['kind'] == 'alarm' and o['state'] == 'sending'])")" != 1 ] &&
	[ $i -lt 200 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -9 $victim
wait $victim 2>/dev/null
kill $hang 2>/dev/null
wait $hang 2>/dev/null
expect_equal "$(alarms "[a['note'] for a in d if a['fired']]" | grep -c 'After the crash')" 1 \
	"the killed sender had fired the alarm"
sed -i "s/^port=.*/port=$real_port/" "$MAILTICKET_CONF"
# Its claim on the message expires after half an hour.
send --now "2026-11-23 13:40"
send --now "2026-11-23 13:41"
expect_equal "$(smtp_count)" 5 "the rerun sent the alarm's mail, once"
expect_equal "$(grep -l 'After the crash' "$SMTP_DIR"/*.eml | wc -l | tr -d ' ')" 1 "and only one message says so"

expect_code 0 "alarm rm" -- mt alarm rm "$alarm"
expect_equal "$(alarms "[a['id'] for a in d if a['id'] == $alarm]")" '[]' "the alarm is gone"
# The ticket first, as for add and list: it must be the alarm's.
alarm=$(mt alarm 1 add --at "+1d")
expect_code 1 "alarm 999 rm: not that ticket's alarm" -- mt alarm 999 rm "$alarm"
expect_equal "$(cat "$err")" "mailticket: ticket 999 has no alarm $alarm" "... saying so"
expect_code 0 "alarm 1 rm: the ticket before the verb" -- mt alarm 1 rm "$alarm"
expect_equal "$(alarms "[a['id'] for a in d if a['id'] == $alarm]")" '[]' "... the alarm is gone"

# More alarms due than one transaction takes (50): all fire in one run.
before=$(smtp_count)
i=0
while [ $i -lt 51 ]; do
	mt --now "2026-11-23 14:00" alarm 1 add --at "14:30" --to "many$i@vendor.example" >/dev/null || break
	i=$((i + 1))
done
send --now "2026-11-23 15:00"
expect_equal "$(smtp_count)" $((before + 51)) "51 alarms due: 51 messages in one run"
expect_equal "$(mt alarm list --json | json 'len(d)')" 0 "none is left unfired"
