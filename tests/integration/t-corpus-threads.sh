#!/bin/sh
# A thread corpus delivered in Date order, as mail arrives, must group into
# tickets exactly as its threads.tsv groups it: the same partition of the
# files, children that arrive before their parent included. Two corpora:
# the project's own (tests/corpus/threads, always there) and the public
# one beside the checkout (notmuch's own threading; skipped where absent).
. "$(dirname "$0")/../lib.sh"

own=$top/tests/corpus/threads
public=$CORPUS/public
threads () { cut -f 2 "$1/threads.tsv" | grep . | sort -u | wc -l; }
# five tests a corpus, and one for each of its threads; the public one's
# are skipped where it is absent
n=$((5 + $(threads "$own")))
if [ -f "$public/threads.tsv" ]; then n=$((n + 5 + $(threads "$public"))); else n=$((n + 1)); fi
plan $n

# check_corpus DIR: delivers the files of DIR/threads.tsv in Date order
# into a database of its own and compares the tickets with the threads
check_corpus () {
dir=$1
corpora=$((${corpora:-0} + 1)) DB=$tmp/corpus-$corpora.db
# Files in Date order; unparsable dates first, ties by name.
python3 - "$dir" >"$tmp/order" <<'EOF'
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
total=$(wc -l <"$tmp/order")
[ "$total" -gt 0 ]; ok $? "$dir/threads.tsv names $total files"

failed=""
while read -r f; do
	deliver -r support@example.org <"$dir/$f" >"$out" 2>"$err" || failed="$failed $f=$?"
done <"$tmp/order"
expect_equal "$failed" "" "all $total files delivered with exit 0"

raw_index >"$tmp/index"
ok $? "read every article back (list, show --json, show --raw)"

# One line per expected thread: "ok|not ok<TAB>description<TAB>diagnostics"
python3 - "$dir" "$tmp/index" >"$tmp/result" <<'EOF'
import hashlib, os, sys
d, index = sys.argv[1:3]
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
for thread, files in expected.items():
    tickets = sorted({ticket[f] for f in files})
    desc = "thread %s (%d files) is one ticket of its own" % (thread, len(files))
    good = len(tickets) == 1 and tickets[0] != "missing" and got[tickets[0]] == files
    why = "" if good else "; ".join("ticket %s: %s" % (t, " ".join(sorted(got[t]))) for t in tickets)
    print("%s\t%s\t%s" % ("ok" if good else "not ok", desc, why))
same = {frozenset(s) for s in expected.values()} == {frozenset(s) for s in got.values()}
print("%s\tthe tickets partition the files exactly as threads.tsv\t%d threads, %d tickets"
      % ("ok" if same else "not ok", len(expected), len(got)))
EOF
ok $? "compare with threads.tsv"
tab=$(printf '\t')
while IFS=$tab read -r res desc why; do
	[ "$res" = ok ]; ok $? "$desc" || diag "$why"
done <"$tmp/result"
}

check_corpus "$own"
if [ -f "$public/threads.tsv" ]; then check_corpus "$public"
else skip "the public corpus" "corpus not found ($public/threads.tsv)"; fi
