#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Postfix delivers into mailticket exactly as contrib/postfix documents it.
#
# A private Postfix instance of the test's own: its own config, queue and
# data directories under $tmp, SMTP on 127.0.0.1 at a free high port and no
# other interface, no relaying, no mail out. Its mailticket transport, the
# mailticket settings of main.cf and the transport map are made from the
# files in contrib/postfix, with only the paths and the user replaced. Mail
# goes in over SMTP (swaks, smtp-source); the assertions are on the tickets
# and on Postfix's own view: postqueue -j, its log, a bounce delivered to a
# local mailbox. The instance is stopped at the end, also after a failure.
. "$(dirname "$0")/../lib.sh"
PATH=$PATH:/usr/sbin:/sbin
umask 002	# group-writable, as contrib/postfix/README asks of agents

[ "$(id -u)" = 0 ] || cannot "not root: starting a Postfix instance and pipe(8) user= need root"
need postfix:postfix postfix:postqueue postfix:smtp-source swaks:swaks
mt_account
plan 82

cfg=$tmp/postfix			# config_directory
spool=$tmp/spool			# queue_directory
maillog=$tmp/maillog			# maillog_file
mbox=$tmp/mbox				# local mailboxes: the senders' bounces
contrib=$top/contrib/postfix
mkdir -m 0755 "$cfg" "$spool"
mkdir -m 0755 "$mbox" && chown "$MT_USER" "$mbox"

# The database as contrib/postfix/README steps 2 and 4 make it: a
# directory of the account's own, mode 2770, the database mode 0660.
install -d -o "$MT_USER" -g "$(id -gn "$MT_USER")" -m 2770 "$tmp/db"
DB=$tmp/db/mailticket.db

# conf [LINES...]: the configuration mailticket-deliver runs with under
# pipe(8) (and the CLI here), LINES added to [mail]. Replaced by a rename,
# so that a delivery running meanwhile reads the old one or the new one.
busy=10000 conf_tail=
conf () {
	{
		printf '[database]\npath=%s\nbusy_timeout=%s\n' "$DB" "$busy"
		printf '[mail]\ndomain=example.org\naddress=support@example.org\ntag=Ticket\n'
		if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
		if [ -n "$conf_tail" ]; then printf '%s\n' "$conf_tail"; fi
	} >"$tmp/deliver.conf.new" && chmod 0644 "$tmp/deliver.conf.new" &&
		mv "$tmp/deliver.conf.new" "$tmp/deliver.conf"
}
conf
MAILTICKET_CONF=$tmp/deliver.conf
as_mt "$BIN/mailticket" --db "$DB" init >/dev/null && chmod 0660 "$DB"
ok $? "database created by $MT_USER, mode 0660"
# the second address of the transport map is a queue of its own, as
# contrib/postfix/README makes it
as_mt "$BIN/mailticket" --db "$DB" queue add sales --address sales@example.org
ok $? "queue add sales"

# main.cf: what makes this a private instance, then contrib/postfix/main.cf
# with the transport map in $cfg and its local_recipient_maps line taken in
# (example.org is in mydestination here).
cat >"$cfg/main.cf" <<EOF
# The test's private instance.
compatibility_level = 3.6
queue_directory = $spool
data_directory = $tmp/data
maillog_file = $maillog
maillog_file_prefixes = $tmp
myhostname = mx.example.org
mydomain = example.org
myorigin = \$mydomain
mydestination = example.org, customer.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject_unauth_destination
relayhost =
default_transport = error:5.7.1 this test instance sends no mail out
relay_transport = \$default_transport
alias_maps = hash:$cfg/aliases
alias_database = \$alias_maps
default_privs = $MT_USER
# local(8) writes nothing outside \$tmp: no system mailbox, no ~/.forward
mail_spool_directory = $mbox
forward_path =
mailbox_command =
in_flow_delay = 0
biff = no

# contrib/postfix/main.cf:
EOF
sed -e "s|/etc/postfix/transport|$cfg/transport|g" \
	-e 's|^#\(local_recipient_maps *=.*\)|\1|' "$contrib/main.cf" >>"$cfg/main.cf"

