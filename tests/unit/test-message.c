/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-message.c - what mt_message_parse() makes of a message: decoded
 * headers, addresses, ids, the readable text, the attachment list, and
 * what it does with broken input. Every message is built here, inline.
 */
#include <stdarg.h>
#include <string.h>

#include "budget.h"
#include "mailticket/error.h"
#include "mailticket/message.h"

/* Parses len bytes of text; NULL and *error as mt_message_parse(). */
static MtMessage *
parse_len (const char *text, gsize len, GError **error)
{
	g_autoptr (GByteArray) raw = g_byte_array_new ();

	g_byte_array_append (raw, (const guint8 *) text, len);
	return mt_message_parse (raw, error);
}

/* A message that must parse. */
static MtMessage *
parse (const char *text)
{
	g_autoptr (GError) error = NULL;
	MtMessage *m = parse_len (text, strlen (text), &error);

	g_assert_no_error (error);
	g_assert_nonnull (m);
	return m;
}

static void
assert_strv (GPtrArray *got, ...)
{
	va_list ap;
	guint i = 0;
	const char *want;

	g_assert_nonnull (got);
	va_start (ap, got);
	while ((want = va_arg (ap, const char *)) != NULL) {
		g_assert_cmpuint (i, <, got->len);
		g_assert_cmpstr (g_ptr_array_index (got, i), ==, want);
		i++;
	}
	va_end (ap);
	g_assert_cmpuint (got->len, ==, i);
}

static MtAttachment *
attachment (MtMessage *m, guint i)
{
	g_assert_cmpuint (i, <, m->attachments->len);
	return g_ptr_array_index (m->attachments, i);
}

/* A header of n ids or addresses, each written twice: "<i@x>" or "i@x". */
static char *
long_list (const char *name, guint n, gboolean ids)
{
	GString *s = g_string_new (name);

	for (guint k = 0; k < 2 * n; k++)
		g_string_append_printf (s, ids ? "%s<%u@x.test>" : "%sr%u@x.test", k ? (ids ? " " : ", ") : " ", k % n);
	return g_string_free (s, FALSE);
}

/* --- addresses --- */

#define ADDRESS_HEADERS                                                        \
	"From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <Joerg.Mueller@Example.COM>\n" \
	"To: Support <SUPPORT@example.org>, bob@example.net\n"                 \
	"Cc: \"Carol C.\" <carol@Example.net>, BOB@example.net\n"              \
	"Reply-To: replies@example.com\n"                                      \
	"Subject: addresses\n"                                                 \
	"\n"                                                                   \
	"body\n"

static void
test_from_decoded (void)
{
	g_autoptr (MtMessage) m = parse (ADDRESS_HEADERS);

	g_assert_cmpstr (m->from_addr, ==, "joerg.mueller@example.com");
	g_assert_cmpstr (m->from_name, ==, "Jörg Müller");
	g_assert_cmpstr (m->from, ==, "Jörg Müller <Joerg.Mueller@Example.COM>");
}

static void
test_display_forms (void)
{
	g_autoptr (MtMessage) m = parse (ADDRESS_HEADERS);

	g_assert_cmpstr (m->to, ==, "Support <SUPPORT@example.org>, bob@example.net");
	g_assert_cmpstr (m->cc, ==, "\"Carol C.\" <carol@Example.net>, BOB@example.net");
	g_assert_cmpstr (m->reply_to, ==, "replies@example.com");
}

static void
test_recipients_to_and_cc_lower_unique (void)
{
	g_autoptr (MtMessage) m = parse (ADDRESS_HEADERS);

	assert_strv (m->recipients, "support@example.org", "bob@example.net", "carol@example.net", NULL);
}

static void
test_addresses_all_headers (void)
{
	g_autoptr (MtMessage) m = parse (ADDRESS_HEADERS);

	assert_strv (m->addresses, "joerg.mueller@example.com", "support@example.org", "bob@example.net",
		     "carol@example.net", "replies@example.com", NULL);
}

/* Regression: made unique by a search of the list, 100,000 took a
 * minute; parsed by GMime, an object each, 34 MB. The first whole
 * addresses in 8 KB are taken, the Cc after them whole, and what is
 * left out is said. */
static void
test_recipients_100000_bounded (void)
{
	g_autofree char *to = long_list ("To:", 100000, FALSE);
	g_autofree char *text = g_strdup_printf ("From: a@example.org\n%s\nCc: R5@X.test, new@x.test\n\nbody\n", to);
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autoptr (MtMessage) m = parse (text);
	guint n = m->recipients->len;
	g_autofree char *last = g_strdup_printf (", r%u@x.test", n - 2);

	assert_within_budget (timer, 1);
	g_assert_cmpuint (n, >, 500);
	g_assert_cmpuint (n, <, 1000);
	g_assert_cmpstr (g_ptr_array_index (m->recipients, 0), ==, "r0@x.test");
	g_assert_cmpstr (g_ptr_array_index (m->recipients, n - 1), ==, "new@x.test");
	g_assert_cmpuint (m->addresses->len, ==, n + 1);
	g_assert_true (g_str_has_prefix (m->to, "r0@x.test, r1@x.test, "));
	g_assert_true (g_str_has_suffix (m->to, last));
	g_assert_nonnull (strstr (m->not_indexed, "header field To: 8"));
	g_assert_nonnull (strstr (m->not_indexed, " of its 2"));
}

static void
test_absent_headers_empty (void)
{
	g_autoptr (MtMessage) m = parse ("Subject: nobody\n\nbody\n");

	g_assert_cmpstr (m->from, ==, "");
	g_assert_null (m->from_addr);
	g_assert_null (m->from_name);
	g_assert_cmpstr (m->to, ==, "");
	g_assert_cmpstr (m->cc, ==, "");
	g_assert_cmpstr (m->reply_to, ==, "");
	g_assert_cmpuint (m->recipients->len, ==, 0);
	g_assert_cmpuint (m->addresses->len, ==, 0);
}

static void
test_from_without_name (void)
{
	g_autoptr (MtMessage) m = parse ("From: Plain@Example.org\nSubject: x\n\nbody\n");

	g_assert_cmpstr (m->from_addr, ==, "plain@example.org");
	g_assert_null (m->from_name);
}

static void
test_group_members_are_recipients (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "To: Team: Alice <Alice@example.org>, bob@example.org;, dave@example.org\n"
					 "Cc: undisclosed-recipients:;\n"
					 "Subject: group\n\nbody\n");

	assert_strv (m->recipients, "alice@example.org", "bob@example.org", "dave@example.org", NULL);
	assert_strv (m->addresses, "a@example.org", "alice@example.org", "bob@example.org", "dave@example.org", NULL);
}

/* from_name belongs to from_addr: a group's name is not the name of
 * its first member. */
static void
test_from_group_name_not_member_name (void)
{
	g_autoptr (MtMessage) m = parse ("From: Team: a@example.org, b@example.org;\nSubject: x\n\nbody\n");

	g_assert_cmpstr (m->from_addr, ==, "a@example.org");
	g_assert_null (m->from_name);
}

/* --- subject --- */

static void
check_subject (const char *header, const char *want)
{
	g_autofree char *text = g_strdup_printf ("From: a@example.org\nSubject: %s\n\nbody\n", header);
	g_autoptr (MtMessage) m = parse (text);

	g_assert_cmpstr (m->subject, ==, want);
}

static void
test_subject_iso_8859_1_q (void)
{
	check_subject ("=?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=", "Grüße aus Köln");
}

