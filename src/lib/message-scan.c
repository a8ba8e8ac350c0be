/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-scan.c - what of a message GMime is given to parse
 * DESCRIPTION
 *	Some of what GMime does costs far more than the bytes it reads: it
 *	gathers a header field whole, in a buffer that it grows a line at a
 *	time (a part's header field of 40 MB in short folded lines took 2 GB
 *	and 30 s), copies a multipart's prologue and epilogue twice, and
 *	makes an object of every address in a From, To or Cc. So before
 *	GMime reads a message, its lines are scanned for these, without
 *	parsing it:
 *
 *	- the top-level header (to the first empty line, as RFC 5322 and
 *	  GMime have it) is given to GMime with at most TOP_FIELDS fields
 *	  and TOP_BYTES, a field longer than FIELD_BYTES cut after its last
 *	  whole address or word, never inside one (References and
 *	  In-Reply-To keep their end, the newest ids);
 *	- past it, GMime is given the message only up to the first header
 *	  field longer than FIELD_BYTES, or prologue or epilogue longer than
 *	  FACE_BYTES, in what may be a part's header or a multipart's
 *	  prologue or epilogue: a header follows a line that is "--" and a
 *	  boundary declared in a Content-Type before it, or the header of an
 *	  attached message (message/rfc822, or any part of a
 *	  multipart/digest without a type), and runs to an empty line.
 *
 *	The scan errs on the side of seeing a header where GMime may not
 *	(every boundary declared anywhere counts, not only those of the
 *	multiparts around a line), so that it misses none of GMime's. Where
 *	it errs, a message is indexed up to a point, never indexed wrong:
 *	the raw bytes are not changed, only given to GMime in pieces. Since
 *	every part GMime makes follows a header found here, and GMime is
 *	stopped past max_parts parts (message-view.c), the scan ends at
 *	twice as many headers: so a message of a million parts costs no
 *	more to scan than one of max_parts.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "message-private.h"

#define TOP_FIELDS 1000
#define TOP_BYTES (64 * 1024)
#define FACE_BYTES (64 * 1024)
/* The boundaries remembered: GMime stops at max_parts long before. */
#define MAX_BOUNDARIES 100000

static gsize
next_line (const guint8 *p, gsize len, gsize at)
{
	const guint8 *nl = memchr (p + at, '\n', len - at);

	return nl ? (gsize) (nl - p) + 1 : len;
}

static gboolean
blank_line (const guint8 *p, gsize len, gsize at)
{
	return p[at] == '\n' || (p[at] == '\r' && at + 1 < len && p[at + 1] == '\n');
}

static gboolean
continues (const guint8 *p, gsize len, gsize at)
{
	return at < len && (p[at] == ' ' || p[at] == '\t');
}

/* Where the field that starts at at ends: after its continuation lines. */
static gsize
field_end (const guint8 *p, gsize len, gsize at)
{
	gsize end = next_line (p, len, at);

	while (continues (p, len, end))
		end = next_line (p, len, end);
	return end;
}

/* The length of the field's name when it is a plain one ("Cc", before
 * blanks and the colon), else 0; *value where its value starts. */
static gsize
name_length (const guint8 *p, gsize start, gsize end, gsize *value)
{
	gsize n = 0, at;

	while (start + n < end && n < 64 && (g_ascii_isalnum (p[start + n]) || p[start + n] == '-'))
		n++;
	for (at = start + n; at < end && (p[at] == ' ' || p[at] == '\t'); at++)
		;
	if (n == 0 || at >= end || p[at] != ':')
		return 0;
	*value = at + 1;
	return n;
}

static gboolean
named (const guint8 *p, gsize start, gsize end, const char *name)
{
	gsize value, n = name_length (p, start, end, &value);

	return n == strlen (name) && g_ascii_strncasecmp ((const char *) p + start, name, n) == 0;
}

