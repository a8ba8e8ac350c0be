#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Service levels in business hours (issue 30, point 5): a queue's
# calendar (queue set --hours --tz --holidays, a plain list of dates or
# an iCalendar file), its first-response and resolution targets; the due
# time they give shown by show and list, found by list --overdue and
# --due-before; a ticket opened on Friday at 16:55 with a one-hour target
# escalated on Monday at 08:55 and not before, a holiday skipped; the
# acknowledgement saying by when we answer; due again from the reopening
# after pending; resolved tickets closed by auto_close_after.
. "$(dirname "$0")/../lib.sh"

smtp_start
printf '[notify]\nnew_ticket=no\n[queue support]\nauto_close_after = 7d\n' >>"$MAILTICKET_CONF"
TZ=Europe/Berlin
export TZ

send () { "$BIN/mailticket-send" --db "$DB" "$@" 2>"$tmp/send.err"; }
# mail N TIME [TO]: a new request from customer N at TIME
mail () {
	printf 'From: Customer %s <c%s@customer.example>\nTo: %s\nSubject: Request %s\nMessage-ID: <m%s@customer.example>\n\nPlease help.\n' \
		"$1" "$1" "${3:-support@example.org}" "$1" "$1" |
		deliver --now "$2" -r "${3:-support@example.org}"
}
ticket_of () { sql "select ticket from articles where message_id = 'm$1@customer.example'"; }
escalations () { sql "select count(*) from history where ticket = $1 and field = 'escalation'"; }
due () { mt show "$1" | sed -n 's/^Created: .*, due //p'; }
ids () { mt "$@" | awk 'NR > 1 { print $1 }' | sort -n | tr '\n' ' '; }

plan 37

agent bob
mt queue add support --address support@example.org --sla 1h >/dev/null
printf '# Christmas\n2026-12-24\n2026-12-25\n' >"$tmp/holidays.txt"
expect_code 0 "queue set: hours, zone, plain holiday list, resolution target" -- \
	mt queue set support --hours 'Mon-Fri 08:00-17:00' --tz Europe/Berlin --holidays "$tmp/holidays.txt" \
	--resolution 2d
expect_equal "$(mt queue list --json | json '[(q["hours"], q["tz"], q["holidays"], q["sla_minutes"], q["resolution_minutes"]) for q in d if q["name"] == "support"]')" \
	'[["Mon-Fri 08:00-17:00", "Europe/Berlin", "2026-12-24 2026-12-25", 60, 2880]]' "queue list --json shows them"
expect_code 1 "queue add leaves the calendar to queue set" -- \
	mt queue add other --address other@example.org --hours 'Mon-Fri 08:00-17:00'
expect_code 1 "hours that are none are refused" -- mt queue set support --hours 'Mon-Fri 8-17'
expect_code 1 "a zone that is none is refused" -- mt queue set support --tz Mars/Olympus_Mons
printf 'Christmas\n' >"$tmp/bad.txt"
expect_code 1 "a holiday file that is neither list nor iCalendar is refused" -- \
	mt queue set support --holidays "$tmp/bad.txt"
grep -q 'line 1' "$err"; ok $? "... naming the line"

