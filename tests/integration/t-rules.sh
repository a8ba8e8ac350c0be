#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Rules on incoming mail: `mailticket rule test` says what the rules do to
# a message, then the same message is delivered for real and the tickets
# (list/show --json), the exit code and the mail reaching a real SMTP
# server show that the delivery did just that: queue, owner, priority,
# tags, watchers, personal tickets hidden from list, spam filed in the
# queue spam and told to nobody, no acknowledgement, a refusal with exit
# 77 that stores nothing; order, stop and move; substring, glob, regex,
# case; patterns that cannot be bounded refused, and rules that fail
# closed on a message their pattern cannot be evaluated on.
. "$(dirname "$0")/../lib.sh"

smtp_start
plan 115
send () { "$BIN/mailticket-send" --db "$DB" --once; }
# the ticket a verbose delivery logged
ticket_of () { sed -n 's/.*ticket=\([0-9]*\) .*/\1/p' "$err" | head -n 1; }
ticket () { mt show "$1" --json | json "$2"; }
# rcpt N: how many messages the SMTP server received for address N
rcpt () { python3 -c 'import glob, json, sys
print(sum(sys.argv[2] in json.load(open(f))["rcpt_tos"] for f in glob.glob(sys.argv[1] + "/*.json")))' \
	"$SMTP_DIR" "$1"; }
listed () { mt list --json "$@" | json '" ".join(str(t["id"]) for t in d)'; }
mail () {	# mail FILE FROM SUBJECT [HEADER...]: a message from FROM
	f=$tmp/$1 from=$2 subject=$3; shift 3
	{ printf 'From: %s\nTo: support@example.org\nSubject: %s\nMessage-ID: <%s@customer.example>\n' \
		"$from" "$subject" "$(basename "$f")"
	  printf '%s\n' "$@"; printf '\nHello,\nthis is %s.\n' "$(basename "$f")"; } >"$f"
}

# Reading rules needs a database: a mistyped --db makes none.
expect_code 1 "rule list on a missing database" -- "$BIN/mailticket" --db "$tmp/typo.db" rule list
grep -qF "database missing: run mailticket init ($tmp/typo.db is not there)" "$err"
ok $? "... says there is no database"
expect_equal "$(ls "$tmp" | grep -c '^typo\.db')" 0 "... and makes none"

expect_code 0 "init" -- mt init
expect_code 0 "user bob" -- mt user add bob --email bob@example.org
expect_code 0 "queue billing" -- mt queue add billing --address billing@example.org

# Adding checks everything first.
expect_code 1 "a regex that does not compile is refused" -- mt rule add bad --regex --subject '(' --tag x
grep -q "rule bad: --subject" "$err"; ok $? "... saying which option"
expect_code 1 "an unknown queue is refused" -- mt rule add bad --subject x --queue nowhere
expect_code 1 "an unknown owner is refused" -- mt rule add bad --subject x --owner nobody
expect_code 1 "priority 10 is refused" -- mt rule add bad --subject x --priority 10
expect_code 1 "an unknown status is refused" -- mt rule add bad --subject x --status done
expect_code 1 "exit 75 is no refusal (the MTA would retry)" -- mt rule add bad --subject x --refuse '75 later'
expect_code 1 "a refusal without text is refused" -- mt rule add bad --subject x --refuse 77
expect_code 1 "a rule that does nothing is refused" -- mt rule add bad --subject x
expect_code 1 "a numeric name is refused (numbers are positions)" -- mt rule add 12 --subject x --stop
expect_equal "$(mt rule list --json)" "[]" "refused rules are not stored"

expect_code 0 "rule billing: substring, case aside" -- \
	mt rule add billing --subject invoice --queue billing --owner bob --priority 8 --tag money
expect_code 0 "rule patches: glob on From" -- mt rule add patches --from '*@kunde.example' --glob --tag patch --no-ack
expect_code 0 "rule private: regex on a header" -- mt rule add private --header 'X-Private: ^yes$' --regex --personal --stop
expect_code 0 "rule junk" -- mt rule add junk --header 'X-Spam-Flag: YES' --spam
expect_code 0 "rule blocked" -- mt rule add blocked --sender '*@evil.example' --glob \
	--refuse '77 Mail from you is not accepted here'
expect_code 0 "rule urgent: on any ticket" -- mt rule add urgent --body urgent --tag urgent --watch ops@example.org \
	--priority 2
expect_code 1 "a second rule of the same name is refused" -- mt rule add junk --subject x --stop
expect_code 0 "rule list" -- mt rule list
expect_equal "$(awk '{print $1 $2}' "$out" | tr '\n' ' ')" "1billing 2patches 3private 4junk 5blocked 6urgent " \
	"... in order with positions"
expect_equal "$(mt rule list --json | json '[d[2]["match"], d[2]["conditions"], d[4]["actions"]["refuse"]]')" \
	'["regex", {"header": "X-Private: ^yes$"}, "77 Mail from you is not accepted here"]' "... and as JSON"

# A new ticket: queue, owner, priority, tag; the case of the subject aside.
mail invoice "Anna <anna@customer.example>" "Your INVOICE 7 is wrong"
expect_code 0 "rule test on the invoice" -- mt rule test "$tmp/invoice"
expect_equal "$(grep -E '^(match|queue|owner|priority|tag|action):' "$out" | tr '\n' '|')" \
	"match: 1 billing|queue: billing (rule billing)|owner: bob (rule billing)|priority: 8 (rule billing)|tag: money (rule billing)|action: new|" \
	"... says billing matches, and what it sets"
mt rule test <"$tmp/invoice" >"$tmp/stdin.out" 2>&1
expect_equal "$(cat "$tmp/stdin.out")" "$(cat "$out")" "... the same read from standard input"
expect_code 0 "deliver the invoice" -- deliver -v -f anna@customer.example -r support@example.org <"$tmp/invoice"
grep -q "action=new .* rules=billing" "$err"; ok $? "... the log line names the rule"
invoice=$(ticket_of)
expect_equal "$(ticket "$invoice" '[d["queue"], d["owner"], d["priority"], d["tags"], d["personal"]]')" \
	'["billing", "bob", 8, ["money"], false]' "... and the ticket is as rule test said"
expect_equal "$(ticket "$invoice" '[h["field"] for h in d["history"] if h["who"] == "rule:billing"]')" \
	'["queue", "owner", "priority", "tag"]' "... each change in the history by rule:billing"

# A reply to it: tags and watchers apply, queue and priority do not.
mail reply "anna@customer.example" "Re: Your INVOICE 7 is wrong" "In-Reply-To: <invoice@customer.example>"
printf 'It is urgent.\n' >>"$tmp/reply"
expect_code 0 "rule test on an urgent reply" -- mt rule test "$tmp/reply"
expect_equal "$(grep -E '^(match|action|ticket):' "$out" | tr '\n' '|')" \
	"match: 1 billing|match: 6 urgent|action: append|ticket: $invoice|" "... both match; it joins the invoice's ticket"
expect_code 0 "deliver the reply" -- deliver -v -f anna@customer.example -r support@example.org <"$tmp/reply"
expect_equal "$(ticket_of)" "$invoice" "... it joined that ticket"
expect_equal "$(ticket "$invoice" '[d["priority"], d["tags"], [w["name"] for w in d["watchers"] if w["kind"] == "address"]]')" \
	'[8, ["money", "urgent"], ["ops@example.org"]]' "... tag and watcher added, priority of an existing ticket kept"

# A message of the project's corpus: glob on From, no acknowledgement.
corpus=$top/tests/corpus/threads/plain-1.eml
expect_code 0 "rule test on a corpus message" -- mt rule test "$corpus"
expect_equal "$(grep -E '^(match|tag|no-ack|action):' "$out" | tr '\n' '|')" \
	"match: 2 patches|no-ack: yes (rule patches)|tag: patch (rule patches)|action: new|" "... patches matches"
expect_code 0 "deliver it" -- deliver -v -r support@example.org <"$corpus"
patch=$(ticket_of)
expect_equal "$(ticket "$patch" 'd["tags"]')" '["patch"]' "... tagged as rule test said"

# A personal ticket: regex on a header, case aside; hidden from list.
mail private "carla@customer.example" "A private matter" "X-Private: YES"
expect_code 0 "rule test on a private message" -- mt rule test "$tmp/private"
expect_equal "$(grep -E '^(match|personal):' "$out" | tr '\n' '|')" "match: 3 private|personal: yes (rule private)|" \
	"... private matches (regex, case aside) and stops"
expect_code 0 "deliver it" -- deliver -v -r support@example.org <"$tmp/private"
private=$(ticket_of)
case " $(listed) " in *" $private "*) ok 1 "list leaves the personal ticket out" ;; *) ok 0 "list leaves the personal ticket out" ;; esac
expect_equal "$(listed --personal)" "$private" "list --personal lists only it"
case " $(listed --all) " in *" $private "*) ok 0 "list --all lists it too" ;; *) ok 1 "list --all lists it too" ;; esac
expect_equal "$(ticket "$private" 'd["personal"]')" true "show still shows it, personal"

