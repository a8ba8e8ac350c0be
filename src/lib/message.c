/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message.c - one incoming message, parsed with GMime
 * DESCRIPTION
 *	The parser is lenient on purpose: a malformed message yields what
 *	GMime can make of it, and its warnings are counted so the article
 *	can say so. Only input with no header at all fails.
 *
 *	The readable text is every inline text/plain part in order; when
 *	there is none, the first inline text/html part reduced to text. Any
 *	other leaf part, and any part marked as attachment, is listed as an
 *	attachment with its MIME part path, so that nothing in a message is
 *	invisible. An attached message (message/rfc822) is one attachment;
 *	its insides are not walked.
 *
 *	What a message costs to parse and index is bounded, whatever its
 *	structure: GMime reads it through message-view.c, the walk takes
 *	at most max_parts parts nested at most max_depth deep, and the
 *	text is at most MAX_TEXT bytes. What is left out stays in the raw
 *	message and is said in not_indexed.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "message-private.h"

/* Longer message ids are junk or an attack; they are not indexed. */
#define MAX_ID_LEN 998
#define MAX_IDS 100
#define MAX_FORMATTED 1000
/* The readable text of a message, in bytes, and the HTML read to make
 * it when there is no plain text: its copies (the parts' text, the
 * article's column) and above all its search index are most of what a
 * message costs beyond its bytes. FTS5 took 40 times the size of a text
 * of distinct words (a hash entry for each) in the transaction that
 * indexes it: 64 KB of them and subject and From of 8 KB each are 9.4 MB
 * all told, for a message of 78 KB. */
#define MAX_TEXT (64 * 1024)
#define MAX_HTML (2 * MAX_TEXT)

static const char *fallback_charsets[] = { "UTF-8", "windows-1252", NULL };
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

static void
attachment_free (MtAttachment *a)
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

static gint64
decoded_size (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	g_autoptr (GMimeStream) sink = NULL;
	gssize n;

	if (content == NULL)
		return 0;
	sink = g_mime_stream_null_new ();
	n = g_mime_data_wrapper_write_to_stream (content, sink);
	return n < 0 ? 0 : n;
}

static void
add_attachment (MtMessage *m, GMimeObject *obj, const char *path, gint64 size)
{
	MtAttachment *a = g_new0 (MtAttachment, 1);
	GMimeContentType *ct = g_mime_object_get_content_type (obj);
	g_autofree char *type = ct ? g_mime_content_type_get_mime_type (ct) : g_strdup ("application/octet-stream");
	const char *name = GMIME_IS_PART (obj) ? g_mime_part_get_filename (GMIME_PART (obj))
					       : g_mime_object_get_content_disposition_parameter (obj, "filename");

	a->type = g_ascii_strdown (type, -1);
	a->name = name && *name ? mt_message_utf8 (name) : NULL;
	a->size = size;
	a->part = g_strdup (path);
	g_ptr_array_add (m->attachments, a);
}

typedef struct {
	GString *plain;
	char *html;
	guint parts;       /* walked */
	guint over;        /* not walked: past max_parts */
	guint deep;        /* not walked: deeper than max_depth */
	gboolean text_cut; /* text past MAX_TEXT left out */
} BodyParts;

static void
add_text (BodyParts *body, GMimeTextPart *part)
{
	gsize room = body->plain->len + 2 < MAX_TEXT ? MAX_TEXT - body->plain->len - 2 : 0;
	gboolean cut = FALSE;
	g_autofree char *text = NULL;

	if (room == 0) {
		body->text_cut = TRUE;
		return;
	}
	text = mt_message_part_text (part, room, &cut);
	body->text_cut |= cut;
	if (body->plain->len > 0)
		g_string_append (body->plain, "\n\n");
	g_string_append (body->plain, text);
}

static void
walk_leaf (MtMessage *m, GMimePart *part, const char *path, BodyParts *body)
{
	GMimeObject *obj = GMIME_OBJECT (part);
	GMimeContentType *ct = g_mime_object_get_content_type (obj);
	gboolean attached = g_mime_part_is_attachment (part);
	gboolean cut = FALSE;

	if (!attached && GMIME_IS_TEXT_PART (part) && g_mime_content_type_is_type (ct, "text", "plain")) {
		add_text (body, GMIME_TEXT_PART (part));
		return;
	}
	if (!attached && GMIME_IS_TEXT_PART (part) && g_mime_content_type_is_type (ct, "text", "html")) {
		if (body->html == NULL)
			body->html = mt_message_part_text (GMIME_TEXT_PART (part), MAX_HTML, &cut);
		body->text_cut |= cut;
		return;
	}
	add_attachment (m, obj, path, decoded_size (part));
}

