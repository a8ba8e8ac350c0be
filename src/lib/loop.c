/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	loop.c - recognising automatic mail
 * DESCRIPTION
 *	Answering an auto-responder with an acknowledgement is how mail
 *	loops start; reopening a ticket because of an out-of-office reply is
 *	how agents lose trust in the queue; an escalation for a newsletter
 *	nobody waits on is how they learn to ignore escalations. All of it
 *	is decided here, once.
 *
 *	A message is automatic when it says so, in the headers that RT,
 *	Znuny and Zammad read (automatic_headers below), by being an abuse
 *	report (multipart/report; report-type=feedback-report) or by an
 *	X-Loop naming us; or when its sender is one that no person writes
 *	from: an empty return path, MAILER-DAEMON, postmaster, and the
 *	noreply addresses (noreply_words below). A header that is present
 *	but empty says nothing. Headers are read as lower-case words, split
 *	at spaces, commas, semicolons and parentheses, so that
 *	"X-Auto-Response-Suppress: DR, OOF" and "Auto-Submitted:
 *	auto-replied; owner-email=..." both count.
 */
#include <string.h>

#include "mailticket/loop.h"

typedef enum {
	ANY_VALUE, /* present, whatever it says */
	ONE_OF,    /* one of its words is among the values */
	UNLESS,    /* its first word is none of the values */
} Match;

typedef struct {
	const char *name;
	Match match;
	const char *const values[8];
} AutomaticHeader;

static const AutomaticHeader automatic_headers[] = {
	{ "Auto-Submitted", UNLESS, { "no", NULL } }, /* RFC 3834 */
	{ "X-Autoreply", UNLESS, { "no", "false", NULL } },
	{ "X-Autorespond", UNLESS, { "no", "false", NULL } },
	/* Exchange puts it on its own auto-replies, asking for no answer. */
	{ "X-Auto-Response-Suppress", ONE_OF, { "all", "oof", "autoreply", "dr", "ndr", "rn", "nrn", NULL } },
	{ "Precedence", ONE_OF, { "bulk", "junk", "list", "auto_reply", NULL } },
	{ "X-Precedence", ONE_OF, { "bulk", "junk", "list", "auto_reply", NULL } },
	{ "List-Id", ANY_VALUE, { NULL } },          /* RFC 2919 */
	{ "List-Unsubscribe", ANY_VALUE, { NULL } }, /* RFC 2369: lists and newsletters */
	{ "Feedback-Type", ANY_VALUE, { NULL } },    /* RFC 5965: an abuse report */
};

/* Local parts that only programs send from. */
static const char *const machine_locals[] = { "mailer-daemon", "postmaster", NULL };

/* A local part that begins with one of these (noreply-billing@), or ends
 * with one after a "-", "_" or "." (notifications-noreply@), says that
 * nobody reads the answer. */
static const char *const noreply_words[] = {
	"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", NULL,
};

/* A header value's words, lower case; never empty strings. */
static GStrv
words_of (const char *value)
{
	g_autofree char *lower = g_ascii_strdown (value, -1);
	GStrv words = g_strsplit_set (lower, " \t\r\n,;()", -1);
	guint n = 0;

	for (guint i = 0; words[i] != NULL; i++)
		if (*words[i] != '\0')
			words[n++] = words[i];
		else
			g_free (words[i]);
	words[n] = NULL;
	return words;
}

static gboolean
value_says_automatic (const char *value, const AutomaticHeader *h)
{
	g_auto (GStrv) words = words_of (value);

	if (words[0] == NULL)
		return FALSE;
	if (h->match == ANY_VALUE)
		return TRUE;
	if (h->match == UNLESS)
		return !g_strv_contains (h->values, words[0]);
	for (guint i = 0; words[i] != NULL; i++)
		if (g_strv_contains (h->values, words[i]))
			return TRUE;
	return FALSE;
}

/* Each field of that name counts: "Precedence: never-bounce" first does
 * not hide "Precedence: bulk" after it. */
static gboolean
header_says_automatic (MtMessage *m, const AutomaticHeader *h)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (m->mime));
	int n = g_mime_header_list_get_count (list);

	for (int i = 0; i < n; i++) {
		GMimeHeader *header = g_mime_header_list_get_header_at (list, i);
		const char *value = g_mime_header_get_value (header);

		if (g_ascii_strcasecmp (g_mime_header_get_name (header), h->name) == 0 && value != NULL &&
		    value_says_automatic (value, h))
			return TRUE;
	}
	return FALSE;
}

/* An abuse report says what it is in its type, whatever its headers. */
static gboolean
is_feedback_report (MtMessage *m)
{
	GMimeObject *root = g_mime_message_get_mime_part (m->mime);
	GMimeContentType *ct = root ? g_mime_object_get_content_type (root) : NULL;
	const char *report = ct ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;

	return report != NULL && g_mime_content_type_is_type (ct, "multipart", "report") &&
	       g_ascii_strcasecmp (report, "feedback-report") == 0;
}

static gboolean
is_noreply (const char *local)
{
	gsize len = strlen (local);

	for (int i = 0; noreply_words[i] != NULL; i++) {
		gsize n = strlen (noreply_words[i]);

		if (g_str_has_prefix (local, noreply_words[i]))
			return TRUE;
		if (len > n && g_str_has_suffix (local, noreply_words[i]) && strchr ("-_.", local[len - n - 1]))
			return TRUE;
	}
	return FALSE;
}

static gboolean
automatic_sender (const char *address)
{
	g_autofree char *local = NULL;
	char *at;

	if (address == NULL)
		return FALSE;
	local = g_ascii_strdown (address, -1);
	if ((at = strchr (local, '@')) != NULL)
		*at = '\0';
	return g_strv_contains (machine_locals, local) || is_noreply (local);
}

gboolean
mt_loop_is_automatic (MtMessage *m, const char *envelope_sender, const char *our_address)
{
	const char *x_loop = mt_message_header (m, "X-Loop");

	for (gsize i = 0; i < G_N_ELEMENTS (automatic_headers); i++)
		if (header_says_automatic (m, &automatic_headers[i]))
			return TRUE;
	if (is_feedback_report (m))
		return TRUE;
	if (x_loop != NULL && our_address != NULL && strcasestr (x_loop, our_address) != NULL)
		return TRUE;
	if (envelope_sender != NULL && (*envelope_sender == '\0' || strcmp (envelope_sender, "<>") == 0))
		return TRUE;
	return automatic_sender (envelope_sender) || automatic_sender (m->from_addr);
}