# Spam: a ticket of its own in the queue spam, whatever it answers.
mail spam "spammer@junk.example" "Re: Your INVOICE 7 is wrong" "In-Reply-To: <invoice@customer.example>" \
	"X-Spam-Flag: yes"
expect_code 0 "rule test on spam" -- mt rule test "$tmp/spam"
expect_equal "$(grep -E '^(match|spam|action):' "$out" | tr '\n' '|')" \
	"match: 1 billing|match: 4 junk|spam: yes (rule junk)|action: new|" "... junk matches: a new ticket, not the invoice's"
expect_code 0 "deliver it" -- deliver -v -f spammer@junk.example -r support@example.org <"$tmp/spam"
spam=$(ticket_of)
[ "$spam" != "$invoice" ]; ok $? "... not threaded into the ticket it answers"
expect_equal "$(ticket "$spam" 'd["queue"]')" spam "... in the queue spam, made on demand"

# A refusal: exit 77, its line first, nothing stored.
mail evil "eve@evil.example" "Hello"
expect_code 0 "rule test on a blocked sender" -- mt rule test -f eve@evil.example "$tmp/evil"
expect_equal "$(grep -E '^(match|refuse|action):' "$out" | tr '\n' '|')" \
	"match: 5 blocked|refuse: 77 5.7.1 Mail from you is not accepted here (rule blocked)|action: refused|" \
	"... says it is refused with 77"
