#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Full disks and read-only storage. The database on a small tmpfs that
# fills up: the message that does not fit is deferred (75, 4.3.0) and
# absent, everything before it stored, the database sound; once space
# returns the same message is stored. Read-only: a file system mounted
# read-only, a database file or a directory the filter may not write:
# 75, nothing changed, then 0 once writing is allowed again. Mounting
# needs root (and a container that allows it): without, those parts are
# skipped with the reason.
. "$(dirname "$0")/../lib.sh"

smtp_start
fs=$tmp/fs
mounted= server=
unmount () { if [ -n "$mounted" ]; then umount "$fs" 2>/dev/null || umount -l "$fs"; mounted=; fi; }
stop_server () { if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=; fi; }
cleanup () { stop_server; unmount; }
at_exit=cleanup
why_no_mount=
if [ "$(id -u)" != 0 ]; then
	why_no_mount="not root: cannot mount a tmpfs"
else
	mkdir "$fs"
	if mount -t tmpfs -o size=2m,mode=0755 tmpfs "$fs" 2>"$tmp/mount.err"; then
		mounted=1
	else
		why_no_mount="mount -t tmpfs is not permitted here: $(head -n 1 "$tmp/mount.err")"
	fi
fi
# 29 tests on the tmpfs, two skips without it; 7 on a read-only
# directory and file, two skips as root without setpriv(1)
n_mount=29 n_readonly=7
[ -n "$why_no_mount" ] && n_mount=2
[ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null && n_readonly=2
plan $((n_mount + n_readonly))

# mail FILE ID KB: a message with a body of about KB kilobytes, unique
mail () {
	python3 - "$@" <<'EOF'
import os, sys
path, mid, kb = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(path, "w") as f:
    f.write("From: Filler <filler@customer.test>\nTo: support@example.org\nSubject: %s\n"
            "Message-ID: <%s@disk.test>\n\n" % (mid, mid))
    for _ in range(kb):
        f.write(os.urandom(341).hex()[:1023] + "\n")
EOF
}
first_line () { head -n 1 "$err" | cut -c 1-5; }
articles () { sqlite3 -batch "$1" 'SELECT count(*) FROM articles'; }
has () { sqlite3 -batch "$1" "SELECT count(*) FROM articles WHERE message_id = '$2@disk.test'"; }

if [ -n "$why_no_mount" ]; then
	skip "full disk" "$why_no_mount"
	skip "read-only file system" "$why_no_mount"
else
	FDB=$fs/mailticket.db
	expect_code 0 "init on a 2 MB tmpfs" -- mt --db "$FDB" init
	# Fill it with messages of 100 KB until one is deferred.
	n=0 stored=0
	while [ $n -lt 40 ]; do
		n=$((n + 1))
		mail "$tmp/fill$n" "fill$n" 100
		"$BIN/mailticket-deliver" --db "$FDB" <"$tmp/fill$n" >"$out" 2>"$err"
		code=$?
		[ $code = 0 ] || break
		stored=$((stored + 1))
	done
	expect_equal "$code $(first_line)" "75 4.3.0" "disk full: exit 75 and a 4.3.0 line after $stored messages"
	diag "$(head -n 1 "$err")"
	expect_equal "$(sqlite3 -batch "$FDB" 'PRAGMA integrity_check')" ok "disk full: integrity_check ok"
	expect_equal "$(articles "$FDB") $(has "$FDB" "fill$n")" "$stored 0" \
		"disk full: every message before it stored, the deferred one absent"
	mail "$tmp/small" small 1
	# The WAL that the last commit left may still have room for a small
	# message: stored there, or deferred; never anything else.
	"$BIN/mailticket-deliver" --db "$FDB" <"$tmp/small" >"$out" 2>"$err"
	code=$?
	[ $code = 0 ] || [ $code = 75 ]; ok $? "disk full: a 1 KB message is stored in the WAL's room or deferred (exit $code)"
	"$BIN/mailticket-send" --db "$FDB" >"$out" 2>"$err"
	code=$?
	[ $code = 0 ] || [ $code = 75 ]; ok $? "disk full: mailticket-send sends or defers (exit $code)"
	expect_equal "$(sqlite3 -batch "$FDB" 'PRAGMA integrity_check')" ok "... integrity_check ok"
	expect_code 0 "disk full: agents can still read" -- mt --db "$FDB" list
	grep -q fill1 "$out"; ok $? "... and see the tickets"
	# The MTA retries; meanwhile space returns.
	mount -o remount,size=8m "$fs"
	expect_code 0 "space returns: the deferred message is stored" -- "$BIN/mailticket-deliver" --db "$FDB" <"$tmp/fill$n"
	expect_code 0 "... and the small one" -- "$BIN/mailticket-deliver" --db "$FDB" <"$tmp/small"
	expect_equal "$(articles "$FDB") $(has "$FDB" "fill$n")" "$((stored + 2)) 1" "... each once"
	expect_equal "$(sqlite3 -batch "$FDB" 'PRAGMA integrity_check')" ok "... integrity_check ok"
	expect_code 0 "... mailticket-send delivers the acknowledgements" -- "$BIN/mailticket-send" --db "$FDB"
	expect_equal "$(smtp_count) $(sqlite3 -batch "$FDB" "SELECT count(*) FROM outbox WHERE state <> 'sent'")" \
		"$(sqlite3 -batch "$FDB" "SELECT count(*) FROM outbox WHERE kind = 'ack'") 0" "... each once"

	# Full to the last byte by another file: a new message defers, and
	# goes in once the file is gone.
	dd if=/dev/zero of="$fs/filler" bs=64k >/dev/null 2>&1
	mail "$tmp/late" late 50
	expect_code 75 "disk filled by another file: exit 75" -- "$BIN/mailticket-deliver" --db "$FDB" <"$tmp/late"
	rm -f "$fs/filler"
	expect_equal "$(sqlite3 -batch "$FDB" 'PRAGMA integrity_check') $(has "$FDB" late)" "ok 0" \
		"... integrity_check ok, the message absent"
	expect_code 0 "... stored once the file is gone" -- "$BIN/mailticket-deliver" --db "$FDB" <"$tmp/late"
	expect_equal "$(has "$FDB" late)" 1 "... once"
	figure "full disk: stored before the disk was full" "$stored"

	# A file system mounted read-only.
	mail "$tmp/ro" ro 1
	before=$(articles "$FDB")
	mount -o remount,ro "$fs"
	expect_code 75 "read-only file system: exit 75" -- "$BIN/mailticket-deliver" --db "$FDB" <"$tmp/ro"
	expect_equal "$(first_line)" 4.3.0 "read-only file system: 4.3.0 line"
	diag "$(head -n 1 "$err")"
	mount -o remount,rw "$fs"
	expect_equal "$(articles "$FDB")" "$before" "read-only file system: nothing stored"
	expect_code 0 "writable again: stored" -- "$BIN/mailticket-deliver" --db "$FDB" <"$tmp/ro"
	# Every message tried on the tmpfs (n fillers, small, late, ro) is
	# stored in the end, once.
	expect_equal "$(articles "$FDB")" $((n + 3)) "every message deferred was stored in the end"
	figure "messages in" $((n + 3))
	figure "stored" "$(articles "$FDB")"
	figure "lost" $((n + 3 - $(articles "$FDB")))
	figure "integrity_check" "$(sqlite3 -batch "$FDB" 'PRAGMA integrity_check')"

	# The delivery server on a disk that fills up, storing the messages
	# that waited for it in one transaction: each exits 0 and is stored,
	# or 75 and is not; once space returns, every deferred one is stored,
	# and none twice.
	unmount
	mount -t tmpfs -o size=2m,mode=0755 tmpfs "$fs" && mounted=1
	SDB=$fs/served.db
	mt --db "$SDB" init >/dev/null
	printf '[deliver]\nsocket=%s\n' "$tmp/d.sock" | cat "$MAILTICKET_CONF" - >"$tmp/served.conf"
	"$BIN/mailticket-deliver" -v -c "$tmp/served.conf" --serve --db "$SDB" 2>"$tmp/server.log" &
	server=$!
	i=0
	while ! grep -q serving "$tmp/server.log" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	served () { "$BIN/mailticket-deliver" -c "$tmp/served.conf" --db "$SDB" "$@"; }
	# A CLI holds the write lock: the first message waits for it alone,
	# the three after it wait together.
	lock_db "$SDB"
	mail "$tmp/s0" s0 300
	for k in 1 2 3; do mail "$tmp/s$k" "s$k" 500; done
	served <"$tmp/s0" >/dev/null 2>&1 &
	jobs_=$!
	sleep 0.5
	for k in 1 2 3; do
		served <"$tmp/s$k" >/dev/null 2>&1 &
		jobs_="$jobs_ $!"
	done
	sleep 0.5
	unlock_db
	k=0 deferred= wrong=
	for job in $jobs_; do
		wait "$job"
		code=$?
		stored_=$(has "$SDB" "s$k")
		case "$code $stored_" in
		"0 1") ;;
		"75 0") deferred="$deferred $k" ;;
		*) wrong="$wrong s$k:$code/$stored_" ;;
		esac
		k=$((k + 1))
	done
	expect_equal "${wrong:-none}" none "a full disk under the server: 0 and stored, or 75 and absent"
	expect_equal "$(sqlite3 -batch "$SDB" 'PRAGMA integrity_check')" ok "... integrity_check ok"
	[ -n "$deferred" ]; ok $? "... the disk was full for some (deferred:${deferred:- none})"
	diag "$(grep -c 'in one transaction' "$tmp/server.log") batches committed"
	diag "$(grep -v "serving\|ticket=" "$tmp/server.log" | cut -c 1-160)"
	mount -o remount,size=16m "$fs"
	wrong=
	for k in $deferred; do
		served <"$tmp/s$k" >/dev/null 2>&1 || wrong="$wrong s$k"
	done
	expect_equal "${wrong:-none}" none "space returns: the deferred ones are delivered"
	expect_equal "$(sqlite3 -batch "$SDB" "SELECT count(*), count(DISTINCT message_id) FROM articles")" "4|4" \
		"... all four stored, each once"
	stop_server
	unmount