static void
test_subject_utf8_b (void)
{
	check_subject ("=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=", "Grüße aus Köln");
}

static void
test_subject_adjacent_words_joined (void)
{
	check_subject ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?Q?_aus_K=C3=B6ln?=", "Grüße aus Köln");
}

static void
test_subject_iso_2022_jp (void)
{
	check_subject ("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=", "テスト");
}

static void
test_subject_koi8_r (void)
{
	check_subject ("=?KOI8-R?B?8NLJ18XU?=", "Привет");
}

static void
test_subject_windows_1252 (void)
{
	check_subject ("=?windows-1252?Q?=80_5?=", "€ 5");
}

static void
test_subject_raw_latin1 (void)
{
	check_subject ("M\xfcll", "Müll");
}

static void
test_subject_absent (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\nbody\n");

	g_assert_cmpstr (m->subject, ==, "");
}

/* --- date --- */

static void
test_date_seconds (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\nDate: Mon, 23 Nov 2026 10:00:00 +0100\n\nbody\n");

	g_assert_cmpint (m->date, ==, G_GINT64_CONSTANT (1795424400));
}

static void
test_date_missing (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\nbody\n");

	g_assert_cmpint (m->date, ==, 0);
}

static void
test_date_unreadable (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\nDate: sometime last week\n\nbody\n");

	g_assert_cmpint (m->date, ==, 0);
}

/* --- message ids --- */

static void
test_message_id_without_brackets (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\nMessage-ID: <abc.123@mail.example.org>\n\nbody\n");

	g_assert_cmpstr (m->message_id, ==, "abc.123@mail.example.org");
}

static void
test_message_id_absent (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\nbody\n");

	g_assert_null (m->message_id);
	g_assert_cmpuint (m->in_reply_to->len, ==, 0);
	g_assert_cmpuint (m->references->len, ==, 0);
}

static void
test_in_reply_to_list (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Message-ID: <me@x>\n"
					 "In-Reply-To: <one@x> <two@x>\n\nbody\n");

	assert_strv (m->in_reply_to, "one@x", "two@x", NULL);
}

static void
test_references_oldest_first (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Message-ID: <me@x>\n"
					 "References: <root@x>\n <mid@x>\n\t<parent@x>\n\nbody\n");

	assert_strv (m->references, "root@x", "mid@x", "parent@x", NULL);
}

static void
test_references_drop_own_id (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Message-ID: <me@x>\n"
					 "In-Reply-To: <me@x>\n"
					 "References: <root@x> <me@x> <parent@x>\n\nbody\n");

	assert_strv (m->references, "root@x", "parent@x", NULL);
	g_assert_cmpuint (m->in_reply_to->len, ==, 0);
}

static void
test_references_duplicates_removed (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Message-ID: <me@x>\n"
					 "References: <root@x> <parent@x> <root@x> <parent@x>\n\nbody\n");

	assert_strv (m->references, "root@x", "parent@x", NULL);
}

/* Regression: made unique by a search of the list, 100,000 took minutes;
 * then each of them was looked up and remembered, three billion
 * instructions. The newest hundred are what threading needs. */
static void
test_references_100000_newest_100 (void)
{
	g_autofree char *refs = long_list ("References:", 100000, TRUE);
	g_autofree char *text = g_strdup_printf ("From: a@example.org\n%s\n\nbody\n", refs);
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autoptr (MtMessage) m = parse (text);

	assert_within_budget (timer, 10);
	g_assert_cmpuint (m->references->len, ==, 100);
	g_assert_cmpstr (g_ptr_array_index (m->references, 0), ==, "99900@x.test");
	g_assert_cmpstr (g_ptr_array_index (m->references, 99), ==, "99999@x.test");
}

/* --- body --- */

static void
test_body_qp_latin1 (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: text/plain; charset=ISO-8859-1\n"
					 "Content-Transfer-Encoding: quoted-printable\n\n"
					 "Gr=FC=DFe aus K=F6ln, sch=F6ne =C4pfel=\n und mehr\n");

	g_assert_cmpstr (m->text, ==, "Grüße aus Köln, schöne Äpfel und mehr\n");
	g_assert_cmpuint (m->attachments->len, ==, 0);
}

static void
test_body_alternative_picks_plain (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
					 "--alt\n"
					 "Content-Type: text/plain; charset=utf-8\n\n"
					 "plain version\n"
					 "--alt\n"
					 "Content-Type: text/html; charset=utf-8\n\n"
					 "<p>html version</p>\n"
					 "--alt--\n");

	g_assert_cmpstr (m->text, ==, "plain version");
	g_assert_null (strstr (m->text, "html"));
	g_assert_cmpuint (m->attachments->len, ==, 0);
}

static void
test_body_html_only (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: text/html; charset=utf-8\n\n"
					 "<html><head><title>T</title><style>p { color: red }</style></head>\n"
					 "<body><script>alert('x')</script>\n"
					 "<p>Fish &amp; chips &lt;3 caf&#233;</p><p>line one<br>line two</p>\n"
					 "<ul><li>first</li><li>second</li></ul></body></html>\n");

	g_assert_null (strstr (m->text, "<p"));
	g_assert_null (strstr (m->text, "</"));
	g_assert_null (strstr (m->text, "alert"));
	g_assert_null (strstr (m->text, "color"));
	g_assert_cmpstr (m->text, ==, "Fish & chips <3 café\n\nline one\nline two\n\n- first\n- second");
}

static void
test_body_no_charset_latin1 (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: text/plain\n\n"
					 "M\xfcll \x80 und S\xfc\xdf\n");

	g_assert_cmpstr (m->text, ==, "Müll € und Süß\n");
}

/* A part labelled UTF-8 that is not must not lose letters: the byte
 * that is no UTF-8 is read as windows-1252, not replaced by U+FFFD. */
static void
test_body_mislabelled_utf8_keeps_bytes (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: text/plain; charset=utf-8\n\n"
					 "M\xfcll\n");

	g_assert_cmpstr (m->text, ==, "Müll\n");
}

static void
test_body_no_mime_headers_utf8 (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\nGrüße\n");

	g_assert_cmpstr (m->text, ==, "Grüße\n");
}

static void
test_body_two_plain_parts_joined (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed; boundary=\"mix\"\n\n"
					 "--mix\n"
					 "Content-Type: text/plain; charset=utf-8\n\n"
					 "first part\n"
					 "--mix\n"
					 "Content-Type: text/plain; charset=utf-8\n"
					 "Content-Disposition: inline\n\n"
					 "second part\n"
					 "--mix--\n");

	g_assert_cmpstr (m->text, ==, "first part\n\nsecond part");
	g_assert_cmpuint (m->attachments->len, ==, 0);
}

static void
test_body_empty (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\nSubject: empty\n\n");

	g_assert_cmpstr (m->text, ==, "");
}

/* --- attachments --- */

#define FOX_BASE64                                                                       \
	"VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4KVGhlIHF1aWNrIGJy\n" \
	"b3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZy4KVGhlIHF1aWNrIGJyb3duIGZveCBqdW1w\n" \
	"cyBvdmVyIHRoZSBsYXp5IGRvZy4K\n"