before=$(sql 'select (select count(*) from tickets) || (select count(*) from blobs) || (select count(*) from contacts)')
expect_code 77 "delivery exits 77 (EX_NOPERM)" -- deliver -f eve@evil.example -r support@example.org <"$tmp/evil"
expect_equal "$(head -n 1 "$err")" "5.7.1 Mail from you is not accepted here" "... the first line is the rule's, 5.7.1"
expect_equal "$(sql 'select (select count(*) from tickets) || (select count(*) from blobs) || (select count(*) from contacts)')" \
	"$before" "... and nothing is stored"
# The rules are asked before the transaction: a refusal waits for no lock.
lock_db
expect_code 77 "... also while another process holds the write lock" -- \
	deliver -f eve@evil.example -r support@example.org <"$tmp/evil"
unlock_db

# What reached the SMTP server: acknowledgements only where rule test said.
expect_code 0 "mailticket-send" -- send
expect_equal "$(rcpt anna@customer.example)" 1 "the invoice's requester got one acknowledgement"
expect_equal "$(rcpt bob@example.org)" 2 "the owner a rule set heard of both articles"
expect_equal "$(rcpt ops@example.org)" 1 "the watcher the urgent rule added heard of the reply"
expect_equal "$(rcpt dottedmag@dottedmag.net)" 0 "no acknowledgement for the no-ack message"
expect_equal "$(rcpt spammer@junk.example)" 0 "nothing to the spammer"
expect_equal "$(rcpt carla@customer.example)" 1 "the personal ticket's requester is acknowledged"
expect_equal "$(rcpt eve@evil.example)" 0 "nothing to the refused sender"
expect_code 0 "the same message from another envelope sender is taken" -- \
	deliver -f eve@good.example -r support@example.org <"$tmp/evil"

