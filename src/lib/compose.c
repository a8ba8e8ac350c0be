/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	compose.c - the mail mailticket sends, built with GMime
 * DESCRIPTION
 *	Everything that reaches a header passes through GMime's own address
 *	and header encoders after control characters are taken out, so a
 *	subject or name with CR/LF in it cannot start a header of its own.
 *	The body is UTF-8 text, quoted-printable when it needs to be; the
 *	HTML alternative is the same text escaped, not a second source.
 */
#include <string.h>
#include <uuid/uuid.h>

#include <gmime/gmime.h>

#include "mailticket/autocleanups.h"
#include "mailticket/compose.h"
#include "mailticket/error.h"
#include "mailticket/message.h"

char *
mt_compose_message_id (const char *domain)
{
	uuid_t bin;
	char uuid[37];

	uuid_generate (bin);
	uuid_unparse_lower (bin, uuid);
	return g_strdup_printf ("%s@%s", uuid, domain && *domain ? domain : "localhost");
}

char *
mt_compose_header_safe (const char *text)
{
	char *safe = g_utf8_make_valid (text ? text : "", -1);

	for (char *p = safe; *p; p++)
		if ((guchar) *p < 0x20 || *p == 0x7f)
			*p = ' ';
	return g_strstrip (safe);
}

gboolean
mt_compose_address_ok (const char *address)
{
	const char *at;

	if (address == NULL || (at = strrchr (address, '@')) == NULL || at == address || at[1] == '\0')
		return FALSE;
	for (const char *p = address; *p; p++)
		if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == ';')
			return FALSE;
	return g_utf8_validate (address, -1, NULL);
}

char *
mt_compose_html (const char *text)
{
	g_auto (GStrv) paragraphs = g_regex_split_simple ("\\n[ \\t]*\\n", text ? text : "", 0, 0);
	GString *html = g_string_new ("<!DOCTYPE html>\n<html><body>\n");

	for (int i = 0; paragraphs[i]; i++) {
		g_autofree char *escaped = NULL;
		g_auto (GStrv) lines = NULL;
		g_autofree char *joined = NULL;

		if (*g_strstrip (paragraphs[i]) == '\0')
			continue;
		escaped = g_markup_escape_text (paragraphs[i], -1);
		lines = g_strsplit (escaped, "\n", -1);
		joined = g_strjoinv ("<br>\n", lines);
		g_string_append_printf (html, "<p>%s</p>\n", joined);
	}
	g_string_append (html, "</body></html>\n");
	return g_string_free (html, FALSE);
}

static gboolean
bad_address (GError **error, const char *address)
{
	g_autofree char *shown = mt_compose_header_safe (address);

	g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "not a usable mail address: '%s'", shown);
	return FALSE;
}

/* The addresses go into a list of their own and then into the message
 * at once: the message writes its header anew after every change to
 * its list, and 100,000 Cc added one by one took minutes. */
static gboolean
add_addresses (GMimeMessage *m, GMimeAddressType type, GPtrArray *addresses, GError **error)
{
	g_autoptr (InternetAddressList) list = internet_address_list_new ();

	for (guint i = 0; addresses && i < addresses->len; i++) {
		const char *addr = g_ptr_array_index (addresses, i);
		InternetAddress *ia;

		if (!mt_compose_address_ok (addr))
			return bad_address (error, addr);
		ia = internet_address_mailbox_new (NULL, addr);
		internet_address_list_add (list, ia);
		g_object_unref (ia);
	}
	if (internet_address_list_length (list) > 0)
		internet_address_list_append (g_mime_message_get_addresses (m, type), list);
	return TRUE;
}

static GMimeObject *
text_part (const char *subtype, const char *text)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);

	g_mime_text_part_set_text (part, text);
	g_mime_part_set_content_encoding (
		GMIME_PART (part),
		g_mime_part_get_best_content_encoding (GMIME_PART (part), GMIME_ENCODING_CONSTRAINT_7BIT));
	return GMIME_OBJECT (part);
}

static GMimeObject *
body_part (const MtCompose *c)
{
	GMimeMultipart *alternative;
	g_autofree char *html = NULL;
	GMimeObject *part;

	if (!c->html)
		return text_part ("plain", c->text ? c->text : "");
	alternative = g_mime_multipart_new_with_subtype ("alternative");
	part = text_part ("plain", c->text ? c->text : "");
	g_mime_multipart_add (alternative, part);
	g_object_unref (part);
	html = mt_compose_html (c->text);
	part = text_part ("html", html);
	g_mime_multipart_add (alternative, part);
	g_object_unref (part);
	return GMIME_OBJECT (alternative);
}

