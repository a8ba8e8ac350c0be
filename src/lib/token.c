/*
 * NAME
 *	token.c - reply-address and subject tokens
 * DESCRIPTION
 *	The reply token is what lets a reply find its ticket when a client
 *	drops In-Reply-To and rewrites the subject: support+42.<mac>@domain.
 *	The mac is HMAC-SHA256 over the ticket number under the site secret,
 *	so a number alone is no key to a ticket. Macs are compared in
 *	constant time.
 */
#include <string.h>

#include "mailticket/token.h"

char *
mt_token_mac (const char *secret, gint64 ticket)
{
	g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ticket);
	g_autofree char *hex =
		g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret), id, -1);

	return g_strndup (hex, MT_TOKEN_MAC_LEN);
}

char *
mt_token_reply_address (const char *secret, const char *address, char delimiter, gint64 ticket)
{
	const char *at = strrchr (address, '@');
	g_autofree char *mac = mt_token_mac (secret, ticket);
	g_autofree char *local = g_strndup (address, at ? (gsize) (at - address) : strlen (address));
	char *plus = strchr (local, delimiter);

	if (plus != NULL)
		*plus = '\0';
	return g_strdup_printf ("%s%c%" G_GINT64_FORMAT ".%s%s", local, delimiter, ticket, mac, at ? at : "");
}

static gboolean
equal_in_constant_time (const char *a, const char *b, gsize len)
{
	guchar diff = 0;

	for (gsize i = 0; i < len; i++)
		diff |= (guchar) (g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]));
	return diff == 0;
}

gboolean
mt_token_parse_reply (const char *secret, const char *address, char delimiter, gint64 *ticket)
{
	const char *at = address ? strrchr (address, '@') : NULL;
	const char *p = address ? memchr (address, delimiter, at ? (gsize) (at - address) : 0) : NULL;
	const char *dot;
	char *end = NULL;
	gint64 id;

	if (p == NULL || secret == NULL || !g_ascii_isdigit (p[1]))
		return FALSE;
	id = g_ascii_strtoll (p + 1, &end, 10);
	if (id <= 0 || *end != '.')
		return FALSE;
	dot = end;
	if (at - dot - 1 != MT_TOKEN_MAC_LEN)
		return FALSE;
	g_autofree char *mac = mt_token_mac (secret, id);
	if (!equal_in_constant_time (dot + 1, mac, MT_TOKEN_MAC_LEN))
		return FALSE;
	*ticket = id;
	return TRUE;
}

char *
mt_token_subject (const char *tag, gint64 ticket)
{
	return g_strdup_printf ("[%s#%" G_GINT64_FORMAT "]", tag, ticket);
}

/* Compiled once per process and tag (borrowed), as a delivery server
 * looks for the token in every subject. Not G_REGEX_OPTIMIZE: PCRE's JIT
 * costs more than it saves on one subject, and valgrind cannot follow
 * the code it generates. */
static GRegex *
token_regex (const char *tag)
{
	static GRegex *regex;
	static char *compiled_for;

	if (regex != NULL && strcmp (compiled_for, tag) == 0)
		return regex;
	g_autofree char *escaped = g_regex_escape_string (tag, -1);
	g_autofree char *pattern = g_strdup_printf ("\\[\\s*%s\\s*#\\s*(\\d{1,18})\\s*\\]", escaped);
	g_clear_pointer (&regex, g_regex_unref);
	g_free (compiled_for);
	compiled_for = g_strdup (tag);
	regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);
	return regex;
}

gboolean
mt_token_find_subject (const char *tag, const char *subject, gint64 *ticket)
{
	GRegex *regex = token_regex (tag);
	g_autoptr (GMatchInfo) match = NULL;

	if (regex == NULL || subject == NULL || !g_regex_match (regex, subject, 0, &match))
		return FALSE;
	g_autofree char *digits = g_match_info_fetch (match, 1);
	*ticket = g_ascii_strtoll (digits, NULL, 10);
	return *ticket > 0;
}
