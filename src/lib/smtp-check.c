/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	smtp-check.c - would libesmtp send these bytes unchanged?
 * DESCRIPTION
 *	libesmtp reads the header of every message it sends and rewrites
 *	it in a few cases: it adds Date, From and Message-ID when they are
 *	missing, drops Return-Path and Original-Recipient, keeps only the
 *	first of the headers it knows to be single (From, To, Cc ...),
 *	ends a header without an empty line with one, and ends a last
 *	line without CRLF with one. mt_smtp_check() refuses exactly those
 *	messages, reading the header with GMime, so that what the outbox
 *	holds is what the recipient gets.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/smtp.h"

static const char *const required[] = { "Date", "From", "Message-ID" };
static const char *const dropped[] = { "Return-Path", "Original-Recipient" };
static const char *const single[] = {
	"Date", "From", "Message-ID", "Sender", "To", "Cc", "Bcc", "Reply-To", "Disposition-Notification-To",
};

static guint
count_named (GMimeHeaderList *headers, const char *name)
{
	int n = g_mime_header_list_get_count (headers);
	guint count = 0;

	for (int i = 0; i < n; i++)
		if (g_ascii_strcasecmp (g_mime_header_get_name (g_mime_header_list_get_header_at (headers, i)), name) ==
		    0)
			count++;
	return count;
}

static gboolean
refuse (GError **error, const char *why, const char *name)
{
	g_set_error (error, MT_ERROR, MT_ERROR_DATA, "libesmtp would alter this message: %s%s", why, name);
	return FALSE;
}

static gboolean
check_headers (GMimeHeaderList *headers, GError **error)
{
	for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
		if (count_named (headers, required[i]) == 0)
			return refuse (error, "no header ", required[i]);
	for (gsize i = 0; i < G_N_ELEMENTS (dropped); i++)
		if (count_named (headers, dropped[i]) > 0)
			return refuse (error, "a header ", dropped[i]);
	for (gsize i = 0; i < G_N_ELEMENTS (single); i++)
		if (count_named (headers, single[i]) > 1)
			return refuse (error, "more than one ", single[i]);
	return TRUE;
}

/* The length of the header, up to and with the empty line, or 0. */
static gsize
header_length (const char *bytes, gsize len)
{
	const char *end;

	if (len >= 2 && memcmp (bytes, "\r\n", 2) == 0)
		return 2;
	end = memmem (bytes, len, "\r\n\r\n", 4);
	return end ? (gsize) (end - bytes) + 4 : 0;
}

gboolean
mt_smtp_check (GBytes *raw, GError **error)
{
	gsize len, header;
	const char *bytes = g_bytes_get_data (raw, &len);
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeParser) parser = NULL;
	g_autoptr (GMimeMessage) message = NULL;

	if (len < 2 || memcmp (bytes + len - 2, "\r\n", 2) != 0)
		return refuse (error, "its last line does not end with CRLF", "");
	if ((header = header_length (bytes, len)) == 0)
		return refuse (error, "no empty line after the header", "");
	mt_message_init ();
	stream = g_mime_stream_mem_new_with_buffer (bytes, header);
	parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	if ((message = g_mime_parser_construct_message (parser, NULL)) == NULL)
		return refuse (error, "no header", "");
	return check_headers (g_mime_object_get_header_list (GMIME_OBJECT (message)), error);
}