static MtComposeTypeGuess type_guess;

void
mt_compose_set_type_guess (MtComposeTypeGuess guess)
{
	type_guess = guess;
}

/* The type an attachment is sent with. Content sniffing takes binary
 * data for text now and then (about one random file in 250 passes for
 * MATLAB source or subtitles), and a text part is read as text by the
 * client at the other end, which then shows or saves other bytes than
 * the file's. So a text type is kept only for content that is UTF-8
 * without NUL bytes, and said to be UTF-8 when it is not plain ASCII;
 * anything else goes as application/octet-stream. The same holds for
 * a type declared by the mail an attachment is passed on from. */
static GMimeContentType *
attachment_type (const char *name, const char *declared, const char *data, gsize len)
{
	g_autofree char *guess = declared     ? g_strdup (declared)
				 : type_guess ? type_guess (name ? name : "", (const guchar *) data, len)
					      : NULL;
	GMimeContentType *ct = g_mime_content_type_parse (NULL, guess ? guess : "application/octet-stream");

	if (!g_mime_content_type_is_type (ct, "text", "*"))
		return ct;
	if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, len, NULL)) {
		g_object_unref (ct);
		return g_mime_content_type_parse (NULL, "application/octet-stream");
	}
	/* g_file_get_contents() ends data with a NUL, and it holds no other. */
	if (!g_str_is_ascii (data))
		g_mime_content_type_set_parameter (ct, "charset", "utf-8");
	return ct;
}

/* A part for an attachment of data; guess is the declared type, or NULL
 * for one guessed from name and data. */
static GMimeObject *
attachment_of (const char *name, const char *guess, const char *data, gsize len)
{
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_buffer (data, len);
	g_autoptr (GMimeDataWrapper) content =
		g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
	GMimeContentType *ct = attachment_type (name, guess, data, len);
	GMimePart *part = g_mime_part_new ();

	g_mime_object_set_content_type (GMIME_OBJECT (part), ct);
	g_object_unref (ct);
	g_mime_part_set_content (part, content);
	if (name != NULL)
		g_mime_part_set_filename (part, name);
	g_mime_object_set_disposition (GMIME_OBJECT (part), GMIME_DISPOSITION_ATTACHMENT);
	g_mime_part_set_content_encoding (part,
					  g_mime_part_get_best_content_encoding (part, GMIME_ENCODING_CONSTRAINT_7BIT));
	return GMIME_OBJECT (part);
}

/* The attachment's name in the mail is the file's base name, never the
 * path. */
static GMimeObject *
attachment_part (const char *path, GError **error)
{
	g_autofree char *data = NULL;
	g_autofree char *name = g_path_get_basename (path);
	g_autoptr (GError) read_error = NULL;
	gsize len = 0;

	if (!g_file_get_contents (path, &data, &len, &read_error)) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "attachment: %s", read_error->message);
		return NULL;
	}
	return attachment_of (name, NULL, data, len);
}

/* A passed-on attachment; its bytes are copied, as GLib's file reading
 * would have them: with a NUL after them, which attachment_type() needs. */
static GMimeObject *
passed_part (const MtComposePart *p)
{
	gsize len = 0;
	const char *bytes = g_bytes_get_data (p->data, &len);
	g_autofree char *data = g_malloc (len + 1);
	/* Both come from a mail: no line break may reach the part's header. */
	g_autofree char *name = p->name ? mt_compose_header_safe (p->name) : NULL;
	g_autofree char *type = p->type ? mt_compose_header_safe (p->type) : NULL;

	if (len > 0)
		memcpy (data, bytes, len);
	data[len] = '\0';
	return attachment_of (name, type, data, len);
}

static GMimeObject *
mime_body (const MtCompose *c, GError **error)
{
	GMimeObject *body = body_part (c);
	GMimeMultipart *mixed;

	if ((c->attachments == NULL || c->attachments->len == 0) && (c->parts == NULL || c->parts->len == 0))
		return body;
	mixed = g_mime_multipart_new_with_subtype ("mixed");
	g_mime_multipart_add (mixed, body);
	g_object_unref (body);
	for (guint i = 0; c->attachments && i < c->attachments->len; i++) {
		GMimeObject *part = attachment_part (g_ptr_array_index (c->attachments, i), error);

		if (part == NULL) {
			g_object_unref (mixed);
			return NULL;
		}
		g_mime_multipart_add (mixed, part);
		g_object_unref (part);
	}
	for (guint i = 0; c->parts && i < c->parts->len; i++) {
		GMimeObject *part = passed_part (g_ptr_array_index (c->parts, i));

		g_mime_multipart_add (mixed, part);
		g_object_unref (part);
	}
	return GMIME_OBJECT (mixed);
}

