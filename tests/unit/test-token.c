/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-token.c - reply-address and subject tokens. The expected macs are
 * computed outside GLib, with Python:
 *   hmac.new(b'sekrit', b'mailticket-token-2\0' + uuid + b'\0c\0ann@example.com',
 *            hashlib.sha256).hexdigest()[:16]
 * and for the first form hmac.new(b'sekrit', b'42', ...).hexdigest()[:10].
 */
#include <string.h>

#include "mailticket/token.h"

#define SECRET "sekrit"
#define UUID "6a1e0c1e-4b9f-4c57-9a8e-0f1d2c3b4a59"
#define ANN "ann@example.com"
#define ALICE "alice@example.org"
#define MAC_ANN "8638101cd4174391"       /* customer, ann@example.com */
#define MAC_ALICE "2bc37a6f52dc4512"     /* agent, alice@example.org */
#define MAC_ALICE_N "55a9acd182fd0c3f"   /* comment, alice@example.org */
#define OTHER_MAC_ANN "0c695b7fe2668fa5" /* secret "other", customer, ann@example.com */
#define LEGACY_42 "6feef60b7d"           /* the first form: secret "sekrit", ticket 42 */
#define REPLY_ANN "support+42.c" MAC_ANN "@example.org"

static void
test_reply_address_binds_recipient_and_role (void)
{
	g_autofree char *ann =
		mt_token_reply_address (SECRET, "support@example.org", '+', 42, UUID, MT_TOKEN_CUSTOMER, ANN);
	g_autofree char *upper = mt_token_reply_address (SECRET, "support@example.org", '+', 42, UUID,
							 MT_TOKEN_CUSTOMER, "Ann@Example.COM");
	g_autofree char *alice =
		mt_token_reply_address (SECRET, "support@example.org", '+', 42, UUID, MT_TOKEN_AGENT, ALICE);
	g_autofree char *note =
		mt_token_reply_address (SECRET, "support@example.org", '+', 42, UUID, MT_TOKEN_COMMENT, ALICE);

	g_assert_cmpstr (ann, ==, REPLY_ANN);
	g_assert_cmpstr (upper, ==, REPLY_ANN);
	g_assert_cmpstr (alice, ==, "support+42.a" MAC_ALICE "@example.org");
	g_assert_cmpstr (note, ==, "support+42.n" MAC_ALICE_N "@example.org");
}

static void
test_reply_address_replaces_extension (void)
{
	g_autofree char *address =
		mt_token_reply_address (SECRET, "support+old@example.org", '+', 42, UUID, MT_TOKEN_CUSTOMER, ANN);

	g_assert_cmpstr (address, ==, REPLY_ANN);
}

static void
test_reply_address_other_delimiter (void)
{
	g_autofree char *address =
		mt_token_reply_address (SECRET, "support-x@example.org", '-', 42, UUID, MT_TOKEN_CUSTOMER, ANN);

	g_assert_cmpstr (address, ==, "support-42.c" MAC_ANN "@example.org");
}

static gboolean
parse (const char *address, const char *delimiters, MtToken *token)
{
	memset (token, 0xff, sizeof *token);
	return mt_token_parse (address, delimiters, token);
}

static void
test_parse_reads_role_and_mac (void)
{
	MtToken t;

	g_assert_true (parse (REPLY_ANN, "+", &t));
	g_assert_cmpint (t.ticket, ==, 42);
	g_assert_cmpint (t.role, ==, MT_TOKEN_CUSTOMER);
	g_assert_cmpstr (t.mac, ==, MAC_ANN);
	g_assert_true (parse ("support+7.a" MAC_ALICE "@example.org", "+", &t));
	g_assert_cmpint (t.role, ==, MT_TOKEN_AGENT);
	g_assert_true (parse ("Support+7.N" MAC_ALICE_N "@EXAMPLE.ORG", "+", &t));
	g_assert_cmpint (t.role, ==, MT_TOKEN_COMMENT);
	g_assert_true (parse ("support+42." LEGACY_42 "@example.org", "+", &t));
	g_assert_cmpint (t.role, ==, MT_TOKEN_LEGACY);
}