# master.cf: Postfix's own services from its master.cf.proto, chroot off
# (the queue directory is no jail), the SMTP server only on
# 127.0.0.1:PORT, no other network listener and no third-party pipe
# services; then the mailticket entry of contrib/postfix/master.cf.
master_cf () {
	postfix_services "$cfg" "$1"
	sed -e "s|user=mailticket |user=$MT_USER |" \
		-e "s|argv=/usr/local/sbin/mailticket-deliver |argv=$BIN/mailticket-deliver -c $tmp/deliver.conf |" \
		"$contrib/master.cf"
}
master_cf 0 >"$cfg/master.cf"

# The transport map of contrib/postfix as it is.
cp "$contrib/transport" "$cfg/transport"
# Bounces to the customer anna@customer.test land in a local mailbox.
echo "anna: $mbox/anna" >"$cfg/aliases"
postmap -c "$cfg" "hash:$cfg/transport" && postalias -c "$cfg" "hash:$cfg/aliases"
ok $? "postmap of contrib/postfix/transport, postalias"
postconf -c "$cfg" -h transport_maps local_recipient_maps recipient_delimiter \
	mailticket_destination_recipient_limit | tr '\n' '|' >"$out"
expect_equal "$(cat "$out")" \
	"hash:$cfg/transport|proxy:unix:passwd.byname \$alias_maps hash:$cfg/transport|+|1|" \
	"main.cf: the settings of contrib/postfix/main.cf"

