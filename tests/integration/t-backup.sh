#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket db backup and db restore: a backup right after init is
# whole although its data is in the -wal file; backups taken while
# mailticket-deliver runs in a loop are consistent, and the last one
# restored into a fresh path lists and shows what the live database
# does; restore refuses what is no backup and leaves the database as it
# was; a restore over a live database replaces its content.
. "$(dirname "$0")/../lib.sh"

plan 26
mt init >/dev/null

# What a user sees of a database: the list and every ticket.
snapshot () {
	"$BIN/mailticket" --db "$1" list --json --limit 0
	for t in $("$BIN/mailticket" --db "$1" list --json --limit 0 | json '" ".join(str(t["id"]) for t in d)'); do
		"$BIN/mailticket" --db "$1" show "$t" --json
	done
}
count () { "$BIN/mailticket" --db "$1" list --json --limit 0 | json 'len(d)'; }
message () {
	compose "customer$1@example.com" support@example.org "m$1@example.com" "Printer $1 is jammed" <<-EOF
	Printer $1 on floor $1 shows error E$1.
	EOF
}

# Right after init the schema is in the -wal file, not in the main file.
[ -s "$DB-wal" ]
ok $? "after init the -wal file holds data"
cp "$DB" "$tmp/copied.db"
expect_equal "$(sqlite3 "$tmp/copied.db" 'PRAGMA user_version')" 0 "a copy of mailticket.db alone has no schema"
expect_code 0 "backup right after init" -- mt db backup "$tmp/init.db"
expect_equal "$(sqlite3 "$tmp/init.db" 'PRAGMA user_version')" "$(sql 'PRAGMA user_version')" \
	"the backup has the schema version"
expect_equal "$(sqlite3 "$tmp/init.db" "SELECT count(*) FROM meta WHERE key = 'secret'")" 1 "and the site secret"
[ ! -e "$tmp/init.db-wal" ] && [ "$(sqlite3 "$tmp/init.db" 'PRAGMA journal_mode')" = delete ]
ok $? "a backup is one file: no -wal beside it, rollback journal"
expect_equal "$(stat -c %a "$tmp/init.db")" 600 "a backup is mode 0600"

for i in 1 2 3; do message "$i" | deliver || echo "deliver $i failed"; done >"$tmp/first"
expect_equal "$(cat "$tmp/first")" "" "three messages delivered"

# Deliveries in a loop while backups are taken.
n=$(stress 60 400)
(
	i=10
	while [ "$i" -lt $((10 + n)) ]; do
		message "$i" | deliver || echo "deliver $i failed: $?"
		i=$((i + 1))
	done >"$tmp/loop"
) &
loop=$!
b=0 backup_failed=
while kill -0 "$loop" 2>/dev/null; do
	b=$((b + 1))
	mt db backup "$tmp/during$b.db" 2>>"$tmp/backup-err" || backup_failed="$backup_failed $b"
done
wait "$loop"
expect_equal "$(cat "$tmp/loop")" "" "$n deliveries in the background, all exit 0"
expect_equal "$backup_failed$(cat "$tmp/backup-err")" "" "$b backups while they ran, all exit 0"

# Each backup taken under load: complete in itself, and a state the
# live database went through (tickets 1..k, each with its article).
bad=
for f in "$tmp"/during*.db; do
	cp "$f" "$tmp/check.db"
	k=$(count "$tmp/check.db")
	check=$("$BIN/mailticket" --db "$tmp/check.db" db check)
	articles=$(sqlite3 "$tmp/check.db" 'SELECT count(DISTINCT ticket) || char(47) || max(ticket) FROM articles')
	[ "$check" = ok ] && [ "$k" -ge 3 ] && [ "$articles" = "$k/$k" ] || bad="$bad $f:$k:$check:$articles"
	rm -f "$tmp/check.db"*
done
expect_equal "$bad" "" "every backup under load passes db check and holds whole tickets"

expect_code 0 "backup after the load" -- mt db backup "$tmp/final.db"
mkdir "$tmp/restored"
expect_code 0 "restore into a fresh path" -- "$BIN/mailticket" --db "$tmp/restored/mailticket.db" db restore "$tmp/final.db"
expect_equal "$(count "$tmp/restored/mailticket.db")" $((n + 3)) "the restored database has every ticket"
snapshot "$DB" >"$tmp/live.json"
snapshot "$tmp/restored/mailticket.db" >"$tmp/restored.json"
cmp -s "$tmp/live.json" "$tmp/restored.json"
ok $? "list and show of the restored database are those of the live one"
expect_equal "$("$BIN/mailticket" --db "$tmp/restored/mailticket.db" db check)" ok "db check on the restored database"
"$BIN/mailticket" --db "$tmp/restored/mailticket.db" search --json jammed | json 'len(d) > 0' >"$tmp/found"
expect_equal "$(cat "$tmp/found")" true "the search index came along"

# What is no backup is refused, and the database stays as it was.
printf 'not a database\n' >"$tmp/junk"
expect_code 1 "restore of a file that is no database" -- mt db restore "$tmp/junk"
sqlite3 "$tmp/other.db" 'CREATE TABLE t (x); PRAGMA user_version = 3'
expect_code 1 "restore of an SQLite database that is not mailticket's" -- mt db restore "$tmp/other.db"
cp "$tmp/init.db" "$tmp/newer.db"
sqlite3 "$tmp/newer.db" 'PRAGMA user_version = 999'
expect_code 1 "restore of a backup of a newer schema" -- mt db restore "$tmp/newer.db"
expect_code 1 "restore of a live database with its -wal" -- \
	"$BIN/mailticket" --db "$tmp/x.db" db restore "$DB"
expect_equal "$(count "$DB")" $((n + 3)) "the database is unchanged after the refusals"

expect_code 1 "backup over the database itself is refused" -- mt db backup "$DB"
expect_equal "$(count "$DB")/$(mt db check)" $((n + 3))/ok "and the database is unchanged"

# A restore over the live database: the content of the backup.
message 999 | deliver
expect_code 0 "restore the backup taken right after init over the live database" -- mt db restore "$tmp/init.db"
expect_equal "$(count "$DB")/$(mt db check)" 0/ok "the live database is that of the backup"
