/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-bounce.c - what a delivery status notification says: the
 * message it returns and each recipient that failed, read in one
 * bounded pass however large or malformed the report.
 */
#include <string.h>

#include "budget.h"
#include "mailticket/bounce.h"

/* A bounce as Postfix writes it: HEAD, up to the per-message fields of
 * the delivery-status part, then the recipients' blocks, then TAIL. */
#define HEAD                                                                              \
	"From: MAILER-DAEMON@mx.example (Mail Delivery System)\n"                         \
	"To: support+7.abcdef0123@example.org\n"                                          \
	"Subject: Undelivered Mail Returned to Sender\n"                                  \
	"MIME-Version: 1.0\n"                                                             \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" \
	"--B\nContent-Type: text/plain\n\nI'm sorry to have to inform you...\n\n"         \
	"--B\nContent-Type: message/delivery-status\n\n"                                  \
	"Reporting-MTA: dns; mx.example\nArrival-Date: Mon, 20 Nov 2023 10:00:00 +0000\n\n"
#define TAIL                                                                                 \
	"--B\nContent-Type: text/rfc822-headers\n\n"                                         \
	"From: support@example.org\nTo: ann@customer.example\nSubject: [Ticket#7] Printer\n" \
	"Message-Id: <0f0e-ours@example.org>\n\n"                                            \
	"--B--\n"
#define ANN_FAILED                                                                                         \
	"Final-Recipient: rfc822; ann@customer.example\nOriginal-Recipient: rfc822;ann@customer.example\n" \
	"Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <ann@customer.example>: User unknown\n\n"

/* Parses text as a message and as a bounce into b; whether it is one. */
static gboolean
parse (const char *text, gsize len, MtBounce *b)
{
	g_autoptr (GByteArray) raw = g_byte_array_sized_new (len);
	g_autoptr (MtMessage) m = NULL;

	g_byte_array_append (raw, (const guint8 *) text, len);
	m = mt_message_parse (raw, NULL);
	g_assert_nonnull (m);
	return mt_bounce_parse (m, b);
}

static const MtBounceRecipient *
failed (const MtBounce *b, guint i)
{
	return g_ptr_array_index (b->failed, i);
}

static void
test_names_message_and_recipient (void)
{
	static const char dsn[] = HEAD ANN_FAILED TAIL;
	MtBounce b;

	g_assert_true (parse (dsn, sizeof dsn - 1, &b));
	g_assert_cmpstr (b.message_id, ==, "0f0e-ours@example.org");
	g_assert_cmpuint (b.failed->len, ==, 1);
	g_assert_cmpstr (failed (&b, 0)->address, ==, "ann@customer.example");
	g_assert_nonnull (strstr (failed (&b, 0)->reason, "5.1.1"));
	g_assert_nonnull (strstr (failed (&b, 0)->reason, "User unknown"));
	mt_bounce_clear (&b);
}

/* Each recipient on its own: delayed, delivered, relayed and expanded
 * fail nobody. */
static void
test_only_failed_actions_count (void)
{
	static const char dsn[] =
		HEAD "Final-Recipient: rfc822; a@x.example\nAction: delayed\nStatus: 4.4.1\n\n"
		     "Final-Recipient: rfc822; b@x.example\nAction: delivered\nStatus: 2.0.0\n\n"
		     "Final-Recipient: rfc822; c@x.example\nAction: relayed\nStatus: 2.0.0\n\n"
		     "Final-Recipient: rfc822; d@x.example\nAction: expanded\nStatus: 2.0.0\n\n"
		     "Final-Recipient: rfc822; e@x.example\nAction: failedly\nStatus: 5.0.0\n\n"
		     "Final-Recipient: rfc822; f@x.example\nAction: FAILED (gone)\nStatus: 5.1.1\n\n" TAIL;
	MtBounce b;

	g_assert_true (parse (dsn, sizeof dsn - 1, &b));
	g_assert_cmpuint (b.failed->len, ==, 1);
	g_assert_cmpstr (failed (&b, 0)->address, ==, "f@x.example");
	mt_bounce_clear (&b);
}

/* The address of a Final-Recipient, whatever the writer's spelling; a
 * block without one, or of another address type, names nobody. */