fi

# A directory and a database file the filter may not write (as user
# nobody: root may write anything).
as= setpriv=$(command -v setpriv)
[ "$(id -u)" = 0 ] && [ -n "$setpriv" ] && as="$setpriv --reuid=nobody --regid=nogroup --clear-groups"
mkdir -m 0755 "$tmp/ro-dir"
chmod 0755 "$tmp"
RDB=$tmp/ro-dir/mailticket.db
mt --db "$RDB" init >/dev/null
mail "$tmp/rd" rd 1
chmod 0644 "$tmp/rd" "$MAILTICKET_CONF"
if [ "$(id -u)" = 0 ] && [ -z "$as" ]; then
	skip "read-only directory" "setpriv(1) (util-linux) is missing"
	skip "read-only database file" "setpriv(1) (util-linux) is missing"
else
	chmod 0666 "$RDB"
	chmod 0555 "$tmp/ro-dir"
	expect_code 75 "database in a directory nobody may write (no WAL can be made): exit 75" -- \
		$as "$BIN/mailticket-deliver" --db "$RDB" <"$tmp/rd"
	expect_equal "$(first_line)" 4.3.0 "... 4.3.0 line"
	diag "$(head -n 1 "$err")"
	chmod 0777 "$tmp/ro-dir"
	chmod 0444 "$RDB"
	expect_code 75 "a database file nobody may write: exit 75" -- \
		$as "$BIN/mailticket-deliver" --db "$RDB" <"$tmp/rd"
	expect_equal "$(first_line)" 4.3.0 "... 4.3.0 line"
	diag "$(head -n 1 "$err")"
	expect_equal "$(articles "$RDB")" 0 "... nothing stored"
	chmod 0666 "$RDB"
	chmod 0755 "$tmp/ro-dir"
	rm -f "$RDB-wal" "$RDB-shm"
	expect_code 0 "writable again: stored" -- "$BIN/mailticket-deliver" --db "$RDB" <"$tmp/rd"
	expect_equal "$(articles "$RDB")" 1 "... once"
fi
