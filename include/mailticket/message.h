/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message.h - one incoming message, parsed with GMime
 * DESCRIPTION
 *	mt_message_parse() parses raw RFC 822 bytes, takes what can be taken
 *	from a malformed message (counting GMime's warnings), and fails with
 *	MT_ERROR_DATA only when there is no message at all. Strings are UTF-8
 *	(RFC 2047 and the declared or guessed charsets decoded), never NULL
 *	where noted "" .
 *
 *	Its cost is bounded whatever the message's structure: at most
 *	max_parts parts nested at most max_depth deep are listed, the text is
 *	at most 64 KB, the top-level header at most 1000 fields and 64 KB (a
 *	field at most 8 KB), and GMime is stopped where a message has far
 *	more (see message-view.c). What is left out stays in the raw bytes
 *	and is said in not_indexed.
 */
#ifndef MT_MESSAGE_H
#define MT_MESSAGE_H

#include <glib.h>
#include <gmime/gmime.h>

typedef struct {
	char *name;  /* file name (RFC 2231 decoded), or NULL */
	char *type;  /* "type/subtype", lower case */
	gint64 size; /* decoded size in bytes */
	char *part;  /* MIME part path: "2", "1.3", ... */
} MtAttachment;

typedef struct {
	GMimeMessage *mime;
	GMimeParserOptions *options; /* kept for the message's lifetime */
	GByteArray *raw;             /* the bytes parsed; referenced, unchanged */
	char *message_id;            /* without angle brackets, or NULL */
	GPtrArray *in_reply_to;      /* message ids, in header order: the last 100 */
	GPtrArray *references;       /* message ids, oldest first: the newest 100 */
	char *from;                  /* decoded display form, "" when absent */
	char *from_addr;             /* first From mailbox, lower case, or NULL */
	char *from_name;             /* its display name, or NULL */
	char *to;                    /* decoded display forms, "" when absent; past 1000
				 * addresses, the decoded header */
	char *cc;
	char *reply_to;
	GPtrArray *addresses;   /* every From, To, Cc, Reply-To mailbox, lower case */
	GPtrArray *recipients;  /* the To and Cc mailboxes, lower case */
	char *subject;          /* decoded, "" when absent */
	gint64 date;            /* seconds since the epoch, 0 when absent or unreadable */
	char *text;             /* the readable body, "" when none */
	GPtrArray *attachments; /* MtAttachment */
	guint warnings;         /* parser complaints about the structure */
	char *not_indexed;      /* what of the message is left out, in sentences
				 * separated by "; ", or NULL when nothing is */
} MtMessage;

#define MT_MESSAGE_MAX_PARTS 500
#define MT_MESSAGE_MAX_DEPTH 20

/* Once per process, before any other call. */
void mt_message_init (void);
/* The limits on the parts listed ([mail] max_parts and max_depth; 0:
 * the defaults above), for the whole process: before any parse, so
 * that an attachment is found again by the part path it was listed
 * under. */
void mt_message_set_limits (guint max_parts, guint max_depth);

/* The charsets that 8-bit text of no known charset is read in, in
 * order, where its bytes are valid there ([mail] fallback_charsets;
 * NULL or empty: windows-1252), for the whole process, before any
 * parse. Copied. */
void mt_message_set_fallback_charsets (const char *const *charsets);

MtMessage *mt_message_parse (GByteArray *raw, GError **error);
void mt_message_free (MtMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtMessage, mt_message_free)

/* A header's raw value, or NULL; borrowed from the message. */
const char *mt_message_header (MtMessage *message, const char *name);

/* The leaf part at a MIME part path as listed in attachments; borrowed. */
GMimeObject *mt_message_find_part (MtMessage *message, const char *path);

/* A leaf part's content with only its transfer encoding undone; owned. */
GByteArray *mt_message_part_bytes (GMimePart *part);
/* The content of the attachment at a MIME part path, as a file would
 * hold it: a leaf part with its transfer encoding (base64,
 * quoted-printable) undone and nothing else changed, an attached message
 * as its bytes. Owned. MT_ERROR_NOT_FOUND when no attachment is there. */
GBytes *mt_message_part_content (MtMessage *message, const char *path, GError **error);

/* Reduces HTML to readable text: tags dropped, blocks on their own
 * lines, entities decoded; bytes that are not UTF-8 become U+FFFD.
 * Owned. */
char *mt_html_to_text (const char *html);

#endif