/* The address fields GMime reads into a list of addresses. */
static gboolean
holds_addresses (const guint8 *p, gsize start, gsize end)
{
	static const char *const names[] = { "from", "sender", "reply-to", "to", "cc", "bcc" };
	gsize skip = end - start > 7 && g_ascii_strncasecmp ((const char *) p + start, "resent-", 7) == 0 ? 7 : 0;

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		if (named (p, start + skip, end, names[i]))
			return TRUE;
	return FALSE;
}

/* --- the top-level header --- */

typedef struct {
	const guint8 *p;
	gsize len;
	MtMessageScan *scan;
	guint fields, dropped, cut;
	gsize bytes;       /* kept */
	gsize field_after; /* a field was found up to here after a line that is none */
	GString *notes;
} TopHeader;

/* Where a field too long is cut: before the last separator within
 * FIELD_BYTES (a comma between addresses, else white space) and the
 * white space before it; 0 when there is none past the name. */
static gsize
cut_field (const guint8 *p, gsize start, gsize end, gsize value)
{
	gboolean addresses = holds_addresses (p, start, end);
	gsize at = start + MT_MESSAGE_FIELD_BYTES;

	while (at > value && !(addresses ? p[at] == ',' : g_ascii_isspace (p[at])))
		at--;
	while (at > value && g_ascii_isspace (p[at - 1]))
		at--;
	return at > value ? at : 0;
}

/* Where the last FIELD_BYTES of a field start, at white space between
 * ids; 0 when there is none. */
static gsize
tail_start (const guint8 *p, gsize name_len, gsize end)
{
	gsize at = end - MT_MESSAGE_FIELD_BYTES + name_len;

	while (at < end && !g_ascii_isspace (p[at]))
		at++;
	return at + 1 < end ? at : 0;
}

static void
add_piece (TopHeader *t, gsize start, gsize end, gboolean newline)
{
	GArray *pieces = t->scan->pieces;
	MtMessagePiece *last = pieces->len ? &g_array_index (pieces, MtMessagePiece, pieces->len - 1) : NULL;
	MtMessagePiece piece = { start, end, newline };

	if (last != NULL && !last->newline && last->end == start) {
		last->end = end;
		last->newline = newline;
		return;
	}
	g_array_append_val (pieces, piece);
}

/* Keeps what GMime is given of a field: [start, head) and [tail, end). */
static void
keep_field (TopHeader *t, gsize start, gsize end)
{
	gsize value = start, n, head = end, tail = end;
	g_autofree char *name = NULL;

	if (t->fields >= TOP_FIELDS || t->bytes >= TOP_BYTES) {
		t->dropped++;
		return;
	}
	n = name_length (t->p, start, end, &value);
	if (end - start > MT_MESSAGE_FIELD_BYTES &&
	    (named (t->p, start, end, "References") || named (t->p, start, end, "In-Reply-To"))) {
		head = value;
		tail = tail_start (t->p, value - start, end);
	} else if (end - start > MT_MESSAGE_FIELD_BYTES) {
		head = n ? cut_field (t->p, start, end, value) : 0;
	}
	if (head == 0 || tail == 0 || t->bytes + (head - start) + (end - tail) > TOP_BYTES) {
		t->dropped++;
		return;
	}
	if (head != end) {
		name = n ? g_strndup ((const char *) t->p + start, n) : g_strdup ("(unnamed)");
		t->cut++;
		mt_message_note (t->notes,
				 "header field %s: %" G_GSIZE_FORMAT " of its %" G_GSIZE_FORMAT " bytes indexed", name,
				 (head - start) + (end - tail), end - start);
	}
	if (named (t->p, start, end, "Content-Type")) {
		t->scan->type_start = value;
		t->scan->type_end = head;
	}
	t->fields++;
	t->bytes += (head - start) + (end - tail);
	add_piece (t, start, head, head != end && tail == end);
	if (tail != end)
		add_piece (t, tail, end, FALSE);
}

/* Whether the line at at, which is no field, is the first of the
 * body: no field follows it before an empty line. Where one does, the
 * header goes on past lines that are no field, as GMime has it. */
