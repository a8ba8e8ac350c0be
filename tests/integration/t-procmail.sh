#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# procmail delivers into mailticket with the recipe of contrib/procmail.
#
# The recipe is installed as ~/.procmailrc of the mailticket user with only
# the path of mailticket-deliver changed, and procmail is run as Postfix's
# local(8) runs the ~/.forward of contrib/procmail/README,
# "|exec /usr/bin/procmail -t -p": as that user, with local(8)'s
# environment, the message on stdin after its "From " line, Return-Path,
# X-Original-To and Delivered-To. The test adds only
# procmail assignments on its command line: HOME (a directory of the
# test's own), ORGMAIL and DEFAULT (a place that cannot be written, so that
# a message procmail cannot file never lands in the system mailbox) and
# MAILTICKET_CONF (the test's configuration).
#
# New request, reply, the envelope line of the recipe, and the temporary
# failure: nothing may be lost. A locked database leaves the message in the
# fallback Maildir, from which the README's replay stores it once; when the
# fallback cannot be written either, procmail -t exits 75 so that the MTA
# keeps the message. The recipe's lockfile makes a second delivery wait.
. "$(dirname "$0")/../lib.sh"
umask 002

need procmail:procmail
mt_account
plan 38
procmail=$(command -v procmail)
pw_home=$(getent passwd "$MT_USER" | cut -d: -f6)

# procmail creates the user's empty system mailbox whenever it starts; if
# this test is what made /var/mail/mailticket, it removes it at exit.
spool=$(procmail -v 2>&1 | sed -n 's|^Your system mailbox:[[:space:]]*\(/.*\)/[^/]*$|\1|p')
sysbox=${spool:-/var/mail}/$MT_USER
sysbox_existed=no
[ -e "$sysbox" ] && sysbox_existed=yes
tidy_sysbox () {
	if [ "$sysbox_existed" = no ] && [ -f "$sysbox" ] && ! [ -s "$sysbox" ]; then
		rm -f "$sysbox" 2>/dev/null ||
			echo "# cannot remove the empty $sysbox that procmail created"
	fi
}
at_exit=tidy_sysbox

home=$tmp/home
# ORGMAIL and DEFAULT: mailboxes procmail may lock (their directory is
# writable) but not write
install -d -o "$MT_USER" -m 0755 "$tmp/nowhere"
: >"$tmp/nowhere/orgmail"; : >"$tmp/nowhere/default"
chmod 0444 "$tmp/nowhere/orgmail" "$tmp/nowhere/default"
install -d -o "$MT_USER" -g "$(id -gn "$MT_USER")" -m 0750 "$home"
install -d -o "$MT_USER" -g "$(id -gn "$MT_USER")" -m 2770 "$tmp/db"
DB=$tmp/db/mailticket.db
fallback=$home/mailticket-fallback

busy=10000
conf () {
	{
		printf '[database]\npath=%s\nbusy_timeout=%s\n' "$DB" "$busy"
		printf '[mail]\ndomain=example.org\naddress=support@example.org\ntag=Ticket\n'
	} >"$tmp/deliver.conf.new" && chmod 0644 "$tmp/deliver.conf.new" &&
		mv "$tmp/deliver.conf.new" "$tmp/deliver.conf"
}
conf
MAILTICKET_CONF=$tmp/deliver.conf
as_mt "$BIN/mailticket" --db "$DB" init >/dev/null && chmod 0660 "$DB"
ok $? "database created by $MT_USER, mode 0660"

# rcfile FILE [sed script]: the recipe, only the program's path changed
rcfile () {
	sed ${2:+-e "$2"} -e "s|/usr/local/sbin/mailticket-deliver|$BIN/mailticket-deliver|g" \
		"$top/contrib/procmail/procmailrc" >"$1" &&
		chown "$MT_USER" "$1" && chmod 0600 "$1"
}
rcfile "$home/.procmailrc"
grep -qx "| $BIN/mailticket-deliver" "$home/.procmailrc"
ok $? "~/.procmailrc: contrib/procmail/procmailrc with the path of this build"