static void
test_parse_rejects_malformed (void)
{
	const char *bad[] = {
		"support+42.c" MAC_ANN "0@example.org",
		"support+42.x" MAC_ANN "@example.org",
		"support+42.c8638101cd417439z@example.org",
		"support+42.6feef60b7@example.org",
		"support+42.@example.org",
		"support+42@example.org",
		"support+.c" MAC_ANN "@example.org",
		"support+0.c" MAC_ANN "@example.org",
		"support+-42.c" MAC_ANN "@example.org",
		"support+4x2.c" MAC_ANN "@example.org",
		"support42.c" MAC_ANN "@example.org",
		"support@ex+42.c" MAC_ANN,
		"support+42.c" MAC_ANN,
		"",
	};
	MtToken t;

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
		g_assert_false (parse (bad[i], "+", &t));
	g_assert_false (parse (NULL, "+", &t));
	g_assert_false (parse (REPLY_ANN, "-", &t));
}

static gboolean
verify (const char *secret, const char *address, const char *uuid, const char *recipient)
{
	MtToken t;

	return mt_token_parse (address, "+", &t) && mt_token_verify (secret, &t, uuid, recipient);
}

static void
test_verify_needs_the_recipient (void)
{
	g_assert_true (verify (SECRET, REPLY_ANN, UUID, ANN));
	g_assert_true (verify (SECRET, REPLY_ANN, UUID, "ANN@example.com"));
	g_assert_false (verify (SECRET, REPLY_ANN, UUID, "eve@example.net"));
	g_assert_false (verify (SECRET, REPLY_ANN, UUID, ""));
	g_assert_false (verify (SECRET, REPLY_ANN, UUID, NULL));
}

static void
test_verify_needs_the_role (void)
{
	/* A customer's mac under an agent's letter is no agent's token. */
	g_assert_false (verify (SECRET, "support+42.a" MAC_ANN "@example.org", UUID, ANN));
	g_assert_false (verify (SECRET, "support+42.c" MAC_ALICE "@example.org", UUID, ALICE));
	g_assert_false (verify (SECRET, "support+42.n" MAC_ALICE "@example.org", UUID, ALICE));
	g_assert_true (verify (SECRET, "support+42.a" MAC_ALICE "@example.org", UUID, ALICE));
}

static void
test_verify_needs_the_ticket (void)
{
	/* Another ticket, or the same number in a rebuilt database. */
	g_assert_false (verify (SECRET, REPLY_ANN, "6a1e0c1e-4b9f-4c57-9a8e-0f1d2c3b4a5a", ANN));
	g_assert_false (verify (SECRET, REPLY_ANN, NULL, ANN));
}

static void
test_verify_needs_the_secret (void)
{
	g_assert_false (verify ("other", REPLY_ANN, UUID, ANN));
	g_assert_true (verify ("other", "support+42.c" OTHER_MAC_ANN "@example.org", UUID, ANN));
	g_assert_false (verify (NULL, REPLY_ANN, UUID, ANN));
}

static void
test_verify_legacy (void)
{
	g_assert_true (verify (SECRET, "support+42." LEGACY_42 "@example.org", NULL, NULL));
	g_assert_true (verify (SECRET, "support+42.6FEEF60B7D@example.org", UUID, ANN));
	g_assert_false (verify (SECRET, "support+43." LEGACY_42 "@example.org", NULL, NULL));
	g_assert_false (verify (SECRET, "support+42.6feef60b7e@example.org", NULL, NULL));
}

/* recipient_delimiter = -+: an extension starts at the first of them. */
static void
test_parse_delimiter_set (void)
{
	MtToken t;

	g_assert_true (parse ("support+7.a" MAC_ALICE "@example.org", "-+", &t));
	g_assert_cmpint (t.ticket, ==, 7);
	g_assert_true (parse ("support-7.a" MAC_ALICE "@example.org", "-+", &t));
	g_assert_cmpint (t.ticket, ==, 7);
	g_assert_false (parse ("sup-port+7.a" MAC_ALICE "@example.org", "-+", &t));
	g_assert_false (parse ("support+7.a" MAC_ALICE "@example.org", "", &t));
}

static void
test_redact_delimiter_set (void)
{
	g_autofree char *text = mt_token_redact ("to support-1.a" MAC_ALICE "@example.org and support+1.a" MAC_ALICE
						 "@example.org and support.1.a" MAC_ALICE "@example.org",
						 "+-");

	g_assert_cmpstr (text, ==,
			 "to [address removed] and [address removed] and support.1.a" MAC_ALICE "@example.org");
}

