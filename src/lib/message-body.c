/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	message-body.c - which parts of a message are its text, which its
 *	attachments
 * DESCRIPTION
 *	The rules, as mailticket-deliver(8) "How mail is read" has them:
 *
 *	- The text is the inline text/plain and text/html parts that have
 *	  no file name, in the order of the message, joined by an empty
 *	  line; an HTML part is reduced to text. Of a multipart/alternative
 *	  only one child counts: the first that holds such a text/plain
 *	  part, else the first that holds such a text/html part; the
 *	  others are the same text again and are neither text nor
 *	  attachment.
 *	- Every other leaf part is an attachment, listed with its MIME part
 *	  path: parts marked attachment, parts of other types, and text
 *	  parts with a file name (a document the sender attached, such as
 *	  a .txt that Outlook or Thunderbird shows inline). When a message
 *	  has no text, the first inline text part with a file name is its
 *	  text as well.
 *	- An attached message (message/rfc822) is one attachment, named by
 *	  its file name or else its Subject and ".eml"; its insides are
 *	  not walked.
 *	- A uuencoded file in a text/plain part is taken out of the text
 *	  and listed as an attachment of its own (message-uu.c).
 *	- In mail that Outlook wrote (an X-Mailer or User-Agent naming
 *	  Microsoft Outlook, or an X-MS-Has-Attach or X-MS-TNEF-Correlator
 *	  field), a text/plain part whose lines all stand alone (at least
 *	  three lines that are not blank, no two of them next to each
 *	  other) has its blank lines halved: n blank lines in a row become
 *	  n/2, rounded down.
 *
 *	What a message costs to walk is bounded: at most max_parts parts
 *	nested at most max_depth deep, the text at most MAX_TEXT bytes.
 *	What is left out stays in the raw message and is said in
 *	not_indexed.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "message-private.h"

/* The readable text of a message, in bytes: its copies (the parts'
 * text, the article's column) and above all its search index are most
 * of what a message costs beyond its bytes. FTS5 took 40 times the
 * size of a text of distinct words (a hash entry for each) in the
 * transaction that indexes it: 64 KB of them and subject and From of
 * 8 KB each are 9.4 MB all told, for a message of 78 KB. HTML is read
 * up to twice what room there is left, to make that much text. */
#define MAX_TEXT (64 * 1024)

typedef struct {
	MtMessage *m;
	GString *plain;
	GMimeTextPart *named; /* the first inline text part with a file name */
	guint max_parts, max_depth;
	guint parts;       /* walked */
	guint over;        /* not walked: past max_parts */
	guint deep;        /* not walked: deeper than max_depth */
	gboolean text_cut; /* text past MAX_TEXT left out */
	gboolean outlook;  /* Outlook wrote the message */
} Body;

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

/* Takes name. */
static void
add_attachment (MtMessage *m, const char *type, char *name, const char *path, gint64 size)
{
	MtAttachment *a = g_new0 (MtAttachment, 1);

	a->type = g_ascii_strdown (type, -1);
	a->name = name;
	a->size = size;
	a->part = g_strdup (path);
	g_ptr_array_add (m->attachments, a);
}

static void
add_part (MtMessage *m, GMimeObject *obj, char *name, const char *path, gint64 size)
{
	GMimeContentType *ct = g_mime_object_get_content_type (obj);
	g_autofree char *type = ct ? g_mime_content_type_get_mime_type (ct) : g_strdup ("application/octet-stream");

	add_attachment (m, type, name, path, size);
}

static gsize
room (Body *body)
{
	return body->plain->len + 2 < MAX_TEXT ? MAX_TEXT - body->plain->len - 2 : 0;
}

static void
append_text (Body *body, const char *text)
{
	if (*text == '\0')
		return;
	if (body->plain->len > 0)
		g_string_append (body->plain, "\n\n");
	g_string_append (body->plain, text);
}

/* A text/plain part's text, and its uuencoded files as attachments
 * of path; with no path, they stay in the text. */
static void
add_plain (Body *body, GMimeTextPart *part, const char *path)
{
	g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_message_uu_free);
	gboolean cut = FALSE;
	g_autofree char *text = NULL;

	if (room (body) == 0) {
		body->text_cut = TRUE;
		return;
	}
	text = mt_message_clean (mt_message_part_text (part, room (body), &cut, path ? blocks : NULL), TRUE);
	if (body->outlook)
		text = mt_message_outlook_text (text);
	body->text_cut |= cut;
	append_text (body, text);
	for (guint i = 0; i < blocks->len; i++) {
		MtMessageUu *b = g_ptr_array_index (blocks, i);
		g_autofree char *where = g_strdup_printf ("%s:uu%u", path, i + 1);

		add_attachment (body->m, "application/octet-stream", g_steal_pointer (&b->name), where, b->size);
	}
}

static void
add_html (Body *body, GMimeTextPart *part)
{
	gsize left = room (body);
	gboolean cut = FALSE;
	g_autofree char *html = NULL;
	g_autofree char *text = NULL;

	if (left == 0) {
		body->text_cut = TRUE;
		return;
	}
	html = mt_message_part_text (part, 2 * left, &cut, NULL);
	text = mt_message_clean (mt_message_cut_text (mt_html_to_text (html), left, &cut), TRUE);
	body->text_cut |= cut;
	append_text (body, g_strstrip (text));
}

static gboolean
is_text (GMimePart *part, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (part));

	return GMIME_IS_TEXT_PART (part) && ct != NULL && g_mime_content_type_is_type (ct, "text", subtype);
}

