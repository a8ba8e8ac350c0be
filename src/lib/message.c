/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message.c - one incoming message, parsed with GMime
 * DESCRIPTION
 *	The parser is lenient on purpose: a malformed message yields what
 *	GMime can make of it, and its warnings are counted so the article
 *	can say so. Only input with no header at all fails.
 *
 *	Which parts are the text and which the attachments is
 *	message-body.c's; the subject is decoded by message-header.c.
 *	Every part that is not text is listed as an attachment with its
 *	MIME part path, so that nothing in a message is invisible.
 *
 *	What a message costs to parse and index is bounded, whatever its
 *	structure: GMime reads it through message-view.c, the walk takes
 *	at most max_parts parts nested at most max_depth deep, and the
 *	text is bounded. What is left out stays in the raw message and is
 *	said in not_indexed.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "message-private.h"

/* Longer message ids are junk or an attack; they are not indexed. */
#define MAX_ID_LEN 998
#define MAX_IDS 100
#define MAX_FORMATTED 1000
static guint max_parts = MT_MESSAGE_MAX_PARTS;
static guint max_depth = MT_MESSAGE_MAX_DEPTH;

void
mt_message_set_limits (guint parts, guint depth)
{
	max_parts = parts ? parts : MT_MESSAGE_MAX_PARTS;
	max_depth = depth ? depth : MT_MESSAGE_MAX_DEPTH;
}

void
mt_message_init (void)
{
	static gsize done;

	if (g_once_init_enter (&done)) {
		g_mime_init ();
		g_once_init_leave (&done, 1);
	}
}

void
mt_message_attachment_free (MtAttachment *a)
{
	g_free (a->name);
	g_free (a->type);
	g_free (a->part);
	g_free (a);
}

void
mt_message_free (MtMessage *m)
{
	if (m == NULL)
		return;
	g_clear_object (&m->mime);
	g_clear_pointer (&m->options, g_mime_parser_options_free);
	g_clear_pointer (&m->raw, g_byte_array_unref);
	g_free (m->message_id);
	g_clear_pointer (&m->in_reply_to, g_ptr_array_unref);
	g_clear_pointer (&m->references, g_ptr_array_unref);
	g_free (m->from);
	g_free (m->from_addr);
	g_free (m->from_name);
	g_free (m->to);
	g_free (m->cc);
	g_free (m->reply_to);
	g_clear_pointer (&m->addresses, g_ptr_array_unref);
	g_clear_pointer (&m->recipients, g_ptr_array_unref);
	g_free (m->subject);
	g_free (m->text);
	g_clear_pointer (&m->attachments, g_ptr_array_unref);
	g_free (m->not_indexed);
	g_free (m);
}

/* Ids and addresses are made unique through a set: a search of the list
 * for each one took minutes for a header of 100,000 of them. Only the
 * newest MAX_IDS count: each is looked up and remembered for the ticket,
 * and a header of 100,000 took three billion instructions that way;
 * mail clients trim References long before (RFC 5322, 3.6.4). */
static void
add_ids (GPtrArray *ids, GMimeReferences *refs, const char *own)
{
	int n = refs ? g_mime_references_length (refs) : 0;
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

	for (int i = n - 1; i >= 0 && ids->len < MAX_IDS; i--) {
		const char *id = g_mime_references_get_message_id (refs, i);

		if (id == NULL || *id == '\0' || strlen (id) > MAX_ID_LEN || !g_utf8_validate (id, -1, NULL))
			continue;
		/* A message that references itself must not thread on itself. */
		if (g_strcmp0 (id, own) == 0)
			continue;
		if (!g_hash_table_contains (seen, id)) {
			g_hash_table_add (seen, (gpointer) id);
			g_ptr_array_add (ids, g_strdup (id));
		}
	}
	/* Collected newest first; the list is oldest first. */
	for (guint i = 0; i < ids->len / 2; i++) {
		gpointer t = ids->pdata[i];

		ids->pdata[i] = ids->pdata[ids->len - 1 - i];
		ids->pdata[ids->len - 1 - i] = t;
	}
}

static GPtrArray *
parse_ids (MtMessage *m, GMimeParserOptions *options, const char *header)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
	const char *value = mt_message_header (m, header);

	if (value != NULL) {
		g_autoptr (GMimeReferences) refs = g_mime_references_parse (options, value);
		add_ids (ids, refs, m->message_id);
	}
	return ids;
}

