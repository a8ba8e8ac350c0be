#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile mail: every message below is stored (exit 0) or cleanly refused
# (69 with a 5.x.x line, when over max_message_size), never crashes the
# filter nor keeps it busy beyond a second of CPU (the 40 MB message: ten;
# killed at twice that in wall time); the raw bytes come back as
# they went in; nothing we send carries a header the mail smuggled in; a
# mail's attachment names never name a file we write; a forged reply
# token or a subject token for no ticket never threads. The messages are
# generated here (tests/hostile-mail.py), none is kept in the tree.
. "$(dirname "$0")/../lib.sh"
plan 61

mkdir "$tmp/h"
python3 "$top/tests/hostile-mail.py" "$tmp/h" || { echo "Bail out! cannot generate the messages"; exit 1; }
n_in=0 n_stored=0 n_refused=0 n_crash=0 n_slow=0 max_secs=0 max_rss=0
ONE=$(limit 1)

# hostile NAME [LIMIT]: delivers $tmp/h/NAME.eml; it must exit 0 after
# at most LIMIT seconds of CPU (default one; wall time is allowed twice
# that, for a machine busy with other work), its bytes stored.
hostile () {
	name=$1 secs_limit=${2:-$ONE}
	n_in=$((n_in + 1))
	measured "$(python3 -c 'import sys; print(2 * float(sys.argv[1]))' "$secs_limit")" \
		"$BIN/mailticket-deliver" --db "$DB" -f attacker@evil.test -r support@example.org <"$tmp/h/$name.eml"
	note_run "$name" "$secs_limit"
	if [ "$code" = 0 ] && [ "$(stored "$tmp/h/$name.eml")" = 1 ]; then
		n_stored=$((n_stored + 1)); ok 0 "$name: stored (${secs} s, $cpu s CPU, $((rss / 1024)) MB)"
	else
		ok 1 "$name: stored"; diag "exit $code after $secs s" "$(head -c 300 "$err")"
	fi
}
# note_run NAME LIMIT: counts crashes and hangs, keeps the maxima
note_run () {
	case $code in
	124) n_slow=$((n_slow + 1)); diag "$1: killed after $secs s" ;;
	0 | 69 | 75) python3 -c 'import sys; sys.exit(float(sys.argv[1]) > float(sys.argv[2]))' "$cpu" "$2" ||
		{ n_slow=$((n_slow + 1)); diag "$1: $cpu s of CPU, over $2"; } ;;
	*) n_crash=$((n_crash + 1)); diag "$1: exit $code" ;;
	esac
	max_secs=$(python3 -c 'import sys; print(max(float(a) for a in sys.argv[1:]))' "$max_secs" "$secs")
	[ "$rss" -gt "$max_rss" ] && max_rss=$rss
}
# stored FILE: how many articles hold exactly these bytes (or 1 when
# the quarantine holds them)
stored () {
	sum=$(sha256sum <"$1" | cut -d ' ' -f 1)
	sql "SELECT (SELECT count(*) FROM articles WHERE blob = '$sum') + (SELECT count(*) FROM quarantine WHERE blob = '$sum')"
}
# quoted TEXT: TEXT as an SQL string literal
quoted () { printf "'%s'" "$(printf %s "$1" | sed "s/'/''/g")"; }
# ticket_of MESSAGE-ID: the ticket of the article with that id
ticket_of () { sql "SELECT ticket FROM articles WHERE message_id = $(quoted "$1")"; }
# headers_clean FILE: the header of a message we send: only the fields we
# write, each once, no field the mail put there
headers_clean () {
	python3 - "$1" <<'EOF'
import sys, email.parser, email.policy
raw = open(sys.argv[1], "rb").read()
head = raw.split(b"\r\n\r\n", 1)[0]
ours = {"from", "reply-to", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references",
        "auto-submitted", "x-auto-response-suppress", "x-loop", "mime-version", "content-type",
        "content-transfer-encoding", "content-language"}
bad = []
for line in head.split(b"\r\n"):
    if b"\r" in line or b"\n" in line:
        bad.append("bare CR or LF in %r" % line[:60])
    if line[:1] in (b" ", b"\t"):
        continue
    name = line.split(b":", 1)[0].decode("ascii", "replace").lower()
    if name not in ours:
        bad.append("header %r" % name)
msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw, headersonly=True)
for name in ours:
    if len(msg.get_all(name, [])) > 1:
        bad.append("%s %d times" % (name, len(msg.get_all(name))))
print("; ".join(bad) or "clean")
EOF
}

expect_code 0 "init" -- mt init

# Structure: depth, width, length.
hostile nested-multipart-10000
hostile nested-rfc822-10000
hostile header-line-1mb
hostile subject-1mb
hostile subject-250000-prefixes
hostile recipients-100000
# GMime makes an object of every address: only the whole ones in the
# first 8 KB of the field are read, and show says so.
n=$(sql "SELECT count(*) FROM participants WHERE ticket = $(ticket_of recipients@evil.test)")
[ "$n" -gt 200 ] && [ "$n" -lt 1000 ]
ok $? "recipients-100000: the addresses of the first 8 KB participants ($n)"
expect_equal "$(sql "SELECT not_indexed FROM articles WHERE message_id = 'recipients@evil.test'" | cut -d : -f 1)" \
	"header field To" "... and the article says the rest is not indexed"
