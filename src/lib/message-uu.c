/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-uu.c - a text part's content, its uuencoded files apart
 * DESCRIPTION
 *	Scanners and old clients still put files in the text as uuencode
 *	(a line "begin 644 NAME", lines of uuencode, a line "end"). Such a
 *	block is no text: it is taken out of the text and listed as an
 *	attachment of its own, found again by its number in the part
 *	("1:uu1", the first block of part 1) and decoded by GMime's
 *	uudecode filter. A "begin" line is a block only when the line
 *	after it is uuencode; a block that has no "end" runs to the end of
 *	the part.
 *
 *	The part is read a line at a time, and no further than the text's
 *	limit unless a block begun before it runs on: so a text part of
 *	40 MB costs what its limit costs, and a block that starts past
 *	the limit stays in the raw message only, as the text there does.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "message-private.h"

/* Longer lines are text; a line of uuencode has at most 62 bytes. */
#define LINE_MAX_BYTES 1024
/* Blocks past this many in a part stay in its text. */
#define MAX_BLOCKS 100

typedef struct {
	GByteArray *text;
	gsize limit;
	gboolean *cut;
	GPtrArray *blocks;    /* MtMessageUu, or NULL: no blocks wanted */
	guint want;           /* the block whose content is wanted, from 1, or 0 */
	GByteArray *content;  /* where it goes */
	GByteArray *line;     /* the line being read */
	GByteArray *begin;    /* a "begin" line held until the next line tells */
	GMimeFilter *decoder; /* while in a block */
	char *name;           /* the block's file name */
	gint64 size;          /* its decoded size so far */
	guint count;          /* blocks found */
	gboolean whole;       /* read to the end, past the text's limit */
} Reader;

static void
add_text (Reader *r, const guint8 *data, gsize len)
{
	gsize room = r->limit - r->text->len;

	if (len > room)
		*r->cut = TRUE;
	g_byte_array_append (r->text, data, MIN (len, room));
}

/* A line without its line end: *len shortened. */
static const char *
chomp (const GByteArray *line, gsize *len)
{
	*len = line->len;
	while (*len > 0 && (line->data[*len - 1] == '\n' || line->data[*len - 1] == '\r'))
		(*len)--;
	return (const char *) line->data;
}

/* "begin MODE NAME": the name, owned, or NULL. */
static char *
begin_name (const GByteArray *line)
{
	gsize len, digits = 0;
	const char *p = chomp (line, &len);

	if (len < 10 || strncmp (p, "begin ", 6) != 0)
		return NULL;
	while (6 + digits < len && p[6 + digits] >= '0' && p[6 + digits] <= '7')
		digits++;
	if (digits < 3 || digits > 4 || p[6 + digits] != ' ')
		return NULL;
	return mt_message_fit_name (mt_message_decode_bytes (p + 7 + digits, len - 7 - digits));
}

/* A line of uuencode: a length character, then characters of the
 * uuencode alphabet (space to backquote). */
static gboolean
uu_line (const GByteArray *line)
{
	gsize len;
	const char *p = chomp (line, &len);

	if (len == 0 || len > 62 || p[0] < ' ' || (p[0] > 'M' && p[0] != '`'))
		return FALSE;
	for (gsize i = 0; i < len; i++)
		if (p[i] < ' ' || p[i] > '`')
			return FALSE;
	return TRUE;
}

static gboolean
end_line (const GByteArray *line)
{
	gsize len;
	const char *p = chomp (line, &len);

	while (len > 0 && p[len - 1] == ' ')
		len--;
	return len == 3 && strncmp (p, "end", 3) == 0;
}

static void
decode (Reader *r, const guint8 *data, gsize len)
{
	char *out;
	size_t outlen = 0, prespace;

	g_mime_filter_filter (r->decoder, (char *) data, len, 0, &out, &outlen, &prespace);
	r->size += outlen;
	if (r->want == r->count && r->content != NULL)
		g_byte_array_append (r->content, (const guint8 *) out, outlen);
}