minute=0
# msg NAME SUBJECT [HEADER-LINES]: $tmp/NAME.eml, Message-ID <NAME@customer.test>
msg () {
	minute=$((minute + 1))
	{
		printf 'From: Anna Example <anna@customer.test>\nTo: Support <support@example.org>\n'
		printf 'Subject: %s\nDate: Mon, 02 Jan 2023 10:%02d:00 +0000\n' "$2" "$minute"
		printf 'Message-ID: <%s@customer.test>\n' "$1"
		if [ -n "${3-}" ]; then printf '%s\n' "$3"; fi
		printf '\nBody of %s.\n' "$1"
	} >"$tmp/$1.eml"
}
# local_deliver NAME [RECIPIENT]: delivers $tmp/NAME.eml for RECIPIENT
# (support@example.org) as local(8) runs "|exec /usr/bin/procmail -t -p"
# for an alias of the mailticket user; the exit code of procmail in $rc.
# With pm_verbose set, procmail logs each step to ~/procmail.log (VERBOSE).
# With mta_headers=no, no X-Original-To nor Delivered-To is added: as
# from a procmail that no local(8) started.
local_deliver () {
	r=${2:-support@example.org}
	{
		printf 'From anna@customer.test  %s\n' "$(LC_ALL=C date -u '+%a %b %e %H:%M:%S %Y')"
		printf 'Return-Path: <anna@customer.test>\n'
		[ "${mta_headers-}" = no ] || printf 'X-Original-To: %s\nDelivered-To: %s\n' "$r" "$r"
		cat "$tmp/$1.eml"
	} >"$tmp/$1.in"
	(cd / && as_mt env -i PATH=/usr/bin:/bin HOME="$pw_home" SHELL=/usr/sbin/nologin \
		LOGNAME="$MT_USER" USER="$MT_USER" LOCAL="$MT_USER" DOMAIN=example.org EXTENSION= \
		RECIPIENT="$MT_USER@example.org" SENDER=anna@customer.test ORIGINAL_RECIPIENT="$r" LANG=C \
		"$procmail" -t -p ${pm_verbose:+VERBOSE=on} HOME="$home" ORGMAIL="$tmp/nowhere/orgmail" DEFAULT="$tmp/nowhere/default" \
		MAILTICKET_CONF="$MAILTICKET_CONF") <"$tmp/$1.in" >"$out" 2>"$err"
	rc=$?
}
tk () { sql "select ticket from articles where message_id = '$1@customer.test'"; }
art () { sql "select $2 from articles where message_id = '$1@customer.test'"; }
nart () { sql "select count(*) from articles where message_id = '$1@customer.test'"; }
kept () { find "$fallback" -type f 2>/dev/null | wc -l | tr -d ' '; }
queue () { mt show "$1" --json | json 'd["queue"]'; }

# A new request.
msg pm-new 'Printer on fire'
local_deliver pm-new
expect_equal "$rc" 0 "new request: procmail exits 0"
t1=$(tk pm-new)
expect_equal "$(art pm-new via) $(queue "$t1")" "new support" "a new ticket in the default queue"
grep -q "Folder: $BIN/mailticket-deliver" "$home/procmail.log"
ok $? "procmail.log: delivered to mailticket-deliver" || sed 's/^/#   /' "$home/procmail.log"
expect_equal "$(kept) $(ls "$home" | grep -c '\.lock$')" "0 0" "nothing in the fallback, no lockfile left"

# A reply by In-Reply-To.
msg pm-reply 'still burning' 'In-Reply-To: <pm-new@customer.test>'
local_deliver pm-reply
expect_equal "$rc" 0 "reply: procmail exits 0"
expect_equal "$(art pm-reply "ticket || ' ' || via")" "$t1 in-reply-to" "the reply joins ticket $t1 by In-Reply-To"

