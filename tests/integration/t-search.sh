#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket search: FTS5 over subject, text, sender and attachment
# names of the samples and the corpora; ranking, snippets, JSON;
# the index in step with every article stored, and built by the
# migration for articles stored before it; mail not indexed yet found
# without writing; one line and exit 1 for a query FTS5 cannot read.
. "$(dirname "$0")/../lib.sh"
plan 58
. "$top/tests/fill.sh"

mt init >/dev/null
fill_samples
fill_corpus "$top/tests/corpus/threads"
fill_corpus "$top/tests/corpus/malformed"
[ -d "$CORPUS/public" ] && fill_corpus "$CORPUS/public"
expect_equal "$fill_failed" "" "samples and corpus delivered with exit 0"
fts_check () { sql "insert into article_search (article_search, rank) values ('integrity-check', 1)"; }
drucker=$(sql "select id from articles where subject like 'Drucker%'")

# hits QUERY...: "ticket/article" of each hit, best first
hits () { mt search --json --limit 0 "$@" | json '" ".join("%d/%d" % (h["ticket"], h["article"]) for h in d)'; }

expect_code 0 "search drucker" -- mt search drucker
expect_equal "$(sed -n 1p "$out")" "TICKET ARTICLE  DATE              STATUS   SUBJECT" "table: the header"
grep -q "^     2 *$drucker  .* Drucker im Büro druckt nur Müll$" "$out"; ok $? "table: ticket, article, subject"
grep -q "^ *Jürgen Müller <j.mueller@kanzlei-beispiel.example>: .*\*\*Drucker\*\*" "$out"
ok $? "table: the sender and a snippet with the match marked"
expect_equal "$(hits jurgen muller)" "2/$drucker" "diacritics ignored: jurgen muller finds Jürgen Müller"
expect_equal "$(hits DRUCKER)" "2/$drucker" "case ignored"
expect_equal "$(hits rekey)" "$(sql "select ticket || '/' || id from articles where text like '%rekey%'")" \
	"a word of the text finds its article"
expect_equal "$(hits 'sender:kellogg' | wc -w)" \
	"$(sql "select count(*) from articles where \"from\" like '%Kellogg%'")" "sender: finds each article of a sender"
expect_equal "$(hits 'sender:"lars@seas.harvard.edu"' | wc -w)" \
	"$(sql "select count(*) from articles where \"from\" like '%lars@seas.harvard.edu%'")" "a quoted address"
expect_equal "$(hits 'attachments:fehlerprotokoll')" "2/$drucker" "attachments: finds an attachment's name"
expect_equal "$(hits 'monatsrechnungen OR csv')" "2/$drucker" "text and an attachment's name: one hit for the article"
expect_equal "$(mt search --json csv | json '[h["attachment"] for h in d]')" "[1]" \
	"--json: the number of the attachment whose name matched"
expect_equal "$(mt search --json monatsrechnungen | json '[h["attachment"] for h in d]')" "[null]" \
	"--json: no attachment when the article's own words matched"
mt search csv >"$out"
grep -q "^ *Jürgen Müller <j.mueller@kanzlei-beispiel.example>: attachment 1: Fehlerprotokoll_Büro\.\*\*csv\*\*$" "$out"
ok $? "table: the attachment that matched, its name as the snippet"
expect_equal "$(hits 'drucker NOT monatsrechnungen')" "" "NOT"
expect_equal "$(hits 'monatsrech*')" "2/$drucker" "a prefix query"
n=$(sql "select count(*) from articles where text like '%notmuch%' or subject like '%notmuch%' or \"from\" like '%notmuch%'")
expect_equal "$(hits notmuch | wc -w)" "$n" "--limit 0: every article with the word ($n)"

# The limits and the JSON: the many senders at kunde.example.
expect_equal "$(mt search kunde | grep -c '^ *[0-9]')" 20 "20 hits by default"
expect_equal "$(mt search --limit 3 kunde --json | json 'len(d)')" 3 "--limit 3"

# JSON: keys, and best first.
mt search --json kunde >"$out"
expect_equal "$(json 'sorted(d[0].keys())' <"$out")" \
	'["article", "attachment", "date", "from", "internal", "kind", "rank", "snippet", "status", "subject", "ticket"]' \
	"--json: the keys"
expect_equal "$(json 'all(a["rank"] <= b["rank"] for a, b in zip(d, d[1:]))' <"$out")" true "--json: best first"
expect_equal "$(json 'all("**kunde**" in h["snippet"].lower() for h in d)' <"$out")" true \
	"--json: every snippet marks the match"

# Ranking: the subject weighs more than the text.
mail () {
	printf 'From: Hans <hans@customer.test>\nTo: support@example.org\nSubject: %s\nMessage-ID: <%s@t>\n\n%s\n' "$@"
}
mail "Kaffeemaschine kaputt" rank1 "Bitte reparieren." | fill_one
mail "Frage zur Küche" rank2 "Wir haben eine lange Frage zur Küche, zum Kühlschrank, zur Spüle und am Rande auch zur Kaffeemaschine." |
	fill_one
set -- $(sql "select ticket || '/' || id from articles where message_id in ('rank1@t', 'rank2@t') order by id")
expect_equal "$(hits kaffeemaschine)" "$1 $2" "a word in the subject ranks first"