pf () { postfix -c "$cfg" "$@"; }
pq () { postqueue -c "$cfg" "$@"; }
master_pid () { cat "$spool/pid/master.pid" 2>/dev/null | tr -d ' '; }
# instance_pids: every process of this instance (Postfix passes its
# config directory to each daemon in MAIL_CONFIG)
instance_pids () {
	grep -lazx "MAIL_CONFIG=$cfg" /proc/[0-9]*/environ 2>/dev/null | sed 's|^/proc/\([0-9]*\)/environ$|\1|'
}
stop_instance () {
	pkill -KILL -f -- "--serve -c $tmp/deliver.conf" 2>/dev/null
	[ -e "$cfg/master.cf" ] || return 0
	if [ -n "$(master_pid)" ] && kill -0 "$(master_pid)" 2>/dev/null; then
		pf stop >/dev/null 2>&1
	fi
	i=0
	while [ -n "$(instance_pids)" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	left=$(instance_pids)
	if [ -n "$left" ]; then
		echo "# processes of the instance left after postfix stop: $left; killing them"
		kill -9 $left 2>/dev/null
		test_failed=$((test_failed + 1))
	fi
}
at_exit=stop_instance

# Start on a free port; another process may take it between the probe and
# the bind, so try a few.
free_port () {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
started=1
for try in 1 2 3; do
	port=$(free_port)
	master_cf "$port" >"$cfg/master.cf"
	if [ "$try" = 1 ]; then
		postconf -c "$cfg" -M mailticket/unix | tr -s ' ' >"$out"
		expect_equal "$(cat "$out")" \
			"mailticket unix - n n - 10 pipe flags=DRXO user=$MT_USER argv=$BIN/mailticket-deliver -c $tmp/deliver.conf -q \${queue_id} -f \${sender} -r \${recipient}" \
			"master.cf: the entry of contrib/postfix/master.cf, with this test's paths"
		pf check >"$out" 2>&1
		ok $? "postfix check" || sed 's/^/#   /' "$out"
	fi
	pf start >"$out" 2>&1 && { started=0; break; }
	grep -q 'Address already in use' "$maillog" || break
done
ok $started "private Postfix started on 127.0.0.1:$port" || {
	sed 's/^/#   /' "$out"; tail -n 5 "$maillog" | sed 's/^/#   /'
	exit 1
}
if command -v ss >/dev/null 2>&1; then
	ss -Hltnp | grep "pid=$(master_pid)," | awk '{ print $4 }' | sort -u >"$out"
	expect_equal "$(cat "$out")" "127.0.0.1:$port" "the instance listens on 127.0.0.1:$port only"
else
	skip "the instance listens on 127.0.0.1:$port only" "no ss(8)"
fi

# wait_empty [SECONDS]: until postqueue -j lists nothing
wait_empty () {
	w_i=0 w_n=$((${1:-60} * 10))
	while :; do
		q=$(pq -j) || return 1
		[ -z "$q" ] && return 0
		[ $w_i -ge $w_n ] && break
		sleep 0.1; w_i=$((w_i + 1))
	done
	diag "queue not empty after ${1:-60} s:" "$(printf '%s\n' "$q" | head -n 3)"
	return 1
}
# queue_state QUEUE-ID: "queue_name|delay_reason" from postqueue -j
queue_state () {
	pq -j | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m["queue_id"] == sys.argv[1]:
        print(m["queue_name"] + "|" + " ".join(r.get("delay_reason", "") for r in m["recipients"]))' "$1"
}
# smtp ARGS...: swaks against the instance; $qid is the queue id
smtp () {
	swaks --server "127.0.0.1:$port" --helo client.customer.test "$@" >"$out" 2>&1
	rc=$?
	qid=$(sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$out")
	return $rc
}
# logged QUEUE-ID PATTERN: the pipe(8) log line of that queue id matches
logged () { grep "postfix/pipe\[[0-9]*\]: $1: to=<" "$maillog" | grep -q -- "$2"; }
tk () { sql "select ticket from articles where message_id = '$1'"; }
art () { sql "select $2 from articles where message_id = '$1'"; }
nart () { sql "select count(*) from articles where message_id = '$1'"; }
sent () { grep -c 'relay=mailticket, .* status=sent ' "$maillog"; }

# SMTP refuses what is not ours.
smtp --from anna@customer.test --to someone@elsewhere.test
grep -q 'Relay access denied' "$out"
ok $? "relaying to another domain is refused" || tail -n 3 "$out" | sed 's/^/#   /'
smtp --from anna@customer.test --to no-such-user@example.org
grep -q 'User unknown in local recipient table' "$out"
ok $? "an address outside the transport map is unknown at SMTP time" || tail -n 3 "$out" | sed 's/^/#   /'

# A new request.
smtp --from anna@customer.test --to support@example.org \
	--header 'From: Anna Example <anna@customer.test>' --header 'To: Support <support@example.org>' \
	--header 'Subject: Printer on fire' --header 'Message-Id: <pf-new@customer.test>' \
	--body 'The printer on the second floor is on fire.'
ok $? "new request accepted over SMTP (queue id $qid)"
wait_empty; ok $? "queue empty"
logged "$qid" 'relay=mailticket, .* dsn=2\.0\.0, status=sent'; ok $? "log: $qid sent via the mailticket transport"
t1=$(tk pf-new@customer.test)
expect_equal "$(art pf-new@customer.test "via || ' ' || envelope_from || ' ' || envelope_to")" \
	"new anna@customer.test support@example.org" "a new ticket, with the envelope from -f and -r"
expect_equal "$(mt show "$t1" --json | json 'd["queue"]')" support "in the queue support"
a1=$(art pf-new@customer.test id)
mt show "$t1" --raw "$a1" | sed -n '1,/^$/p' >"$out"
grep -qx 'Return-Path: <anna@customer.test>' "$out" && grep -qx 'Delivered-To: support@example.org' "$out" &&
	grep -qx 'X-Original-To: support@example.org' "$out"
ok $? "flags=DRXO: Return-Path, Delivered-To and X-Original-To in the stored message" ||
	sed 's/^/#   /' "$out" | head -n 8

# flags=X: a sender who asks for a success DSN (RCPT ... NOTIFY=SUCCESS)
# is told "delivered", and Postfix logs that it sent one.
python3 - "$port" >"$out" 2>&1 <<'PYEND'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.ehlo("client.customer.test")
s.mail("anna@customer.test", ["RET=HDRS"])
s.rcpt("support@example.org", ["NOTIFY=SUCCESS"])
code, resp = s.data(b"From: anna@customer.test\r\nTo: support@example.org\r\nSubject: tell me\r\n"
                    b"Message-ID: <pf-dsn@customer.test>\r\n\r\nTell me it arrived.\r\n")
print(resp.decode().split()[-1])
s.quit()
PYEND
qid=$(tail -n 1 "$out")
wait_empty
python3 - "$mbox/anna" "$qid" >"$out" 2>&1 <<'PYEND'
import mailbox, sys
for m in mailbox.mbox(sys.argv[1]):
    for p in m.walk():
        if p.get_content_type() == "message/delivery-status":
            fields = {k.lower(): str(v) for s in p.get_payload() for k, v in s.items()}
            if fields.get("x-postfix-queue-id") == sys.argv[2]:
                print(fields["action"])
PYEND
expect_equal "$(cat "$out")" delivered "flags=X: the success DSN for $qid says Action: delivered"
grep "$qid: " "$maillog" | grep -q 'sender delivery status notification'
ok $? "... and Postfix logs the notification it sent" || grep "$qid" "$maillog" | sed 's/^/#   /'

# A reply, threaded by In-Reply-To.
smtp --from anna@customer.test --to support@example.org \
	--header 'Subject: still burning' --header 'Message-Id: <pf-reply@customer.test>' \
	--add-header 'In-Reply-To: <pf-new@customer.test>' --body 'It is still burning.'
ok $? "reply accepted over SMTP"
wait_empty; ok $? "queue empty"
expect_equal "$(art pf-reply@customer.test "ticket || ' ' || via")" "$t1 in-reply-to" \
	"the reply joins ticket $t1 by In-Reply-To"

# A second address: the envelope recipient alone (the header names a
# list) decides the queue, so it must have reached -r.
smtp --from bert@customer.test --to sales@example.org \
	--header 'To: Purchasing <purchasing-list@customer.test>' \
	--header 'Subject: Quote for 40 chairs' --header 'Message-Id: <pf-sales@customer.test>' \
	--body 'Please send a quote.'
ok $? "mail to sales@example.org accepted"
wait_empty; ok $? "queue empty"
t2=$(tk pf-sales@customer.test)
expect_equal "$(mt show "$t2" --json | json 'd["queue"]') $(art pf-sales@customer.test envelope_to)" \
	"sales sales@example.org" "mail to sales@ opens a ticket in the queue sales (-r)"

# The reply address with its token, in the envelope only.
reply_to=$(mt token "$t1" | head -n 1)
case $reply_to in
support+"$t1".*@example.org) ok 0 "reply address of ticket $t1: $reply_to" ;;
*) ok 1 "reply address of ticket $t1"; diag "mailticket token: '$reply_to'" ;;
esac
smtp --from anna@customer.test --to "$reply_to" \
	--header 'To: Support <support@example.org>' --header 'Subject: a fresh subject' \
	--header 'Message-Id: <pf-token@customer.test>' --body 'Sent to the reply address.'
ok $? "mail to $reply_to accepted (recipient_delimiter)"
wait_empty; ok $? "queue empty"
logged "$qid" "to=<$reply_to>, .*relay=mailticket, .*status=sent"
ok $? "log: delivered to $reply_to through the support@example.org line of the map"
expect_equal "$(art pf-token@customer.test "ticket || ' ' || via || ' ' || envelope_to")" \
	"$t1 token $reply_to" "the plus-addressed token reaches -r and joins ticket $t1"

# 200 messages from smtp-source, 8 sessions at a time.
before=$(sent)
start=$(date +%s.%N)
smtp-source -s 8 -m 200 -f load@customer.test -t support@example.org -S 'smtp-source load' \
	-M client.customer.test "127.0.0.1:$port" >"$out" 2>&1
ok $? "smtp-source: 200 messages, 8 sessions at a time" || sed 's/^/#   /' "$out" | head -n 5
wait_empty 120; ok $? "queue empty"
diag "200 messages through SMTP and pipe(8) in $(python3 -c "import time; print('%.1f' % (time.time() - $start))") s"
expect_equal "$(sql "select count(*), count(distinct message_id), count(distinct blob), count(distinct ticket)
	from articles where envelope_from = 'load@customer.test'")" "200|200|200|200" \
	"all 200 stored exactly once, one new ticket each"
expect_equal "$(($(sent) - before))" 200 "log: 200 times status=sent via mailticket"
expect_equal "$(grep -c 'relay=mailticket, .* status=\(deferred\|bounced\)' "$maillog")" 0 \
	"log: nothing deferred or bounced so far"

# The database locked past busy_timeout: pipe(8) defers with 4.3.0, the
# mail waits in the deferred queue, and is stored once after the flush.
busy=500; conf
lock_db; ok $? "a writer holds the database lock"
n=$(sql 'select count(*) from articles')
smtp --from anna@customer.test --to support@example.org \
	--header 'Subject: while locked' --header 'Message-Id: <pf-locked@customer.test>' \
	--body 'Sent while the database is locked.'
ok $? "mail accepted while the database is locked ($qid)"
i=0
while [ "$(queue_state "$qid" | cut -d'|' -f1)" != deferred ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
state=$(queue_state "$qid")
case $state in
deferred\|*"mailticket-deliver: "*"database is locked"*) ok 0 "postqueue -j: $qid deferred: ${state#*|}" ;;
*) ok 1 "postqueue -j: $qid deferred, reason from mailticket-deliver"; diag "state: '$state'" ;;
esac
logged "$qid" 'relay=mailticket, .* dsn=4\.3\.0, status=deferred (mailticket-deliver: .*database is locked'
ok $? "log: dsn=4.3.0, status=deferred, mailticket's reason" || grep "$qid" "$maillog" | sed 's/^/#   /'
pq -f
i=0
while { [ "$(grep -c "$qid: to=<.*dsn=4\.3\.0, status=deferred" "$maillog")" -lt 2 ] ||
	[ "$(queue_state "$qid" | cut -d'|' -f1)" != deferred ]; } && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
