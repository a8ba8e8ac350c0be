#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fetchmail delivers a mailbox at a provider into mailticket exactly as
# contrib/fetchmail documents it.
#
# A private Dovecot IMAP server of the test's own plays the provider: its
# own configuration, run, state and mail directories under $tmp, IMAP on
# 127.0.0.1 at a free high port and no other listener, one account from
# a passwd-file; no system service is touched, and it is stopped at the
# end, also after a failure. Mail is put in the mailbox over IMAP
# (APPEND), as the provider's delivery would; fetchmail runs as the
# mailticket account with contrib/fetchmail/fetchmailrc, only the server,
# TLS and the paths replaced. The assertions are on the tickets and on
# what the server keeps: a message leaves it once it is stored, and stays
# there, unread, while mailticket-deliver defers it (75).
. "$(dirname "$0")/../lib.sh"
PATH=$PATH:/usr/sbin:/sbin
umask 002

[ "$(id -u)" = 0 ] || cannot "not root: a Dovecot instance and fetchmail as the mailticket account need root"
need dovecot-imapd:/usr/sbin/dovecot dovecot-imapd:doveadm fetchmail:fetchmail
mt_account
plan 27

dc=$tmp/dovecot				# Dovecot's configuration, run and state directories
fm=$tmp/fetchmail			# FETCHMAILHOME
password=secret				# as in contrib/fetchmail/fetchmailrc
mkdir -m 0755 "$dc" "$dc/run" "$dc/state"
install -d -o "$MT_USER" -g "$(id -gn "$MT_USER")" -m 0700 "$dc/mail" "$fm"
install -d -o "$MT_USER" -g "$(id -gn "$MT_USER")" -m 2770 "$tmp/db"
DB=$tmp/db/mailticket.db

