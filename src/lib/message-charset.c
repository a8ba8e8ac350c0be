/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-charset.c - bytes of no known charset made text
 * DESCRIPTION
 *	Mail carries text in charsets that it does not name, or names
 *	wrong: an 8-bit subject with no encoded word, a part with no
 *	charset parameter, a part labelled UTF-8 with one Latin-1 byte
 *	pasted in. The rule (mailticket-deliver(8), "How mail is read"):
 *
 *	- bytes that are valid UTF-8 are UTF-8;
 *	- bytes with more UTF-8 characters beyond ASCII than bytes that are
 *	  not UTF-8 are UTF-8 with stray bytes: the valid UTF-8 is read as
 *	  UTF-8, and each run of invalid bytes by the first fallback
 *	  charset in which that run is valid;
 *	- other bytes are read as a whole in the first fallback charset in
 *	  which they are all valid, and when there is none, run by run as
 *	  above;
 *	- a run valid in no fallback charset becomes U+FFFD, one a byte.
 *
 *	The fallback charsets are [mail] fallback_charsets, windows-1252
 *	when it is not set. iconv says what is valid: a charset that
 *	defines every byte (KOI8-R, ISO-8859-1) takes any run, so the
 *	order of the list matters.
 *
 *	The text made is then cleaned of control characters: a subject or
 *	a file name keeps none (a tab or line end becomes a space), a text
 *	keeps tabs and line ends only.
 */
#include <string.h>

#include "message-private.h"

#define REPLACEMENT "\xef\xbf\xbd"

static const char *const default_fallbacks[] = { "windows-1252", NULL };
static char **fallbacks;
static GPtrArray *retired; /* the lists replaced, still readable */

/* A list replaced is not freed: the delivery server sets it again on
 * a reload while its other threads may be reading mail. */
void
mt_message_set_fallback_charsets (const char *const *charsets)
{
	gboolean empty = charsets == NULL || charsets[0] == NULL;

	if (empty ? fallbacks == NULL : fallbacks != NULL && g_strv_equal ((const char *const *) fallbacks, charsets))
		return;
	if (fallbacks != NULL) {
		if (retired == NULL)
			retired = g_ptr_array_new ();
		g_ptr_array_add (retired, fallbacks);
	}
	fallbacks = empty ? NULL : g_strdupv ((char **) charsets);
}

const char *const *
mt_message_fallback_charsets (void)
{
	return fallbacks ? (const char *const *) fallbacks : default_fallbacks;
}

/* The bytes in charset, when all of them are valid there; owned. */
static char *
convert_strict (const char *data, gsize len, const char *charset)
{
	gsize read = 0;
	char *text = g_convert (data, len, "UTF-8", charset, &read, NULL, NULL);

	if (text != NULL && read == len && g_utf8_validate (text, -1, NULL))
		return text;
	g_free (text);
	return NULL;
}

static char *
convert_fallback (const char *data, gsize len)
{
	const char *const *charsets = mt_message_fallback_charsets ();
	char *text = NULL;

	for (guint i = 0; charsets[i] != NULL && text == NULL; i++)
		text = convert_strict (data, len, charsets[i]);
	return text;
}

/* Where the run of bytes that are no UTF-8 at p ends. */
static const char *
invalid_run_end (const char *p, const char *end)
{
	p++;
	while (p < end && (gint32) g_utf8_get_char_validated (p, end - p) < 0)
		p++;
	return p;
}

/* The valid UTF-8 of data as it is, each invalid run in a fallback. */
static char *
decode_runs (const char *data, gsize len)
{
	const char *p = data, *end = data + len, *stop;
	GString *out = g_string_sized_new (len + 16);

	while (p < end) {
		g_autofree char *run = NULL;
		const char *run_end;

		g_utf8_validate_len (p, end - p, &stop);
		g_string_append_len (out, p, stop - p);
		if (stop >= end)
			break;
		run_end = invalid_run_end (stop, end);
		if ((run = convert_fallback (stop, run_end - stop)) != NULL)
			g_string_append (out, run);
		else
			for (const char *b = stop; b < run_end; b++)
				g_string_append (out, REPLACEMENT);
		p = run_end;
	}
	return g_string_free (out, FALSE);
}

/* Whether data holds more UTF-8 characters beyond ASCII than bytes
 * that are not UTF-8. */
static gboolean
mostly_utf8 (const char *data, gsize len)
{
	const char *p = data, *end = data + len;
	gsize good = 0, bad = 0;

	while (p < end) {
		gunichar c;

		if ((guchar) *p < 0x80) {
			p++;
			continue;
		}
		c = g_utf8_get_char_validated (p, end - p);
		if ((gint32) c < 0) {
			bad++;
			p++;
		} else {
			good++;
			p = g_utf8_next_char (p);
		}
	}
	return good > 0 && good >= bad;
}

char *
mt_message_decode_bytes (const char *data, gsize len)
{
	char *text;

	if (g_utf8_validate_len (data, len, NULL))
		return g_strndup (data, len);
	if (!mostly_utf8 (data, len) && (text = convert_fallback (data, len)) != NULL)
		return text;
	return decode_runs (data, len);
}

char *
mt_message_decode_charset (const char *data, gsize len, const char *charset)
{
	const char *name = charset ? g_mime_charset_iconv_name (charset) : NULL;
	char *text = NULL;

	if (name != NULL && g_ascii_strcasecmp (name, "utf-8") != 0 && g_ascii_strcasecmp (name, "us-ascii") != 0)
		text = convert_strict (data, len, name);
	return text ? text : mt_message_decode_bytes (data, len);
}

/* C0 controls, DEL, and the C1 controls (U+0080 to U+009F). */
static gsize
control_length (const char *p)
{
	guchar c = (guchar) p[0];

	if (c < 0x20 || c == 0x7f)
		return 1;
	if (c == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f)
		return 2;
	return 0;
}

char *
mt_message_clean (char *text, gboolean lines)
{
	char *out = text;

	for (const char *p = text; *p;) {
		gsize n = control_length (p);

		if (n == 0) {
			*out++ = *p++;
		} else if (lines && p[0] == '\r' && p[1] == '\n') {
			p++;
		} else if (*p == '\t' || *p == '\n' || *p == '\r') {
			*out++ = !lines ? ' ' : *p == '\r' ? '\n' : *p;
			p++;
		} else {
			p += n;
		}
	}
	*out = '\0';
	return text;
}
