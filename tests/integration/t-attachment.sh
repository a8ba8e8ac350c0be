#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket attachment: every attachment of the samples and the corpora
# read back from the stored message, as large as show lists it and, for
# well-formed mail, byte for byte what Python's email package decodes; a
# reply's attachment; the name in the mail never choosing a file; one
# line and exit 1 for every wrong number.
. "$(dirname "$0")/../lib.sh"
. "$top/tests/fill.sh"
plan 47

mt init >/dev/null
fill_samples
fill_corpus "$top/tests/corpus/threads"
fill_corpus "$top/tests/corpus/malformed"
[ -d "$CORPUS/public" ] && fill_corpus "$CORPUS/public"
[ -d "$CORPUS/malformed" ] && fill_corpus "$CORPUS/malformed"
expect_equal "$fill_failed" "" "samples and corpora delivered with exit 0"

# A message whose attachment names a path outside the working directory.
cat >"$tmp/evil.eml" <<'EOF'
From: Mallory <mallory@evil.test>
To: support@example.org
Subject: please open
Message-ID: <evil@evil.test>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

See attached.
--b
Content-Type: application/octet-stream; name="../../../tmp/evil.sh"
Content-Disposition: attachment; filename="../../../tmp/evil.sh"
Content-Transfer-Encoding: base64

IyEvYmluL3NoCmVjaG8gb3duZWQK
--b--
EOF
fill_one <"$tmp/evil.eml"; ok $? "a message with a hostile file name delivered"

# every: "ticket article n size part name" of each attachment, from show --json
python3 - "$BIN/mailticket" "$DB" >"$tmp/every" <<'EOF'
import json, subprocess, sys
def mt(*args):
    return subprocess.run(sys.argv[1:2] + ["--db", sys.argv[2]] + [str(a) for a in args],
                          check=True, stdout=subprocess.PIPE).stdout
for t in json.loads(mt("list", "--json", "--limit", 0)):
    for a in json.loads(mt("show", t["id"], "--json"))["articles"]:
        for n, x in enumerate(a["attachments"], 1):
            print(t["id"], a["id"], n, x["size"], x["part"], x["name"] or "-")
EOF
count=$(wc -l <"$tmp/every")
[ "$count" -gt 10 ]; ok $? "$count attachments listed"

mkdir "$tmp/work"
wrong=
while read -r t a n size part name; do
	(cd "$tmp/work" && "$BIN/mailticket" --db "$DB" attachment "$t" "$a" "$n" >"$tmp/att" 2>"$tmp/att.err") ||
		{ wrong="$wrong $t/$a/$n:exit"; continue; }
	[ "$(wc -c <"$tmp/att")" = "$size" ] || wrong="$wrong $t/$a/$n:$(wc -c <"$tmp/att")!=$size"
done <"$tmp/every"
expect_equal "$wrong" "" "every attachment: exit 0, as many bytes as show lists"
expect_equal "$(ls -A "$tmp/work")" "" "... and no file written"
[ ! -e /tmp/evil.sh ]; ok $? "... none where a name in the mail points"

# Well-formed mail: the bytes Python decodes from the stored message at
# the same part path (attached messages and files uuencoded in a text,
# "1:uu1", aside: their bytes are GMime's).
python3 - "$BIN/mailticket" "$DB" "$tmp/every" >"$tmp/compare" <<'EOF'
import email, email.policy, subprocess, sys
mt, db, every = sys.argv[1:4]
def run(*args):
    return subprocess.run([mt, "--db", db] + [str(a) for a in args], check=True, stdout=subprocess.PIPE).stdout
compared = bad = 0
for line in open(every):
    t, a, n, size, part, name = line.split(" ", 5)
    if ":uu" in part:
        continue
    msg = email.message_from_bytes(run("show", t, "--raw", a), policy=email.policy.compat32)
    for i in part.split("."):
        msg = msg.get_payload()[int(i) - 1] if msg.is_multipart() else msg
    if msg.get_content_type() == "message/rfc822" or msg.defects:
        continue
    compared += 1
    if msg.get_payload(decode=True) != run("attachment", t, a, n):
        bad += 1
        print("differs: %s/%s/%s %s" % (t, a, n, name.strip()))
print("compared %d, %d differ" % (compared, bad))
EOF
ok $? "compare with Python's email package"
last=$(tail -n 1 "$tmp/compare")
case $last in "compared 0,"*) false ;; *", 0 differ") true ;; *) false ;; esac
ok $? "attachments byte for byte as Python decodes them ($last)" || diag "$(cat "$tmp/compare")"