# A name that went away after the rule was added does not hold up mail.
sql "update rules set owner = 'gone' where name = 'billing'"
mail invoice2 "anna@customer.example" "Another invoice"
expect_code 0 "a rule whose owner is gone: the mail is still delivered" -- \
	deliver -v -r support@example.org <"$tmp/invoice2"
expect_equal "$(ticket "$(ticket_of)" '[d["queue"], d["owner"]]')" '["billing", null]' \
	"... with the rule's other changes"

# Order, stop and move.
expect_code 0 "rule nine" -- mt rule add nine --subject 'ordering test' --priority 9
expect_code 0 "rule three" -- mt rule add three --subject 'ordering test' --priority 3
mail order1 "dan@customer.example" "ordering test one"
prio () { mt rule test "$tmp/$1" | sed -n 's/^priority: \([0-9]\) .*/\1/p'; }
expect_equal "$(prio order1)" 3 "a later rule's priority replaces an earlier one's"
expect_code 0 "move three before nine" -- mt rule move three 7
expect_equal "$(mt rule list | awk '$2 == "three" || $2 == "nine" {print $1 $2}' | tr '\n' ' ')" "7three 8nine " \
	"... the positions after it move down"
expect_equal "$(prio order1)" 9 "... and now nine's priority wins"
expect_code 0 "rule five, first, with stop" -- mt rule add five --position 1 --subject 'ORDERING' --priority 5 --stop
expect_code 0 "rule test" -- mt rule test "$tmp/order1"
expect_equal "$(grep -c '^match:' "$out")" 1 "stop: no rule after it is checked"
expect_equal "$(prio order1)" 5 "... its priority it is"
expect_code 0 "deliver it" -- deliver -v -r support@example.org <"$tmp/order1"
expect_equal "$(ticket "$(ticket_of)" 'd["priority"]')" 5 "... and the delivery agrees"
expect_code 0 "rm rule 1 (five)" -- mt rule rm 1
mail order2 "dan@customer.example" "ordering test two"
expect_code 0 "deliver another" -- deliver -v -r support@example.org <"$tmp/order2"
expect_equal "$(ticket "$(ticket_of)" 'd["priority"]')" 9 "without it, nine's priority again"
expect_code 1 "rm a rule that is not there" -- mt rule rm five
expect_code 1 "move to position 0" -- mt rule move nine 0
expect_code 0 "case-sensitive rule" -- mt rule add exact --position 1 --subject 'ORDERING' --case-sensitive --tag upper --stop
mail order3 "dan@customer.example" "ordering test three"
expect_code 0 "rule test" -- mt rule test "$tmp/order3"
grep -q '^match: 1 exact' "$out"; [ $? -ne 0 ]; ok $? "a case-sensitive pattern does not match other case"
mail order4 "dan@customer.example" "ORDERING test four"
expect_code 0 "rule test" -- mt rule test "$tmp/order4"
expect_equal "$(grep -E '^(match|tag):' "$out" | tr '\n' '|')" "match: 1 exact|tag: upper (rule exact)|" "... but its own case"

# Hostile mail: what cannot be bounded is refused when the rule is added,
# and a pattern that cannot be evaluated on a message fails closed.
expect_code 1 "a pattern that sets its own PCRE2 limit is refused" -- \
	mt rule add bad --regex --body '(*LIMIT_MATCH=100000000)(a+)+$' --tag x
grep -q "rule bad: --body: a pattern may not begin with '(\*'" "$err"; ok $? "... saying why"
expect_code 1 "a pattern over 1000 bytes is refused" -- mt rule add long --body "$(printf "%01001d" 0)" --tag x
grep -q -- "--body: the pattern is longer than 1000 bytes" "$err"; ok $? "... saying so"

# A body of forty "a" and a "!" takes (a+)+$ 2^40 tries at its first
# position: PCRE2 stops it at its limit, which was once taken for "no
# match", and the refusing rule let the mail through.
expect_code 0 "rule nested: a refusing regex on the body" -- \
	mt rule add nested --body '(a+)+$' --regex --refuse '77 No mail like that, please'
