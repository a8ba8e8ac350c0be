#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The texts of the mail (mailticket-templates(5)) through a real SMTP
# server on 127.0.0.1: the language of an acknowledgement (the mail's
# Content-Language, a guess over its words, the contact's own), overrides
# per queue and for all queues over the shipped text, a broken override
# that still sends the shipped text, signatures in both parts of a reply,
# canned answers, agents in their own language (status words too),
# template check, the status mail written once every field has changed,
# and the quote of the customer's last mail under a reply.
. "$(dirname "$0")/../lib.sh"

mkdir -p "$tmp/templates/sales"
cat >>"$MAILTICKET_CONF" <<EOF
response_time=4 hours
[templates]
dir=$tmp/templates
EOF
smtp_start
plan 61
send () { "$BIN/mailticket-send" --db "$DB" --once "$@"; }

# last_to ADDR: the path of the newest message the server accepted for ADDR
last_to () {
	grep -l "\"$1\"" "$SMTP_DIR"/*.json 2>/dev/null | tail -n 1 | sed 's/\.json$/.eml/'
}
# hdr FILE NAME: a header, decoded as the Python email package reads it
hdr () { python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
v = m[sys.argv[2]]; print("" if v is None else str(v))' "$1" "$2"; }
# part FILE TYPE: the decoded text of the message's part of TYPE (text/plain, text/html)
part () { python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print(m.get_body(preferencelist=(sys.argv[2].split("/")[1],)).get_content(), end="")' "$1" "$2"; }
# mail FROM ID SUBJECT [HEADER]: a UTF-8 message from FROM to support, body on stdin
mail () {
	printf 'From: %s\nTo: support@example.org\nSubject: %s\nMessage-ID: <%s>\n' "$1" "$3" "$2"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n'
	[ -n "${4:-}" ] && printf '%s\n' "$4"
	printf '\n'
	cat
}
new_ticket () { sql "select max(id) from tickets"; }

# 1. The mail says its language.
mail klaus@kunde.example de-1@kunde.example 'Drucker im Büro' 'Content-Language: de' <<'EOF' >"$tmp/de"
Hi, see attached.
EOF
expect_code 0 "a mail with Content-Language: de" -- deliver -f klaus@kunde.example -r support@example.org <"$tmp/de"
send
m=$(last_to klaus@kunde.example)
expect_equal "$(hdr "$m" Content-Language)" de "its acknowledgement carries Content-Language: de"
expect_equal "$(hdr "$m" Subject)" "[Ticket#1] Drucker im Büro" "... and the subject, correctly encoded"
grep -q '^Subject: .*=?[Uu][Tt][Ff]-8?' "$m"; ok $? "... as an RFC 2047 encoded word"
part "$m" text/plain | grep -q '^vielen Dank für Ihre Nachricht'; ok $? "... and is German"
part "$m" text/plain | grep -q 'innerhalb von 4 hours' || part "$m" text/plain | grep -q '^Sie erhalten innerhalb von'
ok $? "... promising the response time"

# 2. It says nothing, but its words are Spanish.
mail lucia@cliente.example es-1@cliente.example 'Impresora' <<'EOF' >"$tmp/es"
Hola, la impresora de la oficina no funciona desde ayer. ¿Pueden ayudarme, por favor?
Muchas gracias y saludos.
EOF
expect_code 0 "a Spanish mail without Content-Language" -- deliver -f lucia@cliente.example -r support@example.org <"$tmp/es"
send
m=$(last_to lucia@cliente.example)
expect_equal "$(hdr "$m" Content-Language)" es "the guess over its words answers in Spanish"
part "$m" text/plain | grep -q '^Hemos recibido su mensaje'; ok $? "... with the Spanish text"

# 3. The contact's own language comes first.
expect_code 0 "contact set --lang pl" -- mt contact set jan@klient.example --lang pl
mail jan@klient.example pl-1@klient.example 'Printer' 'Content-Language: en' <<'EOF' >"$tmp/pl"
The printer is broken.
EOF
expect_code 0 "an English mail from a Polish contact" -- deliver -f jan@klient.example -r support@example.org <"$tmp/pl"
send
m=$(last_to jan@klient.example)
expect_equal "$(hdr "$m" Content-Language)" pl "the contact set to pl gets Polish"
part "$m" text/plain | grep -q 'Przyjęliśmy zgłoszenie nr'; ok $? "... the Polish text"
expect_code 0 "contact set --lang es" -- mt contact set jan@klient.example --lang es
expect_code 1 "contact set --lang with no language" -- mt contact set jan@klient.example --lang '../x'

# 4. Overrides: the queue's over all queues' over the shipped one.
expect_code 0 "queue add sales" -- mt queue add sales --address sales@example.org
printf 'Subject: Global {{ticket.token}}\nOrganization: ACME\n\nGlobal text for {{ticket.subject}}.\n' \
	>"$tmp/templates/ack.en"
printf 'Subject: Sales {{ticket.token}}\n\nSales text for {{ticket.subject}}, by {{queue.name}}.\n' \
	>"$tmp/templates/sales/ack.en"
mail ann@a.example over-1@a.example 'To support' <<'EOF' >"$tmp/o1"
Short.
EOF
deliver -f ann@a.example -r support@example.org <"$tmp/o1" && send
m=$(last_to ann@a.example)
expect_equal "$(part "$m" text/plain)" "Global text for To support." "the override for all queues wins over the shipped one"
expect_equal "$(hdr "$m" Organization)" ACME "... with the header it sets"
sed 's/over-1/over-2/; s/support@example.org/sales@example.org/; s/To support/To sales/' "$tmp/o1" >"$tmp/o2"
deliver -f ann@a.example -r sales@example.org <"$tmp/o2" && send
m=$(last_to ann@a.example)
expect_equal "$(part "$m" text/plain)" "Sales text for To sales, by sales." "the queue's override wins over the global one"
expect_equal "$(hdr "$m" Subject)" "Sales [Ticket#$(new_ticket)]" "... subject too"

# 5. A broken override is logged, and the shipped text goes.
printf 'Subject: Broken {{ticket.token}}\n\nHello {{nosuch}}\n' >"$tmp/templates/ack.en"
expect_code 1 "template check fails on {{nosuch}}" -- mt template check
grep -q "^$tmp/templates/ack.en:3: unknown variable {{nosuch}}" "$out"; ok $? "... naming file and line"
sed 's/over-1/over-3/' "$tmp/o1" >"$tmp/o3"
expect_code 0 "a mail while the override is broken is delivered, not deferred" -- \
	deliver -v -f ann@a.example -r support@example.org <"$tmp/o3"
grep -q "template $tmp/templates/ack.en:3: unknown variable {{nosuch}}; the shipped one is used" "$err"
ok $? "... and the log says why"
send
m=$(last_to ann@a.example)
part "$m" text/plain | grep -q '^we have received your message and opened ticket'; ok $? "... with the shipped text"
rm "$tmp/templates/ack.en" "$tmp/templates/sales/ack.en"
expect_code 0 "template check passes once it is gone" -- mt template check

# 6. Signatures and canned answers.
agent alice
printf 'Alice Agent\nSupport, ACME\n' >"$tmp/sig"
expect_code 0 "user set --signature-file" -- mt user set alice --signature-file "$tmp/sig"
expect_code 0 "a reply" -- mt reply 1 -m 'Der Treiber ist aktualisiert.'
send
m=$(last_to klaus@kunde.example)
expect_equal "$(part "$m" text/plain | sed -E 's/^Am [0-9.]{10} um [0-9:]{5} schrieb /Am DATE schrieb /')" \
	"$(printf 'Der Treiber ist aktualisiert.\n\nAm DATE schrieb klaus@kunde.example:\n> Hi, see attached.\n\n-- \nAlice Agent\nSupport, ACME\n')" \
	"the agent's signature after '-- ' in the text part, under the quote of the customer's mail"
part "$m" text/plain | grep -Eq '^Am [0-3][0-9]\.[01][0-9]\.20[0-9]{2} um [0-2][0-9]:[0-5][0-9] schrieb klaus@kunde.example:$'
ok $? "... which says who wrote it when, as German mail clients do"
part "$m" text/html | tr -d '\n' | grep -q -- '-- <br[ /]*>Alice Agent<br[ /]*>Support, ACME'
ok $? "... and in the HTML part"
expect_equal "$(hdr "$m" Content-Language)" de "... in the ticket's language"
expect_code 0 "user set --signature-file ''" -- mt user set alice --signature-file ''
printf '{{queue.name}} team\n{{queue.address}}\n' >"$tmp/templates/signature.es"
expect_code 0 "reply --template more-info" -- mt reply 2 --template more-info
send
m=$(last_to lucia@cliente.example)
part "$m" text/plain | grep -q '^Gracias por su mensaje sobre «Impresora»'; ok $? "the canned answer, with the variables filled"
part "$m" text/plain | grep -q 'a la incidencia \[Ticket#2\]'; ok $? "... the subject token too"
part "$m" text/plain | tr '\n' '|' | grep -q -- '|-- |support team|support@example.org|'
ok $? "... signed with the queue's signature template"
expect_code 1 "reply --template with no such answer" -- mt reply 2 --template nosuch
grep -q 'no template answers/nosuch' "$err"; ok $? "... says so"

# 7. Agents read their own language; the status mail is written after every field changed.
agent bob
expect_code 0 "user set bob --lang de" -- mt user set bob --lang de
expect_code 0 "bob watches ticket 3" -- mt watch 3 add bob
agent alice
expect_code 0 "set 3 status=open priority=9" -- mt set 3 status=open priority=9
send
m=$(last_to bob@example.org)
expect_equal "$(hdr "$m" Content-Language)" de "bob's notification is German"
part "$m" text/plain | grep -q '^alice hat den Status von neu auf offen geändert.'; ok $? "... telling the change in German words"
part "$m" text/plain | grep -q '^Status offen, Priorität 9,'; ok $? "... with the new priority, not the old"
expect_code 0 "alarm for bob" -- mt alarm 3 add --at '2026-12-07 14:30' --to bob -m 'Rückruf'
expect_code 0 "send, at the alarm" -- "$BIN/mailticket-send" --db "$DB" --once --now '2026-12-07 15:00'
m=$(last_to bob@example.org)
part "$m" text/plain | grep -q 'fällig am 07.12.2026 14:30'; ok $? "a German agent's alarm writes the date as Germans do"

# 8. template list and show.
expect_code 0 "template list" -- mt template list
grep -q '^ack  *en de pl es$' "$out"; ok $? "... names ack in its four languages"
expect_code 0 "template show ack --lang es" -- mt template show ack --lang es
grep -q 'Hemos recibido su mensaje' "$out"; ok $? "... prints the shipped Spanish text"

# 9. The quote under a reply: in the requester's language, once, bounded,
# and gone when an admin's reply template leaves it out.
m=$(last_to lucia@cliente.example)
part "$m" text/plain | grep -Eq '^El [0-3][0-9]/[01][0-9]/20[0-9]{2} a las [0-2][0-9]:[0-5][0-9], lucia@cliente.example escribió:$'
ok $? "a Spanish reply quotes with a Spanish attribution and date"
part "$m" text/plain | grep -q '^> Hola, la impresora de la oficina no funciona'; ok $? "... and the customer's lines"
expect_code 0 "a reply whose text quotes already" -- mt reply 1 -m "$(printf 'Ja, erledigt.\n\n> Hi, see attached.')"
send
m=$(last_to klaus@kunde.example)
expect_equal "$(part "$m" text/plain | grep -c '^> Hi, see attached.$'):$(part "$m" text/plain | grep -c schrieb)" 1:0 \
	"... gets no second quote"
seq 1 100 | sed 's/^/line /' | mail long@a.example long-1@a.example 'Log output' 'Content-Language: en' >"$tmp/long"
deliver -f long@a.example -r support@example.org <"$tmp/long"
expect_code 0 "a reply to a mail of 100 lines" -- mt reply "$(new_ticket)" -m 'Thanks for the log.'
send
m=$(last_to long@a.example)
part "$m" text/plain | grep -q '^> line 60$' && ! part "$m" text/plain | grep -q '^> line 61$'
ok $? "... quotes its first 60 lines"
part "$m" text/plain | grep -q '^\[\.\.\. 40 more lines not quoted\]$'; ok $? "... and says how many it left out"
printf 'Subject: {{ticket.token}} {{ticket.subject}}\n\n{{article.text}}\n' >"$tmp/templates/reply.en"
expect_code 0 "a reply with an admin's template without {{article.quote}}" -- mt reply "$(new_ticket)" -m 'Fixed.'
send
expect_equal "$(part "$(last_to long@a.example)" text/plain)" "Fixed." "... has no quote"
rm "$tmp/templates/reply.en"
