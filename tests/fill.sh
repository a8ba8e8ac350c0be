# SPDX-License-Identifier: GPL-3.0-or-later
# tests/fill.sh: fill $DB with real mail for the tests of the read side
# (sourced after tests/lib.sh; POSIX sh).
#
#	fill_corpus DIR		delivers every *.eml of DIR in Date order, as mail
#				arrives (unparsable dates first, ties by name)
#	fill_samples		delivers contrib/samples/0*.eml as demo.sh does
#
# Each delivery happens one hour after the one before it, from
# 2023-01-01T00:00Z on ($MAILTICKET_NOW), so that tickets have distinct,
# known creation and update times. $fill_failed lists the files whose
# delivery did not exit 0.
fill_clock=1672531200
fill_failed=

fill_one () {
	fill_clock=$((fill_clock + 3600))
	MAILTICKET_NOW=$fill_clock "$BIN/mailticket-deliver" --db "$DB" -r support@example.org "$@" \
		>"$tmp/fill.out" 2>&1
}

fill_corpus () {
	python3 - "$1" >"$tmp/fill.order" <<'EOF'
import email, email.utils, os, sys
d = sys.argv[1]
def key(name):
    with open(os.path.join(d, name), "rb") as f:
        date = email.message_from_binary_file(f).get("Date")
    try:
        return (1, email.utils.mktime_tz(email.utils.parsedate_tz(str(date))), name)
    except Exception:
        return (0, 0, name)
print("\n".join(sorted((n for n in os.listdir(d) if n.endswith(".eml")), key=key)))
EOF
	while read -r fill_f; do
		fill_one <"$1/$fill_f" || fill_failed="$fill_failed $fill_f"
	done <"$tmp/fill.order"
}

fill_samples () {
	for fill_f in 01-new-request.eml 02-reply-in-reply-to.eml 03-reply-subject-token.eml; do
		fill_one -f anna@customer.example <"$top/contrib/samples/$fill_f" || fill_failed="$fill_failed $fill_f"
	done
	fill_one -f j.mueller@kanzlei-beispiel.example <"$top/contrib/samples/04-german-latin1-attachment.eml" ||
		fill_failed="$fill_failed 04-german-latin1-attachment.eml"
}
