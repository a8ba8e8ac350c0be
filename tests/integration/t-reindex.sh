#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket db reindex and db check: everything derived from the stored
# messages of the corpora (the project's own, and those beside the
# checkout where they are) and the samples (headers,
# text, attachments, participants, the search index) rebuilt as it was,
# also after it was damaged; a message that no longer parses left alone;
# a busy database deferred; db check finding what is wrong.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fill.sh"

plan 39
mt init >/dev/null
fill_samples
fill_corpus "$top/tests/corpus/threads"
fill_corpus "$top/tests/corpus/malformed"
[ -d "$CORPUS/public" ] && fill_corpus "$CORPUS/public"
[ -d "$CORPUS/malformed" ] && fill_corpus "$CORPUS/malformed"
expect_equal "$fill_failed" "" "samples and corpora delivered with exit 0"
MAILTICKET_USER=alice
export MAILTICKET_USER
mt user add alice --email alice@example.org >/dev/null
printf 'rekey every 600 s\n' >"$tmp/vpn.log"
reply=$(mt reply 1 -m "Please send the log." --attach "$tmp/vpn.log")
ok $? "a reply with an attachment (an email-out article)"
mt note 1 -m "Customer firewall suspected." >/dev/null
ok $? "a note"

# snapshot FILE: list --json, show --json of every ticket, the
# participants and a few searches
snapshot () {
	{
		mt list --json --limit 0
		for t in $(sql 'select id from tickets order by id'); do mt show "$t" --json; done
		sql 'select ticket, address from participants order by ticket, address'
		for q in drucker notmuch 'attachments:csv' 'sender:kellogg' '"vpn.log"'; do mt search --json --limit 0 "$q"; done
	} >"$1"
}
# same FILE DESC: the snapshot now is FILE
same () {
	snapshot "$tmp/now"
	cmp -s "$1" "$tmp/now" && ok 0 "$2" && return 0
	ok 1 "$2"
	diff "$1" "$tmp/now" | head -c 2000 | sed 's/^/#   /'
	return 1
}
snapshot "$tmp/before"
[ "$(grep -c . "$tmp/before")" -gt 30 ]; ok $? "a snapshot of $(sql 'select count(*) from tickets') tickets"
expect_code 0 "db check" -- mt db check
expect_equal "$(cat "$out")" ok "db check: ok"

stored=$(sql "select count(*) from articles where blob is not null and kind in ('email-in', 'email-out')")
attachments=$(sql 'select count(*) from attachments')
expect_code 0 "db reindex" -- mt db reindex
expect_equal "$(cat "$out")" "reindexed $stored stored messages, $attachments attachments; search index rebuilt" \
	"db reindex: says what it read"
same "$tmp/before" "reindex reproduces list --json, show --json, participants and searches"
expect_equal "$(mt search --json '"vpn.log"' | json '[h["article"] for h in d]')" "[$reply]" \
	"the reply's attachment is found by its name"

# Damage all that is derived, and a search index entry without an article.
sql "update articles set subject = 'damaged', text = '', \"from\" = null, \"to\" = null, cc = null, warnings = 7
	where blob is not null;
	delete from attachments; delete from participants;
	insert into article_search (rowid, subject) values (999999, 'ghost')"
ok $? "derived data damaged"
expect_code 1 "db check finds the damaged search index: exit 1" -- mt db check
grep -q '^the search index does not match the articles' "$out"; ok $? "... and says so"
expect_code 0 "db reindex after the damage" -- mt db reindex
same "$tmp/before" "reindex repairs all of it"
expect_code 0 "db check after reindex" -- mt db check
expect_equal "$(cat "$out")" ok "... ok"

# Threading still works on the reindexed database.
mid=$(sql "select message_id from articles where kind = 'email-in' and ticket = 3 order by id limit 1")
t=$(printf 'From: Someone <someone@example.net>\nTo: support@example.org\nSubject: Re: x\nIn-Reply-To: <%s>\nMessage-ID: <after-reindex@t>\n\nthanks\n' "$mid" |
	fill_one && sql "select ticket from articles where message_id = 'after-reindex@t'")
expect_equal "$t" 3 "a reply after reindex joins its ticket"
snapshot "$tmp/before"