static void
add_mailboxes (InternetAddressList *list, GPtrArray *out, GHashTable *seen)
{
	int n = list ? internet_address_list_length (list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			add_mailboxes (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia)), out, seen);
			continue;
		}
		const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
		if (addr == NULL || *addr == '\0' || !g_utf8_validate (addr, -1, NULL))
			continue;
		char *lower = g_utf8_strdown (addr, -1);
		if (g_hash_table_contains (seen, lower)) {
			g_free (lower);
			continue;
		}
		g_hash_table_add (seen, lower);
		g_ptr_array_add (out, lower);
	}
}

/* Appends the mailboxes of list that out does not hold yet, lower case. */
static void
collect_mailboxes (InternetAddressList *list, GPtrArray *out)
{
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

	for (guint i = 0; i < out->len; i++)
		g_hash_table_add (seen, g_ptr_array_index (out, i));
	add_mailboxes (list, out, seen);
}

/* GMime's display form of an address list; past MAX_FORMATTED
 * addresses, the header as GMime decodes it. Formatting goes through
 * libidn2 for each address, and 100,000 of them took half of a
 * delivery's three seconds; a reply reads every address back from
 * either form. */
static char *
address_display (MtMessage *m, InternetAddressList *list, const char *header)
{
	int n = list ? internet_address_list_length (list) : 0;
	const char *decoded = n > MAX_FORMATTED ? mt_message_header (m, header) : NULL;
	g_autofree char *text = NULL;

	if (n == 0)
		return g_strdup ("");
	if (decoded != NULL)
		return mt_message_utf8 (decoded);
	text = internet_address_list_to_string (list, NULL, FALSE);
	return mt_message_utf8 (text);
}

static void
parse_addresses (MtMessage *m)
{
	GMimeMessage *mime = m->mime;
	InternetAddressList *from = g_mime_message_get_from (mime);
	InternetAddressList *to = g_mime_message_get_to (mime);
	InternetAddressList *cc = g_mime_message_get_cc (mime);
	InternetAddressList *reply_to = g_mime_message_get_reply_to (mime);
	g_autoptr (GPtrArray) from_boxes = g_ptr_array_new_with_free_func (g_free);

	m->from = address_display (m, from, "From");
	m->to = address_display (m, to, "To");
	m->cc = address_display (m, cc, "Cc");
	m->reply_to = address_display (m, reply_to, "Reply-To");
	collect_mailboxes (from, from_boxes);
	if (from_boxes->len > 0) {
		InternetAddress *first = internet_address_list_get_address (from, 0);
		const char *name = internet_address_get_name (first);

		m->from_addr = g_strdup (g_ptr_array_index (from_boxes, 0));
		/* A group's display name names the group, not the sender. */
		if (INTERNET_ADDRESS_IS_MAILBOX (first) && name != NULL && *name != '\0')
			m->from_name = mt_message_utf8 (name);
	}
	m->recipients = g_ptr_array_new_with_free_func (g_free);
	collect_mailboxes (to, m->recipients);
	collect_mailboxes (cc, m->recipients);
	m->addresses = g_ptr_array_new_with_free_func (g_free);
	collect_mailboxes (from, m->addresses);
	collect_mailboxes (to, m->addresses);
	collect_mailboxes (cc, m->addresses);
	collect_mailboxes (reply_to, m->addresses);
}

GByteArray *
mt_message_part_bytes (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GByteArray *bytes = g_byte_array_new ();
	g_autoptr (GMimeStream) sink = g_mime_stream_mem_new_with_byte_array (bytes);

	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (sink), FALSE);
	if (content != NULL)
		g_mime_data_wrapper_write_to_stream (content, sink);
	return bytes;
}

static void
parse_headers (MtMessage *m, GMimeParserOptions *options)
{
	const char *id = g_mime_message_get_message_id (m->mime);
	GDateTime *date = g_mime_message_get_date (m->mime);

	if (id != NULL && *id != '\0' && strlen (id) <= MAX_ID_LEN && g_utf8_validate (id, -1, NULL))
		m->message_id = g_strdup (id);
	m->in_reply_to = parse_ids (m, options, "In-Reply-To");
	m->references = parse_ids (m, options, "References");
	m->subject = mt_message_header_text (mt_message_raw_header (GMIME_OBJECT (m->mime), "Subject"));
	m->date = date ? g_date_time_to_unix (date) : 0;
	parse_addresses (m);
}

/* GMime reads 8-bit text in the fields that it decodes itself (the
 * addresses' names) in the first of these that fits. */
static GMimeParserOptions *
lenient_options (void)
{
	GMimeParserOptions *options = g_mime_parser_options_new ();
	const char *const *fallbacks = mt_message_fallback_charsets ();
	g_autoptr (GPtrArray) charsets = g_ptr_array_new ();

	g_ptr_array_add (charsets, "UTF-8");
	for (guint i = 0; fallbacks[i] != NULL; i++)
		g_ptr_array_add (charsets, (gpointer) fallbacks[i]);
	g_ptr_array_add (charsets, NULL);

	g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets (options, (const char **) charsets->pdata);
	return options;
}

