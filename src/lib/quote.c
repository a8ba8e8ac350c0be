/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	quote.c - what an agent typed, without the quote and the signature
 * DESCRIPTION
 *	mt_quote_new_text() reads the text line by line, with a lookahead
 *	of a few lines and quote headers no longer than MAX_ATTRIBUTION, so
 *	its time is linear in the text's length whatever the text holds.
 *	Lines end in LF or CRLF; the lines kept keep their own ends.
 *
 *	Everything from the first of these lines on is cut, as nothing the
 *	writer typed comes after them:
 *	  - the signature separator "-- ", or "--", as some clients strip
 *	    the space;
 *	  - Outlook's "-----Original Message-----" in the languages of
 *	    separators[], a line of underscores above a From: line, and a
 *	    header block: From: followed by two or more of Sent:, To:,
 *	    Subject: ... in the languages of from_keys[] and header_keys[];
 *	  - a quote header ("On <date>, <name> wrote:" and the others in
 *	    attributions[]) with no ">" line under it: the quote under it
 *	    was reduced from HTML or carries no marks.
 *	A quote header holds a date, a time of day ("10:00") or a year
 *	("2026"), and may wrap over two lines, as Gmail wraps it, when it
 *	holds an address. So "wrote:" in a sentence of the writer's, or
 *	"On Monday she wrote:", or "On ticket #41 she wrote:", cuts nothing.
 *	Lines that start with ">" are quoted and are never taken for any of
 *	these.
 *
 *	Above that point, quoted lines are dropped wherever they are, and
 *	so is a quote header right above them: the quote under a top-posted
 *	answer, the quote above a bottom-posted one, and the questions
 *	between an agent's inline answers. Every other line is kept byte
 *	for byte. Where lines were dropped between two kept ones, they and
 *	the blank lines around them become one empty line, so that inline
 *	answers to different questions stay separate paragraphs. A line of
 *	the writer's own that starts with ">" is taken for a quote.
 *
 *	Leading and trailing blank lines are trimmed. When nothing is left,
 *	the whole text was quote, or the quote came first and what was
 *	typed under it cannot be told from it: the text is returned with
 *	only its signature cut, so that nothing typed is lost; "" when that
 *	is blank too.
 */
#include <string.h>

#include "mailticket/quote.h"

/* Longer than any client's quote header, with a long name and address. */
#define MAX_ATTRIBUTION 300

typedef struct {
	const char *start; /* first byte */
	gsize len;         /* bytes before the line end, a CR of CRLF excluded */
	const char *next;  /* first byte after the line end */
} Line;

/* A quote header starts with prefix, holds infix further on and ends
 * with suffix. */
typedef struct {
	const char *prefix;
	const char *infix;
	const char *suffix;
	gboolean above_quote_only; /* counts only above a ">" line */
} Attribution;

static const Attribution attributions[] = {
	/* Thunderbird, Gmail, Apple Mail, K-9, Evolution, mutt */
	{ "On ", NULL, " wrote:", FALSE },
	{ "Am ", " schrieb ", ":", FALSE },
	{ "El ", NULL, " escribió:", FALSE },
	{ "W dniu ", NULL, " pisze:", FALSE },
	{ "", NULL, " napisał(a):", FALSE },
	/* French puts a space, often a no-break one, before the colon. */
	{ "Le ", NULL, " a écrit :", FALSE },
	{ "Le ", NULL, " a écrit\xc2\xa0:", FALSE },
	{ "Le ", NULL, " a écrit\xe2\x80\xaf:", FALSE },
	{ "Le ", NULL, " a écrit:", FALSE },
	{ "Op ", " schreef ", ":", FALSE },
	/* mutt's "* Name <addr> [2026-12-01 10:00]:"; a list item could
	 * look like it, a list item has no quote under it. */
	{ "* ", " [", "]:", TRUE },
};

/* Between the dashes of Outlook's "-----Original Message-----". */
static const char *const separators[] = {
	"Original Message",     "Ursprüngliche Nachricht", "Mensaje original",
	"Wiadomość oryginalna", "Message d'origine",       "Oorspronkelijk bericht",
};

/* The header block Outlook puts above the quote, by language. */
static const char *const from_keys[] = { "From:", "Von:", "De:", "Od:", "De :", "Van:" };

static const char *const header_keys[] = {
	"Sent:",      "Date:",  "To:",         "Cc:",      "Subject:", /* English */
	"Gesendet:",  "Datum:", "An:",         "Betreff:",             /* German */
	"Enviado:",   "Fecha:", "Enviado el:", "Para:",    "Asunto:",  /* Spanish */
	"Wysłano:",   "Data:",  "Do:",         "DW:",      "Temat:",   /* Polish */
	"Envoyé :",   "À :",    "Objet :",                             /* French */
	"Verzonden:", "Aan:",   "Onderwerp:",                          /* Dutch */
};

