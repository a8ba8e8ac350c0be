/*
 * test-token.c - reply-address and subject tokens. The expected macs are
 * computed outside GLib, with Python:
 *   hmac.new(b'sekrit', b'42', hashlib.sha256).hexdigest()[:10]
 */
#include <string.h>

#include "mailticket/token.h"

#define SECRET "sekrit"
#define MAC_42 "6feef60b7d"       /* secret "sekrit", ticket 42 */
#define MAC_7 "67f08bb07b"        /* secret "sekrit", ticket 7 */
#define OTHER_MAC_42 "bbc9a7ab0c" /* secret "other", ticket 42 */
#define REPLY_42 "support+42." MAC_42 "@example.org"

static void
test_mac_is_hmac_sha256_prefix (void)
{
	g_autofree char *mac42 = mt_token_mac (SECRET, 42);
	g_autofree char *mac7 = mt_token_mac (SECRET, 7);
	g_autofree char *other = mt_token_mac ("other", 42);

	g_assert_cmpstr (mac42, ==, MAC_42);
	g_assert_cmpstr (mac7, ==, MAC_7);
	g_assert_cmpstr (other, ==, OTHER_MAC_42);
	g_assert_cmpuint (strlen (mac42), ==, MT_TOKEN_MAC_LEN);
}

static void
test_reply_address_adds_token (void)
{
	g_autofree char *address = mt_token_reply_address (SECRET, "support@example.org", '+', 42);

	g_assert_cmpstr (address, ==, REPLY_42);
}

static void
test_reply_address_replaces_extension (void)
{
	g_autofree char *address = mt_token_reply_address (SECRET, "support+old@example.org", '+', 42);

	g_assert_cmpstr (address, ==, REPLY_42);
}

static void
test_reply_address_other_delimiter (void)
{
	g_autofree char *address = mt_token_reply_address (SECRET, "support-x@example.org", '-', 7);

	g_assert_cmpstr (address, ==, "support-7." MAC_7 "@example.org");
}

static gboolean
parse (const char *secret, const char *address, char delimiter, gint64 *ticket)
{
	*ticket = -1;
	return mt_token_parse_reply (secret, address, delimiter, ticket);
}

static void
test_parse_accepts_own_address (void)
{
	g_autofree char *address = mt_token_reply_address (SECRET, "support@example.org", '+', 42);
	gint64 ticket;

	g_assert_true (parse (SECRET, address, '+', &ticket));
	g_assert_cmpint (ticket, ==, 42);
	g_assert_true (parse (SECRET, REPLY_42, '+', &ticket));
	g_assert_cmpint (ticket, ==, 42);
}

static void
test_parse_accepts_upper_case (void)
{
	gint64 ticket;

	g_assert_true (parse (SECRET, "support+42.6FEEF60B7D@example.org", '+', &ticket));
	g_assert_cmpint (ticket, ==, 42);
	g_assert_true (parse (SECRET, "Support+42." MAC_42 "@EXAMPLE.ORG", '+', &ticket));
	g_assert_cmpint (ticket, ==, 42);
}

static void
test_parse_rejects_wrong_mac (void)
{
	gint64 ticket;

	g_assert_false (parse (SECRET, "support+42.6feef60b7e@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, "support+43." MAC_42 "@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, "support+7." MAC_42 "@example.org", '+', &ticket));
	g_assert_cmpint (ticket, ==, -1);
}

static void
test_parse_rejects_mac_length (void)
{
	gint64 ticket;

	g_assert_false (parse (SECRET, "support+42.6feef60b7@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, "support+42." MAC_42 "0@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, "support+42.@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, "support+42@example.org", '+', &ticket));
}

static void
test_parse_rejects_bad_id (void)
{
	g_autofree char *mac0 = mt_token_mac (SECRET, 0);
	g_autofree char *zero = g_strdup_printf ("support+0.%s@example.org", mac0);
	g_autofree char *mac_neg = mt_token_mac (SECRET, -42);
	g_autofree char *negative = g_strdup_printf ("support+-42.%s@example.org", mac_neg);
	gint64 ticket;

	g_assert_false (parse (SECRET, "support+." MAC_42 "@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, zero, '+', &ticket));
	g_assert_false (parse (SECRET, negative, '+', &ticket));
	g_assert_false (parse (SECRET, "support+4x2." MAC_42 "@example.org", '+', &ticket));
	g_assert_cmpint (ticket, ==, -1);
}

static void
test_parse_rejects_delimiter (void)
{
	gint64 ticket;

	g_assert_false (parse (SECRET, "support42." MAC_42 "@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, "support-42." MAC_42 "@example.org", '+', &ticket));
	g_assert_false (parse (SECRET, REPLY_42, '-', &ticket));
	/* The delimiter only counts in the local part. */
	g_assert_false (parse (SECRET, "support@ex+42." MAC_42, '+', &ticket));
	g_assert_false (parse (SECRET, "support+42." MAC_42, '+', &ticket));
}

static void
test_parse_rejects_null (void)
{
	gint64 ticket;

	g_assert_false (parse (SECRET, NULL, '+', &ticket));
	g_assert_false (parse (NULL, REPLY_42, '+', &ticket));
	g_assert_cmpint (ticket, ==, -1);
}

static void
test_parse_rejects_other_secret (void)
{
	gint64 ticket;

	g_assert_false (parse ("other", REPLY_42, '+', &ticket));
	g_assert_true (parse ("other", "support+42." OTHER_MAC_42 "@example.org", '+', &ticket));
	g_assert_cmpint (ticket, ==, 42);
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

	g_test_add_func ("/token/mac/hmac-sha256-first-10-hex", test_mac_is_hmac_sha256_prefix);
	g_test_add_func ("/token/reply-address/adds-token", test_reply_address_adds_token);
	g_test_add_func ("/token/reply-address/replaces-extension", test_reply_address_replaces_extension);
	g_test_add_func ("/token/reply-address/other-delimiter", test_reply_address_other_delimiter);
	g_test_add_func ("/token/parse-reply/accepts-own-address", test_parse_accepts_own_address);
	g_test_add_func ("/token/parse-reply/accepts-upper-case", test_parse_accepts_upper_case);
	g_test_add_func ("/token/parse-reply/rejects-wrong-mac", test_parse_rejects_wrong_mac);
	g_test_add_func ("/token/parse-reply/rejects-mac-length", test_parse_rejects_mac_length);
	g_test_add_func ("/token/parse-reply/rejects-missing-zero-negative-id", test_parse_rejects_bad_id);
	g_test_add_func ("/token/parse-reply/rejects-missing-or-other-delimiter", test_parse_rejects_delimiter);
	g_test_add_func ("/token/parse-reply/rejects-null", test_parse_rejects_null);
	g_test_add_func ("/token/parse-reply/rejects-other-secret", test_parse_rejects_other_secret);
	g_test_add_func ("/token/subject/found-case-and-space-tolerant", test_subject_found);
	g_test_add_func ("/token/subject/not-found", test_subject_not_found);
	g_test_add_func ("/token/subject/tag-metacharacters-literal", test_subject_tag_escaped);
	g_test_add_func ("/token/subject/format", test_subject_token_format);
	return g_test_run ();
}
