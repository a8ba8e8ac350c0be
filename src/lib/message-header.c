/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-header.c - header text and file names, decoded word by word
 * DESCRIPTION
 *	GMime 3.2.13 (Debian 12's) loses the rest of a header after a
 *	base64 encoded word that ends in "=" padding when the next word has
 *	the same charset ("=?UTF-8?B?YWJjZA==?= =?UTF-8?B?ZWZnaA==?=" reads
 *	"abcd"), turns bytes that are invalid in a word's charset into "?",
 *	drops the rest of a word in a charset it does not know, and parses a
 *	Content-Disposition after decoding it, so that a file name with a
 *	quote in an encoded word ends at the quote. So the subject, an
 *	attached message's subject and the file name parameters are read
 *	here from the raw header, whatever GMime version does the rest:
 *
 *	- the raw value is unfolded and its 8-bit bytes made UTF-8 by the
 *	  rule of message-charset.c;
 *	- each encoded word is undone on its own (GMime's base64 and
 *	  quoted-printable decoders), the bytes of adjacent words of one
 *	  charset are joined (a character may be split between them) and
 *	  converted from that charset when they are valid in it, else by the
 *	  rule of message-charset.c; blanks between encoded words go;
 *	- for a parameter, each run of encoded words is written back as one
 *	  UTF-8 base64 word before GMime parses the field, so that what the
 *	  word holds (a quote, a semicolon) cannot change the field's syntax
 *	  and GMime decodes one word that it reads right.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "message-private.h"

/* A file name longer than this (in bytes) is cut at a character. */
#define MAX_NAME 255

typedef struct {
	GString *out;
	gboolean reencode; /* runs of words written back as one UTF-8 word */
	char *charset;     /* of the run of words pending, or NULL */
	GByteArray *bytes; /* the run's bytes */
} Words;

typedef struct {
	const char *charset, *payload;
	gsize charset_len, payload_len, length;
	char encoding; /* 'B' or 'Q' */
} Word;

static void
flush_run (Words *w)
{
	g_autofree char *text = NULL;
	g_autofree char *base64 = NULL;

	if (w->charset == NULL)
		return;
	text = mt_message_decode_charset ((const char *) w->bytes->data, w->bytes->len, w->charset);
	if (w->reencode) {
		base64 = g_base64_encode ((const guchar *) text, strlen (text));
		g_string_append_printf (w->out, "=?UTF-8?B?%s?=", base64);
	} else {
		g_string_append (w->out, text);
	}
	g_clear_pointer (&w->charset, g_free);
	g_byte_array_set_size (w->bytes, 0);
}

/* "=?charset?B?payload?=" at p; FALSE when there is none. */
static gboolean
encoded_word (const char *p, Word *word)
{
	const char *q = p + 2, *e;

	if (p[0] != '=' || p[1] != '?')
		return FALSE;
	while (*q != '\0' && *q != '?' && !g_ascii_isspace (*q))
		q++;
	if (*q != '?' || q == p + 2 || q[1] == '\0' || !strchr ("BbQq", q[1]) || q[2] != '?')
		return FALSE;
	for (e = q + 3; *e != '\0' && *e != '?' && !g_ascii_isspace (*e); e++)
		;
	if (e[0] != '?' || e[1] != '=')
		return FALSE;
	word->charset = p + 2;
	word->charset_len = q - (p + 2);
	word->encoding = g_ascii_toupper (q[1]);
	word->payload = q + 3;
	word->payload_len = e - (q + 3);
	word->length = e + 2 - p;
	return TRUE;
}

/* Appends a word's bytes, its encoding undone. */
static void
word_bytes (const Word *word, GByteArray *out)
{
	g_autofree char *payload = g_strndup (word->payload, word->payload_len);
	gsize at = out->len, n;
	int state = 0;
	guint32 save = 0;

	g_byte_array_set_size (out, at + word->payload_len + 4);
	if (word->encoding == 'B') {
		n = g_mime_encoding_base64_decode_step ((const guchar *) payload, word->payload_len, out->data + at,
							&state, &save);
	} else {
		/* In a header's Q encoding "_" is a space (RFC 2047, 4.2). */
		g_strdelimit (payload, "_", ' ');
		n = g_mime_encoding_quoted_decode_step ((const guchar *) payload, word->payload_len, out->data + at,
							&state, &save);
	}
	g_byte_array_set_size (out, at + n);
}

static void
add_word (Words *w, const Word *word)
{
	/* "charset*language" (RFC 2231, 5): the language is of no use here. */
	g_autofree char *charset = g_strndup (word->charset, word->charset_len);

	charset[strcspn (charset, "*")] = '\0';
	if (w->charset != NULL && g_ascii_strcasecmp (w->charset, charset) != 0)
		flush_run (w);
	if (w->charset == NULL)
		w->charset = g_steal_pointer (&charset);
	word_bytes (word, w->bytes);
}

/* The header value raw (folded, any bytes) as UTF-8 text, its encoded
 * words decoded, or written back as one UTF-8 word a run. Owned. */
static char *
decode_words (const char *raw, gboolean reencode)
{
	g_autofree char *unfolded = g_mime_utils_header_unfold (raw);
	g_autofree char *text = mt_message_decode_bytes (unfolded, strlen (unfolded));
	g_autoptr (GByteArray) bytes = g_byte_array_new ();
	Words w = { g_string_new (NULL), reencode, NULL, bytes };
	Word word;

	for (const char *p = text; *p != '\0';) {
		if (!encoded_word (p, &word)) {
			flush_run (&w);
			g_string_append_c (w.out, *p++);
			continue;
		}
		add_word (&w, &word);
		p += word.length;
		/* Blanks between two encoded words are not text (RFC 2047, 6.2). */
		const char *next = p + strspn (p, " \t");
		if (next > p && encoded_word (next, &word))
			p = next;
	}
	flush_run (&w);
	return g_string_free (w.out, FALSE);
}

char *
mt_message_header_text (const char *raw)
{
	if (raw == NULL)
		return g_strdup ("");
	return g_strstrip (mt_message_clean (decode_words (raw, FALSE), FALSE));
}

const char *
mt_message_raw_header (GMimeObject *obj, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (obj);
	GMimeHeader *header = list ? g_mime_header_list_get_header (list, name) : NULL;

	return header ? g_mime_header_get_raw_value (header) : NULL;
}

/* A parameter of the Content-Disposition or Content-Type field of
 * obj's own header, or NULL. Owned. */
static char *
parameter (GMimeObject *obj, GMimeParserOptions *options, const char *field, const char *name)
{
	const char *raw = mt_message_raw_header (obj, field);
	g_autofree char *value = raw ? decode_words (raw, TRUE) : NULL;
	char *found = NULL;

	if (value == NULL)
		return NULL;
	if (g_ascii_strcasecmp (field, "Content-Disposition") == 0) {
		GMimeContentDisposition *d = g_mime_content_disposition_parse (options, value);

		found = g_strdup (d ? g_mime_content_disposition_get_parameter (d, name) : NULL);
		g_clear_object (&d);
	} else {
		g_autoptr (GMimeContentType) ct = g_mime_content_type_parse (options, value);
		found = g_strdup (ct ? g_mime_content_type_get_parameter (ct, name) : NULL);
	}
	return found;
}

char *
mt_message_fit_name (char *name)
{
	gboolean cut = FALSE;

	if (name == NULL)
		return NULL;
	name = g_strstrip (mt_message_clean (mt_message_cut_text (mt_message_utf8_take (name), MAX_NAME, &cut), FALSE));
	if (*name == '\0')
		g_clear_pointer (&name, g_free);
	return name;
}

char *
mt_message_part_name (GMimeObject *obj, GMimeParserOptions *options)
{
	char *name = parameter (obj, options, "Content-Disposition", "filename");

	if (name == NULL || *name == '\0') {
		g_free (name);
		name = parameter (obj, options, "Content-Type", "name");
	}
	return mt_message_fit_name (name);
}

char *
mt_message_attached_name (GMimeMessagePart *part, GMimeParserOptions *options)
{
	GMimeMessage *inner = g_mime_message_part_get_message (part);
	const char *raw = inner ? mt_message_raw_header (GMIME_OBJECT (inner), "Subject") : NULL;
	char *name = mt_message_part_name (GMIME_OBJECT (part), options);
	g_autofree char *subject = NULL;
	gboolean cut = FALSE;

	if (name != NULL || raw == NULL)
		return name;
	subject = mt_message_cut_text (mt_message_header_text (raw), MAX_NAME - 4, &cut);
	return *subject ? g_strconcat (subject, ".eml", NULL) : NULL;
}
