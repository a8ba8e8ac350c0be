#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket-deliver -q QUEUEID, as contrib/postfix/master.cf passes
# Postfix's ${queue_id}: the id leads every log line of that delivery,
# so that one grep follows a message through Postfix's log and ours.
. "$(dirname "$0")/../lib.sh"

plan 4

mt init >/dev/null
compose anna@customer.test support@example.org q1@customer.test 'printer' <<EOF2 >"$tmp/m1"
The printer is on fire.
EOF2
expect_code 0 "-q 4F2A1B07C3: delivered" -- deliver -v -q 4F2A1B07C3 -f anna@customer.test \
	-r support@example.org <"$tmp/m1"
grep -q '^mailticket-deliver: 4F2A1B07C3: ticket=1 article=1 action=new ' "$err"
ok $? "the delivery's log line begins with the queue id" || sed 's/^/#   /' "$err"

printf 'Subject: broken\n' >"$tmp/m2"
expect_code 75 "a delivery that defers (the configuration unreadable)" -- \
	"$BIN/mailticket-deliver" -c "$tmp/no-such.conf" -v -q 5B3C2D18E4 <"$tmp/m2"
grep -q '^mailticket-deliver: 5B3C2D18E4: status=4.3.5 ' "$err"
ok $? "... its log line begins with the queue id too" || sed 's/^/#   /' "$err"
