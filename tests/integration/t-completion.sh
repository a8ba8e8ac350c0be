#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# contrib/bash-completion/mailticket: commands, options and a few values
# completed as bash would, with the bash-completion package loaded and
# without it.
. "$(dirname "$0")/../lib.sh"

command -v bash >/dev/null || skip_all "no bash"
# 45 tests a pass over the completions, a second pass with the
# bash-completion package loaded, or one skip without it.
framework=/usr/share/bash-completion/bash_completion
if [ -f "$framework" ]; then plan $((1 + 2 * 45)); else plan $((1 + 45 + 1)); fi
mt init >/dev/null && mt user add alice --email alice@example.org >/dev/null && mt user add bob --email b@x.test >/dev/null
ok $? "a database with two agents"
touch "$tmp/file-one" "$tmp/file-two"

# completes WORDS...: what the completion offers for the last word, sorted,
# on one line; $framework names bash-completion's main script, or is empty
completes () {
	BIN=$BIN top=$top framework=$framework bash -c '
		PATH=$BIN:$PATH
		if [ -n "$framework" ]; then . "$framework"; fi
		. "$top/contrib/bash-completion/mailticket"
		# the line as typed: readline splits --sort=x into three words
		line="mailticket $*" line=${line// = /=}
		[[ $line == *" =" ]] && line="${line% =}="
		COMP_WORDS=(mailticket "$@") COMP_CWORD=$# COMP_LINE=$line COMP_POINT=${#line}
		_mailticket
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' bash "$@"
}
# offers DESC WANT WORDS...
offers () {
	desc=$1 want=$2
	shift 2
	expect_equal "$(completes "$@")" "$want" "$desc ($with)"
}

for framework in "" "$framework"; do
	if [ -n "$framework" ] && [ ! -f "$framework" ]; then
		skip "with bash-completion" "bash-completion is not installed"
		continue
	fi
	with=${framework:+with bash-completion}
	with=${with:-without bash-completion}
	offers "a command from its start" "list" lis
	all=$(completes "")
	[ "$(echo "$all" | wc -w)" -ge 15 ]; ok $? "every command ($with): $all"
	for c in list show attachment search db; do
		case " $all " in *" $c "*) true ;; *) false ;; esac
		ok $? "... $c among them ($with)"
	done
	offers "a command after the global --db" "search" --db "$DB" sea
	offers "the global options" "--config --db --help --now" --
	offers "a command after the global --now" "search" --now +1h sea
	offers "list's options" "--since --sort --status" list --s
	offers "show's options" "--force --help --json --raw" show --
	offers "search's options" "--help --json --limit" search --
	offers "a status" "open" list --status op
	offers "a second status in a comma list" "open,pending" list --status open,p
	offers "a sort key" "created due id priority updated" list --sort ""
	offers "a status after --status=" "open" list --status = op
	offers "a sort key after --sort=" "created due id priority updated" list --sort =
	offers "an owner: the logins and none" "alice bob none" --db "$DB" list --owner ""
	offers "-o of list is the owner" "alice" --db "$DB" list -o al
	offers "-o of attachment is a file" "$tmp/file-one $tmp/file-two" attachment 1 2 3 -o "$tmp/file-"
	offers "db's verbs" "backup check reindex restore" db ""
	offers "watch's verbs after the ticket" "add rm" watch 7 ""
	offers "org's verbs" "add list rm" org ""
	offers "contact's long options" "--force --help --json --lang --name --org" contact add x --
	offers "alarm's verbs" "list rm" alarm ""
	offers "alarm's verbs after the ticket" "add list" alarm 7 ""
	offers "task's verb without a ticket" "done" task ""
	offers "task's verbs after the ticket" "add list" task 7 ""
	offers "approval's verbs after the ticket" "approve list reject request" approval 7 ""
	offers "outbox's verbs" "list retry show" outbox ""
	offers "queue's verbs" "add list set" queue ""
	offers "contact's verbs" "add forget list set" contact ""
	offers "the command split" "split" spl
	offers "the command unmerge" "unmerge" unm
	offers "template's verbs" "check list show" template ""
	offers "time's verbs from r" "report rm" time r
	offers "time's verbs" "edit report rm" time ""
	offers "user's verbs" "add list rm set" user ""
	offers "list --color" "always auto never" list --color ""
	offers "reply --status: no active" "closed new open pending resolved" reply 1 --status ""
	offers "time edit's options" "--date --duration" time edit 3 --d
	offers "config's verbs" "check show" config ""
	offers "config check's file" "$tmp/file-one $tmp/file-two" config check "$tmp/file-"
	offers "no values made up for a number" "" list --limit ""
done
