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

/* A leaf part's content with its transfer encoding undone and, when
 * charset is not NULL, converted from it to UTF-8 (where GMime can):
 * at most limit bytes, *cut when there was more. Owned. */
static GByteArray *
read_content (GMimePart *part, const char *charset, gsize limit, gboolean *cut)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeStream *source = content ? g_mime_data_wrapper_get_stream (content) : NULL;
	GByteArray *bytes = g_byte_array_new ();
	g_autoptr (GMimeStream) filtered = NULL;
	GMimeContentEncoding encoding;
	char buf[4096];
	gssize n;

	*cut = FALSE;
	if (source == NULL)
		return bytes;
	g_mime_stream_reset (source);
	filtered = g_mime_stream_filter_new (source);
	encoding = g_mime_data_wrapper_get_encoding (content);
	if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    encoding == GMIME_CONTENT_ENCODING_UUENCODE)
		add_filter (filtered, g_mime_filter_basic_new (encoding, FALSE));
	if (charset != NULL)
		add_filter (filtered, g_mime_filter_charset_new (charset, "UTF-8"));
	while (!*cut && (n = g_mime_stream_read (filtered, buf, sizeof buf)) > 0) {
		gsize room = limit - bytes->len;

		*cut = (gsize) n > room;
		g_byte_array_append (bytes, (const guint8 *) buf, MIN ((gsize) n, room));
	}
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

/* A part that declares no charset, or declares UTF-8 or ASCII, but
 * whose bytes are not UTF-8 is taken as windows-1252, the usual
 * culprit; GMime's own conversion would drop the offending bytes and
 * with them the umlauts. */
char *
mt_message_part_text (GMimeTextPart *part, gsize limit, gboolean *cut)
{
	const char *declared = g_mime_text_part_get_charset (part);
	const char *canon = declared ? g_mime_charset_canon_name (declared) : NULL;
	gboolean unicode = canon == NULL || g_ascii_strcasecmp (canon, "utf-8") == 0 ||
			   g_ascii_strcasecmp (canon, "us-ascii") == 0;
	g_autoptr (GByteArray) bytes = read_content (GMIME_PART (part), unicode ? NULL : declared, limit, cut);
	const char *valid_end = NULL;
	gsize len = bytes->len;

	/* A character cut in two at the limit does not make the text windows-1252. */
	if (!g_utf8_validate ((const char *) bytes->data, len, &valid_end) && *cut &&
	    len - (gsize) (valid_end - (const char *) bytes->data) < 4)
		len = (gsize) (valid_end - (const char *) bytes->data);
	g_byte_array_set_size (bytes, len);
	g_byte_array_append (bytes, (const guint8 *) "", 1);
	if (unicode && !g_utf8_validate ((const char *) bytes->data, -1, NULL)) {
		char *converted = g_convert ((const char *) bytes->data, -1, "UTF-8", "windows-1252", NULL, NULL, NULL);
		if (converted != NULL)
			return mt_message_cut_text (converted, limit, cut);
	}
	if (g_utf8_validate ((const char *) bytes->data, -1, NULL))
		return (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
	return mt_message_utf8 ((const char *) bytes->data);
}