agent alice
# An agent's reply goes to the requester and, as Cc, the conversation:
# here the first 200 of those addresses, more than
# max_reply_recipients (50): the reply is refused at once, with a line
# that says why, and nothing is queued.
measured "$(limit 30)" "$BIN/mailticket" --db "$DB" reply "$(ticket_of recipients@evil.test)" -m "To all of you."
expect_equal "$code $(sql "SELECT count(*) FROM outbox_recipients r JOIN outbox o ON o.id = r.outbox WHERE o.kind = 'reply' AND o.ticket = $(ticket_of recipients@evil.test)")" \
	"1 0" "recipients-100000: an agent's reply to them all is refused, nothing queued ($secs s)"
grep -q 'max_reply_recipients' "$err"; ok $? "recipients-100000: ... naming max_reply_recipients"
hostile references-100000
hostile html-megabyte-of-ampersands
hostile html-megabyte-of-tags
# Bytes: NUL, bare CR, broken encodings, charsets.
hostile nul-bytes
hostile bad-base64
hostile bad-quoted-printable
hostile unknown-charsets
hostile lying-charsets
mt show "$(ticket_of lying-charsets@evil.test)" --json >"$out" 2>"$err"
json 'd["articles"][0]["text"]' <"$out" >"$tmp/text" && ok 0 "lying-charsets: the text is valid UTF-8 JSON" ||
	ok 1 "lying-charsets: the text is valid UTF-8 JSON"
hostile zip-of-zeros
expect_equal "$(sql "SELECT name || ' ' || size FROM attachments WHERE article = (SELECT id FROM articles WHERE message_id = 'zip@evil.test')")" \
	"zeros.zip $(python3 -c 'import sys; print(len(open(sys.argv[1], "rb").read()))' "$tmp/h/zeros.zip")" \
	"zip-of-zeros: listed at its own size, never unpacked"

hostile bare-cr
hostile mac-line-ends

# SQL metacharacters in every field: stored as text, nothing executed.
hostile sql-metacharacters
mt show "$(ticket_of "'); DELETE FROM articles; --@evil.test")" --json >"$out"
expect_equal "$(json 'd["subject"]' <"$out")" "Robert'); DROP TABLE tickets; -- \" OR 1=1 --" \
	"sql: the subject is stored as it was written"
expect_equal "$(json '[a["from"] for a in d["articles"]][0]' <"$out")" \
	"\"x'); DROP TABLE contacts; --\" <\"o'hara\\\"--\"@evil.test>" "sql: the sender too"
expect_equal "$(sql "SELECT count(*) FROM sqlite_master WHERE name IN ('tickets', 'articles', 'contacts', 'attachments')")" 4 \
	"sql: every table is still there"
expect_code 0 "sql: search for the metacharacters" -- mt search "DROP TABLE"
grep -q "DROP TABLE tickets" "$out"; ok $? "... finds the message"

# A forged reply token never threads; neither does a subject token for a
# ticket that does not exist.
hostile first-ticket
first=$(ticket_of first@evil.test)
hostile forged-token
expect_equal "$(sql "SELECT ticket <> $first FROM articles WHERE message_id = 'forged@evil.test'")" 1 \
	"forged reply token: a ticket of its own"
expect_equal "$(sql "SELECT via FROM articles WHERE message_id = 'forged@evil.test'")" new "... by no rule"
hostile no-such-ticket
t=$(ticket_of nosuch@evil.test)
expect_equal "$(sql "SELECT via || ' ' || (SELECT count(*) FROM links WHERE ticket = $t) || ' ' || ($t < 99999) FROM articles WHERE message_id = 'nosuch@evil.test'")" \
	"new 0 1" "subject token of no ticket: a new ticket, linked to nothing"

# CR and LF in names and subjects: nothing we send gets a header of the
# mail's making, neither the acknowledgement nor the agent's reply.
hostile crlf-injection
t=$(ticket_of crlf@evil.test)
ack=$(sql "SELECT id FROM outbox WHERE ticket = $t AND kind = 'ack'")
[ -n "$ack" ]; ok $? "crlf: an acknowledgement is queued"
mt outbox show "$ack" --raw >"$tmp/ack.eml"
expect_equal "$(headers_clean "$tmp/ack.eml")" clean "crlf: the acknowledgement has only our headers"
expect_equal "$(sql "SELECT group_concat(address) FROM outbox_recipients WHERE outbox = $ack")" carla@evil.test \
	"crlf: ... and goes to the sender alone"
