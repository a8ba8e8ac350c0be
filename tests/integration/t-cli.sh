#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The mailticket CLI as people and scripts see it: init, list, show,
# explain (which stores nothing) and token; no command but init and the
# set-up ones makes a database that is not there.
. "$(dirname "$0")/../lib.sh"
plan 101

printf 'test-secret-42' >"$tmp/secret"
echo "secret_file=$tmp/secret" >>"$MAILTICKET_CONF"

# has LINE DESC: the last command's stdout has this exact line
has () {
	grep -qxF -- "$1" "$out" && ok 0 "$2" && return 0
	ok 1 "$2"; diag "want the line '$1' in:"; sed 's/^/#   /' "$out"; return 1
}
# one_line_error DESC: the last command printed one line on stderr, none on stdout
one_line_error () {
	[ "$(wc -l <"$err")" = 1 ] && [ ! -s "$out" ]; ok $? "$1" || sed 's/^/#   stderr: /' "$err"
}
state () { sql 'select (select count(*) from tickets), (select count(*) from articles), (select count(*) from message_ids)'; }

# A mistyped --db: every command that reads says what list says, exits
# 1 and leaves no file behind; so do those that change a database.
typo=$tmp/typo.db
printf 'From: a@b.example\nSubject: x\n\ny\n' >"$tmp/some.eml"
while IFS= read -r words; do
	eval "set -- $words"
	"$BIN/mailticket" --db "$typo" "$@" >"$out" 2>"$err"
	expect_equal "$? $(cat "$out" "$err")$(ls "$tmp" | grep typo)" \
		"1 mailticket: no database at $typo (run: mailticket init)" "$words on a missing database"
	rm -f "$typo" "$typo-wal" "$typo-shm"
done <<EOF
list
list --json
show 1
show 1 --json
attachment 1 1 1
search printer
explain $tmp/some.eml
token 1
stats
db check
quarantine
quarantine list
quarantine show 1
outbox
outbox list
outbox show 1
watch 1
task 1
task 1 list
approval 1
approval 1 list
alarm
alarm list
alarm 1 list
time report
user
user list
group
group list
contact
contact list
org
org list
queue
queue list
rule list
rule test $tmp/some.eml
set 1 status=open
note 1 -m "A note."
task 1 add "A task"
alarm rm 1
org rm Nobody
group member nobody add somebody
db reindex
EOF
expect_code 0 "user add on a missing database creates it" -- \
	"$BIN/mailticket" --db "$typo" user add zed --email z@example.org
[ -f "$typo" ]; ok $? "... there it is"

# init
expect_code 0 "init" -- mt init
expect_equal "$(sql "select count(*) from sqlite_master where name in ('tickets', 'articles', 'message_ids')")" 3 \
	"init creates the schema"
version=$(sql 'pragma user_version')
[ "$version" -gt 0 ]; ok $? "init sets user_version ($version)"
expect_code 0 "a second init is harmless" -- mt init
expect_equal "$(sql 'pragma user_version')" "$version" "... and keeps the version"

# An empty database.
expect_code 0 "list on an empty database" -- mt list
[ "$(wc -l <"$out")" -le 1 ]; ok $? "... prints nothing or a header"
expect_code 0 "list --json on an empty database" -- mt list --json
expect_equal "$(json 'd' <"$out")" '[]' "... is an empty JSON array"
expect_code 1 "show 999: exit 1" -- mt show 999
one_line_error "show 999: one line on stderr"
expect_code 1 "show 999 --json: exit 1" -- mt show 999 --json
one_line_error "show 999 --json: one line on stderr"
expect_code 1 "token 999: exit 1" -- mt token 999
one_line_error "token 999: one line on stderr"

cat >"$tmp/m1" <<'EOF'
From: Alice Example <alice@customer.test>
To: support@example.org
Subject: Printer on fire
Date: Mon, 02 Jan 2023 10:00:00 +0000
Message-ID: <m1@mt.test>

The printer in room 3 is on fire.
EOF
sed -e 's/^Subject: .*/Subject: Re: Printer on fire/' -e 's/^Message-ID: <m1@/Message-ID: <m2@/' \
	-e 's/^Date: .*/&\nIn-Reply-To: <m1@mt.test>/' "$tmp/m1" >"$tmp/m2"
sed -e 's/m2@/m3@/' -e 's/^In-Reply-To: .*/&\nReferences: <m1@mt.test> <m2@mt.test> <m0@mt.test>/' \
	"$tmp/m2" >"$tmp/m3"
sed -e 's/^From: .*/From: Mallory <mallory@evil.test>/' -e 's/^Subject: .*/Subject: Re: [Ticket#1] data/' \
	-e '/^In-Reply-To:/d' -e 's/m2@/m4@/' "$tmp/m2" >"$tmp/m4"
sed -e 's/^Subject: .*/Subject: Another problem/' -e 's/m1@/m5@/' "$tmp/m1" >"$tmp/m5"
expect_code 0 "deliver m1" -- deliver -r support@example.org <"$tmp/m1"
expect_code 0 "deliver m2" -- deliver -r support@example.org <"$tmp/m2"

