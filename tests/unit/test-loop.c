/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-loop.c - what mt_loop_is_automatic() takes for automatic mail:
 * one message per header, value and sender that marks it, and the
 * near misses that a person's mail carries. Each row is one test, named
 * /loop/automatic/... or /loop/person/....
 */
#include <string.h>

#include "mailticket/loop.h"
#include "mailticket/message.h"

#define US "support@example.org"
#define PERSON "Anna Kunde <anna@customer.example>"

typedef struct {
	const char *name;
	const char *from;     /* the From header */
	const char *envelope; /* -f, or NULL when the MTA did not say */
	const char *headers;  /* more header lines, each ending in \n */
	gboolean automatic;
} Case;

#define FEEDBACK_REPORT                                                  \
	"MIME-Version: 1.0\n"                                            \
	"Content-Type: multipart/report; report-type=feedback-report;\n" \
	" boundary=\"R\"\n"                                              \
	"\n"                                                             \
	"--R\n"                                                          \
	"Content-Type: text/plain\n\n"                                   \
	"This is an abuse report.\n"                                     \
	"--R\n"                                                          \
	"Content-Type: message/feedback-report\n\n"                      \
	"Feedback-Type: abuse\n"                                         \
	"User-Agent: SomeGenerator/1.0\n"                                \
	"Version: 1\n"                                                   \
	"--R--\n"