{
	printf '[database]\npath=%s\nbusy_timeout=1000\n' "$DB"
	printf '[mail]\ndomain=example.org\naddress=support@example.org\ntag=Ticket\n'
} >"$tmp/deliver.conf" && chmod 0644 "$tmp/deliver.conf"
MAILTICKET_CONF=$tmp/deliver.conf
as_mt "$BIN/mailticket" --db "$DB" init >/dev/null && chmod 0660 "$DB"
ok $? "database created by $MT_USER, mode 0660"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'support@example.org:{PLAIN}%s\n' "$password" >"$dc/passwd"
cat >"$dc/dovecot.conf" <<EOF
# The test's private instance: nothing of /etc/dovecot.
base_dir = $dc/run
state_dir = $dc/state
log_path = $dc/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:$dc/mail/%n
# the mail belongs to the mailticket system account
first_valid_uid = 1
passdb {
  driver = passwd-file
  args = scheme=PLAIN $dc/passwd
}
userdb {
  driver = static
  args = uid=$MT_USER gid=$(id -gn "$MT_USER") home=$dc/mail/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
EOF

stop_dovecot () {
	[ -s "$dc/run/master.pid" ] || return 0
	dc_pid=$(cat "$dc/run/master.pid")
	kill "$dc_pid" 2>/dev/null
	i=0
	while kill -0 "$dc_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$dc_pid" 2>/dev/null
}
at_exit=stop_dovecot
dovecot -c "$dc/dovecot.conf"
ok $? "dovecot started on 127.0.0.1:$port"

# imap SCRIPT ARGS...: python3 with an IMAP session m to the mailbox, logged in
imap () {
	imap_script=$1
	shift
	python3 - "$port" "$password" "$@" <<EOF
import imaplib, sys, time
for i in range(100):
    try:
        m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
        break
    except OSError:
        time.sleep(0.1)
m.login("support@example.org", sys.argv[2])
m.select("INBOX")
$imap_script
m.logout()
EOF
}
# put FILE [FLAGS]: FILE into the mailbox, as the provider delivers it
put () { imap 'm.append("INBOX", sys.argv[4] or None, None, open(sys.argv[3], "rb").read())' "$1" "${2-}"; }
# on_server: "COUNT FLAGS" of the messages the server holds (the flags of the first)
on_server () {
	imap 'import re
n = len(m.search(None, "ALL")[1][0].split())
f = m.fetch("1", "(FLAGS)")[1][0].decode() if n else "FLAGS ()"
print(n, re.search(r"FLAGS \(([^)]*)\)", f).group(1))'
}
# mail ID SUBJECT [HEADER]: a customer's message, with the Return-Path a provider writes
mail () {
	printf 'Return-Path: <%s>\nFrom: Anna <anna@customer.example>\nTo: support@example.org\n' \
		anna@customer.example
	printf 'Subject: %s\nMessage-ID: <%s@customer.example>\nDate: Mon, 07 Dec 2026 10:00:00 +0000\n' "$2" "$1"
	[ -n "${3-}" ] && printf '%s\n' "$3"
	printf '\nText of %s.\n' "$1"
}

expect_equal "$(imap 'print(m.search(None, "ALL"))')" "('OK', [b''])" \
	"the IMAP server answers" || diag "$(tail -n 5 "$dc/dovecot.log")"

# The recipe of contrib/fetchmail: only the server (plain IMAP on the
# test's port instead of TLS on 993), the log (a file here, not syslog)
# and the program's path changed.
sed -e "s|^poll imap.example.net protocol imap port 993|poll 127.0.0.1 protocol imap port $port|" \
	-e "s|^  ssl sslcertck$|  sslproto ''|" \
	-e "s|^set syslog$|set no syslog|" \
	-e "s|/usr/local/sbin/mailticket-deliver|$BIN/mailticket-deliver|" \
	"$top/contrib/fetchmail/fetchmailrc" >"$fm/fetchmailrc"
chown "$MT_USER" "$fm/fetchmailrc" && chmod 0600 "$fm/fetchmailrc"
expect_equal "$(diff "$top/contrib/fetchmail/fetchmailrc" "$fm/fetchmailrc" | grep -c '^>')" 4 \
	"the recipe as it is but for four lines"
grep -qxF '	mailticket	umask 007; FETCHMAILHOME=/var/lib/mailticket/fetchmail fetchmail --silent' \
	"$top/contrib/fetchmail/README" ||
	grep -qF 'mailticket	umask 007; FETCHMAILHOME=/var/lib/mailticket/fetchmail fetchmail --silent' \
		"$top/contrib/fetchmail/README"
ok $? "the README's cron line runs fetchmail as fetch does here"
# fetch: one run of fetchmail as the README's cron line starts it; what
# it says in $fm/fetchmail.log
fetch () {
	as_mt env HOME="$fm" FETCHMAILHOME="$fm" MAILTICKET_CONF="$MAILTICKET_CONF" \
		sh -c 'umask 007; fetchmail --silent' >>"$fm/fetchmail.log" 2>&1
}

mail f1 "VPN drops" >"$tmp/f1.eml"
mail f2 "Re: VPN drops" "In-Reply-To: <f1@customer.example>" >"$tmp/f2.eml"
mail f3 "Printer on fire" >"$tmp/f3.eml"
put "$tmp/f1.eml" && put "$tmp/f2.eml" && put "$tmp/f3.eml" '(\Seen)'
expect_equal "$(on_server | cut -d' ' -f1)" 3 "three messages in the mailbox, one of them read in webmail"
fetch
expect_equal "$?" 0 "fetchmail: exit 0, mail delivered"
expect_equal "$(sql 'select count(*) from tickets') $(sql 'select count(*) from articles')" "2 3" \
	"two tickets, three articles"
expect_equal "$(sql "select ticket from articles where message_id = 'f2@customer.example'")" 1 \
	"the reply threads into the first ticket"
expect_equal "$(sql "select envelope_from || ' ' || envelope_to from articles where message_id = 'f1@customer.example'")" \
	"anna@customer.example support@example.org" "the envelope: the Return-Path (%F) and the address of the recipe (%T)"
expect_equal "$(MAILTICKET_CONF=$MAILTICKET_CONF "$BIN/mailticket" --db "$DB" show 1 --raw 1 | sha256sum)" \
	"$(sha256sum <"$tmp/f1.eml")" "the message stored with the bytes the server had (set invisible: no Received line)"
expect_equal "$(on_server)" "0 " "the server holds none of them any more"
expect_equal "$(sql "select count(*) from outbox where kind = 'ack'")" 2 "each new ticket acknowledged"
grep -q 'Login: user=<support@example.org>' "$dc/dovecot.log"; ok $? "fetchmail logged in to Dovecot"

# Deferred: the database locked past busy_timeout. mailticket-deliver
# exits 75, fetchmail leaves the message on the server, unread.
mail f4 "While locked" >"$tmp/f4.eml"
put "$tmp/f4.eml"
lock_db; ok $? "a writer holds the database lock"
fetch
grep -q 'MDA returned nonzero status 75' "$fm/fetchmail.log"; ok $? "fetchmail logs the MDA's 75"
unlock_db
expect_equal "$(on_server)" "1 " "the message is still on the server, neither read nor deleted"
expect_equal "$(sql "select count(*) from articles where message_id = 'f4@customer.example'")" 0 \
	"nothing of it stored"
fetch
expect_equal "$?" 0 "the next run: exit 0"
expect_equal "$(sql "select count(*) from articles where message_id = 'f4@customer.example'")" 1 \
	"... delivers it, once"
expect_equal "$(on_server)" "0 " "... and the server holds it no more"
fetch
expect_equal "$?" 1 "a run without mail: exit 1 (nothing to fetch)"
expect_equal "$(sql "select count(*) from articles where message_id = 'f4@customer.example'")" 1 \
	"... and it was delivered exactly once"

# A message fetched again (fetchmail stopped between delivery and
# deletion): the same bytes, stored once, and gone from the server.
put "$tmp/f3.eml"
fetch
expect_equal "$?" 0 "a message already delivered, fetched again: exit 0"
expect_equal "$(sql "select count(*) from articles where message_id = 'f3@customer.example'")" 1 "... stored once"
expect_equal "$(on_server)" "0 " "... and deleted on the server"

stop_dovecot
at_exit=
pgrep -f "$dc/dovecot.conf" >/dev/null; [ $? -ne 0 ]; ok $? "dovecot stopped"