static gboolean
body_starts (TopHeader *t, gsize at)
{
	gsize value;

	if (at < t->field_after)
		return FALSE;
	for (at = next_line (t->p, t->len, at); at < t->len && !blank_line (t->p, t->len, at);
	     at = next_line (t->p, t->len, at)) {
		gsize end = next_line (t->p, t->len, at);

		if (!continues (t->p, t->len, at) && name_length (t->p, at, end, &value) > 0) {
			t->field_after = end;
			return FALSE;
		}
	}
	return TRUE;
}

/* Scans the top-level header into scan->pieces; returns where it ends
 * (its empty line, the first line of a body that has none before it,
 * or the end of the message). */
static gsize
scan_top_header (TopHeader *t)
{
	gsize at = 0, value;

	while (at < t->len && !blank_line (t->p, t->len, at)) {
		gsize end = field_end (t->p, t->len, at);

		if (at > 0 && name_length (t->p, at, end, &value) == 0 && body_starts (t, at)) {
			t->scan->unseparated = TRUE;
			break;
		}
		keep_field (t, at, end);
		at = end;
	}
	if (t->dropped > 0)
		mt_message_note (t->notes, "%u header fields not indexed: over %u fields or %u bytes", t->dropped,
				 TOP_FIELDS, TOP_BYTES);
	t->scan->changed = t->dropped > 0 || t->cut > 0 || t->scan->unseparated;
	return at;
}

/* --- the parts' headers, prologues and epilogues --- */

typedef enum { IN_HEADER, IN_BODY, IN_FACE } Where;

typedef struct {
	const guint8 *p;
	gsize len;
	MtMessageScan *scan;
	GHashTable *boundaries; /* boundary -> "digest" or "" */
	Where where;
	gsize start;              /* of the field (IN_HEADER) or prologue or epilogue (IN_FACE) */
	gsize type, type_end;     /* this header's Content-Type value, when type_end */
	gsize coding, coding_end; /* and Content-Transfer-Encoding */
	gboolean digest;          /* the header follows a boundary of a multipart/digest */
	guint headers, max_headers;
} Parts;

static void
end_here (Parts *s, gsize at, const char *why)
{
	s->scan->end = at;
	s->scan->why = why;
}

/* A line that is "--" and a boundary seen: *end when "--" follows it
 * too; the boundary's multipart's subtype is digest when *digest. */
static gboolean
boundary_line (Parts *s, gsize at, gsize end, gboolean *last, gboolean *digest)
{
	const char *kind;
	g_autofree char *b = NULL;

	while (end > at && g_ascii_isspace (s->p[end - 1]))
		end--;
	if (end - at < 3 || s->p[at] != '-' || s->p[at + 1] != '-')
		return FALSE;
	b = g_strndup ((const char *) s->p + at + 2, end - at - 2);
	if ((kind = g_hash_table_lookup (s->boundaries, b)) == NULL && g_str_has_suffix (b, "--")) {
		b[strlen (b) - 2] = '\0';
		*last = (kind = g_hash_table_lookup (s->boundaries, b)) != NULL;
	} else {
		*last = FALSE;
	}
	*digest = kind != NULL && *kind != '\0';
	return kind != NULL;
}

static char *
value_of (Parts *s, gsize start, gsize end)
{
	return g_strndup ((const char *) s->p + start, end - start);
}

static gboolean
encoded (Parts *s)
{
	g_autofree char *value = s->coding_end ? value_of (s, s->coding, s->coding_end) : NULL;
	GMimeContentEncoding e = value ? g_mime_content_encoding_from_string (g_strstrip (value)) : 0;

	return e == GMIME_CONTENT_ENCODING_BASE64 || e == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	       e == GMIME_CONTENT_ENCODING_UUENCODE;
}

/* After a header: a multipart's prologue (its boundary remembered), an
 * attached message's header, or a body. */
