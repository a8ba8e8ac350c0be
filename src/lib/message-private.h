/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-private.h - what the files of the message module share
 * DESCRIPTION
 *	message-scan.c finds what of a message GMime is given to parse,
 *	message-view.c has GMime parse it at a bounded cost, message.c
 *	walks what it made, message-text.c reads the text of its parts.
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

/* Appends "; " and then the formatted sentence to notes. */
void mt_message_note (GString *notes, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Valid UTF-8 from whatever a header or part gave us, "" for NULL; owned. */
char *mt_message_utf8 (const char *text);
/* A text part's text in UTF-8, at most limit bytes (*cut set when
 * there was more); owned. */
char *mt_message_part_text (GMimeTextPart *part, gsize limit, gboolean *cut);
/* text, owned, cut in place to at most limit bytes at a character's
 * start (*cut set when it was longer). */
char *mt_message_cut_text (char *text, gsize limit, gboolean *cut);

#endif
