#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket show: the readable thread (fields, watchers, tags, numbered
# attachments, INTERNAL notes, history) and what --json adds (tags,
# watchers), over the samples.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fill.sh"
plan 46

TZ=UTC
export TZ
mt init >/dev/null
fill_samples
expect_equal "$fill_failed" "" "samples delivered with exit 0"
MAILTICKET_USER=alice
export MAILTICKET_USER
mt user add alice --email alice@example.org --name "Alice Agent" >/dev/null
mt watch 1 add bob@customer.example >/dev/null
sql "insert into tags (ticket, tag) values (1, 'vpn'), (1, 'home-office');
	update tickets set owner = (select id from users where login = 'alice'), project = 'network', color = 'red',
	due = 1672617600 where id = 1"
ok $? "ticket 1 given an owner, tags, project, color and a due time"
note=$(printf 'Firewall drops UDP 4500.\n\033[2Jcleared?')
expect_code 0 "an internal note" -- mt note 1 -m "$note"
n=$(cat "$out")

# has LINE DESC: the last command's stdout has this exact line
has () {
	grep -qxF -- "$1" "$out" && ok 0 "$2" && return 0
	ok 1 "$2"; diag "want the line '$1' in:"; sed 's/^/#   /' "$out" | head -n 40; return 1
}

expect_code 0 "show 1" -- mt show 1
has "Ticket 1: VPN drops every 10 minutes" "the subject"
has "Status:    new, priority 5" "status and priority"
has "Queue:     support" "queue"
has "Owner:     alice" "owner"
has "Requester: anna@customer.example" "requester"
has "Project:   network" "project"
has "Color:     red" "color"
has "Tags:      home-office, vpn" "tags, in order"
has "Watchers:  owner alice, address bob@customer.example" "watchers"
grep -q '^Created:   2023-01-01 01:00, updated .*, due 2023-01-02 00:00$' "$out"; ok $? "created, updated, due"
expect_equal "$(grep -c '^--- article [0-9]*, email-in, ' "$out")" 3 "three email-in articles"
has "--- article $n, INTERNAL note, $(sql "select strftime('%Y-%m-%d %H:%M', created, 'unixepoch') from articles where id = $n") ---" \
	"the note is marked INTERNAL in its separator line"
has "Author: alice" "the note's author"
has "Firewall drops UDP 4500." "the note's text"
grep -q "$(printf '\033')" "$out"; [ $? -ne 0 ]; ok $? "no escape character from a text reaches the output"
has "?[2Jcleared?" "... it shows as '?'"
has "Subject: AW: [Ticket#1] VPN drops every 10 minutes" "an article's subject"
has "History:" "the history"
grep -q '^  2023-01-01 01:00 mail: created - -> VPN drops every 10 minutes$' "$out"; ok $? "history: created"
has "  $(date -u -d @"$(sql 'select max(at) from history where ticket = 1')" '+%Y-%m-%d %H:%M') alice: watcher - -> bob@customer.example" \
	"history: the watcher added"

expect_code 0 "show 2" -- mt show 2
has "Attachments (mailticket attachment 2 4 N saves one):" "attachments: a heading that says how to save one"
has "  1. Fehlerprotokoll_Büro.csv (text/csv, 303 bytes)" "attachments: numbered, with name, type, size"
has "Ticket 2: Drucker im Büro druckt nur Müll" "a Latin-1 subject decoded"

# --json: as before, plus tags and watchers.
expect_code 0 "show 1 --json" -- mt show 1 --json
expect_equal "$(json 'd["tags"]' <"$out")" '["home-office", "vpn"]' "--json: tags"
expect_equal "$(json 'd["watchers"]' <"$out")" \
	'[{"kind": "owner", "name": "alice"}, {"kind": "address", "name": "bob@customer.example"}]' "--json: watchers"
expect_equal "$(json '[d[k] for k in ("project", "color", "due", "owner")]' <"$out")" \
	'["network", "red", "2023-01-02T00:00:00Z", "alice"]' "--json: project, color, due, owner"
expect_equal "$(json '[[a["kind"], a["internal"], a["author"]] for a in d["articles"]][-1]' <"$out")" \
	'["note", true, "alice"]' "--json: the note, internal, with its author"
expect_equal "$(json 'd["articles"][-1]["text"]' <"$out")" "$note" "--json: the note's text unchanged"
expect_equal "$(mt show 2 --json | json '[d["tags"], d["watchers"]]')" '[[], []]' \
	"--json: a ticket without tags or watchers has empty arrays"

one_line_error () {
	[ "$(wc -l <"$err")" = 1 ] && [ ! -s "$out" ]; ok $? "$1" || sed 's/^/#   stderr: /' "$err"
}
expect_code 1 "show without a number" -- mt show
one_line_error "... one line"
expect_code 1 "show with two numbers" -- mt show 1 2
one_line_error "... one line"
expect_code 1 "show x" -- mt show x
one_line_error "... one line"
expect_code 1 "show 99" -- mt show 99
one_line_error "... one line"
expect_code 1 "show 1 --raw $n: a note has no stored message" -- mt show 1 --raw "$n"
one_line_error "... one line"
expect_code 0 "show --help" -- mt show --help