static const char attached_message[] =
	"From: a@example.org\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"mix\"\n\n"
	"--mix\n"
	"Content-Type: text/plain; charset=utf-8\n\n"
	"see attachments\n"
	"--mix\n"
	"Content-Type: Application/Octet-Stream\n"
	"Content-Disposition: attachment; filename*=ISO-8859-1''Fehlerprotokoll_B%FCro.txt\n"
	"Content-Transfer-Encoding: base64\n\n" FOX_BASE64 "--mix\n"
	"Content-Type: multipart/mixed; boundary=\"inner\"\n\n"
	"--inner\n"
	"Content-Type: text/plain\n\n"
	"inner text\n"
	"--inner\n"
	"Content-Type: application/pdf\n"
	"Content-Disposition: attachment;\n"
	" filename*0*=UTF-8''Sehr%20langer%20Dateiname%20f;\n"
	" filename*1*=%C3%BCr%20den%20Bericht.pdf\n"
	"Content-Transfer-Encoding: base64\n\n"
	"AAECAwQFBgcICQ==\n"
	"--inner--\n"
	"--mix\n"
	"Content-Type: image/PNG\n"
	"Content-Disposition: inline\n"
	"Content-Transfer-Encoding: base64\n\n"
	"AAECAwQFBgcICQ==\n"
	"--mix--\n";

static void
test_attachment_rfc2231_name (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpstr (attachment (m, 0)->name, ==, "Fehlerprotokoll_Büro.txt");
}

static void
test_attachment_rfc2231_continuation (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpstr (attachment (m, 1)->name, ==, "Sehr langer Dateiname für den Bericht.pdf");
}

static void
test_attachment_type_lower_case (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpstr (attachment (m, 0)->type, ==, "application/octet-stream");
	g_assert_cmpstr (attachment (m, 1)->type, ==, "application/pdf");
	g_assert_cmpstr (attachment (m, 2)->type, ==, "image/png");
}

static void
test_attachment_decoded_size (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpint (attachment (m, 0)->size, ==, 135);
	g_assert_cmpint (attachment (m, 1)->size, ==, 10);
}

static void
test_attachment_part_paths (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpuint (m->attachments->len, ==, 3);
	g_assert_cmpstr (attachment (m, 0)->part, ==, "2");
	g_assert_cmpstr (attachment (m, 1)->part, ==, "3.2");
	g_assert_cmpstr (attachment (m, 2)->part, ==, "4");
}

static void
test_attachment_inline_text_is_body (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpstr (m->text, ==, "see attachments\n\ninner text");
}

static void
test_attachment_inline_image_listed (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_null (attachment (m, 2)->name);
	g_assert_cmpint (attachment (m, 2)->size, ==, 10);
}

static void
test_attachment_rfc822_is_one (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed; boundary=\"out\"\n\n"
					 "--out\n"
					 "Content-Type: text/plain\n\n"
					 "forwarding\n"
					 "--out\n"
					 "Content-Type: message/rfc822\n"
					 "Content-Disposition: attachment; filename=\"fwd.eml\"\n\n"
					 "From: b@example.org\n"
					 "Subject: inner\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed; boundary=\"in\"\n\n"
					 "--in\n"
					 "Content-Type: text/plain\n\n"
					 "inner body\n"
					 "--in\n"
					 "Content-Type: application/zip\n"
					 "Content-Disposition: attachment; filename=\"a.zip\"\n\n"
					 "zip\n"
					 "--in--\n"
					 "--out--\n");
	MtAttachment *a;

	g_assert_cmpuint (m->attachments->len, ==, 1);
	a = attachment (m, 0);
	g_assert_cmpstr (a->type, ==, "message/rfc822");
	g_assert_cmpstr (a->part, ==, "2");
	g_assert_cmpstr (a->name, ==, "fwd.eml");
	g_assert_cmpint (a->size, >, 100);
	g_assert_cmpstr (m->text, ==, "forwarding");
	g_assert_true (GMIME_IS_MESSAGE_PART (mt_message_find_part (m, "2")));
}

static void
test_find_part_listed_paths (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	for (guint i = 0; i < m->attachments->len; i++) {
		MtAttachment *a = attachment (m, i);
		GMimeObject *part = mt_message_find_part (m, a->part);
		g_autofree char *type = NULL;
		g_autofree char *lower = NULL;

		g_assert_true (GMIME_IS_PART (part));
		type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
		lower = g_ascii_strdown (type, -1);
		g_assert_cmpstr (lower, ==, a->type);
	}
	g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (mt_message_find_part (m, "2"))), ==,
			 "Fehlerprotokoll_Büro.txt");
}

static void
test_find_part_unknown_paths (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_null (mt_message_find_part (m, "9"));
	g_assert_null (mt_message_find_part (m, "1.9"));
	g_assert_null (mt_message_find_part (m, "3.9"));
	g_assert_null (mt_message_find_part (m, "x"));
	g_assert_null (mt_message_find_part (m, "0"));
	g_assert_null (mt_message_find_part (m, ""));
	g_assert_null (mt_message_find_part (m, "2."));
	g_assert_null (mt_message_find_part (m, NULL));
}

static void
test_part_content_decoded (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) fox = mt_message_part_content (m, "2", &error);
	g_autoptr (GBytes) pdf = mt_message_part_content (m, "3.2", &error);
	const char *text = "The quick brown fox jumps over the lazy dog.\n";

	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (fox), ==, attachment (m, 0)->size);
	g_assert_cmpmem (g_bytes_get_data (fox, NULL), strlen (text), text, strlen (text));
	g_assert_cmpmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), "\0\1\2\3\4\5\6\7\10\11", 10);
}

static void
test_part_content_attached_message (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Content-Type: multipart/mixed; boundary=\"out\"\n\n"
					 "--out\n"
					 "Content-Type: message/rfc822\n\n"
					 "From: b@example.org\n"
					 "Subject: inner\n\n"
					 "inner body\n"
					 "--out--\n");
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) inner = mt_message_part_content (m, "1", &error);
	g_autofree char *text = NULL;

	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (inner), ==, attachment (m, 0)->size);
	text = g_strndup (g_bytes_get_data (inner, NULL), g_bytes_get_size (inner));
	g_assert_nonnull (strstr (text, "Subject: inner"));
	g_assert_nonnull (strstr (text, "inner body"));
}

static void
test_part_content_not_there (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);
	g_autoptr (GError) error = NULL;

	g_assert_null (mt_message_part_content (m, "3", &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_null (mt_message_part_content (m, "7", &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static void
test_find_part_single_part (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Content-Type: application/pdf\n"
					 "Content-Disposition: attachment; filename=x.pdf\n\n"
					 "%PDF\n");

	g_assert_cmpuint (m->attachments->len, ==, 1);
	g_assert_cmpstr (attachment (m, 0)->part, ==, "1");
	g_assert_true (mt_message_find_part (m, "1") == g_mime_message_get_mime_part (m->mime));
	g_assert_null (mt_message_find_part (m, "2"));
}

/* --- malformed input --- */

static void
test_malformed_missing_close_boundary (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed; boundary=\"mix\"\n\n"
					 "--mix\n"
					 "Content-Type: text/plain\n\n"
					 "the text survives\n");

	g_assert_cmpstr (m->text, ==, "the text survives\n");
	g_assert_cmpuint (m->warnings, >, 0);
}

static void
test_malformed_multipart_without_boundary (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed\n\n"
					 "just some text\n");

	g_assert_cmpuint (m->warnings, >, 0);
}

static void
test_malformed_header_without_colon (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Subject: still read\n"
					 "this line is not a header\n"
					 "\nbody\n");

	g_assert_cmpstr (m->from_addr, ==, "a@example.org");
	g_assert_cmpuint (m->warnings, >, 0);
}

static void
test_well_formed_no_warnings (void)
{
	g_autoptr (MtMessage) m = parse (attached_message);

	g_assert_cmpuint (m->warnings, ==, 0);
}

