#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# How mail is read (mailticket-deliver(8)), issue 31: the messages of
# tests/corpus/mime, each written for one rule, delivered as the MTA
# does; for each, what mailticket show --json says of its subject, its
# text and its attachments (name and type), and whether an
# acknowledgement was queued (an "ack" row in the outbox). The legacy
# charsets are read with [mail] fallback_charsets set to them.
. "$(dirname "$0")/../lib.sh"
plan 68

corpus=$top/tests/corpus/mime
mt init >/dev/null
cp "$MAILTICKET_CONF" "$tmp/default.conf"
cp "$MAILTICKET_CONF" "$tmp/legacy.conf"
printf 'fallback_charsets = shift_jis, koi8-r\n' >>"$tmp/legacy.conf"

# put NAME [CONF]: delivers corpus/mime/NAME.eml, from its From address
put () {
	from=$(sed -n 's/^From: .*<\(.*\)>$/\1/p' "$corpus/$1.eml" | head -n 1)
	MAILTICKET_CONF=${2:-$tmp/default.conf} deliver -f "$from" -r support@example.org <"$corpus/$1.eml"
}
ticket_of () { sql "select ticket from articles where message_id = '$1@mime.test'"; }

# check NAME SUBJECT TEXT ATTACHMENTS ACKS: TEXT as a JSON string,
# ATTACHMENTS as "name (type)" joined by "; ", ACKS the acknowledgements
# queued for the ticket
check () {
	t=$(ticket_of "$1")
	mt show "$t" --json >"$tmp/show"
	expect_equal "$(json 'd["articles"][0]["subject"]' <"$tmp/show")" "$2" "$1: subject"
	expect_equal "$(json 'json.dumps(d["articles"][0]["text"], ensure_ascii=False)' <"$tmp/show")" "$3" "$1: text"
	expect_equal "$(json '"; ".join("%s (%s)" % (a["name"], a["type"]) for a in d["articles"][0]["attachments"])' \
		<"$tmp/show")" "$4" "$1: attachments"
	expect_equal "$(mt outbox list --json | json "len([o for o in d if o['kind'] == 'ack' and o['ticket'] == $t])")" \
		"$5" "$1: acknowledged $5 times"
}

for name in subject-padded-words subject-control filename-quote inline-html inline-document attached-message \
	uuencode stray-byte outlook no-blank-line no-blank-line-auto; do
	expect_code 0 "$name delivered" -- put "$name"
done
for name in koi8-r shift-jis; do
	expect_code 0 "$name delivered with fallback_charsets = shift_jis, koi8-r" -- put "$name" "$tmp/legacy.conf"
done

# 1. base64 words of one charset, the first padded with "=".
check subject-padded-words "Drucker kaputt" '"The printer on floor 2 is broken.\n"' "" 1
# 8. an unknown charset leaves its letters and no BEL.
check subject-control "ringthe bell" '"Ding.\n"' "" 1
# 2. an encoded word with quotes in a quoted file name.
check filename-quote "a file with quotes" '"The file is attached."' 'a "quoted" file (application/octet-stream)' 1
# 3. inline HTML in multipart/mixed is text; an inline .txt is an
# attachment, its name in RFC 2231 continuations, its text not the
# message's; an attached message is named by its Subject.
check inline-html "invoice question" '"See the invoice below.\n\nInvoice 4711 was paid twice."' "" 1
check inline-document "notes attached" '"My notes are in the file."' "Notizen für Büro.txt (text/plain)" 1
check attached-message "Fwd: the invoice mail" '"I forward the mail I got."' \
	"Rechnung für Oktober.eml (message/rfc822)" 1
# 4. a uuencoded file leaves the text and is saved decoded.
check uuencode "scan" '"The scanner sent this:\n\n\nFinn\n"' "hello.txt (application/octet-stream)" 1
t=$(ticket_of uuencode)
expect_equal "$(mt attachment "$t" "$(mt show "$t" --json | json 'd["articles"][0]["id"]')" 1)" "hello, world" \
	"uuencode: the file saved decoded"
# 5. one Latin-1 byte in UTF-8 text: only that byte by the fallback.
check stray-byte "stray byte" '"Información y canción, señor Müller.\n"' "" 1
# 9. Outlook's doubled blank lines halved.
check outlook "outlook" '"Hello,\n\nthe printer is broken.\nIt says E42.\n\nMax\n"' "" 1
# 11. no empty line after the header: the text is there; automatic mail
# so written is still automatic.
check no-blank-line "no blank line" '"Hello there,\nthe door does not lock.\n"' "" 1
check no-blank-line-auto "Out of office" '"I am away until Monday.\n"' "" 0
# 6. unlabelled legacy charsets, as fallback_charsets says.
check koi8-r "Привет" '"Привет, мир\n"' "" 1
check shift-jis "sjis" '"テスト\n"' "" 1

# The same rules when the stored mail is read again.
MAILTICKET_CONF=$tmp/legacy.conf mt db reindex >/dev/null 2>&1
ok $? "db reindex with fallback_charsets"
expect_equal "$(mt show "$(ticket_of koi8-r)" --json | json 'd["articles"][0]["subject"]')" "Привет" \
	"koi8-r: the subject after reindex"