# In step: a note is found at once, marked internal.
t=${1%/*}
agent alice
mt note "$t" -m "Ersatzteil Brühgruppe bestellt" >"$out"
note=$(cat "$out")
expect_equal "$(hits brühgruppe)" "$t/$note" "a note is found as soon as it is stored"
expect_equal "$(mt search --json bruhgruppe | json '[d[0]["kind"], d[0]["internal"]]')" '["note", true]' \
	"--json: kind and internal"
mt search bruhgruppe >"$out"
grep -q "  INTERNAL Kaffeemaschine kaputt$" "$out"; ok $? "table: an internal article says INTERNAL"
sql "update articles set text = 'Ersatzteil Mahlwerk bestellt' where id = $note"
expect_equal "$(hits brühgruppe)/$(hits mahlwerk)" "/$t/$note" "a changed text: old words gone, new ones found"
fts_check; ok $? "the index matches the articles (FTS5 integrity-check)"

# A message a delivery server stored and has not indexed yet (as it
# leaves it, pending and out of the index) is found by the search, which
# only reads: it waits for no writer and leaves the message pending for
# the next program that writes, which indexes it.
sql "insert into article_search (article_search, rowid, subject, text, sender)
	select 'delete', id, subject, text, \"from\" from articles where message_id = 'rank1@t';
insert into search_pending select id from articles where message_id = 'rank1@t'"
expect_equal "$(hits reparieren)" "$1" "a message not indexed yet is found"
expect_equal "$(sql 'select count(*) from search_pending')" 1 "... by a search that writes nothing"
lock_db
expect_equal "$(hits reparieren)" "$1" "... also while another process holds the write lock"
unlock_db
mt note "$t" -m "Gefunden" >/dev/null
expect_equal "$(sql 'select count(*) from search_pending')" 0 "... indexed by the next program that writes"
fts_check; ok $? "... and the index matches the articles"

# The migration builds the index for articles stored before it. (A
# database of schema version 3 has none of what later migrations add.)
sql "drop trigger article_search_insert; drop trigger article_search_update; drop trigger article_search_delete;
	drop trigger article_search_attachment_insert; drop trigger article_search_attachment_update;
	drop trigger article_search_attachment_delete; drop index attachments_search;
	drop view ticket_json; drop view article_json; drop view ticket_list_json; drop view ticket_summary;
	create view ticket_summary as select t.id, t.uuid, t.type, t.subject, t.status, t.priority,
	  q.name as queue, u.login as owner, c.address as requester, t.project, t.color, t.flagged, t.created,
	  t.updated, t.first_response, t.resolved, t.closed, t.due, t.merged_into,
	  (select count(*) from articles a where a.ticket = t.id) as articles
	  from tickets t left join queues q on q.id = t.queue left join users u on u.id = t.owner
	  left join contacts c on c.id = t.requester;
	drop table conversation_cc; alter table articles drop column new_text; alter table articles drop column not_indexed;
	drop table blob_chunks; drop table merges;
	alter table tickets drop column imported;
	drop index tickets_due; alter table tickets drop column sla_start;
	alter table tickets drop column resolution_escalated; alter table queues drop column hours;
	alter table queues drop column tz; alter table queues drop column holidays;
	alter table queues drop column resolution_minutes;
	drop table article_search; drop view article_search_source; drop index outbox_recipients_address;
	drop index contacts_org; alter table contacts drop column org; alter table articles drop column commands;
	drop table organisation_domains; drop table organisations; drop table search_pending;
	drop table rules; alter table tickets drop column personal;
	drop table alarms; drop index tickets_pending_until; alter table tickets drop column pending_until;
	alter table tickets drop column response_escalated; alter table queues drop column grp;
	alter table contacts drop column lang; alter table users drop column lang;
	alter table users drop column signature; alter table tickets drop column lang;
	alter table message_ids drop column referenced_only;
	pragma user_version = 3"
expect_code 0 "init migrates a database of schema version 3" -- mt init
expect_equal "$(hits rekey)" "$(sql "select ticket || '/' || id from articles where text like '%rekey%'")" \
	"... and its old articles are found"
fts_check; ok $? "... the index matches the articles"

# Queries FTS5 cannot read: one line on stderr, nothing on stdout, exit 1.
bad () {
	desc=$1
	shift
	expect_code 1 "$desc: exit 1" -- mt search "$@"
	[ "$(wc -l <"$err")" = 1 ] && [ ! -s "$out" ]; ok $? "$desc: one line on stderr" || cat "$err"
}
bad "an unquoted address" alice@customer.test
grep -q 'cannot read the search query' "$err"; ok $? "... says the query is unreadable"
bad "an unquoted address, --json" --json alice@customer.test
bad "an unterminated phrase" '"printer'
bad "an unknown column" 'colour:red'
bad "a lone operator" AND
bad "no query"
bad "an empty query" "  "
bad "--limit -1" --limit -1 drucker
expect_code 0 "a query that matches nothing" -- mt search zyxxyzzy
expect_equal "$(cat "$out")" "TICKET ARTICLE  DATE              STATUS   SUBJECT" "... prints the header alone"
expect_equal "$(mt search --json zyxxyzzy)" "[]" "... --json: an empty array"
expect_code 0 "search --help" -- mt search --help