static void
test_malformed_base64 (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed; boundary=\"mix\"\n\n"
					 "--mix\n"
					 "Content-Type: text/plain\n"
					 "Content-Transfer-Encoding: base64\n\n"
					 "!!!! not base64 at all ****\n==\n=\n"
					 "--mix\n"
					 "Content-Type: application/octet-stream\n"
					 "Content-Transfer-Encoding: base64\n\n"
					 "%%%%\x01\x02\xff==AB=C\n"
					 "--mix--\n");

	g_assert_true (g_utf8_validate (m->text, -1, NULL));
	g_assert_cmpuint (m->attachments->len, ==, 1);
	g_assert_cmpint (attachment (m, 0)->size, >=, 0);
}

static void
test_malformed_empty_input (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtMessage) m = parse_len ("", 0, &error);

	g_assert_null (m);
	g_assert_error (error, MT_ERROR, MT_ERROR_DATA);
}

static void
test_malformed_no_header (void)
{
	const char *text = "just some text\nwithout any header line\n\nat all\n";
	g_autoptr (GError) error = NULL;
	g_autoptr (MtMessage) m = parse_len (text, strlen (text), &error);

	g_assert_null (m);
	g_assert_error (error, MT_ERROR, MT_ERROR_DATA);
}

static void
test_malformed_nul_bytes (void)
{
	static const char text[] = "From: a@example.org\nSubject: nul\0here\n\nbefore\0after\0\0end\n";
	g_autoptr (GError) error = NULL;
	g_autoptr (MtMessage) m = parse_len (text, sizeof text - 1, &error);

	g_assert_no_error (error);
	g_assert_nonnull (m);
	g_assert_true (g_utf8_validate (m->text, -1, NULL));
	/* Regression: the text stopped at the first NUL. */
	g_assert_cmpstr (m->text, ==, "before after  end\n");
}

/* A NUL in an HTML part, and in a part of another charset, ends
 * nothing either. */
static void
test_malformed_nul_bytes_in_parts (void)
{
	static const char html[] = "From: a@example.org\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
				   "<p>before\0after</p>\0<p>end</p>\n";
	static const char latin1[] = "From: a@example.org\nMIME-Version: 1.0\n"
				     "Content-Type: text/plain; charset=iso-8859-1\n\nM\xfcller\0Gr\xfc\xdf"
				     "e\n";
	g_autoptr (MtMessage) h = parse_len (html, sizeof html - 1, NULL);
	g_autoptr (MtMessage) l = parse_len (latin1, sizeof latin1 - 1, NULL);

	g_assert_cmpstr (h->text, ==, "before after\n\nend");
	g_assert_cmpstr (l->text, ==, "Müller Grüße\n");
}

/* A message with depth multiparts, one inside the other, around one
 * text/plain part. */
static MtMessage *
parse_nested (int depth)
{
	g_autoptr (GString) s = g_string_new ("From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n");
	g_autoptr (GError) error = NULL;
	MtMessage *m;

	for (int i = 0; i < depth; i++)
		g_string_append_printf (s, "Content-Type: multipart/mixed; boundary=\"b%04d\"\n\n--b%04d\n", i, i);
	g_string_append (s, "Content-Type: text/plain\n\ndeep text\n");
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf (s, "--b%04d--\n", i);
	m = parse_len (s->str, s->len, &error);
	g_assert_no_error (error);
	g_assert_nonnull (m);
	return m;
}

/* Parts nested deeper than max_depth are not indexed, and that is said;
 * GMime reads them, as far as 500 deep. */
static void
test_malformed_500_nested (void)
{
	g_autoptr (MtMessage) m = parse_nested (500);
	g_autoptr (MtMessage) deep = NULL;

	g_assert_cmpstr (m->text, ==, "");
	g_assert_cmpuint (m->warnings, ==, 0);
	g_assert_cmpstr (m->not_indexed, ==, "480 parts not indexed: nested deeper than max_depth (20)");
	mt_message_set_limits (1000, 600);
	deep = parse_nested (500);
	mt_message_set_limits (0, 0);
	g_assert_cmpstr (deep->text, ==, "deep text");
	g_assert_null (deep->not_indexed);
}

/* The parse stops before GMime's own nesting limit, and says so. */
static void
test_malformed_2000_nested (void)
{
	g_autoptr (MtMessage) m = parse_nested (2000);

	g_assert_cmpstr (m->subject, ==, "deep");
	g_assert_true (g_utf8_validate (m->text, -1, NULL));
	g_assert_nonnull (strstr (m->not_indexed, "nothing past byte "));
}

/* --- limits: what a message costs is bounded, what is left out said --- */

/* A multipart of n parts, each of them unit. */
static MtMessage *
parse_parts (const char *unit, guint n)
{
	g_autoptr (GString) s = g_string_new ("From: a@example.org\nSubject: parts\nMIME-Version: 1.0\n"
					      "Content-Type: multipart/mixed; boundary=\"p\"\n\n");
	g_autoptr (GError) error = NULL;
	MtMessage *m;

	for (guint i = 0; i < n; i++)
		g_string_append (s, unit);
	g_string_append (s, "--p--\n");
	m = parse_len (s->str, s->len, &error);
	g_assert_no_error (error);
	return m;
}

static void
test_limits_max_parts (void)
{
	g_autoptr (MtMessage) m = NULL;

	mt_message_set_limits (10, 0);
	m = parse_parts ("--p\nContent-Type: application/octet-stream\n\nx\n", 30);
	mt_message_set_limits (0, 0);
	/* the multipart and nine of its parts */
	g_assert_cmpuint (m->attachments->len, ==, 9);
	g_assert_cmpstr (attachment (m, 8)->part, ==, "9");
	g_assert_nonnull (strstr (m->not_indexed, " parts not indexed: over max_parts (10)"));
	/* GMime itself stopped after twice as many. */
	g_assert_nonnull (strstr (m->not_indexed, "nothing past byte "));
	g_assert_nonnull (strstr (m->not_indexed, " read: more parts than max_parts allows"));
}

/* 2 MB of them took GMime 380 MB: an object for every 7 bytes. */
static void
test_limits_parts_without_header (void)
{
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autoptr (MtMessage) m = parse_parts ("--p\n\nx\n", 300000);

	assert_within_budget (timer, 1);
	g_assert_cmpuint (strlen (m->text), <, 4000);
	g_assert_nonnull (strstr (m->not_indexed, " parts not indexed: over max_parts (500)"));
	g_assert_nonnull (strstr (m->not_indexed, "more parts than max_parts allows"));
}

/* Multiparts in one another, all with one boundary: GMime nests them
 * 1024 deep and then side by side, 2.2 GB for 49 MB. */
static void
test_limits_nested_one_boundary (void)
{
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autoptr (MtMessage) m = parse_parts ("--p\nContent-Type: multipart/mixed; boundary=\"p\"\n\n", 100000);

	assert_within_budget (timer, 1);
	g_assert_nonnull (strstr (m->not_indexed, " parts not indexed: nested deeper than max_depth (20)"));
	g_assert_nonnull (strstr (m->not_indexed, "nothing past byte "));
}

static void
test_limits_header_fields_per_part (void)
{
	g_autoptr (GString) part = g_string_new ("--p\n");
	g_autoptr (MtMessage) m = NULL;

	for (int i = 0; i < 5000; i++)
		g_string_append (part, "X: y\n");
	g_string_append (part, "\nx\n");
	m = parse_parts (part->str, 2);
	g_assert_nonnull (strstr (m->not_indexed, " read: more header fields than max_parts allows"));
}