static void
test_final_recipient_forms (void)
{
	static const char dsn[] = HEAD "Final-Recipient: RFC822;<Ann@Customer.Example>\nAction: failed\n\n"
				       "Final-Recipient: bob@x.example\nAction: failed\n\n"
				       "Final-Recipient: x-local; carl\nAction: failed\n\n"
				       "Original-Recipient: rfc822; dora@x.example\nAction: failed\n\n"
				       "Final-Recipient: rfc822; a@x.example, b@x.example\nAction: failed\n\n" TAIL;
	MtBounce b;

	g_assert_true (parse (dsn, sizeof dsn - 1, &b));
	g_assert_cmpuint (b.failed->len, ==, 2);
	g_assert_cmpstr (failed (&b, 0)->address, ==, "ann@customer.example");
	g_assert_cmpstr (failed (&b, 0)->reason, ==, "5.0.0");
	g_assert_cmpstr (failed (&b, 1)->address, ==, "bob@x.example");
	mt_bounce_clear (&b);
}

/* CRLF line ends, blank lines doubled, the status part in base64 and
 * the returned message whole. */
static void
test_crlf_base64_and_returned_message (void)
{
	static const char fields[] =
		"Reporting-MTA: dns; mx.example\r\n\r\n\r\n"
		"Final-Recipient: rfc822; ann@customer.example\r\nAction: failed\r\n"
		"Status: 5.2.2\r\n\r\n\r\n\r\n"
		"Final-Recipient: rfc822; bob@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n";
	g_autofree char *encoded = g_base64_encode ((const guchar *) fields, sizeof fields - 1);
	g_autofree char *dsn = g_strdup_printf (
		"From: MAILER-DAEMON@mx.example\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/report; report-type=DELIVERY-STATUS; boundary=B\r\n\r\n"
		"--B\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n"
		"--B\r\nContent-Type: message/rfc822\r\n\r\nFrom: support@example.org\r\n"
		"Message-ID: <whole@example.org>\r\n\r\nThe reply.\r\n--B--\r\n",
		encoded);
	MtBounce b;

	g_assert_true (parse (dsn, strlen (dsn), &b));
	g_assert_cmpstr (b.message_id, ==, "whole@example.org");
	g_assert_cmpuint (b.failed->len, ==, 2);
	g_assert_cmpstr (failed (&b, 0)->address, ==, "ann@customer.example");
	g_assert_cmpstr (failed (&b, 0)->reason, ==, "5.2.2");
	g_assert_cmpstr (failed (&b, 1)->address, ==, "bob@customer.example");
	mt_bounce_clear (&b);
}

static void
test_plain_mail_is_no_bounce (void)
{
	static const char plain[] = "From: a@b\nSubject: x\n\nhi\n";
	static const char other[] =
		"From: a@b\nContent-Type: multipart/report; report-type=disposition-notification;"
		" boundary=B\n\n--B\nContent-Type: message/delivery-status\n\n" ANN_FAILED "--B--\n";
	MtBounce b;

	g_assert_false (parse (plain, sizeof plain - 1, &b));
	g_assert_null (b.message_id);
	g_assert_cmpuint (b.failed->len, ==, 0);
	mt_bounce_clear (&b);
	g_assert_false (parse (other, sizeof other - 1, &b));
	g_assert_cmpuint (b.failed->len, ==, 0);
	mt_bounce_clear (&b);
}

/* Regression (found by the seeds of fuzz-bounce, and by fuzz-bounce):
 * an empty part went to GMime as a NULL buffer, and an empty status
 * part was read at an offset from NULL. Only the first status part and
 * the first returned part are read. */
static void
test_empty_and_extra_parts (void)
{
	static const char empty[] =
		"From: a@b\nContent-Type: multipart/report; report-type=delivery-status; boundary=B\n\n"
		"--B\nContent-Type: message/delivery-status\n\n--B--\n";
	static const char dsn[] =
		HEAD ANN_FAILED "--B\nContent-Type: message/delivery-status\n\n"
				"Final-Recipient: rfc822; second@x.example\nAction: failed\n\n"
				"--B\nContent-Type: text/rfc822-headers\n\n"
				"--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: <second@example.org>\n\n"
				"--B--\n";
	MtBounce b;

	g_assert_true (parse (empty, sizeof empty - 1, &b));
	g_assert_cmpuint (b.failed->len, ==, 0);
	mt_bounce_clear (&b);
	g_assert_true (parse (dsn, sizeof dsn - 1, &b));
	g_assert_null (b.message_id);
	g_assert_cmpuint (b.failed->len, ==, 1);
	g_assert_cmpstr (failed (&b, 0)->address, ==, "ann@customer.example");
	mt_bounce_clear (&b);
}

