#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A message that bridges two tickets (their common parent had not arrived
# when they were filed) merges them when nobody worked on the newer one,
# and sends nothing; when an agent did, it links them, and whoever looks
# after each is told by mail (template notify-link), through a real SMTP
# server on 127.0.0.1: the owner, in the owner's language, or for a
# ticket without one the queue's group, as for a new ticket. The mail
# names both tickets, the bridging message (From, Subject, Message-ID)
# and the command that merges them.
. "$(dirname "$0")/../lib.sh"

smtp_start
plan 17
send () { "$BIN/mailticket-send" --db "$DB" --once; }
# subjects TO: the decoded subjects of the messages the server accepted for TO
subjects () {
	for j in $(grep -l "\"$1\"" "$SMTP_DIR"/*.json 2>/dev/null); do
		python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m["Subject"])' "${j%.json}.eml"
	done
}
# linked TO TICKET: the text of the notify-link mail to TO about TICKET
linked () {
	for j in $(grep -l "\"$1\"" "$SMTP_DIR"/*.json 2>/dev/null); do
		python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
if "[Ticket#" + sys.argv[2] + "]" in m["Subject"] and m["Subject"].split(":")[0] in ("Linked", "Verknüpft"):
    print(m["Subject"]); print(m.get_body(preferencelist=("plain",)).get_content(), end="")' \
			"${j%.json}.eml" "$2"
	done
}

mt user add alice --email alice@example.org >/dev/null
mt user add bob --email bob@example.org --lang de >/dev/null
mt user add carol --email carol@example.org >/dev/null
mt group add l2 >/dev/null
mt group member l2 add carol >/dev/null
mt queue add support --address support@example.org --group l2 >/dev/null

# 1. The two halves: the root, and a reply to a message not yet here.
compose 'Ann Kunde <ann@kunde.example>' support@example.org r1@kunde.example 'Printer offline' <<'EOF' >"$tmp/r1"
The printer is offline.
EOF
compose 'Ann Kunde <ann@kunde.example>' support@example.org c1@kunde.example 'RE: Printer offline' \
	'In-Reply-To: <m1@kunde.example>' <<'EOF' >"$tmp/c1"
Still offline, see below.
EOF
compose 'Ann Kunde <ann@kunde.example>' support@example.org m1@kunde.example 'Re: Printer offline' \
	"$(printf 'In-Reply-To: <r1@kunde.example>\nReferences: <r1@kunde.example>')" <<'EOF' >"$tmp/m1"
It says offline since this morning.
EOF
deliver -r support@example.org <"$tmp/r1" && deliver -r support@example.org <"$tmp/c1"
expect_equal "$(sql 'select count(*) from tickets')" 2 "two halves of one thread: two tickets"
agent alice
expect_code 0 "an agent works on the newer one (owner bob)" -- mt set 2 owner=bob
send
before=$(smtp_count)
expect_code 0 "the late message that bridges them" -- deliver -r support@example.org <"$tmp/m1"
expect_equal "$(sql 'select ticket || ":" || new from history where field = "bridged" order by ticket')" \
	"$(printf '1:<m1@kunde.example>\n2:<m1@kunde.example>')" "... links them, the history of both naming it"
send
[ "$(smtp_count)" -gt "$before" ]; ok $? "... and mail goes out"
linked bob@example.org 2 >"$tmp/bob"
expect_equal "$(head -n 1 "$tmp/bob")" "Verknüpft: [Ticket#2] Printer offline" \
	"the owner of the worked ticket is told, in his language (de)"
grep -q "^Ticket #1: Printer offline$" "$tmp/bob" && grep -q "^Ticket #2: Printer offline$" "$tmp/bob"
ok $? "... naming both tickets"
grep -q '^Von: Ann Kunde <ann@kunde.example>$' "$tmp/bob" && grep -q '^Betreff: Re: Printer offline$' "$tmp/bob" &&
	grep -q '^Message-ID: <m1@kunde.example>$' "$tmp/bob"
ok $? "... the bridging message's From, Subject and Message-ID"
grep -q '^    mailticket merge 2 into 1$' "$tmp/bob"; ok $? "... and the command that merges them"
linked carol@example.org 1 >"$tmp/carol"
expect_equal "$(head -n 1 "$tmp/carol")" "Linked: [Ticket#1] Printer offline" \
	"the ticket without an owner is told to the queue's group"
grep -q '^    mailticket merge 2 into 1$' "$tmp/carol"; ok $? "... with the same command"
expect_equal "$(linked bob@example.org 1)$(linked carol@example.org 2)" "" "each is told once, of their own ticket"
expect_equal "$(subjects alice@example.org)" "" "the agent who did nothing here hears nothing"

# 2. The same shape, nobody worked on it: merged, and nobody told.
sed 's/r1@/r2@/; s/Printer/Scanner/' "$tmp/r1" >"$tmp/r2"
sed 's/c1@/c2@/; s/m1@/m2@/; s/Printer/Scanner/' "$tmp/c1" >"$tmp/c2"
sed 's/m1@/m2@/; s/r1@/r2@/g; s/Printer/Scanner/' "$tmp/m1" >"$tmp/m2"
deliver -r support@example.org <"$tmp/r2" && deliver -r support@example.org <"$tmp/c2"
send
before=$(smtp_count)
expect_code 0 "a late message bridges two tickets nobody worked on" -- deliver -r support@example.org <"$tmp/m2"
expect_equal "$(sql 'select merged_into from tickets where id = 4')" 3 "... the newer is merged into the older"
send
expect_equal "$(smtp_count)" "$before" "... and no mail goes out for it"
expect_equal "$(linked carol@example.org 3)$(linked carol@example.org 4)" "" "... no notify-link about either"
