#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket.conf as an admin gets it wrong: an unknown section or key
# ("domian =", "[databse]", "secrt_file") is a warning with FILE:LINE on
# the stderr of every program, and never makes mailticket-deliver defer
# or refuse a message (the front tells them once, whether it hands the
# message to the delivery server or not); a bad value is an error with
# FILE:LINE.
# mailticket config check lists them all and fails; config show prints
# each value with where it came from, the default domain from
# /etc/mailname ($MAILTICKET_MAILNAME here) included; neither needs a
# database. An agent who may not open the database is told why.
. "$(dirname "$0")/../lib.sh"

mt_account
plan 48

# Each test names the file it reads: the one lib.sh wrote stays as it is.
cat >"$tmp/typo.conf" <<EOF
[database]
busy_timeout=10000
[mail]
domain=example.org
address=support@example.org
domian = example.org
secrt_file = /etc/mailticket/secret
[databse]
path = /nowhere.db
EOF
typo=$tmp/typo.conf
sed 's/^busy_timeout=10000$/&\nmax_size = 1/; s/^domain=example.org$/&\nmax_message_size = lots/' \
	"$MAILTICKET_CONF" >"$tmp/bad.conf"
bad=$tmp/bad.conf
# has FILE TEXT: whether FILE holds the line TEXT, exactly
has () { grep -qxF -- "$2" "$1"; }
message () { compose "anna@customer.test" "support@example.org" "$1@config.test" "$1" <<EOF
Hello.
EOF
}

expect_code 0 "init" -- mt init

# The warnings, from every program.
expect_code 0 "mailticket runs with unknown keys and sections" -- mt -c "$typo" list
has "$err" "mailticket: warning: $typo:6: unknown key domian in [mail]; did you mean domain?"
ok $? "... warns of domian with its line, and what was meant"
has "$err" "mailticket: warning: $typo:7: unknown key secrt_file in [mail]; did you mean secret_file?"
ok $? "... of secrt_file"
has "$err" "mailticket: warning: $typo:8: unknown section [databse]; did you mean [database]?"
ok $? "... of [databse]"
expect_equal "$(wc -l <"$err" | tr -d ' ')" 3 "... three lines, nothing else"

message first >"$tmp/first"
expect_code 0 "mailticket-deliver files a message all the same" -- deliver -c "$typo" <"$tmp/first"
expect_equal "$(sql "SELECT count(*) FROM articles")" 1 "... the message is stored"
has "$err" "mailticket-deliver: warning: $typo:6: unknown key domian in [mail]; did you mean domain?"
ok $? "... and its stderr has the warnings with their lines"
expect_equal "$(grep -c warning "$err")" 3 "... each once"

# A server socket named, nobody listening: the front hands over to
# mailticket-deliver-local, which warns; the front does not warn twice.
{ cat "$typo"; printf '[deliver]\nsocket = %s/nobody.sock\n' "$tmp"; } >"$tmp/socket.conf"
message second | deliver -c "$tmp/socket.conf" >"$out" 2>"$err"
expect_equal "$? $(grep -c 'unknown key domian' "$err")" "0 1" "with a [deliver] socket and no server: filed, warned once"

# A server listening: the front hands the message over and tells the
# warnings itself, once; the server logs them when it reads the file.
server=
stop_server () { [ -z "$server" ] || { kill "$server"; wait "$server"; } 2>/dev/null; server=; }
at_exit=stop_server
{ cat "$typo"; printf '[deliver]\nsocket = %s/d.sock\n' "$tmp"; } >"$tmp/serve.conf"
"$BIN/mailticket-deliver" -v --serve -c "$tmp/serve.conf" --db "$DB" 2>"$tmp/server.log" &
server=$!
tries=$(limit 100)
for i in $(seq "${tries%.*}"); do grep -qs serving "$tmp/server.log" && break; sleep 0.1; done
message served | deliver -v -c "$tmp/serve.conf" >"$out" 2>"$err"
expect_equal "$? $(grep -c 'by the server' "$err") $(grep -c 'unknown key domian' "$err")" "0 1 1" \
	"through the delivery server: filed by it, warned once"
grep -q "$tmp/serve.conf:6: unknown key domian" "$tmp/server.log"; ok $? "... and the server logged it"
stop_server

# Deferred for another reason: the MTA's status line comes first.
message third | "$BIN/mailticket-deliver" -c "$typo" --db "$tmp/no-such.db" >"$out" 2>"$err"
expect_equal "$? $(head -c 4 "$err")" "75 4.3." "a delivery that defers: 75, the status line first"
grep -q "$typo:6: unknown key domian" "$err"; ok $? "... the warnings after it"

expect_code 0 "mailticket-send warns too" -- "$BIN/mailticket-send" -c "$typo" --db "$DB"
has "$err" "mailticket-send: warning: $typo:8: unknown section [databse]; did you mean [database]?"
ok $? "... with the line"

# Bad values: errors that name the file and line.
expect_code 1 "a bad value stops mailticket" -- mt -c "$bad" list
grep -q "^mailticket: $bad:6: \[mail\] max_message_size: a size such as 512K, 50M, 1G: lots$" "$err"
ok $? "... naming the file, line, key and what it takes"
message fourth >"$tmp/fourth"
expect_code 75 "mailticket-deliver defers on a bad value" -- deliver -c "$bad" <"$tmp/fourth"
grep -q "^4.3.5 mailticket-deliver: $bad:6: \[mail\] max_message_size" "$err"; ok $? "... 4.3.5, naming the line"
printf '[mail]\ndomain = x\nthis line is no key\n' >"$tmp/syntax.conf"
expect_code 1 "a line GKeyFile cannot read" -- mt -c "$tmp/syntax.conf" list
grep -q "^mailticket: $tmp/syntax.conf:3: " "$err"; ok $? "... is named with its line"

