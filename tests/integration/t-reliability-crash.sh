#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Crashes: mailticket-deliver killed with SIGKILL at random moments and
# before each write, sync, truncate and unlink a delivery makes (strace's
# fault injection); after every kill the database passes integrity_check,
# the killed message is whole or absent, and delivering it again stores
# it once. mailticket-send killed in the middle of a session (at random,
# or before a write that records what the server said): run again, each
# message reaches the server once or twice, and is recorded as sent
# once. tests/crash.py does the killing; this script the counting.
. "$(dirname "$0")/../lib.sh"

need strace:strace
smtp_start
if ! strace -f -o /dev/null true 2>"$tmp/strace.err"; then
	cannot "strace cannot trace here: $(head -n 1 "$tmp/strace.err")"
fi
plan 10

expect_code 0 "init" -- mt init
mkdir "$tmp/mail"

# mailticket-deliver
python3 "$top/tests/crash.py" deliver "$BIN" "$DB" "$tmp/mail" "$(stress 40 400)" "$(stress 4 1)" \
	>"$tmp/deliver.figures" 2>"$tmp/deliver.problems"
ok $? "deliver: every kill left a sound database and a message whole or absent" ||
	sed 's/^/#   /' "$tmp/deliver.problems" | head -n 20
. "$tmp/deliver.figures"
expect_equal "$partial" 0 "deliver: no message partly stored"
expect_equal "$redelivered_once" "$((present + absent))" "deliver: each killed message, delivered again, stored once"
[ "$injected" -gt 0 ]; ok $? "deliver: kills before writes and syncs took place ($syscalls per delivery)"
figure "deliver: kills survived" "$kills"
figure "deliver: of them before a given write or sync" "$injected"
figure "deliver: killed message absent, then stored" "$absent"
figure "deliver: killed message already whole" "$present"
figure "deliver: partly stored (must be 0)" "$partial"

# mailticket-send (with agents' replies)
agent alice
python3 "$top/tests/crash.py" send "$BIN" "$DB" "$SMTP_DIR" "$(stress 4 30)" 1800000000 \
	>"$tmp/send.figures" 2>"$tmp/send.problems"
ok $? "send: after every kill and a restart, each message sent once or twice, recorded once" ||
	sed 's/^/#   /' "$tmp/send.problems" | head -n 20
. "$tmp/send.figures"
expect_equal "$lost $over_twice" "0 0" "send: none lost, none sent more than twice"
expect_equal "$recorded_once" "$messages" "send: every message recorded as sent"
[ "$kills" -gt 0 ]; ok $? "send: the sender was killed mid-session"
figure "send: kills survived" "$kills"
figure "send: messages" "$messages"
figure "send: sent once" "$sent_once"
figure "send: sent twice (taken by the server, not yet recorded at the kill)" "$sent_twice"
figure "send: lost (must be 0)" "$lost"
expect_equal "$(sql 'PRAGMA integrity_check')" ok "integrity_check: ok at the end"
