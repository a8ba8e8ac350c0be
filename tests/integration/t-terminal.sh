#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a terminal is shown of hostile mail: escape sequences in a display
# name, a subject, a body, an envelope sender reach no terminal through
# the CLI's tables and pages. A subject and a text lose their control
# characters when the mail is read (mailticket-deliver(8), "How mail is
# read"); a name keeps them and shows them as \xHH, on a terminal and in
# a pipe alike, and --json keeps it exact (its encoder escapes it); the
# raw mail (show --raw, quarantine show, outbox show --raw) goes to a
# pipe byte for byte and to a terminal only with --force.
. "$(dirname "$0")/../lib.sh"
plan 48

mt init >/dev/null
agent alice
# show pages through $PAGER on a terminal (less -R would pass escape
# sequences on): cat here, and below a pager that keeps what it got.
PAGER=cat
export PAGER

# A display name that retitles the window (OSC ... BEL), a subject that
# clears the screen (ESC [2J) and turns it red with a C1 CSI (U+009B), a
# body that does both.
esc=$(printf '\033')
{
	printf 'From: "Evil %s]0;pwned%s Name" <evil@customer.test>\n' "$esc" "$(printf '\007')"
	printf 'To: support@example.org\nSubject: =?utf-8?q?Invoice_=1B[2J=C2=9B31m_overdue?=\n'
	printf 'Date: Mon, 02 Jan 2023 10:00:00 +0000\nMessage-ID: <hostile@customer.test>\n\n'
	printf 'Pay now %s[2J%s[31m or else.\n' "$esc" "$esc"
} >"$tmp/hostile.eml"
expect_code 0 "the hostile mail is delivered" -- deliver <"$tmp/hostile.eml"
t=$(mt list --json | json 'd[0]["id"]')
a=$(mt show "$t" --json | json 'd["articles"][0]["id"]')
mt time "$t" 30 --note "called back" >/dev/null

# controls_in FILE: how many control bytes a terminal would act on are in
# FILE: ESC, BEL, the C1 controls in UTF-8 (C2 80..C2 9F) and as bytes
# (80..9F where no UTF-8 lead byte precedes them).
controls_in () {
	python3 -c 'import re, sys
data = open(sys.argv[1], "rb").read()
print(len(re.findall(rb"[\x07\x1b]|\xc2[\x80-\x9f]|(?<![\xc2-\xf4])[\x80-\x9f]", data)))' "$1"
}
# terminal DESC SHOWN ARGS...: mailticket ARGS on a terminal exits 0, shows
# SHOWN (a fixed string) and no control character from the mail
terminal () {
	terminal_desc=$1 terminal_shown=$2
	shift 2
	on_tty 100 "$BIN/mailticket" --db "$DB" "$@"
	expect_equal "$code" 0 "$terminal_desc on a terminal: exit 0"
	expect_equal "$(controls_in "$out")" 0 "... no control character reaches the terminal" ||
		diag "$(od -c "$out" | head -n 20)"
	grep -qF -- "$terminal_shown" "$out"
	ok $? "... it shows as $terminal_shown" || diag "$(tr -d '\r' <"$out" | head -n 20)"
}

terminal "contact list (the display name)" 'Evil \x1b]0;pwned\x07 Name' contact list
terminal "time report (the subject)" 'Invoice [2J31m overdue' time report
terminal "time report --csv" 'Invoice [2J31m overdue' time report --csv
terminal "show (subject, name, body)" 'Pay now [2J[31m or else.' show "$t"
terminal "list" 'Invoice [2J31m overdue' list --color never
# list's own colours are the only escape sequences when it colours
on_tty 100 "$BIN/mailticket" --db "$DB" list
sed 's/\x1b\[\(0\|1\|2\|31\|32\|33\|34\|1;31\)m//g' "$out" >"$tmp/uncoloured"
expect_equal "$(controls_in "$tmp/uncoloured")" 0 "list in colour: no control character from the mail"
terminal "search" 'Evil \x1b]0;pwned\x07 Name' search Invoice

printf '#!/bin/sh\ncat >"%s/paged"\n' "$tmp" >"$tmp/pager"
chmod +x "$tmp/pager"
on_tty 100 env PAGER="$tmp/pager" "$BIN/mailticket" --db "$DB" show "$t"
expect_equal "$code $(grep -c 'Pay now' "$tmp/paged")" "0 1" "show on a terminal goes through \$PAGER"
expect_equal "$(controls_in "$tmp/paged")" 0 "... which gets no control character from the mail"