/* Each field within bounds, but 2 MB of them. */
static void
test_limits_header_bytes (void)
{
	g_autofree char *value = g_strnfill (8000, 'v');
	g_autoptr (GString) part = g_string_new ("--p\n\nfirst\n");
	g_autoptr (MtMessage) m = NULL;

	for (int i = 0; i < 250; i++)
		g_string_append_printf (part, "--p\nX-Big: %s\n\nx\n", value);
	m = parse_parts (part->str, 1);
	g_assert_nonnull (strstr (m->not_indexed, " read: header fields of more than 524288 bytes in all"));
}

static void
test_limits_long_part_header_field (void)
{
	g_autofree char *value = g_strnfill (20000, 'v');
	g_autofree char *part =
		g_strdup_printf ("--p\nContent-Type: text/plain\n\nfirst\n--p\nX-Long: %s\n\nx\n", value);
	g_autoptr (MtMessage) m = parse_parts (part, 1);

	g_assert_true (g_str_has_prefix (m->text, "first"));
	g_assert_nonnull (strstr (m->not_indexed, " read: a header field of more than 8192 bytes"));
}

static void
test_limits_text_1_mb (void)
{
	g_autofree char *body = g_strnfill (3 * 1024 * 1024, 'y');
	g_autofree char *text = g_strdup_printf ("From: a@example.org\nSubject: big\n\n%s\n", body);
	g_autoptr (MtMessage) m = parse (text);

	g_assert_cmpuint (strlen (m->text), ==, 64 * 1024 - 2);
	g_assert_cmpstr (m->not_indexed, ==, "the text past 65536 bytes not indexed");
}

/* Cut at the limit, UTF-8 stays UTF-8, not taken for windows-1252. */
static void
test_limits_text_cut_between_characters (void)
{
	g_autoptr (GString) s = g_string_new ("From: a@example.org\nContent-Type: text/plain; charset=utf-8\n\n");
	g_autoptr (MtMessage) m = NULL;

	g_string_append_c (s, 'a');
	for (int i = 0; i < 600000; i++)
		g_string_append (s, "\xc3\xa4");
	m = parse_len (s->str, s->len, NULL);
	g_assert_true (g_str_has_prefix (m->text, "a\xc3\xa4\xc3\xa4"));
	g_assert_true (g_utf8_validate (m->text, -1, NULL));
	g_assert_nonnull (m->not_indexed);
}

static void
test_limits_top_header_fields (void)
{
	g_autoptr (GString) s = g_string_new ("From: a@example.org\n");
	g_autoptr (MtMessage) m = NULL;

	for (int i = 0; i < 3000; i++)
		g_string_append_printf (s, "X-%d: v\n", i);
	g_string_append (s, "Subject: after them\n\nbody\n");
	m = parse_len (s->str, s->len, NULL);
	g_assert_cmpstr (m->from_addr, ==, "a@example.org");
	g_assert_cmpstr (m->subject, ==, "");
	g_assert_cmpstr (m->text, ==, "body\n");
	g_assert_cmpstr (m->not_indexed, ==, "2002 header fields not indexed: over 1000 fields or 65536 bytes");
}

/* 20 MB of words in the subject took 82 s and 3.9 GB. */
static void
test_limits_long_subject_cut_at_word (void)
{
	g_autoptr (GString) s = g_string_new ("From: a@example.org\nSubject:");
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autoptr (MtMessage) m = NULL;

	for (int i = 0; i < 1000000; i++)
		g_string_append (s, " word");
	g_string_append (s, "\nMessage-ID: <after@x.test>\n\nbody\n");
	m = parse_len (s->str, s->len, NULL);
	assert_within_budget (timer, 1);
	g_assert_cmpuint (strlen (m->subject), <=, 8192);
	g_assert_true (g_str_has_suffix (m->subject, " word"));
	g_assert_cmpstr (m->message_id, ==, "after@x.test");
	g_assert_cmpstr (m->text, ==, "body\n");
}

/* GMime copies a prologue or an epilogue twice: past 64 KB it is not read. */
static void
test_limits_long_epilogue (void)
{
	g_autofree char *epilogue = g_strnfill (100000, 'e');
	g_autofree char *part = g_strdup_printf ("--p\n\nfirst\n--p--\n%s\n", epilogue);
	g_autoptr (MtMessage) m = parse_parts (part, 1);

	g_assert_cmpstr (m->text, ==, "first");
	g_assert_nonnull (
		strstr (m->not_indexed, " read: a multipart's prologue or epilogue of more than 65536 bytes"));
}

/* 40 MB of it in short folded lines took GMime 2 GB and 30 s. */
static void
test_limits_folded_part_header_field (void)
{
	g_autoptr (GString) part = g_string_new ("--p\n\nfirst\n--p\nX-Folded: a");
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autoptr (MtMessage) m = NULL;

	for (int i = 0; i < 1000000; i++)
		g_string_append (part, "\n a");
	g_string_append (part, "\n\nsecond\n");
	m = parse_parts (part->str, 1);
	assert_within_budget (timer, 1);
	g_assert_cmpstr (m->text, ==, "first");
	g_assert_nonnull (strstr (m->not_indexed, " read: a header field of more than 8192 bytes"));
}

/* The parts of a digest are messages even without a Content-Type. */
static void
test_limits_digest_header_scanned (void)
{
	g_autofree char *value = g_strnfill (20000, 'v');
	g_autofree char *text =
		g_strdup_printf ("From: a@example.org\nContent-Type: multipart/mixed; boundary=\"p\"\n\n"
				 "--p\nContent-Type: multipart/digest; boundary=\"d\"\n\n"
				 "--d\n\nFrom: b@example.org\nX-Long: %s\n\ninner\n--d--\n--p--\n",
				 value);
	g_autoptr (MtMessage) m = parse (text);

	g_assert_nonnull (strstr (m->not_indexed, " read: a header field of more than 8192 bytes"));
}

/* Lines of dashes in a text are no boundary, long lines after them no
 * header: the whole message is read. */
static void
test_limits_dashes_in_text (void)
{
	g_autofree char *line = g_strnfill (20000, 'q');
	g_autofree char *part = g_strdup_printf ("--p\nContent-Type: text/plain\n\n-----Original Message-----\n%s\n"
						 "--\n%s\n--p\nContent-Type: application/pdf\n\npdf\n",
						 line, line);
	g_autoptr (MtMessage) m = parse_parts (part, 1);

	g_assert_null (m->not_indexed);
	g_assert_cmpuint (m->attachments->len, ==, 1);
}

/* The view that leaves out part of the header still serves an
 * attachment's bytes, found by its part path. */
static void
test_limits_attachment_after_cut_header (void)
{
	g_autofree char *to = long_list ("To:", 10000, FALSE);
	g_autofree char *text = g_strdup_printf ("%s\n%s", to, attached_message);
	g_autoptr (MtMessage) m = parse (text);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) pdf = mt_message_part_content (m, "3.2", &error);

	g_assert_no_error (error);
	g_assert_nonnull (m->not_indexed);
	g_assert_cmpmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), "\0\1\2\3\4\5\6\7\10\11", 10);
	g_assert_cmpstr (m->text, ==, "see attachments\n\ninner text");
}

