#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A thread corpus must group into tickets exactly as its threads.tsv groups
# it, whatever the order in which the mail arrives: delivered in Date
# order, in reverse order and in five shuffles with fixed seeds, each into
# a database of its own, every thread is one ticket of its own. Three
# corpora: the project's own, written by hand (tests/corpus/threads) and
# generated from a fixed seed (tests/corpus/generated: a few hundred
# messages in 64 threads, the out-of-order patterns many times over), and
# the public one beside the checkout (notmuch's own threading; skipped
# where absent). The figure: exact groups per order, for each corpus.
# Under AddressSanitizer, where a delivery costs several times as much,
# the generated set runs in three of the orders (Date, reverse, one
# shuffle); the normal build runs it in all seven.
. "$(dirname "$0")/../lib.sh"

orders="date reverse 1 2 3 4 5"
norders=7
generated_orders=$orders ngenerated=$norders
if sanitized; then generated_orders="date reverse 1" ngenerated=3; fi
own=$top/tests/corpus/threads
generated=$top/tests/corpus/generated
public=$CORPUS/public
# a corpus: one test for its file list, two for each order
n=$((1 + 2 * norders + 1 + 2 * ngenerated))
if [ -f "$public/threads.tsv" ]; then n=$((n + 1 + 2 * norders)); else n=$((n + 1)); fi
plan $n

# check_corpus DIR [ORDERS]: delivers the files of DIR/threads.tsv in
# each order (all of $orders unless given)
check_corpus () {
dir=$1 corpus_orders=${2:-$orders}
python3 - "$dir" >"$tmp/order-date" <<'EOF'
import email, email.utils, os, sys
d = sys.argv[1]
def key(name):
    with open(os.path.join(d, name), "rb") as f:
        date = email.message_from_binary_file(f).get("Date")
    try:
        return (1, email.utils.mktime_tz(email.utils.parsedate_tz(str(date))), name)
    except Exception:
        return (0, 0, name)
names = [l.split("\t")[0] for l in open(os.path.join(d, "threads.tsv")) if l.strip()]
print("\n".join(sorted(names, key=key)))
EOF
total=$(wc -l <"$tmp/order-date")
[ "$total" -gt 0 ]; ok $? "$dir/threads.tsv names $total files"
nthreads=$(cut -f 2 "$dir/threads.tsv" | grep . | sort -u | wc -l)
figures=""
for order in $corpus_orders; do
	case $order in
	date) cp "$tmp/order-date" "$tmp/order" ;;
	reverse) tac "$tmp/order-date" >"$tmp/order" ;;
	*) python3 -c "import random, sys; l = open(sys.argv[1]).read().split(); random.Random(int(sys.argv[2])).shuffle(l); print(chr(10).join(l))" \
		"$tmp/order-date" "$order" >"$tmp/order" ;;
	esac
	corpora=$((${corpora:-0} + 1)) DB=$tmp/corpus-$corpora.db
	mt init >/dev/null
	failed=""
	while read -r f; do
		deliver -r support@example.org <"$dir/$f" >"$out" 2>"$err" || failed="$failed $f=$?"
	done <"$tmp/order"
	expect_equal "$failed" "" "order $order: all $total files delivered with exit 0"
	raw_index >"$tmp/index"
	exact=$(compare "$dir" "$tmp/index")
	expect_equal "$exact" "$nthreads" "order $order: $nthreads of $nthreads threads exact" ||
		diag "$(cat "$tmp/why")"
	figures="$figures $order=$exact/$nthreads"
done
figure "exact groups per order ($(basename "$dir"))" "${figures# }"
}

# compare DIR INDEX: the number of threads that are one ticket of their own
# (the others in $tmp/why)
compare () {
python3 - "$1" "$2" "$tmp/why" <<'EOF'
import hashlib, os, sys
d, index, why = sys.argv[1:4]
ticket_of_sha = {l.split()[0]: l.split()[1] for l in open(index)}
expected, got, ticket = {}, {}, {}
for line in open(os.path.join(d, "threads.tsv")):
    if not line.strip():
        continue
    name, thread = line.rstrip("\n").split("\t")
    sha = hashlib.sha256(open(os.path.join(d, name), "rb").read()).hexdigest()
    ticket[name] = ticket_of_sha.get(sha, "missing")
    expected.setdefault(thread, set()).add(name)
    got.setdefault(ticket[name], set()).add(name)
exact, bad = 0, []
for thread, files in sorted(expected.items()):
    tickets = sorted({ticket[f] for f in files})
    if len(tickets) == 1 and tickets[0] != "missing" and got[tickets[0]] == files:
        exact += 1
    else:
        bad.append("thread %s: " % thread + "; ".join("ticket %s: %s" % (t, " ".join(sorted(got[t]))) for t in tickets))
open(why, "w").write("\n".join(bad))
print(exact)
EOF
}

check_corpus "$own"
check_corpus "$generated" "$generated_orders"
if [ -f "$public/threads.tsv" ]; then check_corpus "$public"
else skip "the public corpus" "corpus not found ($public/threads.tsv)"; fi
