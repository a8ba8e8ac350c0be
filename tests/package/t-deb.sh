#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The Debian package, as an admin gets it: built with dpkg-buildpackage
# from the tarball of make dist (unpacked in tests/tmp/deb, out of the
# source tree's way), checked by lintian (its output in this log), then
# installed on this host with dpkg: the programs where their manual
# sections say, the user, directory, secret and database that postinst
# makes with their modes, the systemd units' exposure, and a message
# delivered by a real Postfix (a private instance on 127.0.0.1) through
# the pipe transport of /usr/share/doc/mailticket/postfix/master.cf to
# the installed /usr/sbin/mailticket-deliver. Then dpkg -r keeps the
# data, and dpkg -P removes what postinst made.
#
# Root only, on a host with no mailticket of its own (no package, no
# /etc/mailticket, no /var/lib/mailticket): the test installs and purges
# the package, and purges it at exit too, after a failure.
. "$(dirname "$0")/../lib.sh"
PATH=$PATH:/usr/sbin:/sbin

[ "$(id -u)" = 0 ] || cannot "not root: installing a package needs root"
command -v dpkg >/dev/null 2>&1 || cannot "no dpkg: not a Debian system"
if dpkg-query -W -f='${Status}' mailticket 2>/dev/null | grep -q 'ok installed'; then
	cannot "a mailticket package is installed on this host: the test would replace and purge it"
fi
for d in /etc/mailticket /var/lib/mailticket; do
	[ -e "$d" ] && cannot "$d exists: this host has a mailticket of its own"
done
need debhelper:dh dpkg-dev:dpkg-buildpackage lintian:lintian postfix:postfix postfix:postqueue swaks:swaks
plan 26

version=$(cat "$top/VERSION")
work=$top/tests/tmp/deb
cfg=$tmp/postfix spool=$tmp/spool maillog=$tmp/maillog
user_before=no
id -u mailticket >/dev/null 2>&1 && user_before=yes

cleanup () {
	if [ -e "$cfg/main.cf" ] && [ -e "$spool/pid/master.pid" ]; then
		postfix -c "$cfg" stop >/dev/null 2>&1
	fi
	if dpkg-query -W -f='${Status}' mailticket 2>/dev/null | grep -q installed; then
		echo "# purging the package left installed"
		dpkg -P mailticket >/dev/null 2>&1
	fi
}
at_exit=cleanup

# The build, from the tarball make dist makes (or a copy of the tree
# without git), with the unit tests left to make check.
rm -rf "$work" && mkdir -p "$work" || exit 1
if [ -e "$top/.git" ] && command -v git >/dev/null 2>&1; then
	make -s -C "$top" dist DIST_DIR="$work" >/dev/null && tar -xzf "$work/mailticket-$version.tar.gz" -C "$work"
else
	mkdir "$work/mailticket-$version" && (cd "$top" && tar -cf - --exclude=./tests/tmp --exclude=./bin \
		--exclude='*.o' --exclude='*.d' --exclude='*.a' .) | tar -xf - -C "$work/mailticket-$version"
fi
src=$work/mailticket-$version
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1
deb=$(ls "$work"/mailticket_"$version"_*.deb 2>/dev/null)
[ -n "$deb" ]
ok $? "dpkg-buildpackage -us -uc -b builds mailticket_${version}_*.deb" || tail -n 20 "$work/build.log" | sed 's/^/#   /'
[ -n "$deb" ] || exit 1
expect_equal "$(cd "$src" && dpkg-parsechangelog -S Version)" "$version" "debian/changelog's version is VERSION's"

# lintian: no error; the warnings accepted are in debian/source/lintian-overrides.
lintian --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1
sed 's/^/# lintian: /' "$work/lintian.log"
! grep -q '^E: ' "$work/lintian.log"
ok $? "lintian: no error"

expect_code 0 "dpkg -i installs it" -- dpkg -i "$deb"
missing=
for f in /usr/bin/mailticket /usr/sbin/mailticket-deliver /usr/sbin/mailticket-send \
	/usr/lib/mailticket/mailticket-deliver-local /usr/share/man/man1/mailticket.1.gz \
	/usr/share/man/man5/mailticket.conf.5.gz /usr/share/man/man8/mailticket-deliver.8.gz \
	/usr/share/man/man8/mailticket-send.8.gz /usr/share/bash-completion/completions/mailticket \
	/lib/systemd/system/mailticket-deliver.service /lib/systemd/system/mailticket-send.service \
	/lib/systemd/system/mailticket-send.timer /etc/cron.d/mailticket /etc/mailticket/mailticket.conf \
	/usr/share/doc/mailticket/postfix/master.cf; do
	[ -e "$f" ] || missing="$missing $f"
done
expect_equal "$missing" "" "programs, manual pages, completion, units, cron file and configuration in place"
expect_code 0 "/usr/sbin/mailticket-deliver --version: exit 0" -- /usr/sbin/mailticket-deliver --version
expect_equal "$(cat "$out")" "mailticket-deliver $version" "... prints $version"
ldd /usr/lib/mailticket/mailticket-deliver-local | grep -q 'libgmime-3.0.so' &&
	ldd /usr/bin/mailticket | grep -q 'libsqlite3.so' && ldd /usr/sbin/mailticket-deliver | grep -q 'libglib-2.0.so'
ok $? "the programs link GMime, SQLite and GLib shared"
grep -q '^ExecStart=/usr/sbin/mailticket-deliver --serve$' /lib/systemd/system/mailticket-deliver.service &&
	grep -q '^mailticket:.*:/usr/sbin/nologin$' /etc/passwd
