/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	import-mask.c - an mbox as GMime's parser needs to see it to split it
 * DESCRIPTION
 *	To find where a message of an mbox ends, GMime's parser in mbox mode
 *	parses all of it: every header field and MIME part becomes an
 *	object, before any of the delivery's limits (message-scan.c) can
 *	apply. A hostile message of 2 MB (thousands of header fields) took
 *	250 MB that way. So the parser reads the file through this stream,
 *	which keeps every byte where it is and every From_ line as it is,
 *	and shows every other line as filler of the same length: the first
 *	line after a From_ line as one header field ("X:xxx"), the rest as
 *	"xxx". GMime finds the same From_ lines at the same offsets, and
 *	builds one header field and one part a message, whatever the
 *	message holds; the message itself is read from the file, as it is,
 *	and parsed by the delivery, within its limits.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "import-private.h"

typedef enum { LINE_OTHER, LINE_FROM, LINE_FIRST } LineKind;

typedef struct {
	GMimeStream parent;
	int fd;          /* borrowed */
	gint64 state_at; /* the offset the line state below is of */
	LineKind kind;   /* of the line state_at is in */
	LineKind before; /* of the line before it */
	gint64 column;   /* of state_at in its line */
} MtMaskStream;

typedef struct {
	GMimeStreamClass parent;
} MtMaskStreamClass;

G_DEFINE_TYPE (MtMaskStream, mt_mask_stream, GMIME_TYPE_STREAM)

/* The kind of the line that starts at offset, where the n bytes at
 * line are read already (unmasked). */
static LineKind
line_kind (MtMaskStream *m, const char *line, gsize n, gint64 offset, LineKind before)
{
	char head[5];

	if (n < sizeof head && pread (m->fd, head, sizeof head, offset) == sizeof head)
		line = head, n = sizeof head;
	if (n >= sizeof head && memcmp (line, "From ", 5) == 0)
		return LINE_FROM;
	return before == LINE_FROM ? LINE_FIRST : LINE_OTHER;
}

/* The state at offset, after a seek: the line it is in taken for an
 * ordinary line (a parser that reads straight on never needs this). */
static void
find_state (MtMaskStream *m, gint64 offset)
{
	gint64 start = offset;
	char c;

	while (start > 0 && pread (m->fd, &c, 1, start - 1) == 1 && c != '\n')
		start--;
	m->before = LINE_OTHER;
	m->kind = line_kind (m, "", 0, start, LINE_OTHER);
	m->column = offset - start;
	m->state_at = offset;
}

static void
mask (MtMaskStream *m, char *buf, gsize n, gint64 offset)
{
	if (m->state_at != offset)
		find_state (m, offset);
	for (gsize i = 0; i < n; i++) {
		if (m->column == 0)
			m->kind = line_kind (m, buf + i, n - i, offset + (gint64) i, m->before);
		if (buf[i] == '\n') {
			m->before = m->kind;
			m->column = 0;
			continue;
		}
		if (m->kind == LINE_FIRST && m->column < 2)
			buf[i] = m->column == 0 ? 'X' : ':';
		else if (m->kind != LINE_FROM && buf[i] != '\r')
			buf[i] = 'x';
		m->column++;
	}
	m->state_at = offset + (gint64) n;
}

static ssize_t
mask_read (GMimeStream *stream, char *buf, size_t len)
{
	MtMaskStream *m = (MtMaskStream *) stream;
	ssize_t n;

	if (stream->bound_end != -1)
		len = (size_t) MIN ((gint64) len, MAX (stream->bound_end - stream->position, 0));
	if (len == 0)
		return 0;
	if ((n = pread (m->fd, buf, len, stream->position)) <= 0)
		return n;
	mask (m, buf, (gsize) n, stream->position);
	stream->position += n;
	return n;
}

static ssize_t
mask_write (GMimeStream *stream, const char *buf, size_t len)
{
	return -1;
}

static int
mask_flush (GMimeStream *stream)
{
	return 0;
}

static int
mask_close (GMimeStream *stream)
{
	return 0;
}

static gboolean
mask_eos (GMimeStream *stream)
{
	return stream->bound_end != -1 && stream->position >= stream->bound_end;
}

static int
mask_reset (GMimeStream *stream)
{
	stream->position = stream->bound_start;
	return 0;
}

static gint64
mask_seek (GMimeStream *stream, gint64 offset, GMimeSeekWhence whence)
{
	gint64 to = offset;

	if (whence == GMIME_STREAM_SEEK_CUR)
		to = stream->position + offset;
	else if (whence == GMIME_STREAM_SEEK_END)
		to = stream->bound_end + offset;
	if (to < stream->bound_start || (stream->bound_end != -1 && to > stream->bound_end))
		return -1;
	return stream->position = to;
}

static gint64
mask_tell (GMimeStream *stream)
{
	return stream->position;
}

static gint64
mask_length (GMimeStream *stream)
{
	return stream->bound_end - stream->bound_start;
}

static GMimeStream *
mask_substream (GMimeStream *stream, gint64 start, gint64 end)
{
	MtMaskStream *sub = g_object_new (mt_mask_stream_get_type (), NULL);

	sub->fd = ((MtMaskStream *) stream)->fd;
	sub->state_at = -1;
	g_mime_stream_construct ((GMimeStream *) sub, start, end);
	return (GMimeStream *) sub;
}

static void
mt_mask_stream_class_init (MtMaskStreamClass *klass)
{
	GMimeStreamClass *stream = GMIME_STREAM_CLASS (klass);

	stream->read = mask_read;
	stream->write = mask_write;
	stream->flush = mask_flush;
	stream->close = mask_close;
	stream->eos = mask_eos;
	stream->reset = mask_reset;
	stream->seek = mask_seek;
	stream->tell = mask_tell;
	stream->length = mask_length;
	stream->substream = mask_substream;
}

static void
mt_mask_stream_init (MtMaskStream *m)
{
	m->state_at = -1;
}

GMimeStream *
mt_import_mask_new (int fd)
{
	struct stat st;
	MtMaskStream *m;

	if (fstat (fd, &st) != 0)
		return NULL;
	m = g_object_new (mt_mask_stream_get_type (), NULL);
	m->fd = fd;
	g_mime_stream_construct ((GMimeStream *) m, 0, st.st_size);
	return (GMimeStream *) m;
}
