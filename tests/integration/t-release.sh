#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a packager checks first: a licence, every source file saying
# which, one version (the file VERSION) that every program prints with
# --version and exit 0, NEWS.md on that version, and make dist making a
# tarball of it (t-deb.sh builds the package from that tarball).
. "$(dirname "$0")/../lib.sh"

plan 10

version=$(cat "$top/VERSION")
for p in mailticket mailticket-deliver mailticket-send; do
	expect_code 0 "$p --version exits 0" -- "$BIN/$p" --version
	expect_equal "$(cat "$out")" "$p $version" "$p --version prints its name and $version"
done

grep -q "GNU GENERAL PUBLIC LICENSE" "$top/LICENSE"
ok $? "LICENSE holds the GPL"

cd "$top" || exit 1
# The files git tracks, or outside a checkout (a tarball of make dist) the sources found.
sources () {
	git ls-files '*.c' '*.h' '*.sh' '*.py' Makefile 2>/dev/null ||
		find src include tests bench sql Makefile -path tests/tmp -prune -o \
			\( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o -name Makefile \) -print
}
missing=$(sources | grep -v '^src/lib/sql-schema\.c$' | xargs -r grep -L 'SPDX-License-Identifier: GPL-3.0-or-later')
expect_equal "$missing" "" "every source file carries its SPDX-License-Identifier"

grep -q "^## $version " "$top/NEWS.md"
ok $? "NEWS.md has a section for $version"

# make dist, into a directory of the test's (the tarball's build is t-deb.sh's).
if [ -d "$top/.git" ] || [ -f "$top/.git" ]; then
	make -s -C "$top" dist DIST_DIR="$tmp" >/dev/null 2>"$err"
	tar -tzf "$tmp/mailticket-$version.tar.gz" >"$out" 2>>"$err"
	grep -qx "mailticket-$version/VERSION" "$out" && grep -qx "mailticket-$version/src/deliver/front.c" "$out" &&
		! grep -q "\.o\$" "$out"
	ok $? "make dist: mailticket-$version.tar.gz of the sources, built files aside"
else
	skip "make dist" "not a git checkout"
fi
