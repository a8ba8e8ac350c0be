/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-compose.c - the mail mailticket sends: headers that cannot be
 * injected, encodings, structure, CRLF. Each composed message is parsed
 * back with the same parser that reads incoming mail.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "budget.h"
#include "mailticket/compose.h"
#include "mailticket/error.h"
#include "mailticket/message.h"

static GPtrArray *
list (const char *first, ...)
{
	GPtrArray *a = g_ptr_array_new ();
	va_list ap;

	va_start (ap, first);
	for (const char *s = first; s; s = va_arg (ap, const char *))
		g_ptr_array_add (a, (char *) s);
	va_end (ap);
	return a;
}

static MtCompose
base (GPtrArray *to)
{
	MtCompose c = {
		.from_addr = "support@example.org",
		.reply_to = "support+7.abcdef0123@example.org",
		.to = to,
		.subject = "[Ticket#7] Printer",
		.text = "Hello\nworld\n",
		.domain = "example.org",
		.x_loop = "support@example.org",
		.now = 1700000000,
	};
	return c;
}

static GBytes *
compose_ok (const MtCompose *c, char **id)
{
	g_autoptr (GError) error = NULL;
	GBytes *raw = mt_compose (c, id, &error);

	g_assert_no_error (error);
	g_assert_nonnull (raw);
	return raw;
}

static MtMessage *
parse_back (GBytes *raw)
{
	g_autoptr (GByteArray) bytes = g_byte_array_new ();
	gsize len;
	const guint8 *data = g_bytes_get_data (raw, &len);

	g_byte_array_append (bytes, data, len);
	return mt_message_parse (bytes, NULL);
}

static char *
text_of (GBytes *raw)
{
	gsize len;
	const char *data = g_bytes_get_data (raw, &len);

	return g_strndup (data, len);
}

static void
test_headers_and_message_id (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	g_autoptr (GPtrArray) refs = list ("first@x", "second@y", NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;

	c.in_reply_to = "second@y";
	c.references = refs;
	c.auto_submitted = "auto-replied";
	raw = compose_ok (&c, &id);
	m = parse_back (raw);
	g_assert_true (g_str_has_suffix (id, "@example.org"));
	g_assert_cmpuint (strlen (id), ==, 36 + strlen ("@example.org"));
	g_assert_cmpstr (m->message_id, ==, id);
	g_assert_cmpstr (m->from_addr, ==, "support@example.org");
	g_assert_cmpstr (m->subject, ==, "[Ticket#7] Printer");
	g_assert_cmpstr (g_ptr_array_index (m->in_reply_to, 0), ==, "second@y");
	g_assert_cmpuint (m->references->len, ==, 2);
	g_assert_cmpstr (mt_message_header (m, "Auto-Submitted"), ==, "auto-replied");
	g_assert_cmpstr (mt_message_header (m, "X-Auto-Response-Suppress"), ==, "All");
	g_assert_cmpstr (mt_message_header (m, "X-Loop"), ==, "support@example.org");
	g_assert_cmpstr (m->reply_to, ==, "support+7.abcdef0123@example.org");
	g_assert_cmpint (m->date, ==, 1700000000);
	g_assert_cmpstr (m->text, ==, "Hello\nworld\n");
}

static void
test_every_line_ends_crlf (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autofree char *text = NULL;

	c.html = TRUE;
	raw = compose_ok (&c, &id);
	text = text_of (raw);
	for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
		g_assert_true (p > text && p[-1] == '\r');
	g_assert_null (strstr (text, "\r\r"));
}

static void
test_crlf_in_subject_and_name_adds_no_header (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;

	c.subject = "Hi\r\nBcc: victim@evil.example\r\n\r\nbody";
	c.from_name = "Support\nX-Injected: yes";
	raw = compose_ok (&c, &id);
	m = parse_back (raw);
	g_assert_null (mt_message_header (m, "Bcc"));
	g_assert_null (mt_message_header (m, "X-Injected"));
	g_assert_nonnull (strstr (m->subject, "Bcc: victim@evil.example"));
	g_assert_cmpstr (m->text, ==, "Hello\nworld\n");
}

static void
test_bad_addresses_refused (void)
{
	const char *bad[] = {
		"a@b\r\nBcc: x@y", "no-at-sign", "two words@x", "<a@b>", "a@b, c@d", "@x", "x@", "",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GPtrArray) to = list (bad[i], NULL);
		MtCompose c = base (to);
		g_autofree char *id = NULL;
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) raw = mt_compose (&c, &id, &error);

		g_assert_null (raw);
		g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
	}
}