# Without the envelope, a header of the mail chooses no queue that the
# admin did not make, nor the address the acknowledgement comes from.
msg pm-forged 'Wire transfer' 'X-Original-To: ceo@bank.example
Reply-To: <victim@else.test>'
(mta_headers=no; local_deliver pm-forged)
t0=$(tk pm-forged)
expect_equal "$rc $(queue "$t0") $(mt queue list --json | json 'len(d)')" "0 support 1" \
	"X-Original-To of no queue: the default queue, no queue made"
ack=$(sql "select id from outbox where kind = 'ack' and ticket = $t0")
mt outbox show "$ack" --raw | tr -d '\r' | grep -q '^From: .*support@example\.org>*$'
ok $? "... the acknowledgement comes from the default queue's address"

# The recipe's envelope line (contrib/procmail/README, step 5): the
# envelope recipient chooses the queue, though the header names a list.
as_mt "$BIN/mailticket" --db "$DB" queue add sales --address sales@example.org
ok $? "queue add sales"
alt=$(sed -n 's/^#   \(| \/usr\/local\/sbin\/mailticket-deliver -f .*\)$/\1/p' "$top/contrib/procmail/procmailrc")
[ -n "$alt" ]; ok $? "procmailrc documents the envelope line: $alt"
rcfile "$tmp/envelope.rc" "s/^| .*mailticket-deliver\$/$(echo "$alt" | sed 's/[\/&|]/\\&/g')/"
grep -qx "| $BIN/mailticket-deliver -f \"\$SENDER\" -r \"\$ORIGINAL_RECIPIENT\"" "$tmp/envelope.rc"
ok $? "~/.procmailrc with the envelope line instead"
cp -p "$tmp/envelope.rc" "$home/.procmailrc"
msg pm-sales 'Quote for 40 chairs'
sed -i 's/^To: .*/To: Purchasing <purchasing-list@customer.test>/' "$tmp/pm-sales.eml"
local_deliver pm-sales sales@example.org
expect_equal "$rc" 0 "envelope line: exit 0"
t2=$(tk pm-sales)
expect_equal "$(queue "$t2") $(art pm-sales "envelope_from || ' ' || envelope_to")" \
	"sales anna@customer.test sales@example.org" "SENDER and ORIGINAL_RECIPIENT reach -f and -r"
rcfile "$home/.procmailrc"

