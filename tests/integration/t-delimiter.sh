#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# recipient_delimiter as Postfix allows it: a set of characters, each of
# which may start an address extension. Reply addresses are made with
# the first; a reply to the token after any of them reaches its ticket.
. "$(dirname "$0")/../lib.sh"

plan 5

# [mail] is the last section of lib.sh's configuration.
echo 'recipient_delimiter=-+' >>"$MAILTICKET_CONF"
expect_code 0 "recipient_delimiter = -+ is accepted" -- mt init
compose anna@customer.test support@example.org d1@customer.test 'printer' <<EOF2 | deliver -f anna@customer.test -r support@example.org
The printer is on fire.
EOF2
mt token 1 >"$out"
reply=$(sed -n '1s/^\([^ ,]*\).*/\1/p' "$out")
case $reply in support-1.c*@example.org) r=0 ;; *) r=1 ;; esac
ok $r "the reply address is made with the first of them: $reply"

for to in "$reply" "$(echo "$reply" | sed 's/^support-/support+/')"; do
	compose anna@customer.test "$to" "r-$to" 'another thing' <<EOF2 >"$tmp/m"
Another thing.
EOF2
	deliver -f anna@customer.test -r "$to" <"$tmp/m"
	expect_equal "$(sql "select ticket || ' ' || via from articles where message_id = 'r-$to'")" "1 token" \
		"a reply to $to reaches ticket 1 by its token"
done
expect_equal "$(sql "select count(*) from tickets")" 1 "... and opens no ticket"
