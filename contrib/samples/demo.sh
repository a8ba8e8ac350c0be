#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# demo.sh - file the sample messages into a fresh database and show the result.
#
# Run from the top of the source tree after `make` (`make demo` does both):
#
#	sh contrib/samples/demo.sh
#
# The database is ./demo.db unless $DEMO_DB names another file; nothing
# else is written and no mail is sent. The configuration is read as usual
# ($MAILTICKET_CONF, else /etc/mailticket/mailticket.conf if it exists);
# without one the built-in defaults apply, which the samples assume
# (subject tag "Ticket": 03-reply-subject-token.eml carries [Ticket#1]).
set -e

db=${DEMO_DB:-demo.db}
samples=contrib/samples
recipient=support@example.org

if [ ! -x bin/mailticket ] || [ ! -x bin/mailticket-deliver ]; then
	echo "demo.sh: bin/mailticket or bin/mailticket-deliver missing: run make first" >&2
	exit 1
fi

rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
bin/mailticket --db "$db" init

# sample file, envelope sender (as Postfix passes it with -f ${sender})
for entry in \
	01-new-request.eml:anna@customer.example \
	02-reply-in-reply-to.eml:anna@customer.example \
	03-reply-subject-token.eml:anna@customer.example \
	04-german-latin1-attachment.eml:j.mueller@kanzlei-beispiel.example
do
	file=${entry%%:*}
	sender=${entry#*:}
	bin/mailticket-deliver --db "$db" -f "$sender" -r "$recipient" < "$samples/$file"
	echo "delivered $file"
done

echo
bin/mailticket --db "$db" list
echo
bin/mailticket --db "$db" show 1
