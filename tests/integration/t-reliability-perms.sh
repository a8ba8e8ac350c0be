#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Permissions and secrets. The database, and its WAL while it lives, are
# created 0660 whatever the umask, with the group of their directory: as
# root (mailticket gives the group), and as the MTA's unprivileged user
# in a set-group-id directory (the directory gives it, the WAL
# included). The reply-token secret file and the SMTP password file are
# read with a warning when every user may read them, and neither they
# nor the database's own secret appear in anything the programs print
# or log (everything logged is echoed on stderr with -v).
. "$(dirname "$0")/../lib.sh"

need strace:strace
PASSWORD=pw-Zq8-smtp-S3CRET
smtp_start --auth "helpdesk:$PASSWORD"
mt_account
GROUP=mail
getent group "$GROUP" >/dev/null || cannot "no group $GROUP to give the database"
plan 21

# mail ID: a small message, on stdout
mail () {
	printf 'From: Anna <anna@customer.test>\nTo: support@example.org\nSubject: %s\nMessage-ID: <%s@perm.test>\n\nHello.\n' \
		"$1" "$1"
}
# mode_group FILE: "0660 mail"
mode_group () { stat -c '%04a %G' "$1"; }
# wal_of ARGS...: delivers a message killed before it removes its WAL
# (strace's fault injection), so that the -wal and -shm it made stay
wal_n=0
wal_of () {
	wal_n=$((wal_n + 1))
	mail "wal-$wal_n" >"$tmp/wal-mail"
	(strace -f -o /dev/null -e trace=unlink -e inject=unlink:signal=KILL:when=1 "$@" <"$tmp/wal-mail" \
		>/dev/null 2>&1; true) 2>/dev/null
	true
}

