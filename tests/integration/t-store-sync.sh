#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a delivery asks of the disk. The commit syncs the WAL and nothing
# else (src/lib/vfs.c spares the directory sync SQLite's unix VFS does in
# every process); the WAL is emptied into the database every few hundred
# pages, so that it stays small; a WAL that is missing is made with the
# database's mode, and its directory synced before anything is committed
# into it, so that its name survives a crash of the machine.
. "$(dirname "$0")/../lib.sh"

need strace:strace
plan 8

# mail N: a small message, on stdout
mail () {
	printf 'From: Anna <anna@customer.test>\nTo: support@example.org\nSubject: sync %s\nMessage-ID: <%s@sync.test>\n\nHello %s.\n' \
		"$1" "$1" "$1"
}
# traced N: delivers message N under strace; the syncs it made, one a
# line, as "fdatasync(5</path/to/file>)", in $tmp/syncs
traced () {
	mail "$1" >"$tmp/mail"
	# LeakSanitizer cannot work under ptrace; the other tests check leaks.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -y -qq -o "$tmp/trace" -e trace=fsync,fdatasync "$BIN/mailticket-deliver" --db "$DB" <"$tmp/mail"
	code=$?
	grep -E '^[0-9]+ +f(data)?sync' "$tmp/trace" | sed 's/^[0-9]* *//; s/ *=.*//' >"$tmp/syncs"
	return $code
}

mt init >/dev/null
deliver <"$(mail 0 >"$tmp/m0"; echo "$tmp/m0")"
traced 1
ok $? "a delivery under strace stores its message"
expect_equal "$(sed 's/([0-9]*</(</' "$tmp/syncs")" "fdatasync(<$DB-wal>)" "a delivery syncs the WAL once, and not its directory"

all=ok
for i in $(seq 2 30); do
	traced "$i" || all="delivery $i failed"
	n=$(grep -c . "$tmp/syncs")
	[ "$n" -ge 1 ] || all="delivery $i synced nothing"
	grep -q "<$tmp>" "$tmp/syncs" && all="delivery $i synced the directory"
done
expect_equal "$all" ok "29 more deliveries, some 1,500 pages of WAL: each syncs, none the directory"
wal_pages=$(( $(stat -c %s "$DB-wal") / 4120 ))
[ "$wal_pages" -le 450 ]
ok $? "the WAL is emptied before it passes 400 pages ($wal_pages now)"

# A missing WAL: the database closed by SQLite's own tool, which copies
# the WAL into it and removes it.
sql "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
rm -f "$DB-wal" "$DB-shm"
chmod 0640 "$DB"
traced 31
ok $? "with no WAL, a delivery stores its message"
expect_equal "$(stat -c %04a "$DB-wal")" 0640 "the WAL it makes has the database's mode"
expect_equal "$(sed 's/([0-9]*</(</; s/^fdatasync/fsync/; 1q' "$tmp/syncs")" "fsync(<$tmp>)" \
	"and its directory is synced first, before a commit into the WAL"
expect_equal "$(mt list --json | json 'len(d)')" 32 "32 tickets, one a message"
