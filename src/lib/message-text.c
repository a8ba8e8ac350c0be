/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-text.c - the text of a message's parts, at most so much
 * DESCRIPTION
 *	A part's content is decoded and converted to UTF-8 as it is read,
 *	and reading stops at the limit: a part of 40 MB costs no more
 *	than the limit.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "message-private.h"

/* Valid UTF-8 from whatever a header or part gave us; owned. */
char *
mt_message_utf8 (const char *text)
{
	if (text == NULL)
		return g_strdup ("");
	if (g_utf8_validate (text, -1, NULL))
		return g_strdup (text);
	return g_utf8_make_valid (text, -1);
}

static void
add_filter (GMimeStream *filtered, GMimeFilter *filter)
{
	if (filter == NULL)
		return;
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
	g_object_unref (filter);
}

/* A leaf part's content with its transfer encoding undone, at most
 * limit bytes, *cut when there was more; NUL-terminated, each NUL byte
 * within it made a space: RFC 2045 allows none in text, and a C string
 * stops at the first, so that the rest of the text would be missing
 * from show and search. A space is a space in every charset that mail
 * uses. Owned. */
static GByteArray *
read_content (GMimePart *part, gsize limit, gboolean *cut)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeStream *source = content ? g_mime_data_wrapper_get_stream (content) : NULL;
	GByteArray *bytes = g_byte_array_new ();
	g_autoptr (GMimeStream) filtered = NULL;
	GMimeContentEncoding encoding;
	char buf[4096];
	gssize n;

	*cut = FALSE;
	if (source != NULL) {
		g_mime_stream_reset (source);
		filtered = g_mime_stream_filter_new (source);
		encoding = g_mime_data_wrapper_get_encoding (content);
		if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
		    encoding == GMIME_CONTENT_ENCODING_UUENCODE)
			add_filter (filtered, g_mime_filter_basic_new (encoding, FALSE));
	}
	while (filtered != NULL && !*cut && (n = g_mime_stream_read (filtered, buf, sizeof buf)) > 0) {
		gsize room = limit - bytes->len;

		*cut = (gsize) n > room;
		g_byte_array_append (bytes, (const guint8 *) buf, MIN ((gsize) n, room));
	}
	for (guint i = 0; i < bytes->len; i++)
		if (bytes->data[i] == '\0')
			bytes->data[i] = ' ';
	g_byte_array_append (bytes, (const guint8 *) "", 1);
	return bytes;
}

char *
mt_message_cut_text (char *text, gsize limit, gboolean *cut)
{
	char *end = text + limit;

	if (strlen (text) <= limit)
		return text;
	while (end > text && (*end & 0xc0) == 0x80)
		end--;
	*end = '\0';
	*cut = TRUE;
	return text;
}

/* UTF-8 bytes, or windows-1252 ones that are not: the usual culprit in
 * a part that declares no charset, UTF-8 or ASCII. GMime's own
 * conversion would drop the offending bytes and with them the umlauts. */
static char *
unicode_text (GByteArray *bytes, gsize limit, gboolean *cut)
{
	const char *data = (const char *) bytes->data;
	const char *valid_end = NULL;
	char *converted;

	/* A character cut in two at the limit does not make the text windows-1252. */
	if (!g_utf8_validate (data, -1, &valid_end) && *cut && strlen (valid_end) < 4)
		bytes->data[valid_end - data] = '\0';
	if (g_utf8_validate (data, -1, NULL))
		return g_strdup (data);
	converted = g_convert (data, -1, "UTF-8", "windows-1252", NULL, NULL, NULL);
	return converted ? mt_message_cut_text (converted, limit, cut) : mt_message_utf8 (data);
}

/* A charset iconv does not know leaves the bytes as they are, made
 * valid UTF-8. */
char *
mt_message_part_text (GMimeTextPart *part, gsize limit, gboolean *cut)
{
	const char *declared = g_mime_text_part_get_charset (part);
	const char *canon = declared ? g_mime_charset_canon_name (declared) : NULL;
	g_autoptr (GByteArray) bytes = read_content (GMIME_PART (part), limit, cut);
	const char *data = (const char *) bytes->data;
	g_autofree char *text = NULL;
	iconv_t cd;

	if (canon == NULL || g_ascii_strcasecmp (canon, "utf-8") == 0 || g_ascii_strcasecmp (canon, "us-ascii") == 0)
		return unicode_text (bytes, limit, cut);
	cd = g_mime_iconv_open ("UTF-8", declared);
	if (cd == (iconv_t) -1)
		return mt_message_utf8 (data);
	text = g_mime_iconv_strndup (cd, data, bytes->len - 1);
	g_mime_iconv_close (cd);
	return mt_message_cut_text (mt_message_utf8 (text ? text : data), limit, cut);
}
