/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	token.c - reply-address and subject tokens
 * DESCRIPTION
 *	The reply token is what lets a reply find its ticket when a client
 *	drops In-Reply-To and rewrites the subject, and what proves that
 *	its writer holds a mail we sent to one address:
 *	support+42.a<mac>@domain. The mac is HMAC-SHA256 under the site
 *	secret over the ticket's uuid, the role and that address, so a
 *	number alone is no key to a ticket and a token says whose it is.
 *	Macs are compared in constant time.
 */
#include <string.h>

#include "mailticket/token.h"

static const struct {
	MtTokenRole role;
	char letter;
	const char *name;
} roles[] = {
	{ MT_TOKEN_LEGACY, 0, "legacy" },
	{ MT_TOKEN_CUSTOMER, 'c', "customer" },
	{ MT_TOKEN_AGENT, 'a', "agent" },
	{ MT_TOKEN_COMMENT, 'n', "comment" },
};

char
mt_token_role_letter (MtTokenRole role)
{
	return roles[role].letter;
}

const char *
mt_token_role_name (MtTokenRole role)
{
	return roles[role].name;
}

/* The first form: the mac of the ticket number alone. */
static char *
legacy_mac (const char *secret, gint64 ticket)
{
	g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ticket);
	g_autofree char *hex =
		g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret), id, -1);

	return g_strndup (hex, MT_TOKEN_LEGACY_MAC_LEN);
}

/* The fields are joined with NUL bytes, which none of them can hold, so
 * that no two different triples give the same input. */
static char *
bound_mac (const char *secret, const char *uuid, MtTokenRole role, const char *recipient)
{
	g_autofree char *lower = g_ascii_strdown (recipient ? recipient : "", -1);
	GString *data = g_string_new ("mailticket-token-2");
	g_autofree char *hex = NULL;

	g_string_append_c (data, '\0');
	g_string_append (data, uuid ? uuid : "");
	g_string_append_c (data, '\0');
	g_string_append_c (data, roles[role].letter);
	g_string_append_c (data, '\0');
	g_string_append (data, lower);
	hex = g_compute_hmac_for_data (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret),
				       (const guchar *) data->str, data->len);
	g_string_free (data, TRUE);
	return g_strndup (hex, MT_TOKEN_MAC_LEN);
}

char *
mt_token_reply_address (const char *secret, const char *address, char delimiter, gint64 ticket, const char *uuid,
			MtTokenRole role, const char *recipient)
{
	const char *at = strrchr (address, '@');
	g_autofree char *mac = bound_mac (secret, uuid, role, recipient);
	g_autofree char *local = g_strndup (address, at ? (gsize) (at - address) : strlen (address));
	char *plus = strchr (local, delimiter);

	if (plus != NULL)
		*plus = '\0';
	return g_strdup_printf ("%s%c%" G_GINT64_FORMAT ".%c%s%s", local, delimiter, ticket, roles[role].letter, mac,
				at ? at : "");
}

static gboolean
equal_in_constant_time (const char *a, const char *b, gsize len)
{
	guchar diff = 0;

	for (gsize i = 0; i < len; i++)
		diff |= (guchar) (g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]));
	return diff == 0;
}

static gboolean
all_hex (const char *p, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (!g_ascii_isxdigit (p[i]))
			return FALSE;
	return TRUE;
}

/* The role and mac after the dot, len characters up to the '@'. */
static gboolean
parse_mac (const char *p, gsize len, MtToken *token)
{
	if (len == MT_TOKEN_LEGACY_MAC_LEN && all_hex (p, len)) {
		token->role = MT_TOKEN_LEGACY;
		memcpy (token->mac, p, len);
		token->mac[len] = '\0';
		return TRUE;
	}
	if (len != MT_TOKEN_MAC_LEN + 1 || !all_hex (p + 1, MT_TOKEN_MAC_LEN))
		return FALSE;
	for (gsize i = 1; i < G_N_ELEMENTS (roles); i++)
		if (g_ascii_tolower (*p) == roles[i].letter) {
			token->role = roles[i].role;
			memcpy (token->mac, p + 1, MT_TOKEN_MAC_LEN);
			token->mac[MT_TOKEN_MAC_LEN] = '\0';
			return TRUE;
		}
	return FALSE;
}

gboolean
mt_token_parse (const char *address, const char *delimiters, MtToken *token)
{
	const char *at = address ? strrchr (address, '@') : NULL;
	const char *p = at ? address + strcspn (address, delimiters) : NULL;
	char *end = NULL;

	memset (token, 0, sizeof *token);
	if (p == NULL || p >= at || !g_ascii_isdigit (p[1]))
		return FALSE;
	token->ticket = g_ascii_strtoll (p + 1, &end, 10);
	if (token->ticket <= 0 || *end != '.' || end > at)
		return FALSE;
	return parse_mac (end + 1, (gsize) (at - end - 1), token);
}

gboolean
mt_token_verify (const char *secret, const MtToken *token, const char *uuid, const char *recipient)
{
	g_autofree char *mac = NULL;

	if (secret == NULL)
		return FALSE;
	if (token->role == MT_TOKEN_LEGACY)
		mac = legacy_mac (secret, token->ticket);
	else
		mac = bound_mac (secret, uuid, token->role, recipient);
	return strlen (token->mac) == strlen (mac) && equal_in_constant_time (token->mac, mac, strlen (mac));
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

/* "(?:\+|-)" for "+-": any one of the characters, each escaped (in a
 * bracket expression "-" would make a range). Owned. */
static char *
delimiter_pattern (const char *delimiters)
{
	g_autoptr (GString) s = g_string_new ("(?:");

	for (const char *c = delimiters; *c; c++) {
		g_autofree char *one = g_regex_escape_string (c, 1);

		g_string_append_printf (s, "%s%s", c == delimiters ? "" : "|", one);
	}
	g_string_append_c (s, ')');
	return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
mt_token_redact (const char *text, const char *delimiters)
{
	g_autofree char *d = delimiter_pattern (delimiters);
	g_autofree char *pattern = g_strdup_printf ("[^\\s<>\"'(),;:@]+%s[0-9]{1,18}\\.[an][0-9a-f]{%d}@[A-Za-z0-9.-]+",
						    d, MT_TOKEN_MAC_LEN);
	g_autoptr (GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);

	if (regex == NULL || text == NULL)
		return g_strdup (text);
	return g_regex_replace_literal (regex, text, -1, 0, "[address removed]", 0, NULL);
}