body () { printf 'From: %s\nTo: support@example.org\nSubject: %s\nMessage-ID: <%s@hostile.example>\n\n%s!\n' \
	"mallory@hostile.example" "$1" "$1" "$(printf "%040d" 0 | tr 0 "$2")"; }
body catastrophic a >"$tmp/catastrophic"
expect_code 0 "rule test on it" -- mt rule test "$tmp/catastrophic"
expect_equal "$(grep -E '^(error|action):' "$out" | tr '\n' '|')" \
	"error: $(mt rule list | awk '$2 == "nested" {print $1}') nested: pattern could not be evaluated (--body: backtracking limit reached)|action: refused|" \
	"... says the pattern could not be evaluated, and the rule refuses"
before=$(sql 'select (select count(*) from tickets) || (select count(*) from blobs)')
expect_code 77 "the delivery is refused with the rule's code" -- \
	deliver -f mallory@hostile.example -r support@example.org <"$tmp/catastrophic"
expect_equal "$(head -n 1 "$err")" "5.7.1 No mail like that, please (rule nested: pattern could not be evaluated)" \
	"... its line names the rule and why"
expect_equal "$(sql 'select (select count(*) from tickets) || (select count(*) from blobs)')" "$before" \
	"... nothing is stored"
expect_equal "$(mt rule list --json | json '[(r["errors"]["count"], r["errors"]["last"]) for r in d if r["name"] == "nested"]')" \
	'[[1, "--body: backtracking limit reached"]]' "... and the error is counted on the rule"
mt rule list | grep -A 1 ' nested ' | grep -q '^ *errors: 1, the last at .*: --body: backtracking limit reached$'
ok $? "rule list shows the count"

# A rule that refuses nothing is not applied, and says so.
expect_code 0 "rule bees: a tagging regex on the body" -- mt rule add bees --body '(b+)+$' --regex --tag bees
body bees b >"$tmp/bees"
expect_code 0 "a message it cannot be evaluated on is delivered" -- \
	deliver -v -f mallory@hostile.example -r support@example.org <"$tmp/bees"
grep -q "action=new .* rule-errors=bees" "$err"; ok $? "... the log line names the rule"
grep -q "rule bees: pattern could not be evaluated (--body: backtracking limit reached) message-id=<bees@hostile.example>" \
	"$err"; ok $? "... and a line of the log says why"
expect_equal "$(ticket "$(ticket_of)" '[d["tags"], [(h["who"], h["field"], h["new"]) for h in d["history"] if h["field"] == "rule-error"]]')" \
	'[[], [["rule:bees", "rule-error", "pattern could not be evaluated (--body: backtracking limit reached)"]]]' \
	"... untagged, and the ticket's history says why"

# 1,000 crafted To addresses against a spam rule's regex: each stops at
# PCRE2's limit (once, 170 seconds in all), the rule cannot be evaluated
# and files the message as spam.
expect_code 0 "rule sales: a spam rule's regex on To" -- \
	mt rule add fake-sales --to '^([a-z0-9]+[._-]?)+@sales\.example\.org$' --regex --spam
python3 -c 'import sys
sys.stdout.write("From: mallory@hostile.example\nTo: %s\nSubject: to many\nMessage-ID: <many@hostile.example>\n\nhi\n"
                 % ", ".join("%s!%d@sales.example.org" % ("a" * 30, i) for i in range(1000)))' >"$tmp/many"
measured "$(limit 60)" "$BIN/mailticket-deliver" --db "$DB" -v -f mallory@hostile.example -r support@example.org <"$tmp/many"
figure "1,000 crafted recipients, seconds" "$secs"
expect_equal "$code" 0 "1,000 crafted recipients: the delivery ends, and takes the mail"
grep -q "action=new .* rule-errors=fake-sales" "$err"; ok $? "... the rule could not be evaluated"
expect_equal "$(ticket "$(ticket_of)" 'd["queue"]')" spam "... and its message is filed as spam"