# As root, in a directory of group mail, under umask 077 and 000.
mkdir -m 0755 "$tmp/root-dir"
chgrp "$GROUP" "$tmp/root-dir"
for mask in 077 000; do
	rm -f "$tmp/root-dir"/*
	(umask $mask; mail "root-$mask" | "$BIN/mailticket-deliver" --db "$tmp/root-dir/m.db")
	expect_equal "$(mode_group "$tmp/root-dir/m.db")" "0660 $GROUP" "root, umask $mask: the database is 0660, group $GROUP"
	(umask $mask; wal_of "$BIN/mailticket-deliver" --db "$tmp/root-dir/m.db")
	expect_equal "$(mode_group "$tmp/root-dir/m.db-wal") $(mode_group "$tmp/root-dir/m.db-shm")" \
		"0660 $GROUP 0660 $GROUP" "root, umask $mask: its WAL and shm too"
done
(umask 077; "$BIN/mailticket" --db "$tmp/root-dir/init.db" init >/dev/null)
expect_equal "$(mode_group "$tmp/root-dir/init.db")" "0660 $GROUP" "mailticket init: the same"

# As the MTA's user, in a set-group-id directory of group mail.
if [ "$(id -u)" = 0 ]; then
	mkdir -m 2777 "$tmp/sgid-dir"
	chgrp "$GROUP" "$tmp/sgid-dir"
	chmod 2777 "$tmp/sgid-dir"
	as_mt sh -c "umask 077; printf 'From: a@b.test\nSubject: x\n\nx\n' | '$BIN/mailticket-deliver' --db '$tmp/sgid-dir/m.db'"
	expect_equal "$(stat -c '%04a %U %G' "$tmp/sgid-dir/m.db")" "0660 $MT_USER $GROUP" \
		"$MT_USER, umask 077, set-group-id directory: the database is 0660, group $GROUP"
	(as_mt sh -c "umask 077; printf 'From: a@b.test\nSubject: y\n\ny\n' |
		strace -f -o /dev/null -e trace=unlink -e inject=unlink:signal=KILL:when=1 \
		'$BIN/mailticket-deliver' --db '$tmp/sgid-dir/m.db' >/dev/null 2>&1; true") 2>/dev/null
	expect_equal "$(mode_group "$tmp/sgid-dir/m.db-wal")" "0660 $GROUP" "... and its WAL"
else
	skip "$MT_USER in a set-group-id directory" "not root"
	skip "... and its WAL" "not root"
fi

# Secrets: a reply-token secret file and an SMTP password file that every
# user may read are used, with a warning; private ones without.
SECRET=tok-Qx7-reply-S3CRET-key
printf '%s\n' "$SECRET" >"$tmp/secret"
printf '%s\n' "$PASSWORD" >"$tmp/password"
chmod 0644 "$tmp/secret" "$tmp/password"
sed -i "s|^\[mail\]$|&\nsecret_file=$tmp/secret|" "$MAILTICKET_CONF"
smtp_conf user=helpdesk "password_file=$tmp/password"
: >"$tmp/all-output"
keep () { cat "$out" "$err" >>"$tmp/all-output"; }

expect_code 0 "init" -- mt init
keep
mail first >"$tmp/first"
expect_code 0 "a delivery with a world-readable secret_file" -- deliver -v <"$tmp/first"
keep
grep -q "secret_file $tmp/secret is readable by every user" "$err"; ok $? "... warns that every user may read it"
expect_code 0 "mailticket-send with a world-readable password file" -- "$BIN/mailticket-send" --db "$DB" -v
keep
grep -q "$tmp/password is readable by every user" "$err"; ok $? "... warns that every user may read it"
expect_equal "$(smtp_count)" 1 "... and sends the acknowledgement with AUTH"
chmod 0640 "$tmp/secret" "$tmp/password"
mail second >"$tmp/second"
expect_code 0 "a private secret_file" -- deliver -v <"$tmp/second"
keep
grep -q "readable by every user" "$err"; [ $? = 1 ]; ok $? "... no warning"
expect_code 0 "a private password file" -- "$BIN/mailticket-send" --db "$DB" -v
keep
grep -q "readable by every user" "$err"; [ $? = 1 ]; ok $? "... no warning"

# Everything else that prints: commands, errors, a failed AUTH, a
# secret file the filter may not read.
for cmd in "list" "show 1" "show 1 --json" "token 1" "outbox list" "outbox show 1" "explain $top/contrib/samples/01-new-request.eml" "db check"; do
	mt $cmd >"$out" 2>"$err"; keep
done
printf 'wrong-password\n' >"$tmp/password"
mail third | deliver -v >"$out" 2>"$err"; keep
expect_code 0 "mailticket-send with a wrong password" -- "$BIN/mailticket-send" --db "$DB" -v
keep
grep -q "authentication as helpdesk failed" "$err"; ok $? "... says that AUTH failed"
printf '%s\n' "$PASSWORD" >"$tmp/password"
chmod 0600 "$tmp/secret"
chmod 0644 "$MAILTICKET_CONF"
chmod 0777 "$tmp"
mail fourth >"$tmp/fourth"
chmod 0644 "$tmp/fourth"
if [ "$(id -u)" = 0 ]; then
	as_mt "$BIN/mailticket-deliver" --db "$DB" -v <"$tmp/fourth" >"$out" 2>"$err"
	expect_equal "$? $(head -c 5 "$err")" "75 4.3.5" "an unreadable secret_file: 75, 4.3.5"
	keep
fi
db_secret=$(sql "SELECT value FROM meta WHERE key = 'secret'")
plain=$(printf '\0helpdesk\0%s' "$PASSWORD" | base64)
login=$(printf '%s' "$PASSWORD" | base64)
found=
for s in "$SECRET" "$PASSWORD" "$db_secret" "$plain" "$login"; do
	grep -qF -- "$s" "$tmp/all-output" && found="$found $s"
done
expect_equal "$found" "" "no secret, password or AUTH string in $(wc -l <"$tmp/all-output" | tr -d ' ') lines of output"
figure "lines of output searched for secrets" "$(wc -l <"$tmp/all-output" | tr -d ' ')"