# list
expect_code 0 "list --json" -- mt list --json
json 'sorted(d[0].keys() & {"id", "subject", "status", "priority", "queue", "owner", "requester",
	"created", "updated", "articles"})' <"$out" >"$tmp/keys"
expect_equal "$(cat "$tmp/keys")" \
	'["articles", "created", "id", "owner", "priority", "queue", "requester", "status", "subject", "updated"]' \
	"list --json has the required keys"
expect_equal "$(json '[(t["id"], t["subject"], t["articles"]) for t in d]' <"$out")" \
	'[[1, "Printer on fire", 2]]' "list --json: ticket 1 with 2 articles"
expect_code 0 "list" -- mt list
grep -q 'Printer on fire' "$out"; ok $? "list shows the subject"

# show
expect_code 0 "show 1 --json" -- mt show 1 --json
json 'sorted(d.keys() & {"id", "uuid", "type", "subject", "status", "priority", "queue", "owner",
	"requester", "created", "updated", "links", "history", "articles"})' <"$out" >"$tmp/keys"
expect_equal "$(cat "$tmp/keys")" '["articles", "created", "history", "id", "links", "owner", "priority", "queue", "requester", "status", "subject", "type", "updated", "uuid"]' \
	"show --json has the ticket keys"
json 'sorted(d["articles"][0].keys() & {"id", "kind", "internal", "from", "to", "cc", "subject", "date",
	"message_id", "via", "text", "size", "attachments"})' <"$out" >"$tmp/keys"
expect_equal "$(cat "$tmp/keys")" '["attachments", "cc", "date", "from", "id", "internal", "kind", "message_id", "size", "subject", "text", "to", "via"]' \
	"show --json has the article keys"
expect_equal "$(json '[a["message_id"] for a in d["articles"]]' <"$out")" '["m1@mt.test", "m2@mt.test"]' \
	"articles in order, message ids without angle brackets"
expect_equal "$(json 'd["articles"][0]["size"]' <"$out")" "$(wc -c <"$tmp/m1")" "article size is the raw size"
a1=$(json 'd["articles"][0]["id"]' <"$out")
expect_code 0 "show 1" -- mt show 1
grep -q 'Printer on fire' "$out"; ok $? "show 1 shows the subject"
grep -q 'alice@customer.test' "$out"; ok $? "show 1 shows the From"
expect_code 0 "show 1 --raw $a1" -- mt show 1 --raw "$a1"
cmp -s "$out" "$tmp/m1"; ok $? "show --raw gives back the exact bytes"
expect_code 1 "show 1 --raw 99999: exit 1" -- mt show 1 --raw 99999

# token
expect_code 0 "token 1" -- mt token 1
# The mac covers the ticket's uuid, the role (c: customer side) and the
# recipient, by default the requester.
uuid=$(sql "select uuid from tickets where id = 1")
requester=$(sql "select c.address from tickets t join contacts c on c.id = t.requester where t.id = 1")
mac=$(python3 -c 'import hmac, hashlib, sys
data = b"mailticket-token-2\0" + sys.argv[2].encode() + b"\0c\0" + sys.argv[3].encode()
print(hmac.new(open(sys.argv[1], "rb").read(), data, hashlib.sha256).hexdigest()[:16])' "$tmp/secret" "$uuid" "$requester")
expect_equal "$(sed -n 1p "$out")" "support+1.c$mac@example.org" "token: reply address with HMAC-SHA256 mac"
expect_equal "$(sed -n 2p "$out")" "[Ticket#1]" "token: subject token"

# explain: says what would happen, stores nothing.
before=$(state)
expect_code 0 "explain a reply" -- mt explain "$tmp/m3"
has "action: append" "explain reply: action: append"
has "ticket: 1" "explain reply: ticket: 1"
has "via: in-reply-to" "explain reply: via: in-reply-to"
grep -q '^reason: .' "$out"; ok $? "explain reply: gives a reason"
expect_code 0 "explain a new message" -- mt explain "$tmp/m5"
has "action: new" "explain new: action: new"
expect_code 0 "explain a stranger's subject token" -- mt explain "$tmp/m4"
has "action: new-linked" "explain stranger: action: new-linked"
has "ticket: 1" "explain stranger: ticket: 1"
has "via: subject" "explain stranger: via: subject"
expect_code 0 "explain a message already stored" -- mt explain "$tmp/m1"
has "action: duplicate" "explain stored message: action: duplicate"
expect_code 0 "explain with a reply token" -- mt explain -r "support+1.c$mac@example.org" "$tmp/m5"
has "via: token" "explain -r token: via: token"
expect_equal "$(state)" "$before" "explain stores nothing"

# --limit
expect_code 0 "deliver m5" -- deliver -r support@example.org <"$tmp/m5"
expect_equal "$(mt list --json | json 'len(d)')" 2 "two tickets"
expect_equal "$(mt list --json --limit 1 | json 'len(d)')" 1 "list --limit 1 lists one"
