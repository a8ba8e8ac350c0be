#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Composing and reading like git, under a pseudo-terminal (script(1)):
# reply, note and new without -m or -F open $VISUAL, else $EDITOR, on a
# file with the quoted customer mail (what is kept of it is the reply's
# only quote) and comment lines, which are taken out; a text left unchanged or empty sends nothing; show pages through
# $PAGER on a terminal and writes straight out into a pipe.
. "$(dirname "$0")/../lib.sh"

need bsdutils:script
plan 21

# tty CMD...: runs CMD on a pseudo-terminal, its exit code kept
tty () { script -qec "$*" /dev/null </dev/null >"$out" 2>&1; }
editor () { # NAME BODY: an editor script $tmp/NAME
	printf '#!/bin/sh\n%s\n' "$2" >"$tmp/$1"
	chmod +x "$tmp/$1"
}
articles () { sql "select count(*) from articles where ticket = 1"; }
queued () { sql "select count(*) from outbox"; }

compose anna@customer.example support@example.org req-1@customer.example 'VPN drops' <<'EOF' >"$tmp/req"
The VPN drops every ten minutes.
Since Monday.
EOF
deliver -f anna@customer.example -r support@example.org <"$tmp/req"
agent alice
mt init >/dev/null
export tmp # the editors below save what they saw there

editor write '{ echo "Please update the client to 5.2."; cat "$1"; } >"$1.new" && cp "$1" "$tmp/seen" && mv "$1.new" "$1"'
editor keep 'cp "$1" "$tmp/seen"; exit 0'
editor empty ': >"$1"'
editor visual '{ echo "From VISUAL."; cat "$1"; } >"$1.new" && mv "$1.new" "$1"'

before=$(queued)
tty env EDITOR="$tmp/write" "$BIN/mailticket" --db "$DB" reply 1
ok $? "reply without -m on a terminal opens \$EDITOR"
grep -q '^> The VPN drops every ten minutes.$' "$tmp/seen"; ok $? "... on the quoted customer mail"
grep -q '^# .*an empty or unchanged' "$tmp/seen"; ok $? "... with comment lines that say how to abort"
text=$(sql "select text from articles where ticket = 1 and kind = 'email-out' order by id desc limit 1")
case $text in "Please update the client to 5.2."*"> Since Monday."*) ok 0 "the reply is the text written, with the quote" ;;
*) ok 1 "the reply is the text written, with the quote" ;; esac
case $text in *"# "*) ok 1 "... and no comment line" ;; *) ok 0 "... and no comment line" ;; esac
expect_equal "$(queued)" $((before + 1)) "... queued once"
expect_equal "$(printf '%s\n' "$text" | grep -c '^> Since Monday.$')" 1 \
	"... quoted once: the reply template adds no quote to the one kept in the file"
editor cut '{ echo "Cut the quote."; } >"$1"'
tty env EDITOR="$tmp/cut" "$BIN/mailticket" --db "$DB" reply 1
text=$(sql "select text from articles where ticket = 1 and kind = 'email-out' order by id desc limit 1")
case $text in "Cut the quote."*) ! printf '%s\n' "$text" | grep -q -e '^>' -e 'wrote:' ;; *) false ;; esac
ok $? "a quote cut in the editor is not added back"

n=$(articles) before=$(queued)
tty env EDITOR="$tmp/keep" "$BIN/mailticket" --db "$DB" reply 1
expect_equal $? 1 "a file left unchanged aborts"
grep -q 'the text is unchanged; nothing sent' "$out"; ok $? "... saying so"
expect_equal "$(articles):$(queued)" "$n:$before" "... and nothing is stored or sent"
tty env EDITOR="$tmp/empty" "$BIN/mailticket" --db "$DB" reply 1
expect_equal $? 1 "an emptied file aborts"
expect_equal "$(articles):$(queued)" "$n:$before" "... nothing is stored or sent"

tty env VISUAL="$tmp/visual" EDITOR="$tmp/keep" "$BIN/mailticket" --db "$DB" note 1
ok $? "note without -m: \$VISUAL before \$EDITOR"
expect_equal "$(sql "select text from articles where ticket = 1 and kind = 'note' order by id desc limit 1")" \
	"From VISUAL." "... the note is what was written, the commented quote left out"
expect_code 1 "without a terminal, reply wants -m or -F as before" -- mt reply 1 </dev/null
tty env EDITOR="$tmp/empty" "$BIN/mailticket" --db "$DB" new --subject Call
expect_equal $? 1 "new with an emptied text opens nothing"

# show: through the pager on a terminal, straight out into a pipe.
printf '#!/bin/sh\necho paged >"%s/paged"; cat >"%s/pager-in"\n' "$tmp" "$tmp" >"$tmp/pager"
chmod +x "$tmp/pager"
tty env PAGER="$tmp/pager" "$BIN/mailticket" --db "$DB" show 1
ok $? "show on a terminal"
grep -q '^Ticket 1: VPN drops' "$tmp/pager-in"; ok $? "... goes through \$PAGER"
rm -f "$tmp/paged"
PAGER="$tmp/pager" mt show 1 >"$tmp/piped"
grep -q '^Ticket 1: VPN drops' "$tmp/piped" && [ ! -e "$tmp/paged" ]
ok $? "show into a pipe writes straight out, no pager"
tty env PAGER="$tmp/pager" "$BIN/mailticket" --db "$DB" show --json 1
[ ! -e "$tmp/paged" ]; ok $? "show --json is never paged"