ok $? "the unit runs /usr/sbin/mailticket-deliver; the mailticket user has no login shell"

# What postinst made, with the modes of contrib/postfix/README.
modes () { stat -c '%a %U %G' "$@"; }
expect_equal "$(modes /var/lib/mailticket)" "2770 mailticket mailticket" "/var/lib/mailticket: 2770 mailticket:mailticket"
expect_equal "$(modes /etc/mailticket/secret)" "640 root mailticket" "/etc/mailticket/secret: 0640 root:mailticket"
[ "$(wc -c </etc/mailticket/secret)" -ge 32 ]
ok $? "... and holds a secret"
expect_equal "$(modes /etc/mailticket/mailticket.conf)" "640 root mailticket" \
	"/etc/mailticket/mailticket.conf: 0640 root:mailticket"
expect_equal "$(modes /var/lib/mailticket/mailticket.db)" "660 mailticket mailticket" \
	"the database, made by mailticket init: 0660 mailticket:mailticket"

# systemd-analyze security, offline: an exposure of 2.0 or less.
for unit in mailticket-deliver.service mailticket-send.service; do
	if systemd-analyze security --offline=yes "/lib/systemd/system/$unit" >"$out" 2>&1; then
		level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$out")
		awk -v l="${level:-99}" 'BEGIN { exit !(l <= 2.0) }'
		ok $? "$unit: exposure ${level:-unknown}, 2.0 or less"
	else
		skip "$unit: exposure 2.0 or less" "no systemd-analyze security --offline here"
	fi
done

# The admin's part of contrib/postfix/README: the domain in the
# configuration, the master.cf entry of the documentation (here in a
# private Postfix instance), a message through SMTP.
sed -i -e 's/^#domain = example.org/domain = example.org/' -e 's/^#address = /address = /' \
	/etc/mailticket/mailticket.conf
chmod 0755 "$tmp"	# Postfix's daemons reach their queue in it
mkdir -m 0755 "$cfg" "$spool"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$cfg/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $spool
data_directory = $tmp/data
maillog_file = $maillog
maillog_file_prefixes = $tmp
myhostname = mx.example.org
mydestination = example.org
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject_unauth_destination
default_transport = error:5.7.1 this test instance sends no mail out
alias_maps =
local_recipient_maps =
transport_maps = hash:$cfg/transport
mailticket_destination_recipient_limit = 1
recipient_delimiter = +
EOF
{
	postfix_services "$cfg" "$port"
	sed -n '/^mailticket /,$p' /usr/share/doc/mailticket/postfix/master.cf | sed 's|/usr/local/sbin/|/usr/sbin/|'
} >"$cfg/master.cf"
echo "support@example.org mailticket:" >"$cfg/transport"
postmap -c "$cfg" "hash:$cfg/transport"
postconf -c "$cfg" -M mailticket/unix | grep -q 'argv=/usr/sbin/mailticket-deliver '
ok $? "master.cf: the documented entry, running /usr/sbin/mailticket-deliver"
postfix -c "$cfg" start >"$out" 2>&1
ok $? "a private Postfix on 127.0.0.1:$port" || { cat "$out" "$maillog" | tail -n 20 | sed 's/^/#   /'; exit 1; }
swaks --server "127.0.0.1:$port" --from anna@customer.test --to support@example.org \
	--header 'Subject: printer on fire' --header 'Message-ID: <deb-test-1@customer.test>' \
	--body 'The printer on floor 2 is on fire.' >"$out" 2>&1
qid=$(sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$out")
i=0
while [ $i -lt 300 ] && ! grep -q "$qid: to=<support@example.org>, relay=mailticket" "$maillog" 2>/dev/null; do
	sleep 0.1; i=$((i + 1))
done
grep "$qid: to=<support@example.org>, relay=mailticket" "$maillog" | sed 's/^/# /'
grep "$qid: to=<support@example.org>, relay=mailticket, .* status=sent" "$maillog" >/dev/null
ok $? "Postfix delivered $qid through the pipe transport: status=sent"
mailticket list --json >"$out" 2>"$err"
grep -q 'printer on fire' "$out"
ok $? "the installed mailticket lists its ticket" || sed 's/^/#   /' "$err"
postfix -c "$cfg" stop >/dev/null 2>&1

expect_code 0 "dpkg -r removes it" -- dpkg -r mailticket
[ ! -e /usr/sbin/mailticket-deliver ] && [ ! -e /usr/lib/mailticket ] && [ ! -e /usr/bin/mailticket ]
ok $? "... the programs are gone"
[ -s /var/lib/mailticket/mailticket.db ] && [ -s /etc/mailticket/secret ] && [ -e /etc/mailticket/mailticket.conf ]
ok $? "... the database, the secret and the configuration stay"

expect_code 0 "dpkg -P purges it" -- dpkg -P mailticket
left=$(ls -d /var/lib/mailticket /etc/mailticket /etc/cron.d/mailticket 2>/dev/null)
expect_equal "$left" "" "... nothing of it left in /etc and /var/lib"
if [ "$user_before" = yes ]; then
	id -u mailticket >/dev/null 2>&1
	ok $? "... the mailticket user, there before the package, stays"
else
	! id -u mailticket >/dev/null 2>&1 && ! getent group mailticket >/dev/null
	ok $? "... the mailticket user and group, made by postinst, are gone"
fi