expect_equal "$(queue_state "$qid" | cut -d'|' -f1) $(grep -c "$qid: to=<.*status=deferred" "$maillog")" \
	"deferred 2" "a flush while still locked: deferred again, still queued"
expect_equal "$(sql 'select count(*) from articles') $(nart pf-locked@customer.test)" "$n 0" \
	"nothing stored while locked"
unlock_db
pq -f
wait_empty; ok $? "after the lock is released and the queue flushed: queue empty"
logged "$qid" 'relay=mailticket, .* status=sent'; ok $? "log: $qid sent"
expect_equal "$(nart pf-locked@customer.test)" 1 "stored exactly once"
busy=10000; conf

# Over max_message_size: bounced with mailticket's 5.2.3 reason.
conf 'max_message_size=2K'
python3 -c 'print(("y" * 99 + "\n") * 100, end="")' >"$tmp/big.txt"
n=$(sql 'select count(*) from articles')
smtp --from anna@customer.test --to support@example.org \
	--header 'Subject: a big one' --header 'Message-Id: <pf-big@customer.test>' --body @"$tmp/big.txt"
ok $? "a 10 KB message accepted by Postfix ($qid)"
wait_empty; ok $? "queue empty"
logged "$qid" 'relay=mailticket, .* dsn=5\.2\.3, status=bounced (mailticket-deliver: message size [0-9]* exceeds the limit of 2048 bytes'
ok $? "log: dsn=5.2.3, status=bounced, mailticket's reason" || grep "$qid" "$maillog" | sed 's/^/#   /'
expect_equal "$(sql 'select count(*) from articles') $(nart pf-big@customer.test)" "$n 0" "nothing stored"
python3 - "$mbox/anna" "$qid" >"$out" 2>&1 <<'EOF'
import mailbox, re, sys
for m in mailbox.mbox(sys.argv[1]):
    if m.get_content_type() != "multipart/report":
        continue
    parts = {}
    for p in m.walk():
        parts.setdefault(p.get_content_type(), p)
    status = parts["message/delivery-status"].get_payload()
    fields = {k.lower(): re.sub(r"\s+", " ", str(v)) for s in status for k, v in s.items()}
    if fields.get("x-postfix-queue-id") != sys.argv[2]:
        continue
    text = re.sub(r"\s+", " ", parts["text/plain"].get_payload(decode=True).decode())
    print(fields["action"], fields["status"], fields["final-recipient"])
    print(fields["diagnostic-code"])
    print("notification:", "mailticket-deliver: message size" in text)
