#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The contract with the MTA: exit 0 (stored, duplicate, quarantined), 75
# with a 4.x.x line (locked, read-only, unreadable config, bad option), 69
# with 5.2.3 (too big); nothing partial is stored.
. "$(dirname "$0")/../lib.sh"
plan 40

# mkmsg FILE MESSAGE-ID|"" SUBJECT: a small message
mkmsg () {
	{
		printf 'From: Alice <alice@customer.test>\nTo: support@example.org\n'
		printf 'Subject: %s\nDate: Mon, 02 Jan 2023 10:00:00 +0000\n' "$3"
		if [ -n "$2" ]; then printf 'Message-ID: <%s>\n' "$2"; fi
		printf '\nHello, this is %s.\n' "$3"
	} >"$1"
}
articles () { mt list --json | json 'sum(t["articles"] for t in d)'; }
quarantined () { sql 'select count(*) from quarantine'; }
# first_line_is PREFIX DESC: the first line of the last command's stderr
first_line_is () {
	case $(head -n 1 "$err") in
	"$1"*) ok 0 "$2" ;;
	*) ok 1 "$2"; diag "stderr: $(head -n 1 "$err")" "want a line starting with $1" ;;
	esac
}
# conf FILE LINES...: the test config plus LINES in [mail] (busy_timeout=300)
conf () {
	f=$1; shift
	sed 's/^busy_timeout=.*/busy_timeout=300/' "$MAILTICKET_CONF" >"$f"
	printf '%s\n' "$@" >>"$f"
}

# Duplicates.
mkmsg "$tmp/m1" m1@mt.test 'first message'
expect_code 0 "first delivery" -- deliver <"$tmp/m1"
expect_code 0 "same bytes again: exit 0" -- deliver <"$tmp/m1"
expect_equal "$(articles)" 1 "duplicate stored once"
mkmsg "$tmp/noid" "" 'no message id'
expect_code 0 "message without Message-ID" -- deliver <"$tmp/noid"
expect_code 0 "the same again" -- deliver <"$tmp/noid"
expect_equal "$(articles)" 2 "message without Message-ID stored once"
mkmsg "$tmp/noid2" "" 'another without id'
expect_code 0 "another message without Message-ID" -- deliver <"$tmp/noid2"
expect_equal "$(articles)" 3 "different bytes without Message-ID are a new article"

