/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	bounce.c - delivery status notifications (RFC 3464) of our own mail
 * DESCRIPTION
 *	The delivery-status part is a block of per-message fields and then
 *	one block per recipient, each in header syntax and ended by a blank
 *	line. The blocks are cut at their blank lines in one pass over the
 *	part, and GMime's parser reads each as the headers of a message, so
 *	no field parsing is written here and no byte is read twice. Only
 *	the head of the part and of the returned headers is read (bounce.h):
 *	a forged report of any size costs at most that.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/bounce.h"

/* A reason longer than this is cut: it goes to the outbox and a mail. */
#define MAX_REASON 1000

static void
recipient_free (MtBounceRecipient *r)
{
	g_free (r->address);
	g_free (r->reason);
	g_free (r);
}

void
mt_bounce_clear (MtBounce *b)
{
	g_free (b->message_id);
	g_clear_pointer (&b->failed, g_ptr_array_unref);
	memset (b, 0, sizeof *b);
}

/* The decoded content of source in the transfer encoding given; a new
 * reference. */
static GMimeStream *
decoding (GMimeStream *source, GMimeContentEncoding encoding)
{
	GMimeStream *decoded;
	GMimeFilter *filter;

	if (encoding != GMIME_CONTENT_ENCODING_BASE64 && encoding != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    encoding != GMIME_CONTENT_ENCODING_UUENCODE)
		return g_object_ref (source);
	decoded = g_mime_stream_filter_new (source);
	filter = g_mime_filter_basic_new (encoding, FALSE);
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (decoded), filter);
	g_object_unref (filter);
	return decoded;
}

/* At most max bytes of a leaf part's content, its transfer encoding
 * undone; what lies beyond is never read. Owned. */
static GByteArray *
part_head (GMimePart *part, gsize max)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeStream *source = content ? g_mime_data_wrapper_get_stream (content) : NULL;
	g_autoptr (GMimeStream) decoded = NULL;
	GByteArray *head = g_byte_array_new ();
	char buffer[4096];
	gssize n;

	if (source == NULL)
		return head;
	g_mime_stream_reset (source);
	decoded = decoding (source, g_mime_data_wrapper_get_encoding (content));
	while (head->len < max && (n = g_mime_stream_read (decoded, buffer, MIN (sizeof buffer, max - head->len))) > 0)
		g_byte_array_append (head, (const guint8 *) buffer, n);
	g_mime_stream_reset (source);
	return head;
}

/* The length of the blank lines at data. */
static gsize
blank_lines (const guint8 *data, gsize len)
{
	gsize i = 0;

	for (;;) {
		if (i < len && data[i] == '\n')
			i++;
		else if (i + 1 < len && data[i] == '\r' && data[i + 1] == '\n')
			i += 2;
		else
			return i;
	}
}

/* The length of the block at data, which starts with a line that is
 * not blank: up to and with the blank line that ends it, or all. */
static gsize
block_length (const guint8 *data, gsize len)
{
	const guint8 *end = data + len, *p = data, *nl;

	while ((nl = memchr (p, '\n', end - p)) != NULL) {
		p = nl + 1;
		if (p < end && *p == '\n')
			return p + 1 - data;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			return p + 2 - data;
	}
	return len;
}

/* A header block read as a message: its headers, and the rest as body;
 * NULL for none (an empty part). */
static GMimeMessage *
parse_block (const guint8 *data, gsize len)
{
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeParser) parser = NULL;

	if (len == 0)
		return NULL;
	stream = g_mime_stream_mem_new_with_buffer ((const char *) data, len);
	parser = g_mime_parser_new_with_stream (stream);
	return g_mime_parser_construct_message (parser, NULL);
}

/* Whether an Action field says failed ("failed", maybe with a comment). */
static gboolean
says_failed (const char *action)
{
	while (action != NULL && g_ascii_isspace (*action))
		action++;
	return action != NULL && g_ascii_strncasecmp (action, "failed", 6) == 0 &&
	       (action[6] == '\0' || action[6] == '(' || action[6] == ';' || g_ascii_isspace (action[6]));
}

/* The address of a Final-Recipient, "rfc822; anna@example.org" (or
 * without its address type), lower case; NULL for another type or no
 * single mailbox. */
