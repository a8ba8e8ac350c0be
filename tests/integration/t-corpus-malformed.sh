#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Broken, exotic and tricky mail is never refused nor retried: every file of
# a malformed corpus exits 0, and its raw bytes come back unchanged from
# show --raw. Resends with one Message-ID and other bytes are all kept, in
# one ticket. Two corpora: the project's own (tests/corpus/malformed) and
# the one beside the checkout (skipped where absent).
. "$(dirname "$0")/../lib.sh"

own=$top/tests/corpus/malformed
public=$CORPUS/malformed
# two tests a file, three on the whole, one for each duplicated message
count () {
	files=$(ls "$1" | wc -l)
	dups=$(ls "$1" | sed -n 's/^duplicate_msg-\([0-9]*\)-.*/\1/p' | sort -u | wc -l)
	echo $((2 * files + 3 + dups))
}
n=$(count "$own")
if [ -d "$public" ] && [ -n "$(ls "$public")" ]; then n=$((n + $(count "$public"))); else n=$((n + 1)); fi
plan $n

# check_corpus DIR: every file of DIR into a database of its own
check_corpus () {
dir=$1
corpora=$((${corpora:-0} + 1)) DB=$tmp/corpus-$corpora.db
ls "$dir" >"$tmp/files"
total=$(wc -l <"$tmp/files")
: >"$tmp/tickets"

while read -r f; do
	expect_code 0 "deliver $f" -- deliver -r support@example.org <"$dir/$f"
done <"$tmp/files"

raw_index >"$tmp/index"
ok $? "read every article back (list, show --json, show --raw)"
expect_equal "$(awk '{ print $1 }' "$tmp/index" | sort -u | wc -l)" "$total" \
	"$total distinct raw messages stored"
expect_equal "$(sql 'select count(*) from quarantine')" 0 "nothing quarantined"

while read -r f; do
	sha=$(sha256sum <"$dir/$f" | cut -d' ' -f1)
	set -- $(grep "^$sha " "$tmp/index" | head -n 1)
	if [ $# -ne 3 ]; then ok 1 "raw bytes of $f"; diag "no article holds these bytes"; continue; fi
	mt show "$2" --raw "$3" >"$out" 2>"$err"
	cmp -s "$out" "$dir/$f"; ok $? "raw bytes of $f (ticket $2, article $3)"
	echo "$f $2" >>"$tmp/tickets"
done <"$tmp/files"

# duplicate_msg-N-M: resends of message N with other bytes share a ticket.
for n in $(sed -n 's/^duplicate_msg-\([0-9]*\)-.*/\1/p' "$tmp/files" | sort -u); do
	t=$(grep "^duplicate_msg-$n-" "$tmp/tickets" | awk '{ print $2 }' | sort -u)
	expect_equal "$(echo "$t" | grep -c .)" 1 "resends of duplicate message $n share one ticket"
done
}

check_corpus "$own"
if [ -d "$public" ] && [ -n "$(ls "$public")" ]; then check_corpus "$public"
else skip "the malformed corpus beside the checkout" "corpus not found ($public)"; fi