# Friday 4 December 2026 at 16:55, one hour before the answer is due.
mail 1 "2026-12-04 16:55"
t1=$(ticket_of 1)
expect_equal "$(due "$t1")" "2026-12-07 08:55" "show: due on Monday at 08:55, an hour of business time later"
send --now "2026-12-04 16:56"
grep -l 'We will answer by 2026-12-07 08:55 CET\.' "$SMTP_DIR"/*.eml >/dev/null 2>&1
ok $? "the acknowledgement says by when we answer, in business time and the queue's zone"
send --now "2026-12-04 17:55"
send --now "2026-12-05 10:00"
send --now "2026-12-07 08:54"
expect_equal "$(escalations "$t1")" 0 "not escalated on Friday evening, the weekend or Monday 08:54"
expect_equal "$(mt --now '2026-12-07 08:54' list --overdue | awk 'NR > 1' | wc -l)" 0 "list --overdue: none at 08:54"
send --now "2026-12-07 08:55"
expect_equal "$(escalations "$t1")" 1 "escalated on Monday at 08:55"
grep -l 'No first response within 60 minutes (due 2026-12-07 08:55)\.' "$SMTP_DIR"/*.eml >/dev/null 2>&1
ok $? "the escalation says which target and when it was due"
expect_code 0 "list --overdue at 09:00" -- mt --now "2026-12-07 09:00" list --overdue
expect_equal "$(awk 'NR > 1 { print $1 }' "$out")" "$t1" "list --overdue: the ticket"
expect_equal "$(head -n 1 "$out" | grep -c ' DUE ')" 1 "... with a DUE column"
grep -q "2026-12-07 08:55 Request 1\$" "$out"; ok $? "... showing the due time"

# A holiday from an iCalendar file: Monday 14 December closed.
mt queue add sales --address sales@example.org --sla 1h >/dev/null
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t-sla//EN\r\nBEGIN:VEVENT\r\nUID:h1@t-sla\r\nDTSTART;VALUE=DATE:20261214\r\nSUMMARY:Company day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$tmp/holidays.ics"
expect_code 0 "queue set --holidays with an iCalendar file" -- \
	mt queue set sales --hours 'Mon-Fri 08:00-17:00' --tz Europe/Berlin --holidays "$tmp/holidays.ics"
expect_equal "$(mt queue list --json | json '[q["holidays"] for q in d if q["name"] == "sales"][0]')" "2026-12-14" \
	"its all-day event is a holiday"
mail 2 "2026-12-11 16:55" sales@example.org
t2=$(ticket_of 2)
expect_equal "$(due "$t2")" "2026-12-15 08:55" "due on Tuesday: the holiday Monday skipped"
send --now "2026-12-14 16:00"
expect_equal "$(escalations "$t2")" 0 "not escalated on the holiday"
send --now "2026-12-15 08:55"
expect_equal "$(escalations "$t2")" 1 "escalated on Tuesday at 08:55"

expect_equal "$(ids --now '2026-12-07 09:00' list --due-before 2026-12-08)" "$t1 " "list --due-before: due before that date"
expect_equal "$(ids list --due-before 2026-12-16)" "$t1 $t2 " "... both, a week later"
expect_equal "$(ids list --sort due --limit 1)" "$t1 " "list --sort due: soonest first"

# Answered: the resolution target, two working days, from the request.
mt --now "2026-12-07 10:00" reply "$t1" -m "We are on it." >/dev/null
expect_equal "$(due "$t1")" "2026-12-08 16:55" "answered: due two working days after the request"
mt --now "2026-12-07 11:00" set "$t1" status=pending >/dev/null
expect_equal "$(due "$t1")" "-" "pending: due at no time"
mt --now "2026-12-09 10:00" set "$t1" status=open >/dev/null
expect_equal "$(due "$t1")" "2026-12-11 10:00" "open again: due two working days from then"
send --now "2026-12-11 09:59"
expect_equal "$(escalations "$t1")" 1 "the resolution is not escalated before it is due"
send --now "2026-12-11 10:00"
expect_equal "$(escalations "$t1")" 2 "then it is, once"
grep -l 'Not resolved within 2880 minutes (due 2026-12-11 10:00)\.' "$SMTP_DIR"/*.eml >/dev/null 2>&1
ok $? "... saying so"

# Auto-close: [queue support] auto_close_after = 7d.
mt --now "2026-12-11 11:00" set "$t1" status=resolved >/dev/null
expect_equal "$(due "$t1")" "-" "resolved: due at no time"
send --now "2026-12-18 10:59"
expect_equal "$(mt show "$t1" --json | json 'd["status"]')" resolved "not closed before seven days"
send -v --now "2026-12-18 11:00"
expect_equal "$(mt show "$t1" --json | json 'd["status"]')" closed "closed seven days after it was resolved"
grep -q "auto-close ticket=$t1 queue=support" "$tmp/send.err"; ok $? "mailticket-send logs it"
expect_equal "$(sql "select who || ' ' || field from history where ticket = $t1 and field in ('auto-close', 'status') order by id desc limit 2" | tr '\n' ' ')" \
	"mailticket-send status mailticket-send auto-close " "with history lines by mailticket-send"

# A queue without business hours counts every hour, as before.
mt queue add plain --address plain@example.org --sla 1h >/dev/null
mail 3 "2026-12-04 16:55" plain@example.org
expect_equal "$(due "$(ticket_of 3)")" "2026-12-04 17:55" "no calendar: due an hour later, on Friday"
