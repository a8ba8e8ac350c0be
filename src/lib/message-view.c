/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-view.c - GMime's parse of a message, at a bounded cost
 * DESCRIPTION
 *	GMime builds the whole tree of a message at once, and what that
 *	costs grows with the number of parts and header fields more than
 *	with the bytes: 49 MB of multiparts nested in one another, all with
 *	one boundary, took 2.2 GB; 2 MB of parts without a header took
 *	380 MB, an object for every 7 bytes. So GMime reads the message
 *	through a view of it: the pieces that message-scan.c gives it, a
 *	GMimeStreamCat of pieces of the raw bytes, which are never changed.
 *
 *	And GMime's parse is watched: every header field (the parser's
 *	header callback), every part with a body (the view's substream,
 *	which GMime asks for each one) and every multipart or attached
 *	message (their Content-Type) is counted. Where GMime has made more
 *	parts than max_parts, or read too many header fields or bytes of
 *	them (HEADER_BYTES), or one longer
 *	than MT_MESSAGE_FIELD_BYTES (which the scan should have kept from
 *	it), or met a multipart that it would copy whole into memory (one
 *	without a boundary, or nested deeper than GMime goes), the view
 *	ends: GMime stops there as at the end of the message, after what it
 *	has read already (at most READ_CHUNK bytes). The walk of message.c
 *	then stops at max_parts.
 *
 *	The same bytes give the same view, so a part path listed at
 *	delivery is found again when the attachment is served.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "message-private.h"

/* The fields of the top-level header GMime is given (message-scan.c). */
#define TOP_FIELDS 1000
/* Header fields GMime may read past the top-level header, per max_parts. */
#define FIELDS_PER_PART 2
/* At most what GMime reads at a time, and so reads on after it is stopped. */
#define READ_CHUNK 512

/* The bytes of header fields GMime may read in all: it keeps three
 * copies of each. */
#define HEADER_BYTES (512 * 1024)

typedef struct {
	GMimeStream *view;
	guint parts, fields;
	guint max_parts, max_fields;
	gsize bytes; /* of the header fields read */
	guint *warnings;
	const char *stopped; /* why the view ended early, or NULL */
	gint64 stopped_at;   /* where, in the view */
} Budget;

/* The view: a GMimeStreamCat that counts the parts that GMime gives a
 * body of their own, and hands out at most READ_CHUNK bytes at a time. */
typedef struct {
	GMimeStreamCat parent;
	Budget *budget;
} ParseStream;

typedef struct {
	GMimeStreamCatClass parent_class;
} ParseStreamClass;

static GType parse_stream_get_type (void);
G_DEFINE_TYPE (ParseStream, parse_stream, GMIME_TYPE_STREAM_CAT)

void
mt_message_note (GString *notes, const char *format, ...)
{
	va_list ap;

	if (notes->len > 0)
		g_string_append (notes, "; ");
	va_start (ap, format);
	g_string_append_vprintf (notes, format, ap);
	va_end (ap);
}

/* Ends the view where GMime has read to. */
static void
stop (Budget *b, const char *why)
{
	if (b->stopped != NULL)
		return;
	b->stopped = why;
	b->stopped_at = g_mime_stream_tell (b->view);
	g_mime_stream_set_bounds (b->view, 0, b->stopped_at);
}

static void
count_part (Budget *b)
{
	if (++b->parts > b->max_parts)
		stop (b, "more parts than max_parts allows");
}

static GMimeStream *
parse_stream_substream (GMimeStream *stream, gint64 start, gint64 end)
{
	Budget *b = ((ParseStream *) stream)->budget;

	if (b != NULL)
		count_part (b);
	return GMIME_STREAM_CLASS (parse_stream_parent_class)->substream (stream, start, end);
}

static ssize_t
parse_stream_read (GMimeStream *stream, char *buf, size_t len)
{
	return GMIME_STREAM_CLASS (parse_stream_parent_class)->read (stream, buf, MIN (len, READ_CHUNK));
}

static void
parse_stream_class_init (ParseStreamClass *klass)
{
	GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

	stream_class->substream = parse_stream_substream;
	stream_class->read = parse_stream_read;
}

static void
parse_stream_init (ParseStream *stream)
{
}

static gboolean
is_container (const char *content_type)
{
	GMimeContentType *ct = g_mime_content_type_parse (NULL, content_type);
	gboolean yes =
		g_mime_content_type_is_type (ct, "multipart", "*") || g_mime_content_type_is_type (ct, "message", "*");

	g_object_unref (ct);
	return yes;
}

