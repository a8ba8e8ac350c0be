#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Customers: organisations found by the domain of a sender's address
# (subdomains too, case aside), contacts made by hand or by mail from an
# unknown sender, and the tickets of an organisation through list --org
# and show.
. "$(dirname "$0")/../lib.sh"
plan 45

# new ADDR ID: a new request from ADDR
new () {
	printf 'From: %s\nTo: support@example.org\nSubject: Request %s\nMessage-ID: <%s@customers.test>\n\nHelp.\n' \
		"$1" "$2" "$2" | deliver -r support@example.org
}
contacts () { mt contact list --json "$@" | json "' '.join(c['address'] + '=' + str(c['org']) for c in d)"; }
tickets () { mt list --json --sort id "$@" | json "' '.join(str(t['id']) for t in reversed(d))"; }

expect_code 0 "org add with two domains" -- mt org add Acme --domain acme.example --domain @Acme-Corp.example
expect_code 0 "org add Globex" -- mt org add Globex --domain globex.example
expect_code 1 "a domain of another organisation is refused" -- mt org add Dup --domain ACME.example
grep -q 'belongs to another organisation' "$err"; ok $? "... saying why"
expect_code 1 "a domain that is no domain is refused" -- mt org add Bad --domain 'not a domain'
expect_code 1 "org add needs a domain" -- mt org add Nodomain
expect_equal "$(mt org list --json | json "[o['name'] for o in d]")" '["Acme", "Globex"]' \
	"... and left no organisation behind"
expect_equal "$(mt org list --json | json "d[0]['domains']")" '["acme-corp.example", "acme.example"]' \
	"domains are kept lower case, without the @"

expect_code 0 "contact add matches the domain" -- mt contact add carol@globex.example --name 'Carol Kunde'
expect_code 0 "contact add --org sets it by hand" -- mt contact add dave@mail.example --org acme
expect_code 1 "contact add of no address" -- mt contact add 'not an address'
expect_code 1 "contact add to an unknown organisation" -- mt contact add x@y.example --org Nope
grep -q "no organisation named 'Nope'" "$err"; ok $? "... says so"
expect_equal "$(contacts)" "carol@globex.example=Globex dave@mail.example=Acme" "contact list"

expect_code 0 "mail from an unknown sender of acme.example" -- new 'Anna <anna@acme.example>' r1
expect_code 0 "mail from a subdomain of acme-corp.example" -- new bob@eu.mail.acme-corp.example r2
expect_code 0 "mail from a known contact" -- new 'C. K. <carol@globex.example>' r3
expect_code 0 "mail from the contact set by hand" -- new dave@mail.example r4
expect_code 0 "mail from an unknown domain" -- new eve@elsewhere.example r5
expect_equal "$(contacts)" \
	"anna@acme.example=Acme bob@eu.mail.acme-corp.example=Acme carol@globex.example=Globex dave@mail.example=Acme eve@elsewhere.example=None" \
	"unknown senders became contacts, with their domain's organisation"
expect_equal "$(mt contact list --json | json "[c['name'] for c in d if c['address'] == 'anna@acme.example'][0]")" \
	Anna "... named as their From said"
expect_equal "$(mt contact list --json | json "[c['name'] for c in d if c['address'] == 'carol@globex.example'][0]")" \
	"Carol Kunde" "... a known contact keeps its name"
expect_equal "$(contacts --org ACME)" \
	"anna@acme.example=Acme bob@eu.mail.acme-corp.example=Acme dave@mail.example=Acme" "contact list --org"
expect_code 1 "contact list --org of no organisation" -- mt contact list --org Nope

expect_equal "$(tickets --org Acme)" "1 2 4" "list --org Acme: the tickets of its people"
expect_equal "$(tickets --org globex)" "3" "list --org globex, case aside"
expect_equal "$(tickets --org Nope)" "" "list --org of no organisation lists nothing"
expect_equal "$(mt list --json --org Acme | json "sorted(set(t['org'] for t in d))")" '["Acme"]' "list JSON has the org"
expect_equal "$(mt show 5 --json | json "d['org']")" null "show --json: no org for eve"
mt show 1 >"$out"
grep -q '^Org: *Acme$' "$out"; ok $? "show prints the requester's organisation"
mt list >"$out"
grep -q 'anna@acme.example' "$out"; ok $? "the list table is as it was"

expect_code 0 "org add of a domain with a contact already" -- mt org add Initech --domain elsewhere.example
expect_equal "$(tickets --org Initech)" "5" "... the contact joins it, and its ticket"
expect_code 0 "org add to an existing organisation, other case" -- mt org add acme --domain ACME.NET
expect_equal "$(mt org list --json | json "[(o['name'], len(o['domains'])) for o in d if o['name'] == 'Acme']")" \
	'[["Acme", 3]]' "... adds the domain to it"
expect_code 0 "mail from FRANK@ACME.NET" -- new FRANK@ACME.NET r6
expect_equal "$(tickets --org Acme)" "1 2 4 6" "... belongs to Acme"

mt org list >"$out"
grep -q '^Acme  *4  *4  acme-corp.example, acme.example, acme.net$' "$out"; ok $? "org list: people, tickets, domains"
expect_code 0 "org rm Globex" -- mt org rm Globex
expect_equal "$(tickets --org Globex)" "" "... its tickets are no one's"
expect_equal "$(contacts --org Acme | wc -w)" 4 "... other organisations keep theirs"
expect_equal "$(mt contact list --json | json "[c['org'] for c in d if c['address'] == 'carol@globex.example'][0]")" \
	null "... its contacts stay, without it"
expect_code 1 "org rm of no organisation" -- mt org rm Globex
expect_code 0 "new mail from globex.example" -- new dan@globex.example r7
expect_equal "$(mt contact list --json | json "[c['org'] for c in d if c['address'] == 'dan@globex.example'][0]")" \
	null "... matches no removed organisation"