# The lockfile of the recipe: while another delivery holds it, procmail
# waits (LOCKSLEEP, 8 s by default) and delivers after it is gone. First
# procmail must be seen trying the lock (its verbose log), or the
# absence below would prove nothing.
msg pm-wait 'waiting for the lock'
as_mt touch "$home/mailticket.lock"
locking () {
	n=$(grep -c 'Locking "[^"]*mailticket\.lock"' "$home/procmail.log" 2>/dev/null)
	echo "${n:-0}"
}
tries=$(locking)
(pm_verbose=on; local_deliver pm-wait) &
waiter=$!
i=0
while [ "$(locking)" -le "$tries" ] && [ $i -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$(locking)" -gt "$tries" ]; ok $? "procmail tries the recipe's lockfile (procmail.log: Locking)"
# (time for a procmail that ignored the lockfile to deliver)
sleep 1
expect_equal "$(nart pm-wait) $(kept)" "0 0" "while the lockfile exists: not delivered yet, nothing kept"
rm -f "$home/mailticket.lock"
wait $waiter
expect_equal "$(nart pm-wait) $(kept)" "1 0" "after the lockfile is gone: stored once"

# A temporary failure: the database locked past busy_timeout. The recipe
# keeps the message in the fallback Maildir; procmail exits 0.
busy=500; conf
lock_db; ok $? "a writer holds the database lock"
n=$(sql 'select count(*) from articles')
msg pm-locked 'while locked'
local_deliver pm-locked
expect_equal "$rc" 0 "locked: procmail exits 0 (the message is safe)"
grep -q 'Program failure (75)' "$home/procmail.log"
ok $? "procmail.log: Program failure (75)"
grep -q '^4\.3\.0 mailticket-deliver: .*database is locked' "$home/procmail.log"
ok $? "procmail.log: mailticket's 4.3.0 line"
expect_equal "$(find "$fallback/new" -type f | wc -l | tr -d ' ')" 1 "the message is in ~/mailticket-fallback/new"
grep -lq 'Message-ID: <pm-locked@customer.test>' "$fallback"/new/* 2>/dev/null
ok $? "and it is that message"
expect_equal "$(sql 'select count(*) from articles') $(nart pm-locked)" "$n 0" "nothing stored while locked"

# Locked, and the fallback cannot be written either: procmail -t exits 75
# (EX_TEMPFAIL) and the MTA keeps the message.
chmod 0500 "$fallback" "$fallback/new" "$fallback/tmp" "$fallback/cur"
msg pm-nowhere 'nowhere to go'
local_deliver pm-nowhere
expect_equal "$rc" 75 "locked, fallback not writable: procmail -t exits 75" ||
	tail -n 6 "$home/procmail.log" | sed 's/^/#   /'
expect_equal "$(kept) $(nart pm-nowhere) $(cat "$tmp/nowhere"/* | wc -c | tr -d ' ')" "1 0 0" \
	"nothing stored, nothing written anywhere else"
chmod 0700 "$fallback" "$fallback/new" "$fallback/tmp" "$fallback/cur"
unlock_db
busy=10000; conf

# The MTA retries the message it kept; the fallback is replayed as
# contrib/procmail/README says, as the mailticket user.
local_deliver pm-nowhere
expect_equal "$rc $(nart pm-nowhere)" "0 1" "the MTA's retry is stored"
cp "$fallback"/new/* "$tmp/kept.eml"
(cd "$fallback" && as_mt sh -c '
	for f in new/* cur/*; do
		[ -f "$f" ] || continue
		if "$1" < "$f"; then
			rm -- "$f"
		else
			echo "kept $f (exit $?)" >&2
		fi
	done' sh "$BIN/mailticket-deliver") >"$out" 2>"$err"
ok $? "replay of the fallback Maildir" || sed 's/^/#   /' "$err"
expect_equal "$(nart pm-locked) $(kept)" "1 0" "the kept message is stored once, the fallback empty"
expect_equal "$(art pm-locked "ticket != $t1 and via = 'new'")" 1 "as a new ticket"
n=$(sql 'select count(*) from articles')
expect_code 0 "replaying a stored message again: exit 0" -- \
	as_mt "$BIN/mailticket-deliver" <"$tmp/kept.eml"
expect_equal "$(sql 'select count(*) from articles')" "$n" "a duplicate, nothing new"

# A bare local name as the recipient (a local alias, procmail, cron's
# mail to the mailticket user) is that name at the configured domain: a
# ticket in the default queue, nothing deferred, nothing in the fallback.
msg pm-bare 'Bare alias'
local_deliver pm-bare support
expect_equal "$rc $(queue "$(tk pm-bare)") $(kept)" "0 support 0" "recipient support: a ticket, nothing kept"
{
	printf 'From: Cron Daemon <root@example.org>\nTo: %s\nSubject: Cron <%s@host> run-parts\n' "$MT_USER" "$MT_USER"
	printf 'Message-ID: <pm-cron@customer.test>\n\nsome output\n'
} >"$tmp/pm-cron.eml"
expect_code 0 "explain cron mail to $MT_USER -r $MT_USER" -- mt explain -r "$MT_USER" "$tmp/pm-cron.eml"
expect_equal "$(sed -n 's/^action: //p' "$out")" new "... explain: a new ticket"
local_deliver pm-cron "$MT_USER"
expect_equal "$rc $(queue "$(tk pm-cron)") $(kept)" "0 support 0" "cron mail to $MT_USER: a ticket, nothing kept"
msg pm-direct 'Direct'
expect_code 0 "mailticket-deliver -r support: exit 0" -- as_mt "$BIN/mailticket-deliver" -r support <"$tmp/pm-direct.eml"