/* GMime's header callback: every field of every header it reads. */
static void
field_read (GMimeParser *parser, const char *name, const char *value, gint64 offset, gpointer data)
{
	Budget *b = data;

	b->bytes += value != NULL ? strlen (value) : 0;
	if (++b->fields > b->max_fields)
		stop (b, "more header fields than max_parts allows");
	else if (b->bytes > HEADER_BYTES)
		stop (b, "header fields of more than 524288 bytes in all");
	else if (value != NULL && strlen (value) > MT_MESSAGE_FIELD_BYTES)
		stop (b, "a header field of more than 8192 bytes");
	else if (value != NULL && g_ascii_strcasecmp (name, "Content-Type") == 0 && is_container (value))
		count_part (b);
}

/* GMime's warnings; those of a multipart it would copy whole end the
 * view, and those that come of its end are not counted. */
static void
warned (gint64 offset, GMimeParserWarning code, const char *item, gpointer data)
{
	Budget *b = data;

	if (b->stopped != NULL)
		return;
	(*b->warnings)++;
	if (code == GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY)
		stop (b, "a multipart without a boundary");
	else if (code == GMIME_CRIT_NESTING_OVERFLOW)
		stop (b, "parts nested deeper than GMime reads");
}

static void
count_warning (gint64 offset, GMimeParserWarning code, const char *item, gpointer data)
{
	guint *warnings = data;

	(*warnings)++;
}

static void
add_source (GMimeStream *view, GMimeStream *source)
{
	g_mime_stream_cat_add_source (GMIME_STREAM_CAT (view), source);
	g_object_unref (source);
}

/* The view of raw that GMime reads, as scan says; *shift how many
 * bytes the message has more than the view before its body. */
static GMimeStream *
make_view (GByteArray *raw, MtMessageScan *scan, gint64 *shift)
{
	GMimeStream *view = g_object_new (parse_stream_get_type (), NULL);
	g_autoptr (GMimeStream) whole = g_mime_stream_mem_new_with_byte_array (raw);
	gint64 seen = 0;

	/* The view borrows raw; the message keeps a reference to it. */
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (whole), FALSE);
	g_mime_stream_construct (view, 0, -1);
	*shift = 0;
	if (!scan->changed) {
		add_source (view, g_mime_stream_substream (whole, 0, scan->end));
		return view;
	}
	for (guint i = 0; i < scan->pieces->len; i++) {
		MtMessagePiece *piece = &g_array_index (scan->pieces, MtMessagePiece, i);

		add_source (view, g_mime_stream_substream (whole, piece->start, piece->end));
		if (piece->newline)
			add_source (view, g_mime_stream_mem_new_with_buffer ("\n", 1));
		seen += (gint64) (piece->end - piece->start) + piece->newline;
	}
	if (scan->unseparated) {
		add_source (view, g_mime_stream_mem_new_with_buffer ("\n", 1));
		seen++;
	}
	if (scan->body < scan->end)
		add_source (view, g_mime_stream_substream (whole, scan->body, scan->end));
	*shift = (gint64) scan->body - seen;
	return view;
}

GMimeMessage *
mt_message_view_parse (GByteArray *raw, GMimeParserOptions *options, guint max_parts, guint *warnings, GString *notes,
		       char **stopped)
{
	MtMessageScan scan;
	gint64 shift = 0;
	g_autoptr (GMimeStream) view = NULL;
	g_autoptr (GMimeParser) parser = NULL;
	Budget b = { NULL, 0, 0, max_parts + 1, TOP_FIELDS + FIELDS_PER_PART * max_parts, 0, warnings };
	GMimeMessage *message;

	mt_message_scan (raw->data, raw->len, max_parts, &scan, notes);
	/* GMime would have warned of the line that is no field. */
	*warnings += scan.unseparated;
	b.view = view = make_view (raw, &scan, &shift);
	g_array_unref (scan.pieces);
	parser = g_mime_parser_new_with_stream (view);
	((ParseStream *) view)->budget = &b;
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_header_regex (parser, "^", field_read, &b);
	g_mime_parser_options_set_warning_callback (options, warned, &b);
	message = g_mime_parser_construct_message (parser, options);
	/* Later warnings (GMime decodes some fields when asked) are counted. */
	g_mime_parser_options_set_warning_callback (options, count_warning, warnings);
	((ParseStream *) view)->budget = NULL;
	if (b.stopped != NULL)
		*stopped = g_strdup_printf ("nothing past byte %" G_GINT64_FORMAT " read: %s", b.stopped_at + shift,
					    b.stopped);
	else if (scan.why != NULL)
		*stopped = g_strdup_printf ("nothing past byte %" G_GSIZE_FORMAT " read: %s", scan.end, scan.why);
	else
		*stopped = NULL;
	return message;
}
