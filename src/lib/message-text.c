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

char *
mt_message_utf8_take (char *text)
{
	char *valid;

	if (text == NULL || g_utf8_validate (text, -1, NULL))
		return text;
	valid = g_utf8_make_valid (text, -1);
	g_free (text);
	return valid;
}

static void
add_filter (GMimeStream *filtered, GMimeFilter *filter)
{
	if (filter == NULL)
		return;
	g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), filter);
	g_object_unref (filter);
}

GMimeStream *
mt_message_part_stream (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeStream *source = content ? g_mime_data_wrapper_get_stream (content) : NULL;
	GMimeStream *filtered;
	GMimeContentEncoding encoding;

	if (source == NULL)
		return NULL;
	g_mime_stream_reset (source);
	filtered = g_mime_stream_filter_new (source);
	encoding = g_mime_data_wrapper_get_encoding (content);
	if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    encoding == GMIME_CONTENT_ENCODING_UUENCODE)
		add_filter (filtered, g_mime_filter_basic_new (encoding, FALSE));
	return filtered;
}

/* A leaf part's content with its transfer encoding undone, at most
 * limit bytes, *cut when there was more, its uuencoded blocks taken
 * out into blocks when that is not NULL; NUL-terminated, each NUL byte
 * within it made a space: RFC 2045 allows none in text, and a C string
 * stops at the first, so that the rest of the text would be missing
 * from show and search. A space is a space in every charset that mail
 * uses. Owned. */
static GByteArray *
read_content (GMimePart *part, gsize limit, gboolean *cut, GPtrArray *blocks)
{
	GByteArray *bytes = mt_message_uu_read (part, limit, cut, blocks);

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

/* The text of a part, in UTF-8, as message-charset.c reads it: in the
 * declared charset where its bytes are valid there, else by the
 * fallback rule. */
char *
mt_message_part_text (GMimeTextPart *part, gsize limit, gboolean *cut, GPtrArray *blocks)
{
	const char *declared = g_mime_text_part_get_charset (part);
	g_autoptr (GByteArray) bytes = read_content (GMIME_PART (part), limit, cut, blocks);
	const char *data = (const char *) bytes->data;
	gsize len = bytes->len - 1;
	const char *valid_end = NULL;

	/* A character cut in two at the limit does not make the text another charset. */
	if (*cut && !g_utf8_validate_len (data, len, &valid_end) && len - (valid_end - data) < 4)
		len = valid_end - data;
	return mt_message_cut_text (mt_message_decode_charset (data, len, declared), limit, cut);
}

/* Spaces, tabs and no-break spaces only, as Outlook's empty
 * paragraphs are. */
static gboolean
blank (const char *line)
{
	for (const char *p = line; *p; p = g_utf8_next_char (p))
		if (*p != ' ' && *p != '\t' && g_utf8_get_char (p) != 0xa0)
			return FALSE;
	return TRUE;
}

/* Whether every line stands alone: at least three that are not blank,
 * no two of them next to each other. n lines, the last one ended. */
static gboolean
doubled (char **lines, guint n)
{
	guint full = 0;

	for (guint i = 0; i < n; i++) {
		if (blank (lines[i]))
			continue;
		if (i > 0 && !blank (lines[i - 1]))
			return FALSE;
		full++;
	}
	return full >= 3;
}

char *
mt_message_outlook_text (char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	guint n = g_strv_length (lines), blanks = 0;
	gboolean ended = n > 0 && *lines[n - 1] == '\0';
	GString *out;

	/* The empty string after the last line end is no line. */
	if (ended)
		n--;
	if (!doubled (lines, n))
		return text;
	out = g_string_sized_new (strlen (text));
	for (guint i = 0; i < n; i++) {
		if (blank (lines[i])) {
			blanks++;
			continue;
		}
		for (guint k = 0; k < blanks / 2; k++)
			g_string_append_c (out, '\n');
		blanks = 0;
		g_string_append (out, lines[i]);
		if (i + 1 < n || ended)
			g_string_append_c (out, '\n');
	}
	g_free (text);
	return g_string_free (out, FALSE);
}