expect_code 0 "crlf: an agent replies" -- mt reply "$t" -m "We are on it."
reply=$(sql "SELECT id FROM outbox WHERE ticket = $t AND kind = 'reply'")
mt outbox show "$reply" --raw >"$tmp/reply.eml"
expect_equal "$(headers_clean "$tmp/reply.eml")" clean "crlf: the reply has only our headers"
hostile crlf-raw
ack=$(sql "SELECT id FROM outbox WHERE ticket = $(ticket_of crlfraw@evil.test) AND kind = 'ack'")
mt outbox show "$ack" --raw >"$tmp/ack2.eml"
expect_equal "$(headers_clean "$tmp/ack2.eml")" clean "crlf: bare CR in a raw subject: the acknowledgement is clean"
expect_equal "$(sql "SELECT count(*) FROM outbox_recipients WHERE address LIKE '%victim%'")" 0 \
	"crlf: no victim among the recipients of anything queued"

# Attachment names with ../ and absolute paths: stored as names; saving an
# attachment writes where the agent says, never where the mail says.
hostile attachment-paths
t=$(ticket_of paths@evil.test) a=$(sql "SELECT id FROM articles WHERE message_id = 'paths@evil.test'")
expect_equal "$(sql "SELECT count(*) FROM attachments WHERE article = $a")" 4 "paths: four attachments listed"
mkdir -p "$tmp/cwd/a/b"
touch "$tmp/marker"
saved=0
for n in 1 2 3 4; do
	(cd "$tmp/cwd/a/b" && "$BIN/mailticket" --db "$DB" attachment "$t" "$a" $n >"$tmp/att.$n") || saved=1
done
ok $saved "paths: each attachment saved to standard output"
expect_equal "$(cat "$tmp/att.1")" "path one" "paths: ... with its content"
expect_code 0 "paths: -o FILE" -- mt attachment "$t" "$a" 2 -o "$tmp/chosen"
expect_equal "$(cat "$tmp/chosen")" "path two" "paths: -o writes the file named"
made=$( (find "$tmp" /tmp/mt-hostile-evil "$tmp/cwd" -newer "$tmp/marker" -type f 2>/dev/null
	ls -d /tmp/mt-hostile-evil* "$tmp/cwd/a/b/"* 2>/dev/null) |
	grep -v -e "$tmp/att\.[0-9]$" -e "$tmp/chosen$" -e "$tmp/stdout$" -e "$tmp/stderr$" -e "$tmp/mailticket\.db" | sort -u)
expect_equal "$made" "" "paths: no file written under a name from the mail"

# Size: 40 MB. Under max_message_size (50M by default) stored, over it
# (10M) refused with 5.2.3 and nothing stored; memory in proportion.
big_size=$(wc -c <"$tmp/h/big-40mb.eml")
hostile big-40mb "$(limit 10)"
big_rss=$rss
[ "$big_rss" -lt "$(memory_limit $((big_size * 3 / 2 / 1024 + 10240)))" ]
ok $? "40 MB stored with $((big_rss / 1024)) MB of memory (under 1.5 times its size and 10 MB)"
sed "s/^\[mail\]$/&\\nmax_message_size=10M/" "$MAILTICKET_CONF" >"$tmp/10m.conf"
n_in=$((n_in + 1))
measured "$(limit 2)" "$BIN/mailticket-deliver" -c "$tmp/10m.conf" --db "$DB" <"$tmp/h/big-refused.eml"
note_run big-refused "$ONE"
expect_equal "$code $(head -c 5 "$err")" "69 5.2.3" "40 MB over a 10M limit: exit 69, 5.2.3"
[ "$code" = 69 ] && n_refused=$((n_refused + 1))
expect_equal "$(stored "$tmp/h/big-refused.eml")" 0 "... nothing stored"
[ "$rss" -lt "$(memory_limit 30000)" ]; ok $? "... read with $((rss / 1024)) MB of memory, not kept"

# Every stored message reads back byte for byte, found by its bytes.
bad=0
for f in "$tmp"/h/*.id; do
	m=${f%.id}.eml
	sum=$(sha256sum <"$m" | cut -d ' ' -f 1)
	set -- $(sql "SELECT ticket, id FROM articles WHERE blob = '$sum'" | tr '|' ' ')
	if [ $# = 2 ]; then mt show "$1" --raw "$2" >"$tmp/raw"
	else mt quarantine show "$(sql "SELECT id FROM quarantine WHERE blob = '$sum'")" >"$tmp/raw"
	fi
	cmp -s "$tmp/raw" "$m" || { bad=$((bad + 1)); diag "$(basename "$m"): raw bytes differ"; }
done
ok $bad "every stored message reads back byte for byte"

expect_equal "$(sql 'PRAGMA integrity_check')" ok "the database is sound after all of it"
expect_equal "$n_crash $n_slow" "0 0" "no crash, no hang"
figure "messages in" $n_in
figure "stored" $n_stored
figure "refused (over max_message_size)" $n_refused
figure "lost" $((n_in - n_stored - n_refused))
figure "crashes" $n_crash
figure "hangs (over the time limit)" $n_slow
figure "slowest delivery (s, wall; the 40 MB one included)" "$max_secs"
figure "peak memory (MB)" $((max_rss / 1024))
expect_equal $((n_in - n_stored - n_refused)) 0 "lost: 0"