static void
test_thread_ids_unfit_for_headers_left_out (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	g_autoptr (GPtrArray) refs = list ("ok@x", "bad id>\r\nX-Evil: 1", NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;

	c.in_reply_to = "bad id>\r\nX-Evil: 1";
	c.references = refs;
	raw = compose_ok (&c, &id);
	m = parse_back (raw);
	g_assert_null (mt_message_header (m, "X-Evil"));
	g_assert_cmpuint (m->in_reply_to->len, ==, 0);
	g_assert_cmpuint (m->references->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (m->references, 0), ==, "ok@x");
}

static void
test_non_ascii_encoded (void)
{
	g_autoptr (GPtrArray) to = list ("jürgen@example.de", NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;
	g_autofree char *text = NULL;

	g_ptr_array_index (to, 0) = "juergen@example.de";
	c.subject = "[Ticket#7] Drucker läuft nicht – 打印机";
	c.from_name = "Süpport Team";
	c.text = "Grüße aus Köln\n";
	raw = compose_ok (&c, &id);
	text = text_of (raw);
	for (const char *p = text; *p; p++)
		g_assert_cmpuint ((guchar) *p, <, 0x80);
	g_assert_nonnull (strstr (text, "=?"));
	m = parse_back (raw);
	g_assert_cmpstr (m->subject, ==, "[Ticket#7] Drucker läuft nicht – 打印机");
	g_assert_cmpstr (m->from_name, ==, "Süpport Team");
	g_assert_cmpstr (m->text, ==, "Grüße aus Köln\n");
}

static void
test_html_alternative_and_attachment (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	g_autofree char *dir = g_dir_make_tmp ("mt-compose-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "log <1>.bin", NULL);
	g_autoptr (GPtrArray) files = list (path, NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;
	const char data[] = { 0, 1, 2, (char) 0xff, 'x' };
	MtAttachment *a;

	g_assert_true (g_file_set_contents (path, data, sizeof data, NULL));
	c.text = "a < b & c\n\nsecond paragraph";
	c.html = TRUE;
	c.attachments = files;
	raw = compose_ok (&c, &id);
	m = parse_back (raw);
	g_assert_cmpstr (m->text, ==, "a < b & c\n\nsecond paragraph");
	g_assert_cmpuint (m->attachments->len, ==, 1);
	a = g_ptr_array_index (m->attachments, 0);
	g_assert_cmpstr (a->name, ==, "log <1>.bin");
	g_assert_cmpint (a->size, ==, sizeof data);
	g_assert_cmpstr (a->part, ==, "2");
	g_unlink (path);
	g_rmdir (dir);
}

/* Sniffing as GIO does it: binary content now and then passes for a
 * text format. */
/* A name and type passed on from an agent's mail reach the part's
 * header as one line each: no header nor body line can be added. */
static void
test_passed_part_name_cannot_add_lines (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	g_autoptr (GPtrArray) parts = g_ptr_array_new ();
	g_autoptr (GBytes) data = g_bytes_new_static ("hello", 5);
	MtComposePart part = { "a\r\nBcc: eve@evil.example\r\n\r\nb", "text/plain\r\nX-Evil: 1", data };
	MtCompose c = base (to);
	g_autofree char *id = NULL, *text = NULL;
	g_autoptr (GBytes) raw = NULL;

	g_ptr_array_add (parts, &part);
	c.parts = parts;
	raw = compose_ok (&c, &id);
	text = text_of (raw);
	g_assert_null (strstr (text, "\r\nBcc:"));
	g_assert_null (strstr (text, "\nX-Evil"));
	g_assert_nonnull (strstr (text, "aGVsbG8=") ? "aGVsbG8=" : strstr (text, "hello"));
}

static char *
guess_text (const char *name, const guchar *data, gsize len)
{
	return g_strdup ("text/x-matlab");
}

/* Regression: a random binary file that sniffing took for MATLAB source
 * went out as text/x-matlab, and the customer's client decoded it as
 * text, not as the file's bytes. */
static void
test_binary_attachment_never_sent_as_text (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	g_autofree char *dir = g_dir_make_tmp ("mt-compose-XXXXXX", NULL);
	g_autofree char *bin = g_build_filename (dir, "diag.bin", NULL);
	g_autofree char *utf8 = g_build_filename (dir, "notes.m", NULL);
	g_autofree char *ascii = g_build_filename (dir, "plain.m", NULL);
	g_autoptr (GPtrArray) files = list (bin, utf8, ascii, NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;
	const char data[] = { '%', 0, (char) 0xc3, 0x28, 'x' };
	const char *raw_text;
	gsize len;

	g_assert_true (g_file_set_contents (bin, data, sizeof data, NULL));
	g_assert_true (g_file_set_contents (utf8, "% Grüße\n", -1, NULL));
	g_assert_true (g_file_set_contents (ascii, "% hello\n", -1, NULL));
	c.text = "see the files";
	c.attachments = files;
	mt_compose_set_type_guess (guess_text);
	raw = compose_ok (&c, &id);
	mt_compose_set_type_guess (NULL);
	m = parse_back (raw);
	g_assert_cmpuint (m->attachments->len, ==, 3);
	g_assert_cmpstr (((MtAttachment *) g_ptr_array_index (m->attachments, 0))->type, ==,
			 "application/octet-stream");
	g_assert_cmpint (((MtAttachment *) g_ptr_array_index (m->attachments, 0))->size, ==, sizeof data);
	g_assert_cmpstr (((MtAttachment *) g_ptr_array_index (m->attachments, 1))->type, ==, "text/x-matlab");
	g_assert_cmpstr (((MtAttachment *) g_ptr_array_index (m->attachments, 2))->type, ==, "text/x-matlab");
	raw_text = g_bytes_get_data (raw, &len);
	g_assert_nonnull (g_strstr_len (raw_text, len, "Content-Type: text/x-matlab; charset=utf-8; name=notes.m\r\n"));
	g_assert_nonnull (g_strstr_len (raw_text, len, "Content-Type: text/x-matlab; name=plain.m\r\n"));
	g_unlink (bin);
	g_unlink (utf8);
	g_unlink (ascii);
	g_rmdir (dir);
}

static void
test_html_escapes_and_keeps_paragraphs (void)
{
	g_autofree char *html = mt_compose_html ("<script>x</script> & co\nline two\n\npara two");

	g_assert_nonnull (strstr (html, "<p>&lt;script&gt;x&lt;/script&gt; &amp; co<br>\nline two</p>"));
	g_assert_nonnull (strstr (html, "<p>para two</p>"));
	g_assert_null (strstr (html, "<script>"));
}

static void
test_missing_attachment_is_an_error (void)
{
	g_autoptr (GPtrArray) to = list ("ann@customer.example", NULL);
	g_autoptr (GPtrArray) files = list ("/nonexistent/file.pdf", NULL);
	MtCompose c = base (to);
	g_autofree char *id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) raw = NULL;

	c.attachments = files;
	raw = mt_compose (&c, &id, &error);
	g_assert_null (raw);
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

/* How many times needle is in bytes. */
static guint
count_in (GBytes *bytes, const char *needle)
{
	gsize size = 0;
	const char *data = g_bytes_get_data (bytes, &size);
	const char *end = data + size;
	guint n = 0;

	while ((data = g_strstr_len (data, end - data, needle)) != NULL) {
		n++;
		data += strlen (needle);
	}
	return n;
}

/* Regression: the message wrote its header anew after each address
 * added, and 100,000 Cc (a reply to mail with that many in To) took
 * minutes. */
static void
test_100000_cc (void)
{
	g_autoptr (GPtrArray) to = list ("anna@customer.example", NULL);
	g_autoptr (GPtrArray) cc = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *id = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtMessage) m = NULL;
	g_autoptr (GTimer) timer = NULL;
	MtCompose c = base (to);

	for (int i = 0; i < 100000; i++)
		g_ptr_array_add (cc, g_strdup_printf ("r%d@x%d.test", i, i));
	c.cc = cc;
	timer = g_timer_new ();
	raw = compose_ok (&c, &id);
	assert_within_budget (timer, 10);
	/* Every one is written; read back, a message takes the first 8 KB of them. */
	g_assert_cmpuint (count_in (raw, "@x"), ==, 100000);
	g_assert_nonnull (g_strstr_len (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), "r99999@x99999.test"));
	m = parse_back (raw);
	g_assert_cmpstr (g_ptr_array_index (m->recipients, 1), ==, "r0@x0.test");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_setenv ("TZ", "UTC", TRUE);
	g_test_add_func ("/compose/headers-and-message-id", test_headers_and_message_id);
	g_test_add_func ("/compose/every-line-ends-crlf", test_every_line_ends_crlf);
	g_test_add_func ("/compose/crlf-in-subject-and-name-adds-no-header",
			 test_crlf_in_subject_and_name_adds_no_header);
	g_test_add_func ("/compose/bad-addresses-refused", test_bad_addresses_refused);
	g_test_add_func ("/compose/thread-ids-unfit-for-headers-left-out", test_thread_ids_unfit_for_headers_left_out);
	g_test_add_func ("/compose/non-ascii-encoded", test_non_ascii_encoded);
	g_test_add_func ("/compose/html-alternative-and-attachment", test_html_alternative_and_attachment);
	g_test_add_func ("/compose/binary-attachment-never-sent-as-text", test_binary_attachment_never_sent_as_text);
	g_test_add_func ("/compose/html-escapes-and-keeps-paragraphs", test_html_escapes_and_keeps_paragraphs);
	g_test_add_func ("/compose/missing-attachment-is-an-error", test_missing_attachment_is_an_error);
	g_test_add_func ("/compose/100000-cc", test_100000_cc);
	g_test_add_func ("/compose/passed-part-name-cannot-add-lines", test_passed_part_name_cannot_add_lines);
	return g_test_run ();
}
