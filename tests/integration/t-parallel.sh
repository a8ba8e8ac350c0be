#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Deliveries running side by side, as an MTA with several pipe(8) processes
# runs them: every message stored exactly once, every exit 0. First into a
# database that does not exist yet, then 40 messages each delivered twice at
# once, 8 processes at a time.
. "$(dirname "$0")/../lib.sh"
plan 8

mkdir "$tmp/mail" "$tmp/rc"
for i in $(seq 1 40); do
	cat >"$tmp/mail/$i" <<EOF
From: Sender $i <sender$i@customer.test>
To: support@example.org
Subject: parallel message $i
Date: Mon, 02 Jan 2023 10:$(printf %02d "$i"):00 +0000
Message-ID: <par-$i@mt.test>

Body of message $i.
EOF
done
export BIN DB tmp

# run_all JOBS...: runs "deliver $tmp/mail/JOB" for each JOB, 8 at a time,
# recording each exit code in $tmp/rc/JOB.N
run_all () {
	printf '%s\n' "$@" | awk '{ print $0 "." NR }' |
		xargs -P 8 -n 1 sh -c 'm=${1%.*}
			"$BIN/mailticket-deliver" --db "$DB" -r support@example.org <"$tmp/mail/$m" 2>"$tmp/rc/$1.err"
			echo $? >"$tmp/rc/$1"' sh
}
# codes: the exit codes other than 0, with the stderr of the first one
codes () {
	bad=$(grep -lvx 0 "$tmp"/rc/* 2>/dev/null)
	[ -z "$bad" ] && return 0
	diag "non-zero exits: $(cat $bad | sort | uniq -c | tr '\n' ' ')"
	set -- $bad
	sed 's/^/#   stderr: /' "$1.err" | head -n 3
	return 1
}

# 8 at once into a database that does not exist yet.
run_all 1 2 3 4 5 6 7 8
[ "$(ls "$tmp/rc" | grep -vc err)" = 8 ]; ok $? "8 deliveries ran"
codes; ok $? "8 concurrent first deliveries all exit 0"
expect_equal "$(sql 'select count(*), count(distinct message_id) from articles')" "8|8" \
	"8 concurrent first deliveries stored once each"

# 40 messages, each delivered twice at the same time; 1-8 a third time.
rm -f "$tmp"/rc/*
set --
for i in $(seq 1 40); do set -- "$@" "$i" "$i"; done
run_all "$@"
[ "$(ls "$tmp/rc" | grep -vc err)" = 80 ]; ok $? "80 deliveries ran"
codes; ok $? "80 concurrent deliveries all exit 0"
expect_equal "$(sql 'select count(*), count(distinct message_id), count(distinct blob) from articles')" \
	"40|40|40" "every message stored exactly once"
expect_equal "$(sql 'select count(*) from message_ids where article is not null')" 40 \
	"40 message ids known"
mt list --json | json 'str(len(d)) + " " + str(sum(t["articles"] for t in d))' >"$out"
expect_equal "$(cat "$out")" "40 40" "list --json: 40 tickets of one article each"