# config check.
expect_code 1 "config check: unknown keys fail it" -- mt config check "$typo"
expect_equal "$(cut -d: -f2 "$out" | tr '\n' ' ')" "6 7 8 " "... each listed with its line, in order"
has "$err" "mailticket: 3 problems in $typo"; ok $? "... and counted"
expect_code 1 "config check: a bad value fails it" -- mt config check "$bad"
expect_equal "$(cat "$out")" "$bad:3: unknown key max_size in [database]
$bad:6: [mail] max_message_size: a size such as 512K, 50M, 1G: lots" "... listed with the unknown key"
expect_code 0 "config check: the test's own file is clean" -- mt config check
expect_equal "$(cat "$out")" "$MAILTICKET_CONF: ok" "... ok"
expect_code 0 "config check -c FILE, no database there" -- "$BIN/mailticket" --db "$tmp/none/x.db" -c "$MAILTICKET_CONF" config check
[ ! -e "$tmp/none" ]; ok $? "... and none made"
expect_code 1 "config check of a file that is not there" -- mt config check "$tmp/missing.conf"
printf 'secret\n' >"$tmp/secret"
sed "s|/etc/mailticket/secret|$tmp/secret|" "$top/contrib/mailticket.conf" >"$tmp/shipped.conf"
expect_code 0 "config check: the example configuration shipped is clean" -- mt config check "$tmp/shipped.conf"

# config show: each value and where it came from.
expect_code 0 "config show, without a database" -- "$BIN/mailticket" config show
has "$out" "# file: $MAILTICKET_CONF  # \$MAILTICKET_CONF"; ok $? "... the file and why that one"
has "$out" "busy_timeout = 10000  # $MAILTICKET_CONF:2"; ok $? "... a key set in the file: FILE:LINE"
has "$out" "tag = Ticket  # $MAILTICKET_CONF:6"; ok $? "... another"
has "$out" "max_message_size = 50M  # default"; ok $? "... a default"
has "$out" "path = /var/lib/mailticket/mailticket.db  # default"; ok $? "... the default database"
MAILTICKET_DB=$tmp/env.db "$BIN/mailticket" config show >"$out" 2>"$err"
has "$out" "path = $tmp/env.db  # \$MAILTICKET_DB"; ok $? "... the database from the environment"
mt config show >"$out" 2>"$err"
has "$out" "path = $DB  # --db"; ok $? "... or from --db"

# The default domain: /etc/mailname's first line, else the host name.
printf '[database]\nbusy_timeout=10000\n' >"$tmp/nodomain.conf"
printf ' mx.example.net \nsecond line\n' >"$tmp/mailname"
MAILTICKET_MAILNAME=$tmp/mailname mt -c "$tmp/nodomain.conf" config show >"$out" 2>"$err"
has "$out" "domain = mx.example.net  # $tmp/mailname"; ok $? "no domain: the mailname's first line"
has "$out" "address = support@mx.example.net  # support@ [mail] domain"; ok $? "... and the address made of it"
MAILTICKET_MAILNAME=$tmp/no-mailname mt -c "$tmp/nodomain.conf" config show >"$out" 2>"$err"
has "$out" "domain = $(hostname)  # host name"; ok $? "no mailname: the host name"

# An agent not in the database's group.
GROUP=mail
chmod 0755 "$tmp"
chmod 0644 "$MAILTICKET_CONF"
mkdir -m 0750 "$tmp/private"
"$BIN/mailticket" --db "$tmp/private/m.db" init >/dev/null
chgrp -R "$GROUP" "$tmp/private"
if [ "$(id -u)" = 0 ] && ! as_mt id -Gn | tr ' ' '\n' | grep -qx "$GROUP"; then
	as_mt "$BIN/mailticket" --db "$tmp/private/m.db" list >"$out" 2>"$err"
	expect_equal "$? $(cat "$err")" \
		"75 mailticket: cannot open $tmp/private/m.db: permission denied (not in group $GROUP?)" \
		"a directory the agent may not enter: permission denied, and which group"
	chmod 0755 "$tmp/private"
	as_mt "$BIN/mailticket" --db "$tmp/private/m.db" list >"$out" 2>"$err"
	expect_equal "$? $(cat "$err")" \
		"75 mailticket: cannot open $tmp/private/m.db: permission denied (not in group $GROUP?)" \
		"a database file the agent may not read: the same"
	install -m 0640 -g "$GROUP" "$MAILTICKET_CONF" "$tmp/private.conf"
	as_mt "$BIN/mailticket" -c "$tmp/private.conf" --db "$tmp/private/m.db" list >"$out" 2>"$err"
	expect_equal "$? $(cat "$err")" \
		"1 mailticket: cannot open $tmp/private.conf: permission denied (not in group $GROUP?)" \
		"a config file the agent may not read: the same"
else
	skip "a directory the agent may not enter" "not root, or $MT_USER is in group $GROUP"
	skip "a database file the agent may not read" "not root, or $MT_USER is in group $GROUP"
	skip "a config file the agent may not read" "not root, or $MT_USER is in group $GROUP"
fi