# A stored message that no longer parses keeps what was taken from it.
blob=$(sql "select blob from articles where ticket = 1 and kind = 'email-in' order by id limit 1")
sql "update blobs set data = x'00' where sha256 = '$blob'"
expect_code 0 "db reindex with a message that no longer parses" -- mt db reindex
grep -qx "1 stored messages no longer parse and were left as they were" "$out"; ok $? "... says so"
same "$tmp/before" "... and leaves its article, and its ticket's participants, as they were"

# A busy database: exit 75, nothing changed.
cp "$MAILTICKET_CONF" "$tmp/impatient.conf"
sed -i 's/^busy_timeout=.*/busy_timeout=200/' "$tmp/impatient.conf"
lock_db; ok $? "a writer holds the database lock"
expect_code 75 "db reindex on a locked database: exit 75" -- "$BIN/mailticket" -c "$tmp/impatient.conf" --db "$DB" db reindex
[ "$(wc -l <"$err")" = 1 ]; ok $? "... one line on stderr"
unlock_db
same "$tmp/before" "... nothing changed"

# Progress: a line on a terminal, nothing in a pipe or with --quiet.
script -qec "$BIN/mailticket --db $DB db reindex" /dev/null >"$tmp/pty" 2>&1
grep -q 'reindexing stored messages: [0-9]*/[0-9]*, ' "$tmp/pty"; ok $? "a progress line on a terminal" ||
	diag "$(head -c 300 "$tmp/pty")"
expect_code 0 "db reindex in a pipe" -- mt db reindex
[ ! -s "$err" ]; ok $? "... no progress line"
script -qec "$BIN/mailticket --db $DB db reindex --quiet" /dev/null >"$tmp/pty" 2>&1
! grep -q 'reindexing' "$tmp/pty"; ok $? "--quiet: none on a terminal either"

# Deliveries go on while it runs: a batch holds the lock a tenth of a
# second or so, one transaction over these 4,000 messages several
# seconds; the deliveries wait 2 s at the most (a margin for a machine
# busy with other work).
sql "with recursive n(i) as (select 1 union all select i + 1 from n where i < 4000)
	insert into tickets (uuid, type, subject, queue, requester, created, updated)
	select 'copy-' || i, type, subject, queue, requester, created, updated from tickets, n where id = 1;
	insert into articles (ticket, kind, internal, from_addr, \"from\", \"to\", subject, text, blob, size, created)
	select t.id, a.kind, a.internal, a.from_addr, a.\"from\", a.\"to\", a.subject, a.text, a.blob, a.size, a.created
	from tickets t, articles a where t.uuid like 'copy-%' and a.id = (select min(id) from articles
	where kind = 'email-in' and blob is not null and ticket = 2)"
ok $? "4,000 more stored messages"
sed 's/^busy_timeout=.*/busy_timeout=2000/' "$MAILTICKET_CONF" >"$tmp/half.conf"
"$BIN/mailticket" --db "$DB" db reindex >"$tmp/reindex.out" 2>&1 &
reindexing=$!
sleep 0.1
kill -0 "$reindexing" 2>/dev/null; running=$?
codes=
for i in 1 2 3 4 5 6 7 8 9 10; do
	printf 'From: c%d@kunde.example\nTo: support@example.org\nSubject: during %d\nMessage-ID: <during-%d@t>\n\nx\n' \
		"$i" "$i" "$i" | "$BIN/mailticket-deliver" -c "$tmp/half.conf" --db "$DB" -r support@example.org 2>>"$tmp/during.err"
	codes="$codes$?"
done
wait "$reindexing"; rc=$?
expect_equal "$running $rc" "0 0" "db reindex ran while the deliveries came, and ended with 0"
expect_equal "$codes" 0000000000 "ten deliveries meanwhile, each stored (exit 0) under a busy_timeout of 2 s" ||
	diag "$(head -c 300 "$tmp/during.err")"

one_line_error () {
	[ "$(wc -l <"$err")" = 1 ] && [ ! -s "$out" ]; ok $? "$1" || sed 's/^/#   stderr: /' "$err"
}
expect_code 1 "db without a verb" -- mt db
one_line_error "... one line"
expect_code 1 "db vacuum" -- mt db vacuum
one_line_error "... one line"
expect_code 0 "db --help" -- mt db --help
rm -f "$DB"
expect_code 1 "db check without a database" -- mt db check
one_line_error "... one line"