# The same text in a pipe is shown the same way; JSON is exact.
mt show "$t" >"$out"
expect_equal "$(controls_in "$out")" 0 "show in a pipe: escaped as on a terminal"
mt contact list --json >"$out"
expect_equal "$(json '[c["name"] for c in d if c["address"] == "evil@customer.test"][0] == "Evil \x1b]0;pwned\x07 Name"' <"$out")" \
	true "contact list --json: the exact name, JSON-escaped"
expect_equal "$(controls_in "$out")" 0 "... with no control character written as it is"
mt time report --json >"$out"
expect_equal "$(json 'd["entries"][0]["subject"] == "Invoice [2J31m overdue"' <"$out")" true \
	"time report --json: the subject as read, without its control characters"

# Raw mail: byte for byte into a pipe, refused on a terminal unless --force.
mt show "$t" --raw "$a" >"$out"
cmp -s "$out" "$tmp/hostile.eml"; ok $? "show --raw into a pipe: the exact bytes"
on_tty 100 "$BIN/mailticket" --db "$DB" show "$t" --raw "$a"
expect_equal "$code" 1 "show --raw on a terminal: exit 1"
expect_equal "$(tr -d '\r' <"$out")" \
	"mailticket: will not write raw mail to a terminal; use a pipe or a file, or --force" "... and one line that says why"
on_tty 100 "$BIN/mailticket" --db "$DB" show "$t" --raw "$a" --force
expect_equal "$code" 0 "show --raw --force on a terminal: exit 0"
expect_equal "$(tr -d '\r' <"$out")" "$(cat "$tmp/hostile.eml")" "... the exact bytes"
expect_code 1 "show --force without --raw: a usage error" -- mt show "$t" --force

# The quarantine: garbage from an envelope sender that clears the screen.
printf '%s[2J\000\001\002 not a mail\n' "$esc" >"$tmp/junk"
expect_code 0 "garbage is quarantined" -- deliver -f "x${esc}[2J@customer.test" <"$tmp/junk"
q=$(sql 'select max(id) from quarantine')
terminal "quarantine list (the sender)" 'x\x1b[2J@customer.test' quarantine list
mt quarantine show "$q" >"$out"
cmp -s "$out" "$tmp/junk"; ok $? "quarantine show into a pipe: the exact bytes"
on_tty 100 "$BIN/mailticket" --db "$DB" quarantine show "$q"
expect_equal "$code" 1 "quarantine show on a terminal: exit 1"
expect_equal "$(controls_in "$out")" 0 "... and nothing of the mail on it"
on_tty 100 "$BIN/mailticket" --db "$DB" quarantine show "$q" --force
expect_equal "$code" 0 "quarantine show --force on a terminal: exit 0"
expect_code 1 "quarantine list --force: a usage error" -- mt quarantine list --force

# The acknowledgement quotes the subject: its raw bytes are mail too.
o=$(sql "select max(id) from outbox")
on_tty 100 "$BIN/mailticket" --db "$DB" outbox show "$o" --raw
expect_equal "$code" 1 "outbox show --raw on a terminal: exit 1"
mt outbox show "$o" --raw >"$out"
expect_equal "$(sha256sum <"$out" | cut -d ' ' -f 1)" "$(sql "select blob from outbox where id = $o")" \
	"outbox show --raw into a pipe: the stored bytes"

# An error that quotes what it was given: one line, escaped.
on_tty 100 "$BIN/mailticket" --db "$DB" show "1${esc}[2J"
expect_equal "$code" 1 "an error on a terminal: exit 1"
expect_equal "$(tr -d '\r' <"$out")" 'mailticket: ticket must be a number from 1 on: 1\x1b[2J' \
	"... its message escaped"

# The log's mirror on stderr (-v) quotes the mail too.
printf 'From: a@customer.test\nTo: support@example.org\nSubject: id\nMessage-ID: <m%s[2J@customer.test>\n\nhi\n' \
	"$esc" >"$tmp/id.eml"
on_tty 100 sh -c 'exec "$1" --db "$2" -v <"$3"' sh "$BIN/mailticket-deliver" "$DB" "$tmp/id.eml"
expect_equal "$code" 0 "mailticket-deliver -v on a terminal: exit 0"
expect_equal "$(controls_in "$out")" 0 "... no control character reaches the terminal"
grep -qF 'message-id=<m\x1b[2J@customer.test>' "$out"; ok $? "... the log line shows the Message-ID escaped"
