/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	html.c - HTML reduced to readable text
 * DESCRIPTION
 *	For mail whose only body is HTML. Not a renderer: tags are dropped,
 *	the contents of head, script and style with them; block elements
 *	start a new line or paragraph, list items a "- "; runs of white space collapse as
 *	a browser would; character references are decoded. The input has
 *	normally been converted to UTF-8 by GMime; bytes that are not UTF-8
 *	become U+FFFD.
 */
#include <string.h>

#include "mailticket/message.h"

typedef struct {
	GString *out;
	gboolean space;         /* white space seen since the last word */
	const char *skip_until; /* closing tag whose contents are dropped */
} Html;

/* Elements that start a new line, and those that start a paragraph. */
static const char *const line_tags[] = {
	"div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", NULL,
};

static const char *const paragraph_tags[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", NULL,
};

static const struct {
	const char *name;
	const char *text;
} entities[] = {
	{ "amp", "&" },    { "lt", "<" },     { "gt", ">" },    { "quot", "\"" },  { "apos", "'" },   { "nbsp", " " },
	{ "copy", "©" },   { "reg", "®" },    { "euro", "€" },  { "hellip", "…" }, { "mdash", "—" },  { "ndash", "–" },
	{ "laquo", "«" },  { "raquo", "»" },  { "auml", "ä" },  { "ouml", "ö" },   { "uuml", "ü" },   { "Auml", "Ä" },
	{ "Ouml", "Ö" },   { "Uuml", "Ü" },   { "szlig", "ß" }, { "eacute", "é" }, { "egrave", "è" }, { "aacute", "á" },
	{ "ntilde", "ñ" }, { "ccedil", "ç" },
};

/* Ends the output with at least `want' newlines (one: a new line, two:
 * an empty line between paragraphs), never more than two, none at the
 * start. */
static void
newlines (Html *h, int want)
{
	int have = 0;

	h->space = FALSE;
	if (h->out->len == 0)
		return;
	while (have < 2 && (gsize) have < h->out->len && h->out->str[h->out->len - 1 - have] == '\n')
		have++;
	for (; have < want; have++)
		g_string_append_c (h->out, '\n');
}

static void
word_char (Html *h, const char *text, gssize len)
{
	gsize n = h->out->len;

	if (h->space && n > 0 && h->out->str[n - 1] != '\n' && h->out->str[n - 1] != ' ')
		g_string_append_c (h->out, ' ');
	h->space = FALSE;
	g_string_append_len (h->out, text, len);
}

/* The tag name at p (after '<' and an optional '/'), lower case. */
static char *
tag_name (const char *p)
{
	gsize n = 0;

	while (g_ascii_isalnum (p[n]))
		n++;
	return g_ascii_strdown (p, (gssize) n);
}

static const char *
handle_tag (Html *h, const char *p)
{
	gboolean closing = p[1] == '/';
	g_autofree char *name = tag_name (p + 1 + closing);
	const char *end = strchr (p, '>');

	if (end == NULL)
		return p + strlen (p);
	if (!closing && (strcmp (name, "script") == 0 || strcmp (name, "style") == 0 || strcmp (name, "head") == 0 ||
			 strcmp (name, "title") == 0))
		h->skip_until = strcmp (name, "script") == 0  ? "</script"
				: strcmp (name, "style") == 0 ? "</style"
				: strcmp (name, "head") == 0  ? "</head"
							      : "</title";
	else if (strcmp (name, "br") == 0)
		/* <br><br> is how much HTML mail separates paragraphs. */
		newlines (h, h->out->len > 0 && h->out->str[h->out->len - 1] == '\n' ? 2 : 1);
	else if (g_strv_contains (paragraph_tags, name))
		newlines (h, 2);
	else if (g_strv_contains (line_tags, name)) {
		newlines (h, 1);
		if (!closing && strcmp (name, "li") == 0)
			word_char (h, "- ", 2);
	}
	return end + 1;
}

/* The longest entity name or number looked for. */
#define MAX_ENTITY_LEN 10

static const char *
handle_entity (Html *h, const char *p)
{
	/* The ';' is looked for only as far as an entity can reach: a
	 * search to the end for every '&' made a megabyte of them take
	 * seconds. */
	const char *semi = memchr (p, ';', strnlen (p, MAX_ENTITY_LEN + 2));
	gsize len = semi ? (gsize) (semi - p - 1) : 0;

	if (semi == NULL || len == 0 || len > MAX_ENTITY_LEN) {
		word_char (h, "&", 1);
		return p + 1;
	}
	if (p[1] == '#') {
		gunichar c = p[2] == 'x' || p[2] == 'X' ? (gunichar) g_ascii_strtoull (p + 3, NULL, 16)
							: (gunichar) g_ascii_strtoull (p + 2, NULL, 10);
		char buf[6];
		if (g_unichar_validate (c) && c != 0)
			word_char (h, buf, g_unichar_to_utf8 (c, buf));
		return semi + 1;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (entities); i++)
		if (strlen (entities[i].name) == len && strncmp (p + 1, entities[i].name, len) == 0) {
			word_char (h, entities[i].text, -1);
			return semi + 1;
		}
	word_char (h, "&", 1);
	return p + 1;
}

static const char *
skip_to (const char *p, const char *closing)
{
	const char *found = strcasestr (p, closing);

	if (found == NULL)
		return p + strlen (p);
	return strchr (found, '>') ? strchr (found, '>') + 1 : found + strlen (found);
}

char *
mt_html_to_text (const char *html)
{
	Html h = { g_string_new (NULL), FALSE, NULL };
	g_autofree char *valid = NULL;
	const char *p = html ? html : "";

	/* Stepping over a character must never step over the end. */
	if (!g_utf8_validate (p, -1, NULL))
		p = valid = g_utf8_make_valid (p, -1);

	while (*p) {
		if (h.skip_until) {
			p = skip_to (p, h.skip_until);
			h.skip_until = NULL;
		} else if (g_str_has_prefix (p, "<!--")) {
			const char *end = strstr (p + 4, "-->");
			p = end ? end + 3 : p + strlen (p);
		} else if (*p == '<' && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!')) {
			p = handle_tag (&h, p);
		} else if (*p == '&') {
			p = handle_entity (&h, p);
		} else if (g_ascii_isspace (*p)) {
			h.space = TRUE;
			p++;
		} else {
			const char *next = g_utf8_next_char (p);
			word_char (&h, p, next - p);
			p = next;
		}
	}
	while (h.out->len > 0 && h.out->str[h.out->len - 1] == '\n')
		g_string_truncate (h.out, h.out->len - 1);
	return g_string_free (h.out, FALSE);
}
