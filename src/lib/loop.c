/*
 * NAME
 *	loop.c - recognising automatic mail
 * DESCRIPTION
 *	Answering an auto-responder with an acknowledgement is how mail
 *	loops start; reopening a ticket because of an out-of-office reply is
 *	how agents lose trust in the queue. Both are decided here, once.
 */
#include <string.h>

#include "mailticket/loop.h"

static const char *const automatic_locals[] = {
	"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", NULL,
};

static gboolean
header_is (MtMessage *m, const char *name, const char *const *values)
{
	const char *value = mt_message_header (m, name);
	g_autofree char *word = NULL;

	if (value == NULL)
		return FALSE;
	word = g_ascii_strdown (value, -1);
	return values == NULL || g_strv_contains (values, g_strstrip (word));
}

static gboolean
automatic_sender (const char *address)
{
	g_autofree char *lower = NULL;
	char *at;

	if (address == NULL)
		return FALSE;
	lower = g_ascii_strdown (address, -1);
	if ((at = strchr (lower, '@')) != NULL)
		*at = '\0';
	return g_strv_contains (automatic_locals, lower);
}

gboolean
mt_loop_is_automatic (MtMessage *m, const char *envelope_sender, const char *our_address)
{
	static const char *const bulk[] = { "bulk", "junk", "list", NULL };
	const char *auto_submitted = mt_message_header (m, "Auto-Submitted");
	const char *x_loop = mt_message_header (m, "X-Loop");

	while (auto_submitted != NULL && g_ascii_isspace (*auto_submitted))
		auto_submitted++;
	if (auto_submitted != NULL && g_ascii_strncasecmp (auto_submitted, "no", 2) != 0)
		return TRUE;
	if (header_is (m, "Precedence", bulk) || header_is (m, "List-Id", NULL))
		return TRUE;
	if (x_loop != NULL && our_address != NULL && strcasestr (x_loop, our_address) != NULL)
		return TRUE;
	if (envelope_sender != NULL && (*envelope_sender == '\0' || strcmp (envelope_sender, "<>") == 0))
		return TRUE;
	return automatic_sender (envelope_sender) || automatic_sender (m->from_addr);
}