/* A reason is valid UTF-8 and at most 1000 bytes, for the outbox and
 * the agent's mail. */
static void
test_reason_cut_and_valid (void)
{
	g_autofree char *pad = g_strnfill (5000, 'x');
	g_autofree char *dsn = g_strdup_printf (HEAD "Final-Recipient: rfc822; a@x.example\nAction: failed\n"
						     "Status: 5.0.0\nDiagnostic-Code: smtp; \xff\xfe %s\n\n" TAIL,
						pad);
	MtBounce b;

	g_assert_true (parse (dsn, strlen (dsn), &b));
	g_assert_cmpuint (b.failed->len, ==, 1);
	g_assert_cmpuint (strlen (failed (&b, 0)->reason), <=, 1000);
	g_assert_true (g_utf8_validate (failed (&b, 0)->reason, -1, NULL));
	mt_bounce_clear (&b);
}

/* Regression: each recipient block was cut from a copy of the rest of
 * the report, and a 20 MB one held the store for a minute. Now one pass
 * over the first MT_BOUNCE_MAX_STATUS bytes, at most
 * MT_BOUNCE_MAX_BLOCKS blocks of them. */
static void
test_20mb_report_linear_and_bounded (void)
{
	g_autoptr (GString) dsn = g_string_new (HEAD);
	g_autoptr (GTimer) timer = NULL;
	MtBounce b;

	for (int i = 0; dsn->len < 20 * 1000 * 1000; i++)
		g_string_append_printf (dsn, "Final-Recipient: rfc822; r%d@x.example\nAction: failed\n\n", i);
	g_string_append (dsn, TAIL);
	{
		g_autoptr (GByteArray) raw = g_byte_array_sized_new (dsn->len);
		g_autoptr (MtMessage) m = NULL;

		g_byte_array_append (raw, (const guint8 *) dsn->str, dsn->len);
		m = mt_message_parse (raw, NULL);
		timer = g_timer_new ();
		g_assert_true (mt_bounce_parse (m, &b));
		assert_within_budget (timer, 1);
	}
	g_assert_cmpuint (b.failed->len, ==, MT_BOUNCE_MAX_BLOCKS - 1);
	g_assert_cmpstr (failed (&b, 0)->address, ==, "r0@x.example");
	g_assert_cmpstr (b.message_id, ==, "0f0e-ours@example.org");
	mt_bounce_clear (&b);
}

/* Fields past the first MT_BOUNCE_MAX_STATUS bytes are not read. */
static void
test_fields_past_the_limit_unread (void)
{
	g_autofree char *pad = g_strnfill (MT_BOUNCE_MAX_STATUS, 'x');
	g_autofree char *dsn = g_strdup_printf (HEAD "X-Padding: %s\n\n" ANN_FAILED TAIL, pad);
	MtBounce b;

	g_assert_true (parse (dsn, strlen (dsn), &b));
	g_assert_cmpuint (b.failed->len, ==, 0);
	g_assert_cmpstr (b.message_id, ==, "0f0e-ours@example.org");
	mt_bounce_clear (&b);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	mt_message_init ();
	g_test_add_func ("/bounce/names-message-and-recipient", test_names_message_and_recipient);
	g_test_add_func ("/bounce/only-failed-actions-count", test_only_failed_actions_count);
	g_test_add_func ("/bounce/final-recipient-forms", test_final_recipient_forms);
	g_test_add_func ("/bounce/crlf-base64-and-returned-message", test_crlf_base64_and_returned_message);
	g_test_add_func ("/bounce/plain-mail-is-no-bounce", test_plain_mail_is_no_bounce);
	g_test_add_func ("/bounce/empty-and-extra-parts", test_empty_and_extra_parts);
	g_test_add_func ("/bounce/reason-cut-and-valid", test_reason_cut_and_valid);
	g_test_add_func ("/bounce/20mb-report-linear-and-bounded", test_20mb_report_linear_and_bounded);
	g_test_add_func ("/bounce/fields-past-the-limit-unread", test_fields_past_the_limit_unread);
	return g_test_run ();
}