/* wanted: the part is in the alternative that gives the text. */
static void
walk_leaf (Body *body, GMimePart *part, const char *path, gboolean wanted)
{
	GMimeObject *obj = GMIME_OBJECT (part);
	gboolean inline_text = !g_mime_part_is_attachment (part) && (is_text (part, "plain") || is_text (part, "html"));
	char *name = mt_message_part_name (obj, body->m->options);

	if (inline_text && name == NULL) {
		if (wanted && is_text (part, "plain"))
			add_plain (body, GMIME_TEXT_PART (part), path);
		else if (wanted)
			add_html (body, GMIME_TEXT_PART (part));
		return;
	}
	if (inline_text && body->named == NULL)
		body->named = GMIME_TEXT_PART (part);
	add_part (body->m, obj, name, path, decoded_size (part));
}

/* Whether obj is or holds an inline text part of subtype without a
 * file name, looking depth levels down at most. */
static gboolean
holds_text (Body *body, GMimeObject *obj, const char *subtype, guint depth)
{
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);

		for (int i = 0; depth > 0 && i < g_mime_multipart_get_count (mp); i++)
			if (holds_text (body, g_mime_multipart_get_part (mp, i), subtype, depth - 1))
				return TRUE;
		return FALSE;
	}
	if (!GMIME_IS_PART (obj) || g_mime_part_is_attachment (GMIME_PART (obj)) ||
	    !is_text (GMIME_PART (obj), subtype))
		return FALSE;
	g_autofree char *name = mt_message_part_name (obj, body->m->options);
	return name == NULL;
}

/* The child of a multipart/alternative that gives the text, or -1. */
static int
chosen_alternative (Body *body, GMimeMultipart *mp, guint depth)
{
	static const char *const order[] = { "plain", "html" };
	int n = g_mime_multipart_get_count (mp);

	for (guint k = 0; k < G_N_ELEMENTS (order); k++)
		for (int i = 0; i < n; i++)
			if (holds_text (body, g_mime_multipart_get_part (mp, i), order[k], depth))
				return i;
	return -1;
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

static void walk (Body *body, GMimeObject *obj, const char *path, guint depth, gboolean wanted);

static void
walk_multipart (Body *body, GMimeMultipart *mp, const char *path, guint depth, gboolean wanted)
{
	GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (mp));
	gboolean alternative = ct != NULL && g_mime_content_type_is_type (ct, "multipart", "alternative");
	int n = g_mime_multipart_get_count (mp);
	int chosen = alternative ? chosen_alternative (body, mp, body->max_depth - MIN (depth, body->max_depth)) : -1;

	for (int i = 0; i < n; i++) {
		g_autofree char *child = *path ? g_strdup_printf ("%s.%d", path, i + 1) : g_strdup_printf ("%d", i + 1);

		walk (body, g_mime_multipart_get_part (mp, i), child, depth + 1,
		      wanted && (!alternative || i == chosen));
	}
}

/* depth: how many multiparts obj is in. */
static void
walk (Body *body, GMimeObject *obj, const char *path, guint depth, gboolean wanted)
{
	if (depth > body->max_depth) {
		body->deep += count_parts (obj);
		return;
	}
	if (body->parts >= body->max_parts) {
		body->over += count_parts (obj);
		return;
	}
	body->parts++;
	if (GMIME_IS_MULTIPART (obj))
		walk_multipart (body, GMIME_MULTIPART (obj), path, depth, wanted);
	else if (GMIME_IS_MESSAGE_PART (obj))
		add_part (body->m, obj, mt_message_attached_name (GMIME_MESSAGE_PART (obj), body->m->options),
			  *path ? path : "1", -1);
	else if (GMIME_IS_PART (obj))
		walk_leaf (body, GMIME_PART (obj), *path ? path : "1", wanted);
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

/* What the walk left out, for not_indexed. */
static void
note_walk (Body *body, GString *notes)
{
	if (body->over > 0)
		mt_message_note (notes, "%u parts not indexed: over max_parts (%u)", body->over, body->max_parts);
	if (body->deep > 0)
		mt_message_note (notes, "%u parts not indexed: nested deeper than max_depth (%u)", body->deep,
				 body->max_depth);
	if (body->text_cut)
		mt_message_note (notes, "the text past %u bytes not indexed", MAX_TEXT);
}

static gboolean
mentions_outlook (MtMessage *m, const char *field)
{
	const char *value = mt_message_header (m, field);

	return value != NULL && strstr (value, "Microsoft") != NULL && strstr (value, "Outlook") != NULL;
}

static gboolean
from_outlook (MtMessage *m)
{
	return mentions_outlook (m, "X-Mailer") || mentions_outlook (m, "User-Agent") ||
	       mt_message_header (m, "X-MS-Has-Attach") != NULL ||
	       mt_message_header (m, "X-MS-TNEF-Correlator") != NULL;
}

void
mt_message_parse_body (MtMessage *m, guint max_parts, guint max_depth, GString *notes)
{
	Body body = { m, g_string_new (NULL), NULL, max_parts, max_depth, .outlook = from_outlook (m) };
	GMimeObject *root = g_mime_message_get_mime_part (m->mime);

	m->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_message_attachment_free);
	if (root != NULL)
		walk (&body, root, "", 0, TRUE);
	if (body.plain->len == 0 && body.named != NULL) {
		if (is_text (GMIME_PART (body.named), "plain"))
			add_plain (&body, body.named, NULL);
		else
			add_html (&body, body.named);
	}
	size_message_parts (m);
	m->text = g_string_free (body.plain, FALSE);
	note_walk (&body, notes);
}