static void
end_block (Reader *r)
{
	char *out;
	size_t outlen = 0, prespace;
	MtMessageUu *block;

	g_mime_filter_complete (r->decoder, "", 0, 0, &out, &outlen, &prespace);
	g_clear_object (&r->decoder);
	block = g_new0 (MtMessageUu, 1);
	block->name = g_steal_pointer (&r->name);
	block->size = r->size;
	g_ptr_array_add (r->blocks, block);
}

/* The line after a "begin" line: a block starts, or both are text. */
static void
first_line (Reader *r, GByteArray *line)
{
	if (uu_line (line) || end_line (line)) {
		r->count++;
		decode (r, r->begin->data, r->begin->len);
		decode (r, line->data, line->len);
		if (end_line (line))
			end_block (r);
	} else {
		add_text (r, r->begin->data, r->begin->len);
		add_text (r, line->data, line->len);
		g_clear_object (&r->decoder);
		g_clear_pointer (&r->name, g_free);
	}
	g_clear_pointer (&r->begin, g_byte_array_unref);
}

static void
take_line (Reader *r, GByteArray *line)
{
	if (r->begin != NULL) {
		first_line (r, line);
	} else if (r->decoder != NULL) {
		decode (r, line->data, line->len);
		if (end_line (line))
			end_block (r);
	} else if (r->blocks != NULL && r->count < MAX_BLOCKS && (r->whole || !*r->cut) &&
		   (r->name = begin_name (line)) != NULL) {
		r->begin = g_byte_array_new ();
		g_byte_array_append (r->begin, line->data, line->len);
		r->decoder = g_mime_filter_basic_new (GMIME_CONTENT_ENCODING_UUENCODE, FALSE);
		r->size = 0;
	} else {
		add_text (r, line->data, line->len);
	}
	g_byte_array_set_size (line, 0);
}

static void
take_bytes (Reader *r, const char *buf, gsize n)
{
	while (n > 0) {
		const char *nl = memchr (buf, '\n', n);
		gsize len = nl ? (gsize) (nl - buf) + 1 : n;

		g_byte_array_append (r->line, (const guint8 *) buf, len);
		if (nl != NULL || r->line->len > LINE_MAX_BYTES)
			take_line (r, r->line);
		buf += len;
		n -= len;
	}
}

static void
finish (Reader *r)
{
	if (r->line->len > 0)
		take_line (r, r->line);
	if (r->begin != NULL) {
		add_text (r, r->begin->data, r->begin->len);
		g_clear_pointer (&r->begin, g_byte_array_unref);
		g_clear_object (&r->decoder);
		g_clear_pointer (&r->name, g_free);
	}
	if (r->decoder != NULL)
		end_block (r);
}

static void
read_all (Reader *r, GMimeStream *stream)
{
	char buf[4096];
	gssize n;

	/* Past the limit, only a block begun before it is read on. */
	while (stream != NULL && (r->whole || !*r->cut || r->decoder != NULL) &&
	       (n = g_mime_stream_read (stream, buf, sizeof buf)) > 0)
		take_bytes (r, buf, (gsize) n);
	finish (r);
}

void
mt_message_uu_free (MtMessageUu *block)
{
	g_free (block->name);
	g_free (block);
}

GByteArray *
mt_message_uu_read (GMimePart *part, gsize limit, gboolean *cut, GPtrArray *blocks)
{
	g_autoptr (GMimeStream) stream = mt_message_part_stream (part);
	g_autoptr (GByteArray) line = g_byte_array_new ();
	Reader r = { g_byte_array_new (), limit, cut, blocks, 0, NULL, line };

	*cut = FALSE;
	read_all (&r, stream);
	return r.text;
}

GByteArray *
mt_message_uu_content (GMimePart *part, guint n)
{
	g_autoptr (GMimeStream) stream = mt_message_part_stream (part);
	g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_message_uu_free);
	g_autoptr (GByteArray) line = g_byte_array_new ();
	g_autoptr (GByteArray) text = g_byte_array_new ();
	gboolean cut = FALSE;
	GByteArray *content = g_byte_array_new ();
	Reader r = { text, 0, &cut, blocks, n, content, line, .whole = TRUE };

	read_all (&r, stream);
	if (n == 0 || blocks->len < n)
		g_clear_pointer (&content, g_byte_array_unref);
	return content;
}
