#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One owner per table (STYLE: a module owns its tables): the README's
# table "tables | written by" names the files (of one module) that write
# each table of the schema, and no other C file under src/ writes it. A write is an
# INSERT, UPDATE or DELETE in a C string, adjacent strings joined as the
# compiler joins them; the triggers in sql/ are the schema's own.
. "$(dirname "$0")/../lib.sh"

cd "$top" || exit 1

# "table glob[,glob...]" for each table of the README's map.
sed -n '/^| tables | written by |$/,/^$/p' README.md |
	awk -F'|' 'NR > 2 && NF >= 4 {
		gsub(/[`, ]+/, " ", $2); gsub(/[` ]/, "", $3)
		n = split($2, table, " "); for (i = 1; i <= n; i++) print table[i], $3
	}' >"$tmp/map"

# Every table the migrations create.
sed -n 's/^CREATE \(VIRTUAL \)\{0,1\}TABLE \([a-z_]*\).*/\2/p' sql/[0-9]*.sql | sort -u >"$tmp/schema"

# "table file" for each table a C file writes.
# shellcheck disable=SC2046
perl -e '
undef $/;
for my $f (@ARGV) {
	open my $fh, "<", $f or die "$f: $!";
	my $src = <$fh>;
	my (@runs, $run, %seen);
	# Comments, string literals (joined while only white space or
	# comments part them), character literals and anything else.
	while ($src =~ m{\G(?:(/\*.*?\*/|//[^\n]*|\s+)|"((?:[^"\\\n]|\\.)*)"|(\x27(?:[^\x27\\\n]|\\.)*\x27|.))}gs) {
		if (defined $2) { $run .= $2; }
		elsif (defined $3) { push @runs, $run if defined $run; undef $run; }
	}
	push @runs, $run if defined $run;
	for my $sql (@runs) {
		# The temp tables of a connection belong to no module.
		while ($sql =~ /\b(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|(?<!DO )UPDATE|DELETE\s+FROM)\s+(?!temp\.)(\w+)/g) {
			print "$1 $f\n" unless $seen{$1}++;
		}
	}
}' $(find src -name '*.c' ! -name sql-schema.c | sort) >"$tmp/writes"

plan $(($(wc -l <"$tmp/schema") + 2))

cut -d' ' -f1 "$tmp/map" | sort >"$tmp/mapped"
comm -3 "$tmp/schema" "$tmp/mapped" >"$tmp/unmapped"
[ ! -s "$tmp/unmapped" ]
ok $? "the README names an owner for every table of the schema, and no other"
[ -s "$tmp/unmapped" ] && diag "in one list only (schema, README):" "$(cat "$tmp/unmapped")"

cut -d' ' -f1 "$tmp/writes" | sort -u >"$tmp/written"
comm -23 "$tmp/written" "$tmp/schema" >"$tmp/unknown"
# The reading of the SQL must find writes at all: the tickets table is
# written, whatever else changes.
[ ! -s "$tmp/unknown" ] && grep -qx tickets "$tmp/written"
ok $? "every table the code writes is in the schema, tickets among them (the check reads the SQL right)"
[ -s "$tmp/unknown" ] && diag "not in the schema: $(cat "$tmp/unknown")"

while read -r table; do
	glob=$(sed -n "s/^$table //p" "$tmp/map")
	writers=$(sed -n "s/^$table //p" "$tmp/writes")
	r=0
	for file in $writers; do
		named=1
		for g in $(echo "$glob" | tr , ' '); do
			# shellcheck disable=SC2254
			case $file in $g) named=0 ;; esac
		done
		[ $named = 0 ] || r=1
	done
	ok $r "$table: written by ${glob:-(no owner)} only"
	[ $r = 0 ] || diag "written by: $(echo $writers)"
done <"$tmp/schema"