/* The line at p, before end; FALSE when p is at end. */
static gboolean
line_at (const char *p, const char *end, Line *line)
{
	const char *nl;

	if (p >= end)
		return FALSE;
	nl = memchr (p, '\n', end - p);
	line->start = p;
	line->next = nl ? nl + 1 : end;
	line->len = (nl ? nl : end) - p;
	if (line->len > 0 && p[line->len - 1] == '\r')
		line->len--;
	return TRUE;
}

static gboolean
is_quoted (const Line *l)
{
	return l->len > 0 && l->start[0] == '>';
}

static gboolean
is_blank (const Line *l)
{
	for (gsize i = 0; i < l->len; i++)
		if (l->start[i] != ' ' && l->start[i] != '\t')
			return FALSE;
	return TRUE;
}

/* The first line at or after p that is not blank. */
static gboolean
next_text_line (const char *p, const char *end, Line *line)
{
	while (line_at (p, end, line) && is_blank (line))
		p = line->next;
	return p < end;
}

static gboolean
is_signature (const Line *l)
{
	return (l->len == 3 && memcmp (l->start, "-- ", 3) == 0) || (l->len == 2 && memcmp (l->start, "--", 2) == 0);
}

static gboolean
is_separator (const Line *l)
{
	const char *s = l->start;
	const char *e = l->start + l->len;

	if (l->len < 5 || memcmp (s, "-----", 5) != 0)
		return FALSE;
	while (s < e && (*s == '-' || *s == ' '))
		s++;
	while (e > s && (e[-1] == '-' || e[-1] == ' '))
		e--;
	for (gsize i = 0; i < G_N_ELEMENTS (separators); i++)
		if ((gsize) (e - s) == strlen (separators[i]) && g_ascii_strncasecmp (s, separators[i], e - s) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
has_key (const Line *l, const char *const *keys, gsize n_keys)
{
	for (gsize i = 0; i < n_keys; i++) {
		gsize n = strlen (keys[i]);

		if (l->len >= n && g_ascii_strncasecmp (l->start, keys[i], n) == 0)
			return TRUE;
	}
	return FALSE;
}

/* From: followed by two more header lines, as Outlook quotes. */
static gboolean
starts_header_block (const Line *l, const char *end)
{
	const char *p = l->next;
	Line next;

	if (!has_key (l, from_keys, G_N_ELEMENTS (from_keys)))
		return FALSE;
	for (int i = 0; i < 2; i++, p = next.next)
		if (!line_at (p, end, &next) || !has_key (&next, header_keys, G_N_ELEMENTS (header_keys)))
			return FALSE;
	return TRUE;
}

/* Outlook's "________________________________" above a From: line. */
static gboolean
is_rule_above_from (const Line *l, const char *end)
{
	Line next;

	if (l->len < 8)
		return FALSE;
	for (gsize i = 0; i < l->len; i++)
		if (l->start[i] != '_')
			return FALSE;
	return next_text_line (l->next, end, &next) && has_key (&next, from_keys, G_N_ELEMENTS (from_keys));
}

static gboolean
digits_at (const char *s, gsize len, gsize i, gsize n)
{
	for (gsize k = 0; k < n; k++)
		if (i + k >= len || !g_ascii_isdigit (s[i + k]))
			return FALSE;
	return TRUE;
}

/* At s[i], the first of a run of digits: a time of day ("9:30", "10:00")
 * or a year ("2026"). */
static gboolean
is_date_at (const char *s, gsize len, gsize i)
{
	gsize hour = digits_at (s, len, i, 2) ? 2 : 1;

	if (i + hour < len && s[i + hour] == ':' && digits_at (s, len, i + hour + 1, 2))
		return TRUE;
	if (!digits_at (s, len, i, 4) || digits_at (s, len, i + 4, 1))
		return FALSE;
	return memcmp (s + i, "19", 2) == 0 || memcmp (s + i, "20", 2) == 0;
}

static gboolean
has_date (const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (g_ascii_isdigit (s[i]) && (i == 0 || !g_ascii_isdigit (s[i - 1])) && is_date_at (s, len, i))
			return TRUE;
	return FALSE;
}

static gboolean
attribution_matches (const Attribution *a, const char *s, gsize len)
{
	gsize p = strlen (a->prefix);
	gsize x = strlen (a->suffix);

	if (len < p + x || memcmp (s, a->prefix, p) != 0 || memcmp (s + len - x, a->suffix, x) != 0)
		return FALSE;
	return a->infix == NULL || memmem (s + p, len - p - x, a->infix, strlen (a->infix)) != NULL;
}

/* The quote header s is, or NULL. */
static const Attribution *
attribution_of (const char *s, gsize len)
{
	if (len > MAX_ATTRIBUTION || !has_date (s, len))
		return NULL;
	for (gsize i = 0; i < G_N_ELEMENTS (attributions); i++)
		if (attribution_matches (&attributions[i], s, len))
			return &attributions[i];
	return NULL;
}

/* How many lines, from l, a quote header takes: 0, 1, or 2 when it
 * wraps, which it does only when an address made it long. */
static guint
attribution_lines (const Line *l, const char *end, const Attribution **found)
{
	char joined[MAX_ATTRIBUTION];
	Line next;
	gsize len;

	if ((*found = attribution_of (l->start, l->len)) != NULL)
		return 1;
	if (l->len == 0 || !line_at (l->next, end, &next) || is_quoted (&next))
		return 0;
	len = l->len + 1 + next.len;
	if (len > sizeof joined || attribution_of (next.start, next.len) != NULL)
		return 0;
	memcpy (joined, l->start, l->len);
	joined[l->len] = ' ';
	memcpy (joined + l->len + 1, next.start, next.len);
	if (!memchr (joined, '@', len) || (*found = attribution_of (joined, len)) == NULL)
		return 0;
	return 2;
}

/* The first line after the n lines from l that is not blank is quoted. */
static gboolean
above_quote (const Line *l, guint n, const char *end)
{
	const char *p = l->next;
	Line next;

	for (guint i = 1; i < n && line_at (p, end, &next); i++)
		p = next.next;
	return next_text_line (p, end, &next) && is_quoted (&next);
}

/* A line that nothing the writer typed follows. */
static gboolean
ends_new_text (const Line *l, const char *end)
{
	const Attribution *a;
	guint n;

	if (is_quoted (l) || is_blank (l))
		return FALSE;
	if (is_signature (l) || is_separator (l) || is_rule_above_from (l, end) || starts_header_block (l, end))
		return TRUE;
	n = attribution_lines (l, end, &a);
	return n > 0 && !a->above_quote_only && !above_quote (l, n, end);
}

static const char *
new_text_end (const char *text, const char *end)
{
	Line l;

	for (const char *p = text; line_at (p, end, &l); p = l.next)
		if (ends_new_text (&l, end))
			return l.start;
	return end;
}

static const char *
signature_start (const char *text, const char *end)
{
	Line l;

	for (const char *p = text; line_at (p, end, &l); p = l.next)
		if (!is_quoted (&l) && is_signature (&l))
			return l.start;
	return end;
}

typedef struct {
	GString *out;
	const char *last_end; /* after the last line kept; NULL before the first */
	gboolean dropped;     /* quoted lines were dropped since */
} Kept;

/* What goes between the last line kept and l: the blank lines there
 * were, or one blank line in place of a quote dropped there. */
static void
keep_gap (Kept *k, const Line *l)
{
	if (k->last_end == NULL)
		return;
	if (!k->dropped)
		g_string_append_len (k->out, k->last_end, l->start - k->last_end);
	else
		g_string_append (k->out, k->last_end[-2] == '\r' ? "\r\n" : "\n");
}

static void
keep_line (Kept *k, const Line *l)
{
	keep_gap (k, l);
	g_string_append_len (k->out, l->start, l->next - l->start);
	k->last_end = l->next;
	k->dropped = FALSE;
}

/* Steps over l and what it drops; FALSE if l is to be kept. */
static gboolean
drop_line (Kept *k, Line *l, const char *end)
{
	const Attribution *a;
	guint n;

	if (is_quoted (l)) {
		k->dropped = TRUE;
		return TRUE;
	}
	if (is_blank (l))
		return TRUE;
	if ((n = attribution_lines (l, end, &a)) == 0 || !above_quote (l, n, end))
		return FALSE;
	if (n == 2)
		line_at (l->next, end, l);
	k->dropped = TRUE;
	return TRUE;
}

static void
keep_new_lines (GString *out, const char *text, const char *end)
{
	Kept k = { out, NULL, FALSE };
	Line l;

	for (const char *p = text; line_at (p, end, &l); p = l.next)
		if (!drop_line (&k, &l, end))
			keep_line (&k, &l);
}

/* From the first line that is not blank to the end of the last. */
static char *
trimmed (const char *text, const char *end)
{
	const char *first = NULL;
	const char *last_end = NULL;
	Line l;

	for (const char *p = text; line_at (p, end, &l); p = l.next) {
		if (is_blank (&l))
			continue;
		if (first == NULL)
			first = l.start;
		last_end = l.next;
	}
	return first ? g_strndup (first, last_end - first) : g_strdup ("");
}

char *
mt_quote_new_text (const char *text)
{
	g_autoptr (GString) out = NULL;
	const char *end;

	if (text == NULL)
		return NULL;
	end = text + strlen (text);
	out = g_string_new (NULL);
	keep_new_lines (out, text, new_text_end (text, end));
	if (out->len > 0)
		return g_string_free (g_steal_pointer (&out), FALSE);
	return trimmed (text, signature_start (text, end));
}
