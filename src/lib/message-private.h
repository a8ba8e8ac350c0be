/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-private.h - what the files of the message module share
 * DESCRIPTION
 *	message-scan.c finds what of a message GMime is given to parse,
 *	message-view.c has GMime parse it at a bounded cost, message.c
 *	walks what it made, message-text.c reads the text of its parts,
 *	message-uu.c takes uuencoded files out of it, message-charset.c
 *	reads bytes of unknown charset, message-header.c decodes the
 *	subject and file names from the raw header.
 *	Not for other modules.
 */
#ifndef MT_MESSAGE_PRIVATE_H
#define MT_MESSAGE_PRIVATE_H

#include "mailticket/message.h"

/* The longest header field GMime is given whole (a note in
 * message-scan.c and one in message-view.c say it too). */
#define MT_MESSAGE_FIELD_BYTES 8192

/* Raw bytes [start, end), then a line end of the view's own when
 * newline: a field was cut there. */
typedef struct {
	gsize start, end;
	gboolean newline;
} MtMessagePiece;

typedef struct {
	GArray *pieces;             /* MtMessagePiece: the top-level header as GMime is given it; owned */
	gboolean changed;           /* pieces are not the header as it is */
	gsize body;                 /* where the top-level header ends: its empty line, or the end */
	gboolean unseparated;       /* no empty line: the body starts at body, GMime is given one */
	gsize type_start, type_end; /* the top-level Content-Type value GMime is given, when type_end */
	gsize end;                  /* GMime is given the message up to here */
	const char *why;            /* why not to its end, or NULL */
} MtMessageScan;

/* Scans the len bytes at p (see message-scan.c) for a parse that stops
 * at max_parts parts; adds to notes a sentence for each header field
 * of the top-level header left out. */
void mt_message_scan (const guint8 *p, gsize len, guint max_parts, MtMessageScan *scan, GString *notes);

/* GMime's message of raw, read through a view that stops it before it
 * makes more than max_parts parts or too many header fields (see
 * message-view.c), or NULL when there is no message at all. Counts
 * GMime's warnings in *warnings, adds to notes a sentence for each
 * header field left out, and says in *stopped (owned) where and why
 * GMime was stopped, or sets it to NULL. options must outlive the
 * message; its warning callback is left counting into *warnings. */
GMimeMessage *mt_message_view_parse (GByteArray *raw, GMimeParserOptions *options, guint max_parts, guint *warnings,
				     GString *notes, char **stopped);

/* message-body.c: the text and the attachments of m (see there). */
void mt_message_parse_body (MtMessage *m, guint max_parts, guint max_depth, GString *notes);
void mt_message_attachment_free (MtAttachment *a);

/* Appends "; " and then the formatted sentence to notes. */
void mt_message_note (GString *notes, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Valid UTF-8 from whatever a header or part gave us, "" for NULL; owned. */
char *mt_message_utf8 (const char *text);
/* text made valid UTF-8; takes text, returns it or its copy. */
char *mt_message_utf8_take (char *text);
/* A leaf part's content with its transfer encoding undone, as a
 * stream; owned, NULL when it has none. */
GMimeStream *mt_message_part_stream (GMimePart *part);
/* A text part's text in UTF-8, at most limit bytes (*cut set when
 * there was more), its uuencoded files taken out and listed in blocks
 * (MtMessageUu) unless blocks is NULL; owned. */
char *mt_message_part_text (GMimeTextPart *part, gsize limit, gboolean *cut, GPtrArray *blocks);
/* text, owned, cut in place to at most limit bytes at a character's
 * start (*cut set when it was longer). */
char *mt_message_cut_text (char *text, gsize limit, gboolean *cut);
/* The text of an Outlook part with its doubled blank lines made single
 * (see message.c); takes text. */
char *mt_message_outlook_text (char *text);

/* message-charset.c: len bytes of any charset made UTF-8 by the
 * fallback rule; owned. */
char *mt_message_decode_bytes (const char *data, gsize len);
/* len bytes in charset (NULL: none declared) as UTF-8: converted when
 * they are valid in it, else by the fallback rule; owned. */
char *mt_message_decode_charset (const char *data, gsize len, const char *charset);
/* [mail] fallback_charsets, or the default; borrowed. */
const char *const *mt_message_fallback_charsets (void);
/* text, cleaned in place of control characters: tabs and line ends
 * kept when lines (CR LF made LF, a lone CR LF), made spaces when
 * not; every other one dropped. */
char *mt_message_clean (char *text, gboolean lines);

/* The raw value of obj's own header field name, or NULL; borrowed. */
const char *mt_message_raw_header (GMimeObject *obj, const char *name);
/* message-header.c: a raw (folded, any bytes) header value as text,
 * its encoded words decoded, no control characters; owned. */
char *mt_message_header_text (const char *raw);
/* A part's file name: the filename parameter of its
 * Content-Disposition, else the name parameter of its Content-Type,
 * read from the raw fields; owned, NULL when none. */
char *mt_message_part_name (GMimeObject *obj, GMimeParserOptions *options);
/* An attached message's name: its file name, else its Subject and
 * ".eml"; owned, NULL when it has neither. */
char *mt_message_attached_name (GMimeMessagePart *part, GMimeParserOptions *options);
/* name made fit to show (valid UTF-8, no control characters, not
 * blank, at most 255 bytes), or NULL; takes name. */
char *mt_message_fit_name (char *name);

/* message-uu.c: a uuencoded file found in a text part. */
typedef struct {
	char *name;  /* from its "begin" line, or NULL */
	gint64 size; /* decoded */
} MtMessageUu;

void mt_message_uu_free (MtMessageUu *block);
/* A part's content, its transfer encoding undone, at most limit bytes
 * of it (*cut when there was more) less its uuencoded blocks, which
 * are added to blocks unless that is NULL; owned. */
GByteArray *mt_message_uu_read (GMimePart *part, gsize limit, gboolean *cut, GPtrArray *blocks);
/* The decoded content of the part's uuencoded block n (from 1); owned,
 * NULL when there is no such block. */
GByteArray *mt_message_uu_content (GMimePart *part, guint n);

#endif
