#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A message whose header holds only a Content-Type (no From, Date, Subject
# or Message-ID) becomes a ticket: sender unknown, "(no subject)". Only
# input with no header field at all goes into quarantine; explain says
# what delivery does with each.
. "$(dirname "$0")/../lib.sh"
plan 10

mt init >/dev/null 2>&1
printf 'Content-Type: text/plain; charset=us-ascii\n\nA line from a script.\n' >"$tmp/poor.eml"
expect_code 0 "explain a header of only a Content-Type" -- mt explain "$tmp/poor.eml"
expect_equal "$(sed -n 's/^action: //p' "$out")" new "... explain: a new ticket"
expect_code 0 "deliver it" -- deliver -r support@example.org <"$tmp/poor.eml"
expect_equal "$(mt list --json | json 'len(d)')" 1 "... it opened a ticket"
expect_equal "$(mt show 1 --json | json 'd["subject"]')" "(no subject)" "... subject: (no subject)"
expect_equal "$(mt quarantine list | wc -l)" 0 "... nothing quarantined"

printf 'A line from a script.\n' >"$tmp/none.eml"
expect_code 0 "explain input with no header field" -- mt explain "$tmp/none.eml"
expect_equal "$(sed -n 's/^action: //p' "$out")" quarantine "... explain: quarantine"
expect_code 0 "deliver it" -- deliver -r support@example.org <"$tmp/none.eml"
expect_equal "$(mt list --json | json 'len(d)')" 1 "... into quarantine, no ticket"
