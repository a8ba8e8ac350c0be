/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	html.c - HTML reduced to readable text
 * DESCRIPTION
 *	For mail whose only body is HTML. libxml2's HTML parser reads it
 *	(entities, broken markup and all, as a browser would recover it)
 *	and hands its elements and text to this file through SAX, so no
 *	tree is built: memory stays in proportion to the nesting, not the
 *	size. What it writes, in the manner of a text browser:
 *
 *	- the contents of head, script, style, title, template and of any
 *	  element styled display:none (a newsletter's hidden preheader)
 *	  are dropped, comments too (Outlook's conditional ones included);
 *	- block elements (p, div, li, h1-h6, tr, blockquote, table ...)
 *	  start a new line, some of them a paragraph; <br> ends a line, and
 *	  two of them make an empty line;
 *	- list items start with "- ", or "1. " in an ordered list, two
 *	  spaces further in for each list they are nested in;
 *	- the cells of a table row that hold text are separated by " | ";
 *	- a link is "text <url>", or the text alone when it is the url
 *	  (give or take the scheme) or the url is no place to go;
 *	- quoted text (blockquote) starts each line with "> ";
 *	- <pre> keeps its lines and spaces; elsewhere runs of white space,
 *	  no-break spaces included, are one space, and the invisible
 *	  characters that newsletters pad with are dropped.
 *
 *	Any input comes out as text: the parser recovers from every error
 *	and is told neither to use the network nor to report; the output
 *	stops growing at twice the input's size and a few kilobytes, and
 *	the stacks kept here at MAX_NESTING.
 *
 *	The input is UTF-8 (GMime converted it), whatever a <meta charset>
 *	in it says; bytes that are not UTF-8 become U+FFFD.
 */
#include <string.h>

#include <libxml/HTMLparser.h>

#include "mailticket/message.h"

/* Lists, links, tables and quotes nested deeper than this are read as
 * if they were not: their text is kept, not their markers. */
#define MAX_NESTING 64
/* List items are indented for this many levels of lists at most. */
#define MAX_INDENT 5

typedef struct {
	char *href;
	gsize start; /* where its text begins in the output */
} Link;

/* An open table: whether its current row, and its current cell, have
 * text yet, and how many cells of the row have. */
typedef struct {
	gboolean row;
	gboolean cell;
	int cells;
} Table;

typedef struct {
	htmlParserCtxtPtr ctxt;
	GString *out;
	gsize max_len;
	int breaks;         /* newlines owed before the next text: 0, 1 or 2 */
	int break_quote;    /* the quote level of the empty line owed, if any */
	gboolean space;     /* white space seen since the last text */
	gboolean cell;      /* a cell separator owed before the next text */
	int depth;          /* elements open */
	int skip_depth;     /* depth of the element whose contents are dropped; 0: none */
	int pre;            /* <pre> elements open */
	gboolean pre_fresh; /* no text yet since <pre> began */
	int quote;          /* <blockquote> elements open */
	GArray *lists;      /* int: 0 for <ul>, the next number for <ol> */
	GArray *links;      /* Link */
	GArray *tables;     /* Table */
} Html;

/* Elements that start and end a line, and those that start and end a
 * paragraph (an empty line before and after). */
static const char *const line_tags[] = {
	"div",    "li",         "tr",      "dt",      "dd",      "section", "article", "header",
	"footer", "address",    "center",  "nav",     "main",    "aside",   "form",    "fieldset",
	"figure", "figcaption", "caption", "details", "summary", "dl",      "option",  NULL,
};

static const char *const paragraph_tags[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", NULL,
};

static const char *const dropped_tags[] = {
	"head", "script", "style", "title", "template", "object", "applet", NULL,
};

static Table *
table (Html *h)
{
	return h->tables->len > 0 ? &g_array_index (h->tables, Table, h->tables->len - 1) : NULL;
}

/* Inside a table cell, the blocks before its first text start no line
 * of their own, and the lines those after its last text ask for give
 * way to the next cell's " | " (start_cell) or row (start_row): a row
 * reads "Server | web01" also when each cell holds a paragraph, as
 * Outlook writes them. */
static void
owe_breaks (Html *h, int n)
{
	if (table (h) != NULL && !table (h)->cell)
		return;
	if (h->breaks == 0 || h->quote < h->break_quote)
		h->break_quote = h->quote;
	h->breaks = MAX (h->breaks, n);
	h->space = FALSE;
	h->cell = FALSE;
}

static gboolean
at_line_start (Html *h)
{
	return h->out->len == 0 || h->out->str[h->out->len - 1] == '\n';
}

static int
trailing_newlines (Html *h)
{
	int n = 0;

	while (n < 2 && (gsize) n < h->out->len && h->out->str[h->out->len - 1 - n] == '\n')
		n++;
	return n;
}

/* Pays what is owed before text: line breaks, the "> " of quoted lines,
 * a cell separator or a space. */
static void
settle (Html *h)
{
	if (h->out->len > 0)
		for (int i = trailing_newlines (h); i < MIN (h->breaks, 2); i++) {
			if (i > 0)
				for (int q = 0; q < h->break_quote; q++)
					g_string_append_c (h->out, '>');
			g_string_append_c (h->out, '\n');
		}
	if (h->breaks > 0)
		h->space = h->cell = FALSE;
	h->breaks = 0;
	if (at_line_start (h))
		for (int q = 0; q < h->quote; q++)
			g_string_append (h->out, "> ");
	else if (h->cell)
		g_string_append (h->out, " | ");
	else if (h->space && h->out->str[h->out->len - 1] != ' ')
		g_string_append_c (h->out, ' ');
	h->space = h->cell = FALSE;
	/* The text of a table in a cell is that cell's text too. */
	for (guint i = h->tables->len; i > 0; i--) {
		Table *t = &g_array_index (h->tables, Table, i - 1);
		if (t->cell)
			break;
		t->row = t->cell = TRUE;
		t->cells++;
	}
}

static void
emit (Html *h, const char *text, gsize len)
{
	settle (h);
	g_string_append_len (h->out, text, (gssize) len);
	if (h->out->len > h->max_len)
		xmlStopParser (h->ctxt);
}

/* Characters that take no room on screen, which newsletters pad their
 * preview text with, and the soft hyphen. */
static gboolean
invisible (gunichar c)
{
	return c == 0x00AD || c == 0x034F || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

static void
text_run (Html *h, const char *text, gsize len)
{
	const char *end = text + len;
	const char *word = NULL;

	for (const char *p = text; p < end; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		gboolean blank = g_unichar_isspace (c) || c == 0x00A0;

		if (word != NULL && (blank || invisible (c))) {
			emit (h, word, (gsize) (p - word));
			word = NULL;
		}
		if (blank)
			h->space = TRUE;
		else if (word == NULL && !invisible (c))
			word = p;
	}
	if (word != NULL)
		emit (h, word, (gsize) (end - word));
}

/* Preformatted text, line by line, so that quoted lines keep their "> ". */
static void
text_pre (Html *h, const char *text, gsize len)
{
	const char *end = text + len;

	/* As in a browser, a newline right after <pre> is not shown. */
	if (h->pre_fresh && *text == '\n')
		text++;
	h->pre_fresh = FALSE;
	while (text < end) {
		const char *nl = memchr (text, '\n', (gsize) (end - text));
		const char *stop = nl ? nl : end;

		if (stop > text)
			emit (h, text, (gsize) (stop - text));
		if (nl == NULL)
			break;
		settle (h);
		g_string_append_c (h->out, '\n');
		text = nl + 1;
	}
}

static void
on_characters (void *data, const xmlChar *chars, int len)
{
	Html *h = data;

	if (h->skip_depth > 0 || len <= 0)
		return;
	if (h->pre > 0)
		text_pre (h, (const char *) chars, (gsize) len);
	else
		text_run (h, (const char *) chars, (gsize) len);
}

static const char *
attribute (const xmlChar **attrs, const char *name)
{
	for (int i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
		if (g_ascii_strcasecmp ((const char *) attrs[i], name) == 0)
			return attrs[i + 1] ? (const char *) attrs[i + 1] : "";
	return NULL;
}

/* display:none in a style attribute, however spaced. */
static gboolean
hidden (const xmlChar **attrs)
{
	const char *style = attribute (attrs, "style");
	g_autofree char *squeezed = NULL;
	char *q;

	if (style == NULL || strcasestr (style, "none") == NULL)
		return FALSE;
	squeezed = g_ascii_strdown (style, -1);
	q = squeezed;
	for (const char *p = squeezed; *p; p++)
		if (!g_ascii_isspace (*p))
			*q++ = *p;
	*q = '\0';
	return strstr (squeezed, "display:none") != NULL;
}

static void
start_list_item (Html *h)
{
	char marker[32];
	int n = 0;

	owe_breaks (h, 1);
	if (h->lists->len == 0)
		return emit (h, "- ", 2);
	for (guint i = 1; i < MIN (h->lists->len, MAX_INDENT); i++)
		emit (h, "  ", 2);
	n = g_array_index (h->lists, int, h->lists->len - 1);
	if (n == 0)
		return emit (h, "- ", 2);
	g_array_index (h->lists, int, h->lists->len - 1) = n + 1;
	emit (h, marker, (gsize) g_snprintf (marker, sizeof marker, "%d. ", n));
}

static void
start_list (Html *h, gboolean ordered, const xmlChar **attrs)
{
	const char *start = attribute (attrs, "start");
	int n = ordered ? (start ? (int) CLAMP (g_ascii_strtoll (start, NULL, 10), 1, 1000000) : 1) : 0;

	if (h->lists->len < MAX_NESTING)
		g_array_append_val (h->lists, n);
}

static void
start_link (Html *h, const xmlChar **attrs)
{
	const char *href = attribute (attrs, "href");
	Link link = { NULL, h->out->len };

	if (h->links->len >= MAX_NESTING)
		return;
	if (href != NULL && *href != '#' && g_ascii_strncasecmp (href, "javascript:", 11) != 0)
		link.href = g_strstrip (g_strdup (href));
	g_array_append_val (h->links, link);
}

/* The rows of a table of data (a row of cells with text) follow one
 * another line by line, whatever blocks their cells end with. */
static void
start_row (Html *h)
{
	Table *t = table (h);

	if (t->cells > 1)
		h->breaks = MIN (h->breaks, 1);
	t->row = t->cell = FALSE;
	t->cells = 0;
}

/* A cell after one with text is set apart by " | ", not by the lines
 * the blocks in them asked for. */
static void
start_cell (Html *h)
{
	Table *t = table (h);

	t->cell = FALSE;
	if (t->row) {
		h->breaks = 0;
		h->space = FALSE;
		h->cell = TRUE;
	}
}

static void
on_start (void *data, const xmlChar *tag, const xmlChar **attrs)
{
	Html *h = data;
	const char *name = (const char *) tag;

	h->depth++;
	if (h->skip_depth > 0)
		return;
	if (g_strv_contains (dropped_tags, name) || hidden (attrs)) {
		h->skip_depth = h->depth;
	} else if (strcmp (name, "br") == 0) {
		owe_breaks (h, MIN (h->breaks + 1, 2));
	} else if (strcmp (name, "li") == 0) {
		start_list_item (h);
	} else if (g_strv_contains (paragraph_tags, name)) {
		owe_breaks (h, h->lists->len > 0 && (strcmp (name, "ul") == 0 || strcmp (name, "ol") == 0) ? 1 : 2);
		if (strcmp (name, "ul") == 0 || strcmp (name, "ol") == 0)
			start_list (h, name[0] == 'o', attrs);
		else if (strcmp (name, "pre") == 0)
			h->pre_fresh = h->pre++ == 0;
		else if (strcmp (name, "blockquote") == 0)
			h->quote += h->quote < MAX_NESTING;
		else if (strcmp (name, "table") == 0 && h->tables->len < MAX_NESTING)
			g_array_set_size (h->tables, h->tables->len + 1);
	} else if (g_strv_contains (line_tags, name)) {
		owe_breaks (h, 1);
		if (strcmp (name, "tr") == 0 && table (h) != NULL)
			start_row (h);
	} else if ((strcmp (name, "td") == 0 || strcmp (name, "th") == 0) && table (h) != NULL) {
		start_cell (h);
	} else if (strcmp (name, "a") == 0) {
		start_link (h, attrs);
	} else if (strcmp (name, "img") == 0 && h->links->len > 0 && attribute (attrs, "alt") != NULL) {
		/* A linked image (a newsletter's button) is named by its alt text. */
		const char *alt = attribute (attrs, "alt");
		text_run (h, alt, strlen (alt));
	}
}

/* Strips the parts of a url or a link text that a reader would not
 * tell apart: the scheme, "www." and a trailing slash. */
static char *
bare_url (const char *url)
{
	static const char *const prefixes[] = { "mailto:", "https://", "http://", "www." };
	char *bare = g_ascii_strdown (url, -1);
	char *p = bare;
	gsize n;

	for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
		if (g_str_has_prefix (p, prefixes[i]))
			p += strlen (prefixes[i]);
	n = strlen (p);
	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	memmove (bare, p, n + 1);
	return bare;
}

static void
end_link (Html *h)
{
	Link *top = &g_array_index (h->links, Link, h->links->len - 1);
	g_autofree char *href = g_steal_pointer (&top->href);
	const char *text = h->out->str + MIN (top->start, h->out->len);
	g_autofree char *bare_text = NULL;
	g_autofree char *bare_href = NULL;

	g_array_set_size (h->links, h->links->len - 1);
	if (href == NULL || *href == '\0')
		return;
	/* The text, without what settle() put before it. */
	text += strspn (text, " \n>|");
	if (*text == '\0')
		return;
	bare_text = bare_url (text);
	bare_href = bare_url (href);
	if (strcmp (bare_text, bare_href) != 0) {
		h->space = TRUE;
		emit (h, "<", 1);
		g_string_append (h->out, href);
		g_string_append_c (h->out, '>');
	}
}

static void
on_end (void *data, const xmlChar *tag)
{
	Html *h = data;
	const char *name = (const char *) tag;

	if (h->skip_depth > 0) {
		if (h->depth-- == h->skip_depth)
			h->skip_depth = 0;
		return;
	}
	h->depth--;
	if (strcmp (name, "a") == 0 && h->links->len > 0)
		end_link (h);
	else if ((strcmp (name, "ul") == 0 || strcmp (name, "ol") == 0) && h->lists->len > 0)
		g_array_set_size (h->lists, h->lists->len - 1);
	else if (strcmp (name, "pre") == 0 && h->pre > 0)
		h->pre--;
	else if (strcmp (name, "blockquote") == 0 && h->quote > 0)
		h->quote--;
	else if (strcmp (name, "table") == 0 && h->tables->len > 0)
		g_array_set_size (h->tables, h->tables->len - 1);
	if (g_strv_contains (paragraph_tags, name))
		owe_breaks (h, h->lists->len > 0 && (strcmp (name, "ul") == 0 || strcmp (name, "ol") == 0) ? 1 : 2);
	else if (g_strv_contains (line_tags, name))
		owe_breaks (h, 1);
}

static void
on_cdata (void *data, const xmlChar *value, int len)
{
	/* The contents of script and style: dropped. */
}

static void
on_error (void *data, xmlErrorPtr error)
{
}

static void
clear_link (gpointer data)
{
	g_free (((Link *) data)->href);
}

static gpointer
init_parser (gpointer unused)
{
	/* Once, before any thread parses: libxml2's global set-up. */
	xmlInitParser ();
	return NULL;
}

static void
parse (Html *h, const char *html, gsize len)
{
	static GOnce once = G_ONCE_INIT;
	xmlSAXHandler *sax;

	g_once (&once, init_parser, NULL);
	h->ctxt = htmlNewParserCtxt ();
	if (h->ctxt == NULL)
		return;
	sax = h->ctxt->sax;
	memset (sax, 0, sizeof *sax);
	sax->initialized = XML_SAX2_MAGIC;
	sax->startElement = on_start;
	sax->endElement = on_end;
	sax->characters = on_characters;
	sax->ignorableWhitespace = on_characters;
	sax->cdataBlock = on_cdata;
	sax->serror = on_error;
	h->ctxt->userData = h;
	/* The encoding given wins over any <meta charset> in the text. */
	htmlCtxtReadMemory (h->ctxt, html, (int) MIN (len, G_MAXINT), NULL, "UTF-8",
			    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
				    HTML_PARSE_COMPACT);
	if (h->ctxt->myDoc != NULL)
		xmlFreeDoc (h->ctxt->myDoc);
	htmlFreeParserCtxt (h->ctxt);
}

/* The length of Outlook's "<![if !vml]>" or "<![endif]>" at p (a
 * downlevel-revealed conditional comment), or 0. "<![endif]-->", which
 * ends a comment, is not one. */
static gsize
conditional_len (const char *p)
{
	const char *end;

	if (g_ascii_strncasecmp (p, "<![endif]>", 10) == 0)
		return 10;
	if (g_ascii_strncasecmp (p, "<![if ", 6) != 0)
		return 0;
	end = memchr (p, '>', strnlen (p, 200));
	return end != NULL && end[-1] == ']' ? (gsize) (end + 1 - p) : 0;
}

/* The text libxml2 is given: conditional comments as above, which an
 * HTML parser shows as text, taken out (what they enclose stays); and
 * an '&' that starts no character reference written "&amp;": libxml2
 * reads it so anyway, but records an error for each, and a megabyte of
 * them took a second. Owned, or NULL when nothing needed a change. */
static char *
prepared (const char *html)
{
	GString *out = NULL;
	const char *done = html; /* copied to out up to here */

	for (const char *p = strpbrk (html, "<&"); p != NULL; p = strpbrk (p, "<&")) {
		gboolean bare = *p == '&' && !g_ascii_isalnum (p[1]) && p[1] != '#';
		gsize skip = bare ? 1 : conditional_len (p);

		if (skip == 0) {
			p++;
			continue;
		}
		if (out == NULL)
			out = g_string_sized_new (strlen (html) + 64);
		g_string_append_len (out, done, p - done);
		g_string_append (out, bare ? "&amp;" : "");
		p = done = p + skip;
	}
	if (out == NULL)
		return NULL;
	g_string_append (out, done);
	return g_string_free (out, FALSE);
}

char *
mt_html_to_text (const char *html)
{
	g_autofree char *valid = NULL;
	g_autofree char *plain = NULL;
	const char *p = html ? html : "";
	gsize len;
	Html h = { 0 };

	if (!g_utf8_validate (p, -1, NULL))
		p = valid = g_utf8_make_valid (p, -1);
	if ((plain = prepared (p)) != NULL)
		p = plain;
	/* libxml2 puts text that comes before any element in a <p> of its
	 * own, and "a<div>b" would read as two paragraphs: given a body to
	 * be in, it stays a line. */
	if (*p != '\0' && p[strspn (p, " \t\r\n")] != '<') {
		char *in_body = g_strconcat ("<body>", p, NULL);
		g_free (plain);
		p = plain = in_body;
	}
	len = strlen (p);
	h.out = g_string_new (NULL);
	h.max_len = 2 * len + 4096;
	h.lists = g_array_new (FALSE, FALSE, sizeof (int));
	h.links = g_array_new (FALSE, FALSE, sizeof (Link));
	g_array_set_clear_func (h.links, clear_link);
	h.tables = g_array_new (FALSE, TRUE, sizeof (Table));
	if (len > 0)
		parse (&h, p, len);
	g_array_unref (h.lists);
	g_array_unref (h.links);
	g_array_unref (h.tables);
	while (h.out->len > 0 && g_ascii_isspace (h.out->str[h.out->len - 1]))
		g_string_truncate (h.out, h.out->len - 1);
	return g_string_free (h.out, FALSE);
}