static Where
after_header (Parts *s, const char *type_value)
{
	g_autoptr (GMimeContentType) ct = type_value ? g_mime_content_type_parse (NULL, type_value) : NULL;
	const char *boundary = ct ? g_mime_content_type_get_parameter (ct, "boundary") : NULL;
	const char *subtype = ct ? g_mime_content_type_get_media_subtype (ct) : NULL;

	if (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "*")) {
		if (boundary != NULL && g_hash_table_size (s->boundaries) < MAX_BOUNDARIES)
			g_hash_table_replace (s->boundaries, g_strdup (boundary),
					      (gpointer) (g_ascii_strcasecmp (subtype, "digest") == 0 ? "digest" : ""));
		return IN_FACE;
	}
	if (ct == NULL ? s->digest : g_mime_content_type_is_type (ct, "message", "*") && !encoded (s))
		return IN_HEADER;
	return IN_BODY;
}

/* Enters a header, a body or a prologue or epilogue at at; a header
 * past max_headers ends the scan at from: GMime has stopped before
 * (it stops past max_parts parts, each after a header found here). */
static void
enter (Parts *s, Where where, gsize at, gsize from)
{
	s->where = where;
	s->start = at;
	s->type_end = s->coding_end = 0;
	if (where == IN_HEADER && ++s->headers > s->max_headers)
		end_here (s, from, "more parts than max_parts allows");
}

/* A line of a header: a field longer than FIELD_BYTES ends the scan. */
static void
header_line (Parts *s, gsize at, gsize end)
{
	gsize value = 0;

	if (blank_line (s->p, s->len, at)) {
		g_autofree char *type = s->type_end ? value_of (s, s->type, s->type_end) : NULL;

		s->digest = s->digest && type == NULL;
		enter (s, after_header (s, type), end, end);
		return;
	}
	if (!continues (s->p, s->len, at))
		s->start = at;
	if (end - s->start > MT_MESSAGE_FIELD_BYTES) {
		end_here (s, s->start, "a header field of more than 8192 bytes");
	} else if (!continues (s->p, s->len, end) && name_length (s->p, s->start, end, &value) > 0) {
		if (named (s->p, s->start, end, "Content-Type"))
			s->type = value, s->type_end = end;
		else if (named (s->p, s->start, end, "Content-Transfer-Encoding"))
			s->coding = value, s->coding_end = end;
	}
}

static void
scan_parts (Parts *s, gsize at)
{
	gboolean last, digest;

	while (at < s->len && s->scan->end == s->len) {
		gsize end = next_line (s->p, s->len, at);

		if (s->where == IN_HEADER) {
			header_line (s, at, end);
		} else if (boundary_line (s, at, end, &last, &digest)) {
			enter (s, last ? IN_FACE : IN_HEADER, end, at);
			s->digest = !last && digest;
		} else if (s->where == IN_FACE && end - s->start > FACE_BYTES) {
			end_here (s, s->start, "a multipart's prologue or epilogue of more than 65536 bytes");
		}
		at = end;
	}
}

void
mt_message_scan (const guint8 *p, gsize len, guint max_parts, MtMessageScan *scan, GString *notes)
{
	TopHeader t = { p, len, scan, 0, 0, 0, 0, 0, notes };
	g_autoptr (GHashTable) boundaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	Parts s = { p, len, scan, boundaries, .max_headers = 2 * max_parts + 2 };
	g_autofree char *type = NULL;

	memset (scan, 0, sizeof *scan);
	scan->pieces = g_array_new (FALSE, FALSE, sizeof (MtMessagePiece));
	scan->end = len;
	scan->body = scan_top_header (&t);
	if (scan->body == len)
		return;
	type = scan->type_end ? g_strndup ((const char *) p + scan->type_start, scan->type_end - scan->type_start)
			      : NULL;
	enter (&s, after_header (&s, type), scan->unseparated ? scan->body : next_line (p, len, scan->body),
	       scan->body);
	scan_parts (&s, s.start);
}
