/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	bounce.c - delivery status notifications (RFC 3464) of our own mail
 * DESCRIPTION
 *	The delivery-status part is a block of per-message fields and then
 *	one block per recipient, each in header syntax; GMime's parser
 *	reads each block as the headers of a message, the rest being its
 *	body, so no field parsing is written here.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/bounce.h"

void
mt_bounce_clear (MtBounce *b)
{
	g_free (b->message_id);
	g_free (b->reason);
	memset (b, 0, sizeof *b);
}

/* A header block read as a message: its headers, and the rest as body. */
static GMimeMessage *
parse_block (const guint8 *data, gsize len)
{
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer ((const char *) data, len);
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);

	return g_mime_parser_construct_message (parser, NULL);
}

static GByteArray *
block_body (GMimeMessage *block)
{
	GMimeObject *body = g_mime_message_get_mime_part (block);

	return body && GMIME_IS_PART (body) ? mt_message_part_bytes (GMIME_PART (body)) : NULL;
}

static void
read_recipient (GMimeMessage *fields, MtBounce *b)
{
	const char *action = g_mime_object_get_header (GMIME_OBJECT (fields), "Action");
	const char *status = g_mime_object_get_header (GMIME_OBJECT (fields), "Status");
	const char *diagnostic = g_mime_object_get_header (GMIME_OBJECT (fields), "Diagnostic-Code");

	while (action != NULL && g_ascii_isspace (*action))
		action++;
	if (action == NULL || g_ascii_strncasecmp (action, "failed", 6) != 0)
		return;
	b->failed = TRUE;
	if (b->reason == NULL)
		b->reason = g_strdup_printf ("%s%s%s", status ? status : "5.0.0", diagnostic ? " " : "",
					     diagnostic ? diagnostic : "");
}

/* Per-message fields first, then one block per recipient. */
static void
read_status (GMimePart *part, MtBounce *b)
{
	g_autoptr (GByteArray) bytes = mt_message_part_bytes (part);
	g_autoptr (GMimeMessage) block = parse_block (bytes->data, bytes->len);

	for (int i = 0; block != NULL && i < 1000; i++) {
		g_autoptr (GByteArray) rest = block_body (block);

		g_clear_object (&block);
		if (rest == NULL || rest->len == 0)
			break;
		block = parse_block (rest->data, rest->len);
		if (block != NULL)
			read_recipient (block, b);
	}
}

static void
read_returned (GMimeObject *part, MtBounce *b)
{
	GMimeMessage *returned = NULL;
	g_autoptr (GMimeMessage) parsed = NULL;
	const char *id;

	if (GMIME_IS_MESSAGE_PART (part)) {
		returned = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
	} else if (GMIME_IS_PART (part)) {
		g_autoptr (GByteArray) bytes = mt_message_part_bytes (GMIME_PART (part));
		returned = parsed = parse_block (bytes->data, bytes->len);
	}
	if (returned != NULL && (id = g_mime_message_get_message_id (returned)) != NULL && b->message_id == NULL)
		b->message_id = g_strdup (id);
}

gboolean
mt_bounce_parse (MtMessage *m, MtBounce *b)
{
	GMimeObject *root = g_mime_message_get_mime_part (m->mime);
	GMimeContentType *ct = root ? g_mime_object_get_content_type (root) : NULL;
	const char *report = ct ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;

	memset (b, 0, sizeof *b);
	if (!GMIME_IS_MULTIPART (root) || !g_mime_content_type_is_type (ct, "multipart", "report") || report == NULL ||
	    g_ascii_strcasecmp (report, "delivery-status") != 0)
		return FALSE;
	for (int i = 0; i < g_mime_multipart_get_count (GMIME_MULTIPART (root)); i++) {
		GMimeObject *part = g_mime_multipart_get_part (GMIME_MULTIPART (root), i);
		GMimeContentType *pct = g_mime_object_get_content_type (part);

		if (g_mime_content_type_is_type (pct, "message", "delivery-status") && GMIME_IS_PART (part))
			read_status (GMIME_PART (part), b);
		else if (g_mime_content_type_is_type (pct, "message", "rfc822") ||
			 g_mime_content_type_is_type (pct, "text", "rfc822-headers"))
			read_returned (part, b);
	}
	return TRUE;
}