# A write lock held past busy_timeout: 75 and 4.x.x, nothing stored; later 0.
conf "$tmp/lock.conf"
mkmsg "$tmp/m2" m2@mt.test 'while locked'
mkfifo "$tmp/lock.fifo"
sqlite3 "$DB" <"$tmp/lock.fifo" >"$tmp/lock.out" 2>&1 &
locker=$!
exec 3>"$tmp/lock.fifo"
printf '.timeout 5000\nBEGIN IMMEDIATE;\nSELECT 1;\n' >&3
i=0
while [ "$(cat "$tmp/lock.out")" != 1 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sqlite3 "$DB" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "sqlite3 holds the write lock"
expect_code 75 "locked database: exit 75" -- \
	timeout 30 "$BIN/mailticket-deliver" --db "$DB" -c "$tmp/lock.conf" <"$tmp/m2"
first_line_is 4. "locked database: 4.x.x line"
printf 'COMMIT;\n' >&3
exec 3>&-
wait $locker
expect_equal "$(articles)" 3 "nothing stored while locked"
expect_code 0 "retry after the lock is released" -- deliver -c "$tmp/lock.conf" <"$tmp/m2"
expect_equal "$(articles)" 4 "stored exactly once after the retry"

# A database the deliverer may read but not write.
mkdir "$tmp/ro"
sqlite3 "$DB" ".backup '$tmp/ro/ro.db'"
chmod 0755 "$tmp" "$tmp/ro"
chmod 0644 "$tmp/ro/ro.db" "$tmp/lock.conf"
mkmsg "$tmp/m3" m3@mt.test 'read-only'
chmod 0644 "$tmp/m3"
if [ "$(id -u)" = 0 ]; then
	as=$(command -v setpriv) && as="$as --reuid=nobody --regid=nogroup --clear-groups"
else
	as=""
	chmod 0555 "$tmp/ro"; chmod 0444 "$tmp/ro/ro.db"
fi
why=""
if [ "$(id -u)" = 0 ] && [ -z "$as" ]; then why="root without setpriv(1) (util-linux)"
elif ! $as test -r "$tmp/ro/ro.db"; then why="user nobody cannot reach $tmp/ro/ro.db"
elif $as test -w "$tmp/ro/ro.db"; then why="the database file is writable despite its mode"
fi
if [ -z "$why" ]; then
	expect_code 75 "read-only database: exit 75" -- \
		$as "$BIN/mailticket-deliver" -c "$tmp/lock.conf" --db "$tmp/ro/ro.db" <"$tmp/m3"
	first_line_is 4. "read-only database: 4.x.x line"
	expect_equal "$(sqlite3 "$tmp/ro/ro.db" 'select count(*) from articles')" 4 "read-only database unchanged"
else
	skip "read-only database: exit 75" "$why"
	skip "read-only database: 4.x.x line" "$why"
	skip "read-only database unchanged" "$why"
fi

# A config that was named but cannot be read.
expect_code 75 "-c missing file: exit 75" -- deliver -c "$tmp/missing.conf" <"$tmp/m3"
first_line_is 4.3.5 "-c missing file: 4.3.5 line"
expect_code 75 "-c directory: exit 75" -- deliver -c "$tmp/ro" <"$tmp/m3"
first_line_is 4.3.5 "-c directory: 4.3.5 line"
expect_code 75 "MAILTICKET_CONF missing file: exit 75" -- \
	env MAILTICKET_CONF="$tmp/missing.conf" "$BIN/mailticket-deliver" --db "$DB" <"$tmp/m3"
first_line_is 4.3.5 "MAILTICKET_CONF missing file: 4.3.5 line"

# Over max_message_size: 69 and 5.2.3, nothing stored.
conf "$tmp/size.conf" 'max_message_size=2K'
mkmsg "$tmp/small" small@mt.test 'small enough'
python3 -c 'print("x" * 1400)' >>"$tmp/small"
expect_code 0 "1.4 KB message under 2K: exit 0" -- deliver -c "$tmp/size.conf" <"$tmp/small"
mkmsg "$tmp/big" big@mt.test 'too big'
python3 -c 'print(("y" * 99 + "\n") * 100, end="")' >>"$tmp/big"
n=$(articles) q=$(quarantined)
expect_code 69 "10 KB message over 2K: exit 69" -- deliver -c "$tmp/size.conf" <"$tmp/big"
first_line_is 5.2.3 "too big: 5.2.3 line"
expect_equal "$(articles) $(quarantined)" "$n $q" "too big: nothing stored"

# A bad option is a configuration problem of the MTA: retry, never bounce.
expect_code 75 "bad option: exit 75" -- deliver --bogus <"$tmp/m3"
expect_equal "$(articles)" "$n" "bad option: nothing stored"

# mailticket-deliver runs mailticket-deliver-local, from its own
# directory, for all but handing a message to the server. Without it:
# 75 and a 4.3.0 line, and the message stays with the MTA.
mkdir "$tmp/alone"
cp "$top/bin/mailticket-deliver" "$tmp/alone/"
expect_code 75 "mailticket-deliver-local missing: exit 75" -- "$tmp/alone/mailticket-deliver" --db "$DB" <"$tmp/m3"
first_line_is 4.3.0 "... with a 4.3.0 line"
grep -q 'cannot run mailticket-deliver-local' "$err"; ok $? "... that names the program"
expect_equal "$(articles)" "$n" "... nothing stored"

# Empty input and binary garbage are kept, never refused.
expect_code 0 "empty stdin: exit 0" -- deliver </dev/null
expect_equal "$(quarantined)" $((q + 1)) "empty stdin is quarantined"
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 4)' >"$tmp/junk"
expect_code 0 "binary garbage: exit 0" -- deliver <"$tmp/junk"

# Envelope addresses are bytes as the MTA passes them, in no locale:
# UTF-8 (SMTPUTF8, RFC 6531) is taken, anything else left out; neither
# defers the message for ever.
mkmsg "$tmp/utf8" utf8@mt.test 'an SMTPUTF8 sender'
LC_ALL=C expect_code 0 "UTF-8 envelope sender and recipient in the C locale: exit 0" -- \
	deliver -f 'rené@exämple.test' -r 'support@example.org' <"$tmp/utf8"
expect_equal "$(sql "select count(*) from articles where message_id = 'utf8@mt.test'")" 1 "... stored"
mkmsg "$tmp/latin1" latin1@mt.test 'a Latin-1 envelope'
LC_ALL=C expect_code 0 "an envelope sender that is no UTF-8: exit 0" -- \
	deliver -f "$(printf 'ren\351@example.test')" <"$tmp/latin1"
expect_equal "$(sql "select count(*) from articles where message_id = 'latin1@mt.test'")" 1 "... stored"