static char *
final_recipient (const char *value)
{
	const char *semicolon = value ? strchr (value, ';') : NULL;
	g_autoptr (InternetAddressList) list = NULL;
	InternetAddress *ia;

	if (semicolon != NULL) {
		g_autofree char *type = g_strstrip (g_strndup (value, semicolon - value));

		if (g_ascii_strcasecmp (type, "rfc822") != 0)
			return NULL;
		value = semicolon + 1;
	}
	if (value == NULL || (list = internet_address_list_parse (NULL, value)) == NULL ||
	    internet_address_list_length (list) != 1)
		return NULL;
	ia = internet_address_list_get_address (list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX (ia))
		return NULL;
	return g_ascii_strdown (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), -1);
}

/* "Status Diagnostic-Code", valid UTF-8, at most MAX_REASON bytes. */
static char *
reason (const char *status, const char *diagnostic)
{
	g_autofree char *joined = g_strdup_printf ("%s%s%s", status ? status : "5.0.0", diagnostic ? " " : "",
						   diagnostic ? diagnostic : "");
	char *valid = g_utf8_make_valid (joined, -1);

	if (strlen (valid) > MAX_REASON)
		*g_utf8_find_prev_char (valid, valid + MAX_REASON + 1) = '\0';
	return valid;
}

static void
read_recipient (GMimeMessage *fields, MtBounce *b)
{
	GMimeObject *o = GMIME_OBJECT (fields);
	g_autofree char *address = final_recipient (g_mime_object_get_header (o, "Final-Recipient"));
	MtBounceRecipient *r;

	if (address == NULL || !says_failed (g_mime_object_get_header (o, "Action")))
		return;
	r = g_new0 (MtBounceRecipient, 1);
	r->address = g_steal_pointer (&address);
	r->reason = reason (g_mime_object_get_header (o, "Status"), g_mime_object_get_header (o, "Diagnostic-Code"));
	g_ptr_array_add (b->failed, r);
}

/* Per-message fields first, then one block per recipient; a block
 * without a failed Final-Recipient adds nothing. */
static void
read_status (GMimePart *part, MtBounce *b)
{
	g_autoptr (GByteArray) status = part_head (part, MT_BOUNCE_MAX_STATUS);
	gsize at = 0;

	for (int i = 0; i < MT_BOUNCE_MAX_BLOCKS && at < status->len; i++) {
		g_autoptr (GMimeMessage) fields = NULL;
		gsize len;

		at += blank_lines (status->data + at, status->len - at);
		if (at == status->len)
			break;
		len = block_length (status->data + at, status->len - at);
		if ((fields = parse_block (status->data + at, len)) != NULL)
			read_recipient (fields, b);
		at += len;
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
		g_autoptr (GByteArray) head = part_head (GMIME_PART (part), MT_BOUNCE_MAX_HEADERS);

		returned = parsed = parse_block (head->data, head->len);
	}
	if (returned != NULL && (id = g_mime_message_get_message_id (returned)) != NULL)
		b->message_id = g_strdup (id);
}

static gboolean
is_report (GMimeObject *root)
{
	GMimeContentType *ct = root ? g_mime_object_get_content_type (root) : NULL;
	const char *report = ct ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;

	return GMIME_IS_MULTIPART (root) && g_mime_content_type_is_type (ct, "multipart", "report") && report != NULL &&
	       g_ascii_strcasecmp (report, "delivery-status") == 0;
}

/* The first delivery-status part and the first returned message are
 * the report; more of them are not read. */
gboolean
mt_bounce_parse (MtMessage *m, MtBounce *b)
{
	GMimeObject *root = g_mime_message_get_mime_part (m->mime);
	gboolean status_read = FALSE, returned_read = FALSE;

	memset (b, 0, sizeof *b);
	b->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
	if (!is_report (root))
		return FALSE;
	for (int i = 0; i < g_mime_multipart_get_count (GMIME_MULTIPART (root)); i++) {
		GMimeObject *part = g_mime_multipart_get_part (GMIME_MULTIPART (root), i);
		GMimeContentType *pct = g_mime_object_get_content_type (part);

		if (!status_read && g_mime_content_type_is_type (pct, "message", "delivery-status") &&
		    GMIME_IS_PART (part)) {
			read_status (GMIME_PART (part), b);
			status_read = TRUE;
		} else if (!returned_read && (g_mime_content_type_is_type (pct, "message", "rfc822") ||
					      g_mime_content_type_is_type (pct, "text", "rfc822-headers"))) {
			read_returned (part, b);
			returned_read = TRUE;
		}
	}
	return TRUE;
}
