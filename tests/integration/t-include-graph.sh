#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers of src/lib, as the README's Layout section writes them
# down: no cycle among the modules, error at the bottom, and what the
# fuzz harness builds alone needs nothing else. The graph is derived
# from the #include lines of src/lib and include/mailticket: a module is
# a header and the files named after it (ticket.h, ticket.c,
# ticket-article.c).
. "$(dirname "$0")/../lib.sh"

cd "$top" || exit 1
plan 3

headers=$(ls include/mailticket/*.h src/lib/*.h 2>/dev/null | sed 's|.*/||; s|\.h$||' | sort -u)
# module NAME: the module of a file name without its directory and
# suffix; error-sqlite is error's, outbox-view a module of its own, and
# a NAME-private.h is NAME's.
module () {
	m=${1%-private}
	while :; do
		echo "$headers" | grep -qx "$m" && { echo "$m"; return; }
		case $m in *-*) m=${m%-*} ;; *) echo "$1"; return ;; esac
	done
}

# "module dependency" for every include of another module.
for f in src/lib/*.c src/lib/*.h include/mailticket/*.h; do
	[ -e "$f" ] || continue
	case $f in */sql-schema.c) continue ;; esac
	name=${f##*/}
	from=$(module "${name%.*}")
	sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$f" | while read -r inc; do
		to=$(module "${inc##*/}")
		[ "$to" = "$from" ] || echo "$from $to"
	done
done | sort -u >"$tmp/edges"

tsort "$tmp/edges" >/dev/null 2>"$tmp/loop"
ok $? "no cycle among the modules of src/lib"
[ -s "$tmp/loop" ] && diag "$(cat "$tmp/loop")"

grep '^error ' "$tmp/edges" >"$tmp/bottom"
[ ! -s "$tmp/bottom" ]
ok $? "error, the bottom layer, includes no other module"
[ -s "$tmp/bottom" ] && diag "$(cat "$tmp/bottom")"

# The modules tests/fuzz builds alone, without the library (Makefile).
alone='message bounce html thread token error autocleanups'
for m in $alone; do
	sed -n "s/^$m //p" "$tmp/edges" | while read -r to; do
		case " $alone " in *" $to "*) ;; *) echo "$m $to" ;; esac
	done
done >"$tmp/outside"
[ ! -s "$tmp/outside" ]
ok $? "message, bounce, html, thread and token include only one another and error"
[ -s "$tmp/outside" ] && diag "$(cat "$tmp/outside")"