/* The first messages a process parses, on threads of their own at once,
 * as the delivery server's workers do: GMime sets itself up while the
 * others wait, not while they use it. Regression: the parse made its
 * stream before it set GMime up, and one worker of a new server died
 * in g_mime_stream_construct() while another ran g_mime_init(). Each
 * try is a new process, in which nothing set GMime up before. */
#define FIRST_PARSERS 8
#define FIRST_TRIES 20

static gint first_go;

static gpointer
parse_first (gpointer data)
{
	static const char raw_text[] = "From: anna@customer.example\n"
				       "Subject: first\n"
				       "MIME-Version: 1.0\n"
				       "Content-Type: multipart/mixed; boundary=b\n"
				       "\n"
				       "--b\n"
				       "Content-Type: text/plain; charset=iso-8859-1\n"
				       "Content-Transfer-Encoding: quoted-printable\n"
				       "\n"
				       "Gr=FC=DFe\n"
				       "--b\n"
				       "Content-Type: application/octet-stream; name=a.bin\n"
				       "Content-Transfer-Encoding: base64\n"
				       "\n"
				       "AAECAw==\n"
				       "--b--\n";
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	g_autoptr (GError) error = NULL;
	MtMessage *m;
	gboolean ok;

	g_byte_array_append (raw, (const guint8 *) raw_text, sizeof raw_text - 1);
	while (!g_atomic_int_get (&first_go))
		;
	m = mt_message_parse (raw, &error);
	ok = m != NULL && g_strcmp0 (m->subject, "first") == 0 && m->attachments->len == 1;
	mt_message_free (m);
	return GINT_TO_POINTER (ok);
}

static void
test_first_parses_at_once (void)
{
	if (g_test_subprocess ()) {
		GThread *threads[FIRST_PARSERS];

		for (int i = 0; i < FIRST_PARSERS; i++)
			threads[i] = g_thread_new ("parse", parse_first, NULL);
		g_atomic_int_set (&first_go, 1);
		for (int i = 0; i < FIRST_PARSERS; i++)
			g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
		return;
	}
	for (int i = 0; i < FIRST_TRIES; i++) {
		g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
		g_test_trap_assert_passed ();
	}
}

/* --- issue 31: reading mail as well as the best helpdesks do --- */

/* GMime 3.2.13 stopped at the first word's "=" padding. */
static void
test_fidelity_subject_padded_words (void)
{
	check_subject ("=?UTF-8?B?YWJjZA==?= =?UTF-8?B?ZWZnaA==?=", "abcdefgh");
	check_subject ("=?gb2312?B?1tA=?= =?gb2312?B?zsQ=?=", "中文");
	check_subject ("=?UTF-8?B?w6k=?==?UTF-8?B?w6k=?= ok", "éé ok");
}

/* A character split between two words of one charset is one character. */
static void
test_fidelity_subject_split_character (void)
{
	check_subject ("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9_au_lait?=", "café au lait");
}

/* An unknown charset, a BEL, a tab: no control character is left. */
static void
test_fidelity_subject_no_controls (void)
{
	check_subject ("=?x-unknown?Q?ring=07the_bell?=", "ringthe bell");
	check_subject ("tab\there\x1b[31m", "tab here[31m");
}

static void
test_fidelity_subject_unknown_charset_keeps_letters (void)
{
	check_subject ("=?x-unknown?Q?caf=E9?=", "café");
}

#define MIXED_HEAD                                          \
	"From: a@example.org\n"                             \
	"MIME-Version: 1.0\n"                               \
	"Content-Type: multipart/mixed; boundary=\"b\"\n\n" \
	"--b\n"                                             \
	"Content-Type: text/plain; charset=utf-8\n\n"       \
	"see the file\n"                                    \
	"--b\n"

static void
test_fidelity_filename_quote_in_encoded_word (void)
{
	g_autoptr (MtMessage) m = parse (MIXED_HEAD "Content-Type: application/octet-stream\n"
						    "Content-Disposition: attachment;\n"
						    " filename=\"=?UTF-8?B?YSAicXVvdGVkIiBmaWxl?=\"\n\n"
						    "data\n"
						    "--b--\n");

	g_assert_cmpstr (attachment (m, 0)->name, ==, "a \"quoted\" file");
}

static void
test_fidelity_filename_rfc2231_inline_text (void)
{
	g_autoptr (MtMessage) m = parse (MIXED_HEAD "Content-Type: text/plain; charset=iso-8859-1\n"
						    "Content-Disposition: inline;\n"
						    " filename*0*=UTF-8''Notiz%20f;\n"
						    " filename*1*=%C3%BCr%20B%C3%BCro.txt\n\n"
						    "the document\n"
						    "--b--\n");

	g_assert_cmpuint (m->attachments->len, ==, 1);
	g_assert_cmpstr (attachment (m, 0)->name, ==, "Notiz für Büro.txt");
	g_assert_cmpstr (attachment (m, 0)->type, ==, "text/plain");
	g_assert_cmpstr (m->text, ==, "see the file");
}

static void
test_fidelity_inline_html_in_mixed (void)
{
	g_autoptr (MtMessage) m = parse (MIXED_HEAD "Content-Type: text/html; charset=utf-8\n"
						    "Content-Disposition: inline\n\n"
						    "<p>Invoice <b>4711</b> is paid</p>\n"
						    "--b--\n");

	g_assert_cmpstr (m->text, ==, "see the file\n\nInvoice 4711 is paid");
	g_assert_cmpuint (m->attachments->len, ==, 0);
}

/* The plain alternative is the text; the HTML one is not added to it. */
static void
test_fidelity_alternative_then_inline_html (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
					 "--b\n"
					 "Content-Type: multipart/alternative; boundary=\"a\"\n\n"
					 "--a\n"
					 "Content-Type: text/plain\n\n"
					 "plain one\n"
					 "--a\n"
					 "Content-Type: text/html\n\n"
					 "<p>html one</p>\n"
					 "--a--\n"
					 "--b\n"
					 "Content-Type: text/html\n\n"
					 "<p>html two</p>\n"
					 "--b--\n");

	g_assert_cmpstr (m->text, ==, "plain one\n\nhtml two");
}

static void
test_fidelity_only_document_is_text (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: text/plain; charset=utf-8; name=\"report.txt\"\n"
					 "Content-Disposition: inline; filename=\"report.txt\"\n\n"
					 "all is well\n");

	g_assert_cmpstr (m->text, ==, "all is well\n");
	g_assert_cmpuint (m->attachments->len, ==, 1);
	g_assert_cmpstr (attachment (m, 0)->name, ==, "report.txt");
}

static void
test_fidelity_attached_message_named_by_subject (void)
{
	g_autoptr (MtMessage) m = parse (MIXED_HEAD "Content-Type: message/rfc822\n\n"
						    "From: b@example.org\n"
						    "Subject: =?UTF-8?Q?Drucker_kaputt_/_B=C3=BCro?=\n\n"
						    "inner\n"
						    "--b\n"
						    "Content-Type: message/rfc822\n\n"
						    "From: c@example.org\n\n"
						    "no subject\n"
						    "--b--\n");

	g_assert_cmpstr (attachment (m, 0)->name, ==, "Drucker kaputt / Büro.eml");
	g_assert_null (attachment (m, 1)->name);
}

#define UU_HELLO                    \
	"begin 644 hello.txt\n"     \
	"-:&5L;&\\L('=O<FQD\"@  \n" \
	"`\n"                       \
	"end\n"

