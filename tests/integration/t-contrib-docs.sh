#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The examples of mailticket-deliver(8) and the READMEs in contrib/ show
# the files of contrib/ as they are: every setting line of the Postfix
# files and of the procmail recipe appears, unchanged, in the manual page
# and in the README that installs it.
. "$(dirname "$0")/../lib.sh"

man=$top/man/mailticket-deliver.8
pf=$top/contrib/postfix
pm=$top/contrib/procmail

# literal FILE: the lines of FILE's literal displays (.Bd -literal) with
# roff's \e as \, or for a README its indented lines without the indent
literal () {
	case $1 in
	*.8) sed -n '/^\.Bd -literal/,/^\.Ed/{/^\./d;s/\\e/\\/g;p;}' "$1" ;;
	*) sed -n 's/^    \( *[^ ].*\)$/\1/p' "$1" ;;
	esac
}
# settings FILE: the lines of FILE that are not comments or blank
settings () { grep -v -e '^#' -e '^[[:space:]]*$' "$1"; }
# shows DOC FILE LINES: each of LINES is a line of DOC's literal text
shows () {
	doc=$1 what=$2; shift 2
	literal "$doc" >"$tmp/literal"
	missing=$(printf '%s\n' "$@" | while IFS= read -r l; do
		grep -qxF -- "$l" "$tmp/literal" || printf '%s\n' "$l"
	done)
	[ -z "$missing" ] && ok 0 "${doc#$top/} shows $what" && return 0
	ok 1 "${doc#$top/} shows $what"
	printf '%s\n' "$missing" | sed 's/^/#   missing: /'
	return 1
}

# IFS: one argument per line of the files
nl='
'
save_ifs=$IFS IFS=$nl
set -f
master=$(settings "$pf/master.cf")
maincf=$(settings "$pf/main.cf")
transport=$(settings "$pf/transport")
recipe=$(settings "$pm/procmailrc" | grep -v -e '^SHELL=' -e '^PATH=' -e '^MAILDIR=' -e '^LOGFILE=')
envelope=$(sed -n 's/^#   \(| .*mailticket-deliver -f .*\)$/\1/p' "$pm/procmailrc")
forward=$(sed -n "s/^    echo '\\(.*procmail[^']*\\)' > .*forward\$/\\1/p" "$pm/README")
local_rcpt=$(sed -n 's/^#\(local_recipient_maps = .*\)/\1/p' "$pf/main.cf")
fm_mda=$(sed -n 's/^  \(mda ".*"\)$/\1/p' "$top/contrib/fetchmail/fetchmailrc")
# 12 tests, and one for each main.cf line that the README must set
plan $((12 + $(printf '%s\n' $maincf $local_rcpt | grep -c .)))

shows "$man" "the master.cf entry" $master
shows "$pf/README" "the master.cf entry" $master
shows "$man" "the main.cf settings" $maincf
shows "$man" "the transport map" $transport
shows "$man" "the local_recipient_maps line of main.cf" $local_rcpt
for l in $maincf $local_rcpt; do
	grep -qxF "    postconf -e '$l'" "$pf/README"
	ok $? "contrib/postfix/README sets $l"
done
shows "$man" "the procmail recipe" $recipe
shows "$man" "the mda line of the fetchmail recipe" $fm_mda
[ -n "$envelope" ]; ok $? "procmailrc has the envelope line"
shows "$man" "the recipe's envelope line" $envelope
shows "$pm/README" "the recipe's envelope line" $envelope
[ -n "$forward" ]; ok $? "contrib/procmail/README has a ~/.forward: $forward"
shows "$man" "the ~/.forward of contrib/procmail/README" $forward
IFS=$save_ifs
set +f