static void
test_redact_agent_addresses (void)
{
	g_autofree char *text = mt_token_redact ("Answer to <support+1.a" MAC_ALICE "@example.org>, note to\n"
						 "support+1.N" MAC_ALICE_N "@example.org; keep " REPLY_ANN " and\n"
						 "support+42." LEGACY_42 "@example.org.",
						 "+");

	g_assert_cmpstr (text, ==,
			 "Answer to <[address removed]>, note to\n[address removed]; keep " REPLY_ANN
			 " and\nsupport+42." LEGACY_42 "@example.org.");
}

static gboolean
find (const char *tag, const char *subject, gint64 *ticket)
{
	*ticket = -1;
	return mt_token_find_subject (tag, subject, ticket);
}

static void
test_subject_found (void)
{
	const char *subjects[] = {
		"[Ticket#42]",   "Re: AW: [ticket # 42] x", "[ TICKET#42 ]", "Fwd: printer broken [Ticket#42]",
		"[Ticket#0042]",
	};
	gint64 ticket;

	for (gsize i = 0; i < G_N_ELEMENTS (subjects); i++) {
		g_assert_true (find ("Ticket", subjects[i], &ticket));
		g_assert_cmpint (ticket, ==, 42);
	}
}

static void
test_subject_not_found (void)
{
	const char *subjects[] = {
		"[Ticket#]",  "[Tickets#42]", "Ticket#42",   "[Other#42]", "[Ticket#-42]",
		"[Ticket#42", "Ticket#42]",   "[Ticket 42]", "[Ticket#0]", "",
	};
	gint64 ticket;

	for (gsize i = 0; i < G_N_ELEMENTS (subjects); i++)
		g_assert_false (find ("Ticket", subjects[i], &ticket));
	g_assert_false (find ("Ticket", NULL, &ticket));
}

static void
test_subject_tag_escaped (void)
{
	gint64 ticket;

	g_assert_true (find ("T.k+", "[T.k+#5]", &ticket));
	g_assert_cmpint (ticket, ==, 5);
	g_assert_false (find ("T.k+", "[Tikkk#5]", &ticket));
	g_assert_false (find ("T.k+", "[Txk#5]", &ticket));
	g_assert_false (find ("a|b", "[b#5]", &ticket));
	g_assert_true (find ("a|b", "[a|b#5]", &ticket));
}

static void
test_subject_token_format (void)
{
	g_autofree char *subject = mt_token_subject ("Ticket", 7);
	gint64 ticket;

	g_assert_cmpstr (subject, ==, "[Ticket#7]");
	g_assert_true (find ("Ticket", subject, &ticket));
	g_assert_cmpint (ticket, ==, 7);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/token/reply-address/binds-recipient-and-role", test_reply_address_binds_recipient_and_role);
	g_test_add_func ("/token/reply-address/replaces-extension", test_reply_address_replaces_extension);
	g_test_add_func ("/token/reply-address/other-delimiter", test_reply_address_other_delimiter);
	g_test_add_func ("/token/parse/delimiter-set", test_parse_delimiter_set);
	g_test_add_func ("/token/redact/delimiter-set", test_redact_delimiter_set);
	g_test_add_func ("/token/parse/reads-role-and-mac", test_parse_reads_role_and_mac);
	g_test_add_func ("/token/parse/rejects-malformed", test_parse_rejects_malformed);
	g_test_add_func ("/token/verify/needs-the-recipient", test_verify_needs_the_recipient);
	g_test_add_func ("/token/verify/needs-the-role", test_verify_needs_the_role);
	g_test_add_func ("/token/verify/needs-the-ticket-uuid", test_verify_needs_the_ticket);
	g_test_add_func ("/token/verify/needs-the-secret", test_verify_needs_the_secret);
	g_test_add_func ("/token/verify/legacy-form-still-threads", test_verify_legacy);
	g_test_add_func ("/token/redact/agent-and-comment-addresses", test_redact_agent_addresses);
	g_test_add_func ("/token/subject/found-case-and-space-tolerant", test_subject_found);
	g_test_add_func ("/token/subject/not-found", test_subject_not_found);
	g_test_add_func ("/token/subject/tag-metacharacters-literal", test_subject_tag_escaped);
	g_test_add_func ("/token/subject/format", test_subject_token_format);
	return g_test_run ();
}