static void
test_fidelity_uuencode_is_attachment (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\n"
					 "see file\n" UU_HELLO "thanks\n");
	g_autoptr (GBytes) content = NULL;

	g_assert_cmpstr (m->text, ==, "see file\nthanks\n");
	g_assert_cmpuint (m->attachments->len, ==, 1);
	g_assert_cmpstr (attachment (m, 0)->name, ==, "hello.txt");
	g_assert_cmpstr (attachment (m, 0)->type, ==, "application/octet-stream");
	g_assert_cmpint (attachment (m, 0)->size, ==, 13);
	content = mt_message_part_content (m, attachment (m, 0)->part, NULL);
	g_assert_nonnull (content);
	g_assert_cmpmem (g_bytes_get_data (content, NULL), g_bytes_get_size (content), "hello, world\n", 13);
}

static void
test_fidelity_begin_line_of_text_stays (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\n"
					 "begin 644 the plan\n"
					 "and then we go home\n");

	g_assert_cmpstr (m->text, ==, "begin 644 the plan\nand then we go home\n");
	g_assert_cmpuint (m->attachments->len, ==, 0);
}

static void
test_fidelity_utf8_with_stray_byte (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "MIME-Version: 1.0\n"
					 "Content-Type: text/plain; charset=utf-8\n\n"
					 "Informaci\xc3\xb3n, canci\xc3\xb3n, M\xfcller\n");

	g_assert_cmpstr (m->text, ==, "Información, canción, Müller\n");
}

/* Sets [mail] fallback_charsets for one test. */
static void
set_fallbacks (const char *first, const char *second)
{
	const char *list[] = { first, second, NULL };

	mt_message_set_fallback_charsets (list);
}

static void
test_fidelity_fallback_koi8_r_subject (void)
{
	set_fallbacks ("koi8-r", NULL);
	check_subject ("\xf0\xd2\xc9\xd7\xc5\xd4", "Привет");
	mt_message_set_fallback_charsets (NULL);
	check_subject ("M\xfcll", "Müll");
}

static void
test_fidelity_fallback_shift_jis_body (void)
{
	set_fallbacks ("shift_jis", "windows-1252");
	{
		g_autoptr (MtMessage) sjis = parse ("From: a@example.org\n\n\x83\x65\x83\x58\x83\x67\n");
		/* 0xfc is no Shift_JIS: the next charset reads it. */
		g_autoptr (MtMessage) latin = parse ("From: a@example.org\n\nM\xfcll\n");

		g_assert_cmpstr (sjis->text, ==, "テスト\n");
		g_assert_cmpstr (latin->text, ==, "Müll\n");
	}
	mt_message_set_fallback_charsets (NULL);
}

static void
test_fidelity_text_no_controls (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n\nred\x1b[31m\x07 text\tok\r\nnext\n");

	g_assert_cmpstr (m->text, ==, "red[31m text\tok\nnext\n");
}

#define OUTLOOK_TEXT                     \
	"Hello Bob,\n\n\n\n"             \
	"Please help.\n\n"               \
	"The printer is broken.\n\n\n\n" \
	"Thanks\n\n"                     \
	"Alice\n\n"

static void
test_fidelity_outlook_blank_lines_halved (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "X-Mailer: Microsoft Outlook 16.0\n\n" OUTLOOK_TEXT);
	g_autoptr (MtMessage) ms = parse ("From: a@example.org\n"
					  "X-MS-Has-Attach: \n"
					  "X-MS-TNEF-Correlator: \n\n" OUTLOOK_TEXT);

	g_assert_cmpstr (m->text, ==, "Hello Bob,\n\nPlease help.\nThe printer is broken.\n\nThanks\nAlice\n");
	g_assert_cmpstr (ms->text, ==, m->text);
}

static void
test_fidelity_outlook_rule_needs_both (void)
{
	g_autoptr (MtMessage) other = parse ("From: a@example.org\nX-Mailer: mutt\n\n" OUTLOOK_TEXT);
	g_autoptr (MtMessage) lines = parse ("From: a@example.org\n"
					     "X-Mailer: Microsoft Outlook 16.0\n\n"
					     "Hello Bob,\n\nplease help\nwith the printer.\n\nAlice\n");

	g_assert_cmpstr (other->text, ==, OUTLOOK_TEXT);
	g_assert_cmpstr (lines->text, ==, "Hello Bob,\n\nplease help\nwith the printer.\n\nAlice\n");
}

static void
test_fidelity_no_blank_line_after_header (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "Subject: no blank line\n"
					 "Hello there,\n"
					 "the printer is broken.\n");

	g_assert_cmpstr (m->subject, ==, "no blank line");
	g_assert_cmpstr (m->text, ==, "Hello there,\nthe printer is broken.\n");
}