EOF
sed 's/^/# bounce: /' "$out"
{
	read -r line1 && [ "$line1" = "failed 5.2.3 rfc822; support@example.org" ] &&
		read -r line2 && case $line2 in "x-unix; mailticket-deliver: message size "*" exceeds the limit of 2048 bytes") ;; *) false ;; esac &&
		read -r line3 && [ "$line3" = "notification: True" ]
} <"$out"
ok $? "the bounce to anna@customer.test: Status 5.2.3 and mailticket's reason in the DSN"
conf

# The delivery server of step 9 in contrib/postfix/README: with [deliver]
# socket set, each mailticket-deliver that pipe(8) starts hands its
# message to mailticket-deliver --serve, running as the same user.
conf '[deliver]' "socket=$tmp/db/deliver.sock"
as_mt "$BIN/mailticket-deliver" -v --serve -c "$tmp/deliver.conf" 2>"$tmp/serve.log" &
i=0
while ! grep -q 'serving' "$tmp/serve.log" && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
grep -q 'serving' "$tmp/serve.log"; ok $? "mailticket-deliver --serve runs as $MT_USER"
before=$(sent)
smtp-source -s 4 -m 20 -f served@customer.test -t support@example.org -S 'served load' \
	-M client.customer.test "127.0.0.1:$port" >"$out" 2>&1
