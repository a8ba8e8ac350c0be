#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# coverage.sh TEST...: what make coverage runs at the top of a tree built
# with --coverage: the tests under prove, then each source file's line
# coverage as gcov counts it, and the total. Exits with prove's code.
#
# Each program adds its counts to a .gcda file beside its objects, also
# when a test runs it as another user (the MTA's) or with umask 077:
# the files are made beforehand, empty and writable for all, which gcov
# takes for "nothing counted yet".
set -u
cd "$(dirname "$0")/.." || exit 1

find src tests/unit -name '*.gcno' | while read -r notes; do
	counts=${notes%.gcno}.gcda
	: >"$counts" && chmod 0666 "$counts"
done

# Unoptimised code counting its lines is slower: the tests' time limits
# are stretched, as make valgrind does (lib.sh: limit).
MAILTICKET_TIME_FACTOR=${MAILTICKET_TIME_FACTOR:-3}
export MAILTICKET_TIME_FACTOR
prove -e '' "$@"
rc=$?

echo
echo "Line coverage (gcov), per file:"
for dir in src/lib src/cli src/deliver src/send; do
	# (sql-schema.c is the schema as data, generated)
	gcov -n -o "$dir" $(ls "$dir"/*.c | grep -v '/sql-schema\.c$') 2>/dev/null
done | awk '
	/^File / { file = substr($2, 2, length($2) - 2); next }
	/^Lines executed:/ && file ~ /^src\/.*\.c$/ && !(file in lines) {
		split(substr($2, 10), p, "%")
		lines[file] = $4
		done[file] = int(p[1] * $4 / 100 + 0.5)
		file = ""
	}
	END {
		for (f in lines) {
			printf "%6.1f%% %5d of %5d  %s\n", lines[f] ? 100 * done[f] / lines[f] : 100, done[f], lines[f], f | "sort -k5"
			all += lines[f]; hit += done[f]
		}
		close("sort -k5")
		printf "%6.1f%% %5d of %5d  total\n", all ? 100 * hit / all : 0, hit, all
	}'
exit $rc