/* A line that is no field among fields is skipped, as before. */
static void
test_fidelity_broken_line_inside_header (void)
{
	g_autoptr (MtMessage) m = parse ("From: a@example.org\n"
					 "broken fold\n"
					 "Subject: still read\n\n"
					 "body\n");

	g_assert_cmpstr (m->subject, ==, "still read");
	g_assert_cmpstr (m->text, ==, "body\n");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	/* Not in the subprocess of /message/parse/first-at-once: it is about the first. */
	if (!g_test_subprocess ())
		mt_message_init ();

	g_test_add_func ("/message/from/decoded-name-and-lower-case-address", test_from_decoded);
	g_test_add_func ("/message/parse/first-at-once", test_first_parses_at_once);
	g_test_add_func ("/message/from/without-name", test_from_without_name);
	g_test_add_func ("/message/from/group-name-is-not-member-name", test_from_group_name_not_member_name);
	g_test_add_func ("/message/addresses/display-forms", test_display_forms);
	g_test_add_func ("/message/addresses/recipients-to-and-cc-lower-unique",
			 test_recipients_to_and_cc_lower_unique);
	g_test_add_func ("/message/addresses/from-to-cc-reply-to", test_addresses_all_headers);
	g_test_add_func ("/message/addresses/absent-headers-empty", test_absent_headers_empty);
	g_test_add_func ("/message/addresses/100000-recipients-first-16-kb", test_recipients_100000_bounded);
	g_test_add_func ("/message/addresses/group-members", test_group_members_are_recipients);
	g_test_add_func ("/message/subject/rfc2047-iso-8859-1-q", test_subject_iso_8859_1_q);
	g_test_add_func ("/message/subject/rfc2047-utf-8-b", test_subject_utf8_b);
	g_test_add_func ("/message/subject/rfc2047-adjacent-words-joined", test_subject_adjacent_words_joined);
	g_test_add_func ("/message/subject/rfc2047-iso-2022-jp", test_subject_iso_2022_jp);
	g_test_add_func ("/message/subject/rfc2047-koi8-r", test_subject_koi8_r);
	g_test_add_func ("/message/subject/rfc2047-windows-1252", test_subject_windows_1252);
	g_test_add_func ("/message/subject/raw-latin1-as-windows-1252", test_subject_raw_latin1);
	g_test_add_func ("/message/subject/absent-is-empty", test_subject_absent);
	g_test_add_func ("/message/date/seconds-since-epoch", test_date_seconds);
	g_test_add_func ("/message/date/missing-is-zero", test_date_missing);
	g_test_add_func ("/message/date/unreadable-is-zero", test_date_unreadable);
	g_test_add_func ("/message/ids/message-id-without-brackets", test_message_id_without_brackets);
	g_test_add_func ("/message/ids/absent", test_message_id_absent);
	g_test_add_func ("/message/ids/in-reply-to-list", test_in_reply_to_list);
	g_test_add_func ("/message/ids/references-oldest-first", test_references_oldest_first);
	g_test_add_func ("/message/ids/own-id-dropped", test_references_drop_own_id);
	g_test_add_func ("/message/ids/duplicates-removed", test_references_duplicates_removed);
	g_test_add_func ("/message/ids/100000-references-newest-100", test_references_100000_newest_100);
	g_test_add_func ("/message/body/qp-iso-8859-1-to-utf-8", test_body_qp_latin1);
	g_test_add_func ("/message/body/alternative-picks-plain", test_body_alternative_picks_plain);
	g_test_add_func ("/message/body/html-only-reduced-to-text", test_body_html_only);
	g_test_add_func ("/message/body/no-charset-latin1-as-windows-1252", test_body_no_charset_latin1);
	g_test_add_func ("/message/body/mislabelled-utf-8-keeps-bytes", test_body_mislabelled_utf8_keeps_bytes);
	g_test_add_func ("/message/body/no-mime-headers-utf-8", test_body_no_mime_headers_utf8);
	g_test_add_func ("/message/body/inline-plain-parts-joined", test_body_two_plain_parts_joined);
	g_test_add_func ("/message/body/empty", test_body_empty);
	g_test_add_func ("/message/attachment/rfc2231-filename", test_attachment_rfc2231_name);
	g_test_add_func ("/message/attachment/rfc2231-continuation", test_attachment_rfc2231_continuation);
	g_test_add_func ("/message/attachment/type-lower-case", test_attachment_type_lower_case);
	g_test_add_func ("/message/attachment/decoded-size", test_attachment_decoded_size);
	g_test_add_func ("/message/attachment/part-paths", test_attachment_part_paths);
	g_test_add_func ("/message/attachment/inline-text-is-body", test_attachment_inline_text_is_body);
	g_test_add_func ("/message/attachment/inline-image-listed", test_attachment_inline_image_listed);
	g_test_add_func ("/message/attachment/rfc822-is-one-attachment", test_attachment_rfc822_is_one);
	g_test_add_func ("/message/find-part/listed-paths", test_find_part_listed_paths);
	g_test_add_func ("/message/find-part/unknown-paths-null", test_find_part_unknown_paths);
	g_test_add_func ("/message/find-part/single-part-is-1", test_find_part_single_part);
	g_test_add_func ("/message/part-content/transfer-encoding-undone", test_part_content_decoded);
	g_test_add_func ("/message/part-content/attached-message-whole", test_part_content_attached_message);
	g_test_add_func ("/message/part-content/multipart-or-missing-not-found", test_part_content_not_there);
	g_test_add_func ("/message/malformed/missing-close-boundary", test_malformed_missing_close_boundary);
	g_test_add_func ("/message/malformed/multipart-without-boundary", test_malformed_multipart_without_boundary);
	g_test_add_func ("/message/malformed/header-without-colon", test_malformed_header_without_colon);
	g_test_add_func ("/message/malformed/well-formed-has-no-warnings", test_well_formed_no_warnings);
	g_test_add_func ("/message/malformed/invalid-base64", test_malformed_base64);
	g_test_add_func ("/message/malformed/empty-input-is-data-error", test_malformed_empty_input);
	g_test_add_func ("/message/malformed/no-header-is-data-error", test_malformed_no_header);
	g_test_add_func ("/message/malformed/nul-bytes", test_malformed_nul_bytes);
	g_test_add_func ("/message/malformed/nul-bytes-in-html-and-latin1", test_malformed_nul_bytes_in_parts);
	g_test_add_func ("/message/malformed/500-nested-multiparts-read", test_malformed_500_nested);
	g_test_add_func ("/message/malformed/2000-nested-multiparts-stop", test_malformed_2000_nested);
	g_test_add_func ("/message/limits/max-parts", test_limits_max_parts);
	g_test_add_func ("/message/limits/parts-without-header", test_limits_parts_without_header);
	g_test_add_func ("/message/limits/nested-with-one-boundary", test_limits_nested_one_boundary);
	g_test_add_func ("/message/limits/header-fields-per-part", test_limits_header_fields_per_part);
	g_test_add_func ("/message/limits/long-part-header-field", test_limits_long_part_header_field);
	g_test_add_func ("/message/limits/header-bytes", test_limits_header_bytes);
	g_test_add_func ("/message/limits/long-epilogue", test_limits_long_epilogue);
	g_test_add_func ("/message/limits/folded-part-header-field", test_limits_folded_part_header_field);
	g_test_add_func ("/message/limits/digest-header-scanned", test_limits_digest_header_scanned);
	g_test_add_func ("/message/limits/dashes-in-text", test_limits_dashes_in_text);
	g_test_add_func ("/message/limits/text-1-mb", test_limits_text_1_mb);
	g_test_add_func ("/message/limits/text-cut-between-characters", test_limits_text_cut_between_characters);
	g_test_add_func ("/message/limits/top-header-fields", test_limits_top_header_fields);
	g_test_add_func ("/message/limits/long-subject-cut-at-word", test_limits_long_subject_cut_at_word);
	g_test_add_func ("/message/limits/attachment-after-cut-header", test_limits_attachment_after_cut_header);
	g_test_add_func ("/message/fidelity/subject-padded-base64-words", test_fidelity_subject_padded_words);
	g_test_add_func ("/message/fidelity/subject-split-character", test_fidelity_subject_split_character);
	g_test_add_func ("/message/fidelity/subject-no-controls", test_fidelity_subject_no_controls);
	g_test_add_func ("/message/fidelity/subject-unknown-charset-keeps-letters",
			 test_fidelity_subject_unknown_charset_keeps_letters);
	g_test_add_func ("/message/fidelity/filename-quote-in-encoded-word",
			 test_fidelity_filename_quote_in_encoded_word);
	g_test_add_func ("/message/fidelity/filename-rfc2231-inline-text", test_fidelity_filename_rfc2231_inline_text);
	g_test_add_func ("/message/fidelity/inline-html-in-mixed", test_fidelity_inline_html_in_mixed);
	g_test_add_func ("/message/fidelity/alternative-then-inline-html", test_fidelity_alternative_then_inline_html);
	g_test_add_func ("/message/fidelity/only-document-is-text", test_fidelity_only_document_is_text);
	g_test_add_func ("/message/fidelity/attached-message-named-by-subject",
			 test_fidelity_attached_message_named_by_subject);
	g_test_add_func ("/message/fidelity/uuencode-is-attachment", test_fidelity_uuencode_is_attachment);
	g_test_add_func ("/message/fidelity/begin-line-of-text-stays", test_fidelity_begin_line_of_text_stays);
	g_test_add_func ("/message/fidelity/utf8-with-stray-byte", test_fidelity_utf8_with_stray_byte);
	g_test_add_func ("/message/fidelity/fallback-koi8-r-subject", test_fidelity_fallback_koi8_r_subject);
	g_test_add_func ("/message/fidelity/fallback-shift-jis-body", test_fidelity_fallback_shift_jis_body);
	g_test_add_func ("/message/fidelity/text-no-controls", test_fidelity_text_no_controls);
	g_test_add_func ("/message/fidelity/outlook-blank-lines-halved", test_fidelity_outlook_blank_lines_halved);
	g_test_add_func ("/message/fidelity/outlook-rule-needs-both", test_fidelity_outlook_rule_needs_both);
	g_test_add_func ("/message/fidelity/no-blank-line-after-header", test_fidelity_no_blank_line_after_header);
	g_test_add_func ("/message/fidelity/broken-line-inside-header", test_fidelity_broken_line_inside_header);
	return g_test_run ();
}