ok $? "smtp-source: 20 messages, 4 sessions at a time" || sed 's/^/#   /' "$out" | head -n 5
wait_empty 60; ok $? "queue empty"
expect_equal "$(sql "select count(*), count(distinct blob) from articles where envelope_from = 'served@customer.test'")" \
	"20|20" "all 20 stored once"
expect_equal "$(grep -c 'ticket=.* action=new' "$tmp/serve.log")" 20 "... each by the server"
expect_equal "$(($(sent) - before))" 20 "log: 20 times status=sent via mailticket"
pkill -TERM -f -- "--serve -c $tmp/deliver.conf"
i=0
while pgrep -f -- "--serve -c $tmp/deliver.conf" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ ! -e "$tmp/db/deliver.sock" ]; ok $? "the server stops on SIGTERM and removes its socket"
conf

# LMTP, the setup contrib/postfix/README recommends for busy hosts:
# Postfix's lmtp(8) delivers into mailticket-deliver --serve on its
# socket (contrib/postfix/transport.lmtp), and sales@ over TCP as a relay
# on another host would, from an address in [deliver] allow. lmtp(8)
# runs as postfix: [deliver] users names it.
install -d -o "$MT_USER" -m 0755 "$tmp/run"
lport=$(free_port)
conf_tail="[deliver]
socket=$tmp/run/lmtp
listen=127.0.0.1:$lport
allow=127.0.0.1
users=$(postconf -c "$cfg" -h mail_owner)"
conf
as_mt "$BIN/mailticket-deliver" -v --serve -c "$tmp/deliver.conf" 2>"$tmp/lmtp.log" &
i=0
while ! grep -q 'serving' "$tmp/lmtp.log" && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
grep -q 'serving' "$tmp/lmtp.log"; ok $? "mailticket-deliver --serve runs as $MT_USER, on its socket and 127.0.0.1:$lport"
sed -e "s|lmtp:unix:/run/mailticket/lmtp|lmtp:unix:$tmp/run/lmtp|" \
	-e "s|^sales@example.org .*|sales@example.org lmtp:inet:127.0.0.1:$lport|" "$contrib/transport.lmtp" >"$cfg/transport"
postmap -c "$cfg" "hash:$cfg/transport" && pf reload >/dev/null 2>&1
ok $? "transport map of contrib/postfix/transport.lmtp, postfix reload"
sleep 1
lsent () { grep -c "postfix/lmtp\[[0-9]*\]: .*status=sent (250 2.0.0 ticket=" "$maillog"; }
llogged () { grep "postfix/lmtp\[[0-9]*\]: $1: to=<" "$maillog" | grep -q -- "$2"; }

smtp --from anna@customer.test --to support@example.org \
	--header 'Subject: LMTP printer' --header 'Message-Id: <lm-new@customer.test>' --body 'On fire, over LMTP.'
ok $? "a new request over SMTP ($qid)"
wait_empty; ok $? "queue empty"
llogged "$qid" 'dsn=2\.0\.0, status=sent (250 2\.0\.0 ticket=[0-9]* article=[0-9]* action=new'
ok $? "log: $qid sent by lmtp(8), our 250 2.0.0 with the ticket" || grep "$qid" "$maillog" | sed 's/^/#   /'
t3=$(tk lm-new@customer.test)
expect_equal "$(art lm-new@customer.test "via || ' ' || envelope_from || ' ' || envelope_to")" \
	"new anna@customer.test support@example.org" "a new ticket, MAIL FROM and RCPT TO its envelope"
smtp --from anna@customer.test --to support@example.org,sales@example.org \
	--header 'Subject: still burning' --header 'Message-Id: <lm-reply@customer.test>' \
	--add-header 'In-Reply-To: <lm-new@customer.test>' --body 'Still burning.'
ok $? "a reply to support@ and sales@ (TCP) over SMTP ($qid)"
wait_empty; ok $? "queue empty"

expect_equal "$(sql "select group_concat(ticket || ' ' || envelope_to, ', ') from (select ticket, envelope_to from articles where message_id = 'lm-reply@customer.test' order by envelope_to)")" \
	"$t3 sales@example.org, $t3 support@example.org" "the reply joins ticket $t3, filed for each recipient, one by TCP"