static int
header_count (GMimeObject *obj)
{
	return obj ? g_mime_header_list_get_count (g_mime_object_get_header_list (obj)) : 0;
}

/* GMime files Content-* fields under the message's body part, not the
 * message: a header of only a Content-Type is a header all the same. */
static gboolean
has_header (GMimeMessage *mime)
{
	return header_count (GMIME_OBJECT (mime)) > 0 || header_count (g_mime_message_get_mime_part (mime)) > 0;
}

MtMessage *
mt_message_parse (GByteArray *raw, GError **error)
{
	g_autoptr (MtMessage) m = NULL;
	g_autoptr (GString) notes = g_string_new (NULL);
	g_autofree char *stopped = NULL;

	/* Before anything of GMime: another thread may be first to set it up. */
	mt_message_init ();
	m = g_new0 (MtMessage, 1);
	m->options = lenient_options ();
	m->raw = g_byte_array_ref (raw);
	m->mime = mt_message_view_parse (raw, m->options, max_parts, &m->warnings, notes, &stopped);
	if (m->mime == NULL || !has_header (m->mime)) {
		g_set_error (error, MT_ERROR, MT_ERROR_DATA, "no message header found");
		return NULL;
	}
	parse_headers (m, m->options);
	mt_message_parse_body (m, max_parts, max_depth, notes);
	if (stopped != NULL)
		mt_message_note (notes, "%s", stopped);
	if (notes->len > 0)
		m->not_indexed = g_string_free (g_steal_pointer (&notes), FALSE);
	return g_steal_pointer (&m);
}

const char *
mt_message_header (MtMessage *m, const char *name)
{
	return g_mime_object_get_header (GMIME_OBJECT (m->mime), name);
}

static GMimeObject *
find_child (GMimeObject *obj, const char *path)
{
	char *end = NULL;
	guint64 index = g_ascii_strtoull (path, &end, 10);

	if (end == path || index == 0)
		return NULL;
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		if (index > (guint64) g_mime_multipart_get_count (mp))
			return NULL;
		obj = g_mime_multipart_get_part (mp, (int) index - 1);
	} else if (index != 1) {
		return NULL;
	}
	if (*end == '\0')
		return obj;
	return *end == '.' ? find_child (obj, end + 1) : NULL;
}

GMimeObject *
mt_message_find_part (MtMessage *m, const char *path)
{
	GMimeObject *root = g_mime_message_get_mime_part (m->mime);

	return root && path ? find_child (root, path) : NULL;
}

/* An attached message's bytes as GMime writes them; the same count as
 * size_message_parts() lists. */
static GByteArray *
message_part_bytes (GMimeMessagePart *part)
{
	GMimeMessage *inner = g_mime_message_part_get_message (part);
	GByteArray *bytes = g_byte_array_new ();
	g_autoptr (GMimeStream) sink = g_mime_stream_mem_new_with_byte_array (bytes);

	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (sink), FALSE);
	if (inner != NULL)
		g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, sink);
	return bytes;
}

/* "PATH:uuN": uuencoded block N of the text part at PATH; owned. */
static GByteArray *
uu_block (MtMessage *m, const char *path)
{
	const char *mark = path ? strstr (path, ":uu") : NULL;
	g_autofree char *part = mark ? g_strndup (path, mark - path) : NULL;
	GMimeObject *obj = part ? mt_message_find_part (m, part) : NULL;
	guint64 n = 0;

	if (obj == NULL || !GMIME_IS_PART (obj) || !g_ascii_string_to_unsigned (mark + 3, 10, 1, G_MAXUINT, &n, NULL))
		return NULL;
	return mt_message_uu_content (GMIME_PART (obj), (guint) n);
}

GBytes *
mt_message_part_content (MtMessage *m, const char *path, GError **error)
{
	GMimeObject *obj = mt_message_find_part (m, path);
	GByteArray *block;

	if (obj != NULL && GMIME_IS_PART (obj))
		return g_byte_array_free_to_bytes (mt_message_part_bytes (GMIME_PART (obj)));
	if (obj != NULL && GMIME_IS_MESSAGE_PART (obj))
		return g_byte_array_free_to_bytes (message_part_bytes (GMIME_MESSAGE_PART (obj)));
	if ((block = uu_block (m, path)) != NULL)
		return g_byte_array_free_to_bytes (block);
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "the message has no attachment at part %s",
		     path ? path : "(none)");
	return NULL;
}