static const Case cases[] = {
	/* What the message says of itself. */
	{ "/loop/automatic/auto-submitted/auto-replied", PERSON, NULL, "Auto-Submitted: auto-replied\n", TRUE },
	{ "/loop/automatic/auto-submitted/auto-generated-with-parameter", PERSON, NULL,
	  "Auto-Submitted: auto-generated; owner-email=\"robot@customer.example\"\n", TRUE },
	{ "/loop/automatic/auto-submitted/auto-notified", PERSON, NULL, "Auto-Submitted: auto-notified\n", TRUE },
	{ "/loop/automatic/x-autoreply/yes", PERSON, NULL, "X-Autoreply: yes\n", TRUE },
	{ "/loop/automatic/x-autoreply/upper-case", PERSON, NULL, "X-Autoreply: YES\n", TRUE },
	{ "/loop/automatic/x-autorespond/any-value", PERSON, NULL, "X-Autorespond: vacation\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/all", PERSON, NULL, "X-Auto-Response-Suppress: All\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/oof", PERSON, NULL, "X-Auto-Response-Suppress: OOF\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/autoreply", PERSON, NULL, "X-Auto-Response-Suppress: AutoReply\n",
	  TRUE },
	{ "/loop/automatic/x-auto-response-suppress/dr", PERSON, NULL, "X-Auto-Response-Suppress: DR\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/ndr", PERSON, NULL, "X-Auto-Response-Suppress: NDR\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/rn", PERSON, NULL, "X-Auto-Response-Suppress: RN\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/nrn", PERSON, NULL, "X-Auto-Response-Suppress: NRN\n", TRUE },
	{ "/loop/automatic/x-auto-response-suppress/list", PERSON, NULL,
	  "X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\n", TRUE },
	{ "/loop/automatic/precedence/bulk", PERSON, NULL, "Precedence: bulk\n", TRUE },
	{ "/loop/automatic/precedence/junk", PERSON, NULL, "Precedence: junk\n", TRUE },
	{ "/loop/automatic/precedence/list", PERSON, NULL, "Precedence: list\n", TRUE },
	{ "/loop/automatic/precedence/auto_reply", PERSON, NULL, "Precedence: auto_reply\n", TRUE },
	{ "/loop/automatic/precedence/any-case", PERSON, NULL, "Precedence: Bulk\n", TRUE },
	{ "/loop/automatic/precedence/second-field", PERSON, NULL, "Precedence: never-bounce\nPrecedence: bulk\n",
	  TRUE },
	{ "/loop/automatic/auto-submitted/second-field", PERSON, NULL,
	  "Auto-Submitted: no\nAuto-Submitted: auto-replied\n", TRUE },
	{ "/loop/person/precedence/never-bounce", PERSON, NULL, "Precedence: never-bounce\n", FALSE },
	{ "/loop/automatic/x-precedence/bulk", PERSON, NULL, "X-Precedence: bulk\n", TRUE },
	{ "/loop/automatic/x-precedence/auto_reply", PERSON, NULL, "X-Precedence: auto_reply\n", TRUE },
	{ "/loop/automatic/list-id", PERSON, NULL, "List-Id: Users <users.lists.example>\n", TRUE },
	{ "/loop/automatic/list-unsubscribe", PERSON, NULL, "List-Unsubscribe: <mailto:leave@news.example>\n", TRUE },
	{ "/loop/automatic/feedback-type", PERSON, NULL, "Feedback-Type: abuse\n", TRUE },
	{ "/loop/automatic/feedback-report-type", PERSON, NULL, FEEDBACK_REPORT, TRUE },
	{ "/loop/automatic/x-loop-naming-us", PERSON, NULL, "X-Loop: " US "\n", TRUE },
	/* The out-of-office reply of issue 23: no Auto-Submitted. */
	{ "/loop/automatic/out-of-office-without-auto-submitted", PERSON, "anna@customer.example",
	  "X-Autoreply: yes\nPrecedence: auto_reply\n", TRUE },

	/* Who sent it. */
	{ "/loop/automatic/sender/empty-envelope", PERSON, "", "", TRUE },
	{ "/loop/automatic/sender/angle-brackets-envelope", PERSON, "<>", "", TRUE },
	{ "/loop/automatic/sender/mailer-daemon-envelope", PERSON, "MAILER-DAEMON@mx.customer.example", "", TRUE },
	{ "/loop/automatic/sender/mailer-daemon-from", "MAILER-DAEMON@mx.customer.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/postmaster", "Postmaster <postmaster@customer.example>", NULL, "", TRUE },
	{ "/loop/automatic/sender/noreply", "noreply@customer.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/no-reply", "Shop <No-Reply@shop.example>", NULL, "", TRUE },
	{ "/loop/automatic/sender/no_reply", "no_reply@shop.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/donotreply", "donotreply@shop.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/do-not-reply", "do-not-reply@shop.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/do_not_reply", "do_not_reply@shop.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/begins-with-noreply", "noreply-billing@shop.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/ends-with-dash-noreply", "notifications-noreply@social.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/ends-with-dot-no-reply", "alerts.no-reply@bank.example", NULL, "", TRUE },
	{ "/loop/automatic/sender/noreply-envelope", PERSON, "noreply-bounces@shop.example", "", TRUE },

	/* A person's mail, and what only looks like the above. */
	{ "/loop/person/ordinary-mail", PERSON, "anna@customer.example", "", FALSE },
	{ "/loop/person/envelope-unknown", PERSON, NULL, "", FALSE },
	{ "/loop/person/auto-submitted-no", PERSON, NULL, "Auto-Submitted: no\n", FALSE },
	{ "/loop/person/auto-submitted-no-with-comment", PERSON, NULL, "Auto-Submitted: No (a person)\n", FALSE },
	{ "/loop/person/auto-submitted-empty", PERSON, NULL, "Auto-Submitted:\n", FALSE },
	{ "/loop/person/x-autoreply-no", PERSON, NULL, "X-Autoreply: no\n", FALSE },
	{ "/loop/person/x-autorespond-false", PERSON, NULL, "X-Autorespond: false\n", FALSE },
	{ "/loop/person/x-auto-response-suppress-empty", PERSON, NULL, "X-Auto-Response-Suppress: \n", FALSE },
	{ "/loop/person/precedence-first-class", PERSON, NULL, "Precedence: first-class\n", FALSE },
	{ "/loop/person/precedence-normal", PERSON, NULL, "Precedence: normal\n", FALSE },
	{ "/loop/person/x-precedence-normal", PERSON, NULL, "X-Precedence: normal\n", FALSE },
	{ "/loop/person/x-loop-naming-another", PERSON, NULL, "X-Loop: helpdesk@other.example\n", FALSE },
	{ "/loop/person/sender/noreply-inside-a-word", "snoreply@customer.example", NULL, "", FALSE },
	{ "/loop/person/sender/noreply-after-plus", "anna+noreply@customer.example", NULL, "", FALSE },
	{ "/loop/person/sender/noreply-in-the-domain", "anna@noreply.customer.example", NULL, "", FALSE },
	{ "/loop/person/sender/reply", "reply@customer.example", NULL, "", FALSE },
	{ "/loop/person/sender/postmaster-in-a-longer-name", "postmaster-jobs@customer.example", NULL, "", FALSE },
};

static void
test_case (gconstpointer data)
{
	const Case *c = data;
	g_autofree char *text =
		g_strdup_printf ("From: %s\nTo: " US "\nSubject: a test\nMessage-ID: <t@x>\n%s%s", c->from, c->headers,
				 strstr (c->headers, "MIME-Version") ? "" : "\nHello.\n");
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (MtMessage) m = NULL;

	g_byte_array_append (raw, (const guint8 *) text, strlen (text));
	m = mt_message_parse (raw, &error);
	g_assert_no_error (error);
	g_assert_cmpint (mt_loop_is_automatic (m, c->envelope, US), ==, c->automatic);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	mt_message_init ();
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
		g_test_add_data_func (cases[i].name, &cases[i], test_case);
	return g_test_run ();
}