# The sample: a Latin-1 CSV, quoted-printable in the mail, saved with -o.
set -- $(grep " Fehlerprotokoll_Büro.csv$" "$tmp/every")
t=$1 a=$2
expect_code 0 "attachment $t $a 1 -o FILE" -- mt attachment "$t" "$a" 1 -o "$tmp/protokoll.csv"
[ ! -s "$out" ]; ok $? "-o: nothing on standard output"
iconv -f ISO-8859-1 -t UTF-8 "$tmp/protokoll.csv" | grep -q 'PCL-Übersetzung fehlgeschlagen'
ok $? "-o: the decoded CSV, still in its own charset"
mt attachment "$t" "$a" 1 -o "$tmp/protokoll.csv"
ok $? "-o: an existing file is overwritten"
# (the CSV is 1.5 kB: a file of 100 kB was there before)
head -c 100000 /dev/zero | tr '\0' x >"$tmp/longer"
expect_code 0 "-o onto a longer file" -- mt attachment "$t" "$a" 1 -o "$tmp/longer"
cmp -s "$tmp/longer" "$tmp/protokoll.csv"; ok $? "... holds the attachment's bytes and nothing after them"
(umask 027 && mt attachment "$t" "$a" 1 -o "$tmp/masked")
expect_equal "$(stat -c %a "$tmp/masked")" 640 "-o: a new file has the umask's mode"
expect_equal "$(ls "$tmp" | grep -c '^longer\|^masked')" 2 "-o: no temporary file is left beside it"
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from-fifo" &
expect_code 0 "-o onto a named pipe" -- mt attachment "$t" "$a" 1 -o "$tmp/fifo"
wait
[ -p "$tmp/fifo" ] && cmp -s "$tmp/from-fifo" "$tmp/protokoll.csv"
ok $? "... writes into the pipe, which stays one"
ln -s "$tmp/elsewhere" "$tmp/link"
expect_code 0 "-o onto a symbolic link" -- mt attachment "$t" "$a" 1 -o "$tmp/link"
[ ! -e "$tmp/elsewhere" ] && [ ! -L "$tmp/link" ] && cmp -s "$tmp/link" "$tmp/protokoll.csv"
ok $? "... replaces the link, writes nothing where it pointed"

# The hostile name: shown, never used.
set -- $(grep " \.\./\.\./\.\./tmp/evil\.sh$" "$tmp/every")
expect_code 0 "the hostile attachment to standard output" -- mt attachment "$1" "$2" "$3"
expect_equal "$(cat "$out")" "$(printf '#!/bin/sh\necho owned')" "... its content decoded from base64"
[ ! -e /tmp/evil.sh ]; ok $? "... and /tmp/evil.sh not written"

# A reply's attachment comes back as the file that was attached.
agent alice
printf 'line one\nline two: \303\244\n' >"$tmp/vpn.log"
head -c 3000 /dev/urandom >"$tmp/blob.bin"
expect_code 0 "a reply with two attachments" -- mt reply 1 -m "See the logs." --attach "$tmp/vpn.log" \
	--attach "$tmp/blob.bin"
r=$(cat "$out")
# (text travels in MIME's canonical form, with CRLF line ends)
mt attachment 1 "$r" 1 | tr -d '\r' >"$tmp/back.log" && cmp -s "$tmp/back.log" "$tmp/vpn.log"
ok $? "the reply's text attachment, line for line"
mt attachment 1 "$r" 2 >"$tmp/back.bin" && cmp -s "$tmp/back.bin" "$tmp/blob.bin"
ok $? "the reply's binary attachment, byte for byte"

# Wrong numbers: one line on stderr, nothing on stdout, exit 1.
bad () {
	desc=$1
	shift
	expect_code 1 "$desc: exit 1" -- mt attachment "$@"
	[ "$(wc -l <"$err")" = 1 ] && [ ! -s "$out" ]; ok $? "$desc: one line on stderr" || cat "$err"
}
note=$(MAILTICKET_USER=alice mt note 1 -m "a note")
bad "attachment 2 past the last" "$t" "$a" 2
grep -q 'has 1 attachment' "$err"; ok $? "... says how many there are"
bad "attachment 0" "$t" "$a" 0
bad "an article of another ticket" 999 "$a" 1
bad "an article with no attachments" 1 "$note" 1
bad "no such article" "$t" 999999 1
bad "not a number" "$t" "$a" x
bad "too few arguments" "$t" "$a"
bad "too many arguments" "$t" "$a" 1 2
bad "-o into a missing directory" "$t" "$a" 1 -o "$tmp/no/such/dir"

# A terminal on standard output is refused.
on_tty 80 "$BIN/mailticket" --db "$DB" attachment "$t" "$a" 1
case "$code $(cat "$out")" in "1 mailticket: attachment: will not write to a terminal"*) true ;; *) false ;; esac
ok $? "a terminal on standard output: exit 1, one line" || diag "$code $(cat "$out")"
expect_code 0 "attachment --help" -- mt attachment --help