before=$(lsent)
smtp-source -s 8 -m 200 -f lmload@customer.test -t support@example.org -S 'lmtp load' \
	-M client.customer.test "127.0.0.1:$port" >"$out" 2>&1
ok $? "smtp-source: 200 messages, 8 sessions at a time" || sed 's/^/#   /' "$out" | head -n 5
wait_empty 120; ok $? "queue empty"
expect_equal "$(sql "select count(*), count(distinct message_id), count(distinct blob) from articles where envelope_from = 'lmload@customer.test'")" \
	"200|200|200" "all 200 stored exactly once"
expect_equal "$(($(lsent) - before))" 200 "log: 200 times status=sent by lmtp(8)"

busy=500; conf
lock_db; ok $? "a writer holds the database lock"
smtp --from anna@customer.test --to support@example.org \
	--header 'Subject: LMTP locked' --header 'Message-Id: <lm-locked@customer.test>' --body 'Locked.'
ok $? "mail accepted while the database is locked ($qid)"
i=0
while [ "$(queue_state "$qid" | cut -d'|' -f1)" != deferred ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
llogged "$qid" 'dsn=4\.3\.0, status=deferred (host .* said: 451 4\.3\.0 mailticket-deliver: .*database is locked'
ok $? "log: dsn=4.3.0, status=deferred, our 451 4.3.0 and reason" || grep "$qid" "$maillog" | sed 's/^/#   /'
expect_equal "$(nart lm-locked@customer.test)" 0 "nothing stored while locked"
unlock_db
pq -f
wait_empty; ok $? "after the lock is released and the queue flushed: queue empty"
expect_equal "$(nart lm-locked@customer.test)" 1 "stored exactly once"
busy=10000

# Over max_message_size: LHLO says SIZE without a number, so lmtp(8)
# sends SIZE= with MAIL FROM, refused with our 552 5.2.3 and reason
# before the message is sent; Postfix bounces it with them.
conf 'max_message_size=2K'
smtp --from anna@customer.test --to support@example.org \
	--header 'Subject: LMTP big' --header 'Message-Id: <lm-big@customer.test>' --body @"$tmp/big.txt"
ok $? "a 10 KB message accepted by Postfix ($qid)"
wait_empty; ok $? "queue empty"
llogged "$qid" 'dsn=5\.2\.3, status=bounced (host .* said: 552 5\.2\.3 mailticket-deliver: message size [0-9]* exceeds the limit of 2048 bytes (in reply to MAIL FROM command))'
ok $? "log: bounced at MAIL FROM, 552 5.2.3 and our reason" || grep "$qid" "$maillog" | sed 's/^/#   /'
expect_equal "$(nart lm-big@customer.test)" 0 "nothing stored"
python3 - "$mbox/anna" "$qid" >"$out" 2>&1 <<'PYEND'
import mailbox, re, sys
for m in mailbox.mbox(sys.argv[1]):
    for p in m.walk():
        if p.get_content_type() == "message/delivery-status":
            fields = {k.lower(): re.sub(r"\s+", " ", str(v)) for s in p.get_payload() for k, v in s.items()}
            if fields.get("x-postfix-queue-id") == sys.argv[2]:
                print(fields["status"], fields["diagnostic-code"])
PYEND
case $(cat "$out") in
"5.2.3 smtp; 552 5.2.3 mailticket-deliver: message size "*" exceeds the limit of 2048 bytes") ok 0 "the bounce to anna@customer.test: Status 5.2.3 and our reason" ;;
*) ok 1 "the bounce to anna@customer.test: Status 5.2.3 and our reason"; sed 's/^/#   /' "$out" ;;
esac
conf

pkill -TERM -f -- "--serve -c $tmp/deliver.conf"
i=0
while pgrep -f -- "--serve -c $tmp/deliver.conf" >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ ! -e "$tmp/run/lmtp" ]; ok $? "the LMTP server stops on SIGTERM and removes its socket"
conf_tail=; conf

# Stop; nothing of the instance may survive.
pf stop >"$out" 2>&1; ok $? "postfix stop"
i=0
while [ -n "$(instance_pids)" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
expect_equal "$(instance_pids | tr '\n' ' ')" "" "no process of the instance left"
at_exit=