/* A message id from mail reaches a header only when it is one word of
 * printable characters; others are left out of the thread headers. */
static gboolean
id_ok (const char *id)
{
	if (id == NULL || *id == '\0')
		return FALSE;
	for (const char *p = id; *p; p++)
		if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return FALSE;
	return g_utf8_validate (id, -1, NULL);
}

static char *
id_list (GPtrArray *ids)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; ids && i < ids->len; i++)
		if (id_ok (g_ptr_array_index (ids, i)))
			g_string_append_printf (s, "%s<%s>", s->len ? " " : "", (char *) g_ptr_array_index (ids, i));
	return g_string_free (s, FALSE);
}

/* An admin's headers from a template: the values pass GMime's encoder
 * like the subject's, the names only when they are header names. */
static gboolean
add_headers (GMimeObject *obj, GPtrArray *headers)
{
	for (guint i = 0; headers && i + 1 < headers->len; i += 2) {
		const char *name = g_ptr_array_index (headers, i);
		g_autofree char *value = mt_compose_header_safe (g_ptr_array_index (headers, i + 1));

		if (*name &&
		    strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") == strlen (name))
			g_mime_object_set_header (obj, name, value, "utf-8");
	}
	return TRUE;
}

static gboolean
set_headers (GMimeMessage *m, const MtCompose *c, const char *message_id, GError **error)
{
	GMimeObject *obj = GMIME_OBJECT (m);
	g_autofree char *subject = mt_compose_header_safe (c->subject);
	g_autofree char *name = c->from_name ? mt_compose_header_safe (c->from_name) : NULL;
	g_autoptr (GDateTime) date = g_date_time_new_from_unix_local (c->now);
	g_autofree char *refs = id_list (c->references);

	if (!mt_compose_address_ok (c->from_addr))
		return bad_address (error, c->from_addr);
	g_mime_message_add_mailbox (m, GMIME_ADDRESS_TYPE_FROM, name && *name ? name : NULL, c->from_addr);
	if (c->reply_to != NULL) {
		if (!mt_compose_address_ok (c->reply_to))
			return bad_address (error, c->reply_to);
		g_mime_message_add_mailbox (m, GMIME_ADDRESS_TYPE_REPLY_TO, NULL, c->reply_to);
	}
	if (!add_addresses (m, GMIME_ADDRESS_TYPE_TO, c->to, error) ||
	    !add_addresses (m, GMIME_ADDRESS_TYPE_CC, c->cc, error))
		return FALSE;
	g_mime_message_set_subject (m, subject, "utf-8");
	g_mime_message_set_date (m, date);
	g_mime_message_set_message_id (m, message_id);
	if (id_ok (c->in_reply_to)) {
		g_autofree char *irt = g_strdup_printf ("<%s>", c->in_reply_to);
		g_mime_object_set_header (obj, "In-Reply-To", irt, NULL);
	}
	if (*refs)
		g_mime_object_set_header (obj, "References", refs, NULL);
	if (c->auto_submitted != NULL) {
		g_mime_object_set_header (obj, "Auto-Submitted", c->auto_submitted, NULL);
		g_mime_object_set_header (obj, "X-Auto-Response-Suppress", "All", NULL);
	}
	if (c->x_loop != NULL)
		g_mime_object_set_header (obj, "X-Loop", c->x_loop, NULL);
	if (c->language != NULL)
		g_mime_object_set_header (obj, "Content-Language", c->language, NULL);
	return add_headers (obj, c->headers);
}

static GBytes *
wire_bytes (GMimeMessage *m)
{
	GMimeFormatOptions *options = g_mime_format_options_clone (NULL);
	GByteArray *bytes = g_byte_array_new ();
	g_autoptr (GMimeStream) stream = g_mime_stream_mem_new_with_byte_array (bytes);

	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
	g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_write_to_stream (GMIME_OBJECT (m), options, stream);
	g_mime_format_options_free (options);
	return g_byte_array_free_to_bytes (bytes);
}

GBytes *
mt_compose (const MtCompose *c, char **message_id, GError **error)
{
	g_autoptr (GMimeMessage) m = NULL;
	g_autofree char *id = mt_compose_message_id (c->domain);
	GMimeObject *body;

	mt_message_init ();
	m = g_mime_message_new (TRUE);
	if (!set_headers (m, c, id, error) || !(body = mime_body (c, error)))
		return NULL;
	g_mime_message_set_mime_part (m, body);
	g_object_unref (body);
	*message_id = g_steal_pointer (&id);
	return wire_bytes (m);
}
