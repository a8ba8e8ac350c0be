/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	compose.h - the mail mailticket sends, built with GMime
 * DESCRIPTION
 *	mt_compose() builds a complete message: headers encoded by GMime
 *	(RFC 2047 for non-ASCII names and subjects), a text part, optionally
 *	a simple HTML rendering of it as multipart/alternative, attachments
 *	read from files, and a Message-ID of ours (uuid@domain). The result
 *	has CRLF line ends: the bytes that go on the wire.
 *
 *	Header values come from mail and from people: every control
 *	character in a subject or name (CR and LF above all) is replaced by
 *	a space, and an address with white space, control characters or no
 *	'@' is refused, so that no input can add a header.
 */
#ifndef MT_COMPOSE_H
#define MT_COMPOSE_H

#include <glib.h>

/* An attachment given as bytes: one of a mail's, passed on. */
typedef struct {
	const char *name; /* file name, or NULL */
	const char *type; /* "type/subtype" as declared, or NULL */
	GBytes *data;
} MtComposePart;

typedef struct {
	const char *from_name; /* or NULL */
	const char *from_addr;
	const char *reply_to; /* or NULL */
	GPtrArray *to;        /* addresses (char *) */
	GPtrArray *cc;        /* or NULL */
	const char *subject;
	const char *text;           /* UTF-8 body */
	gboolean html;              /* add a text/html alternative */
	GPtrArray *attachments;     /* file paths (char *), or NULL */
	GPtrArray *parts;           /* MtComposePart, attached after the files; or NULL */
	const char *domain;         /* right side of the Message-ID */
	const char *in_reply_to;    /* message id without <>, or NULL */
	GPtrArray *references;      /* message ids, oldest first, or NULL */
	const char *auto_submitted; /* "auto-replied", "auto-generated" or NULL */
	const char *x_loop;         /* our address, or NULL */
	const char *language;       /* Content-Language (RFC 3282), or NULL */
	GPtrArray *headers;         /* more headers: name, value, ... (char *); or NULL */
	gint64 now;
} MtCompose;

/* Guesses a file's MIME type from its name and bytes: an owned type
 * ("image/png"), or NULL. mt_compose() asks the one set here and takes
 * application/octet-stream without it. The CLI sets GIO's content-type
 * guess (src/cli/main.c); mailticket-deliver and mailticket-send
 * attach no files, and do without GIO (Makefile). */
typedef char *(*MtComposeTypeGuess) (const char *name, const guchar *data, gsize len);
void mt_compose_set_type_guess (MtComposeTypeGuess guess);

/* Builds the message; *message_id (owned) is its id without <>.
 * MT_ERROR_USAGE for a bad address, MT_ERROR_NOT_FOUND for an
 * attachment that cannot be read. */
GBytes *mt_compose (const MtCompose *compose, char **message_id, GError **error);

/* A new message id "uuid@domain"; owned. */
char *mt_compose_message_id (const char *domain);

/* text with every control character replaced by a space; owned. */
char *mt_compose_header_safe (const char *text);

/* TRUE when address is a plain addr-spec fit for a header and SMTP. */
gboolean mt_compose_address_ok (const char *address);

/* Simple HTML for a text: escaped, paragraphs and line breaks kept. */
char *mt_compose_html (const char *text);

#endif