/* obj and the parts within it. */
static guint
count_parts (GMimeObject *obj)
{
	guint n = 1;

	if (GMIME_IS_MULTIPART (obj))
		for (int i = 0; i < g_mime_multipart_get_count (GMIME_MULTIPART (obj)); i++)
			n += count_parts (g_mime_multipart_get_part (GMIME_MULTIPART (obj), i));
	return n;
}

/* depth: how many multiparts obj is in. */
static void
walk (MtMessage *m, GMimeObject *obj, const char *path, guint depth, BodyParts *body)
{
	if (depth > max_depth) {
		body->deep += count_parts (obj);
		return;
	}
	if (body->parts >= max_parts) {
		body->over += count_parts (obj);
		return;
	}
	body->parts++;
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		int n = g_mime_multipart_get_count (mp);

		for (int i = 0; i < n; i++) {
			g_autofree char *child =
				*path ? g_strdup_printf ("%s.%d", path, i + 1) : g_strdup_printf ("%d", i + 1);
			walk (m, g_mime_multipart_get_part (mp, i), child, depth + 1, body);
		}
	} else if (GMIME_IS_MESSAGE_PART (obj)) {
		add_attachment (m, obj, *path ? path : "1", -1);
	} else if (GMIME_IS_PART (obj)) {
		walk_leaf (m, GMIME_PART (obj), *path ? path : "1", body);
	}
}

/* An attached message's size is that of its bytes as they stand. */
static void
size_message_parts (MtMessage *m)
{
	for (guint i = 0; i < m->attachments->len; i++) {
		MtAttachment *a = g_ptr_array_index (m->attachments, i);
		GMimeObject *obj;

		if (a->size >= 0 || !(obj = mt_message_find_part (m, a->part)))
			continue;
		g_autoptr (GMimeStream) sink = g_mime_stream_null_new ();
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		gssize n = inner ? g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, sink) : 0;
		a->size = n < 0 ? 0 : n;
	}
}

/* Text is stored with LF line ends, however the message came. */
static char *
unix_newlines (char *text)
{
	char *out = text;

	for (const char *p = text; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*out++ = *p;
	*out = '\0';
	return text;
}

/* What the walk left out, for not_indexed. */
static void
note_walk (BodyParts *body, GString *notes)
{
	if (body->over > 0)
		mt_message_note (notes, "%u parts not indexed: over max_parts (%u)", body->over, max_parts);
	if (body->deep > 0)
		mt_message_note (notes, "%u parts not indexed: nested deeper than max_depth (%u)", body->deep,
				 max_depth);
	if (body->text_cut)
		mt_message_note (notes, "the text past %u bytes not indexed", MAX_TEXT);
}

static void
parse_body (MtMessage *m, GString *notes)
{
	BodyParts body = { g_string_new (NULL) };
	GMimeObject *root = g_mime_message_get_mime_part (m->mime);

	m->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);
	if (root != NULL)
		walk (m, root, "", 0, &body);
	size_message_parts (m);
	if (body.plain->len == 0 && body.html != NULL) {
		gboolean cut = FALSE;

		m->text = unix_newlines (mt_message_cut_text (mt_html_to_text (body.html), MAX_TEXT, &cut));
		body.text_cut |= cut;
		g_string_free (body.plain, TRUE);
	} else {
		m->text = unix_newlines (g_string_free (body.plain, FALSE));
	}
	g_free (body.html);
	note_walk (&body, notes);
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
	m->subject = mt_message_utf8 (g_mime_message_get_subject (m->mime));
	m->date = date ? g_date_time_to_unix (date) : 0;
	parse_addresses (m);
}

static GMimeParserOptions *
lenient_options (void)
{
	GMimeParserOptions *options = g_mime_parser_options_new ();

	g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets (options, fallback_charsets);
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
	parse_body (m, notes);
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

GBytes *
mt_message_part_content (MtMessage *m, const char *path, GError **error)
{
	GMimeObject *obj = mt_message_find_part (m, path);

	if (obj != NULL && GMIME_IS_PART (obj))
		return g_byte_array_free_to_bytes (mt_message_part_bytes (GMIME_PART (obj)));
	if (obj != NULL && GMIME_IS_MESSAGE_PART (obj))
		return g_byte_array_free_to_bytes (message_part_bytes (GMIME_MESSAGE_PART (obj)));
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "the message has no attachment at part %s",
		     path ? path : "(none)");
	return NULL;
}
