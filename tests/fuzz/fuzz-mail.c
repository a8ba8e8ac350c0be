/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-mail.c - libFuzzer harness over what a message reaches
 * DESCRIPTION
 *	Each input is taken as a raw message and goes the way of a delivery
 *	up to the database: mt_message_parse(), mt_bounce_parse(), the reply
 *	token in every recipient, the subject token, the subject without its
 *	prefixes, mt_thread_decide() with in-memory lookups (known ids,
 *	tickets that are merged, merged in a loop, closed), the attachment
 *	parts read back. The same bytes as a string go through
 *	mt_html_to_text() and the token parsers, which never see a whole
 *	message otherwise.
 *
 *	Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined;
 *	seeded from ../shared/corpus and tests/fuzz/regressions. Built
 *	without -fsanitize=fuzzer (-DMT_FUZZ_REPLAY) it is a program that
 *	runs the files it is given once each, for the unit tests.
 */
#include <stdint.h>
#include <string.h>

#include "mailticket/bounce.h"
#include "mailticket/message.h"
#include "mailticket/thread.h"
#include "mailticket/token.h"

#define SECRET "fuzz-secret"
#define UUID "00000000-0000-4000-8000-000000000042"

static GHashTable *known_ids; /* message id -> ticket */

/* Tickets 1-20: 5 is merged into 6, 7 and 8 into each other (a loop),
 * 9 into 21 that does not exist; 10-12 are closed, 12 long ago. */
static gboolean
lookup_ticket (gpointer data, gint64 id, gboolean *found, MtThreadTicket *out, GError **error)
{
	*found = id >= 1 && id <= 20;
	memset (out, 0, sizeof *out);
	out->grace_days = 30;
	out->merged_into = id == 5 ? 6 : id == 7 ? 8 : id == 8 ? 7 : id == 9 ? 21 : 0;
	out->closed = id >= 10 && id <= 12;
	out->closed_at = id == 12 ? 0 : 1800000000;
	return TRUE;
}

/* b@x is known only as a reference. */
static gboolean
lookup_message_id (gpointer data, const char *id, gint64 *ticket, gboolean *referenced, GError **error)
{
	*ticket = GPOINTER_TO_INT (g_hash_table_lookup (known_ids, id));
	*referenced = strcmp (id, "b@x") == 0;
	return TRUE;
}

static gboolean
lookup_participant (gpointer data, gint64 ticket, const char *address, gboolean *yes, GError **error)
{
	*yes = ticket % 2 == 0 && g_str_has_suffix (address, ".example");
	return TRUE;
}

static GLogWriterOutput
quiet (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	return G_LOG_WRITER_HANDLED;
}

static void
setup (void)
{
	static const char *const ids[] = { "a@x", "b@x", "merged@x", "loop@x", "gone@x", "closed@x", NULL };

	g_log_set_writer_func (quiet, NULL, NULL);
	mt_message_init ();
	known_ids = g_hash_table_new (g_str_hash, g_str_equal);
	for (int i = 0; ids[i]; i++)
		g_hash_table_insert (known_ids, (gpointer) ids[i], GINT_TO_POINTER (i == 0 ? 2 : 5 + 2 * i));
}

static gint64
find_token (MtMessage *m)
{
	MtToken token;

	for (guint i = 0; i < m->recipients->len; i++)
		if (mt_token_parse (g_ptr_array_index (m->recipients, i), "+", &token) &&
		    mt_token_verify (SECRET, &token, UUID, m->from_addr))
			return token.ticket;
	return 0;
}

static void
thread (MtMessage *m)
{
	MtThreadLookup lookup = { lookup_message_id, lookup_ticket, lookup_participant, NULL };
	MtThreadInput input = {
		.message_id = m->message_id,
		.in_reply_to = m->in_reply_to,
		.references = m->references,
		.sender = m->from_addr,
		.foreign_subject_joins = m->subject[0] % 2,
		.now = 1900000000,
	};
	MtThreadDecision decision = { 0 };
	g_autoptr (GError) error = NULL;

	input.token_ticket = find_token (m);
	mt_token_find_subject ("Ticket", m->subject, &input.subject_ticket);
	if (mt_thread_decide (&input, &lookup, &decision, &error))
		g_free (mt_thread_describe (&decision));
	mt_thread_decision_clear (&decision);
}

static void
read_parts (MtMessage *m)
{
	for (guint i = 0; i < m->attachments->len; i++) {
		MtAttachment *a = g_ptr_array_index (m->attachments, i);
		g_autoptr (GError) error = NULL;
		GBytes *content = mt_message_part_content (m, a->part, &error);

		if (content != NULL)
			g_bytes_unref (content);
	}
}

static void
as_message (const uint8_t *data, size_t size)
{
	g_autoptr (GByteArray) raw = g_byte_array_sized_new (size);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtMessage) m = NULL;
	g_autofree char *subject = NULL;
	MtBounce bounce;

	g_byte_array_append (raw, data, size);
	if (!(m = mt_message_parse (raw, &error)))
		return;
	mt_bounce_parse (m, &bounce);
	mt_bounce_clear (&bounce);
	subject = mt_thread_strip_prefixes (m->subject, "Ticket");
	thread (m);
	read_parts (m);
}

static void
as_text (const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup ((const char *) data, size);
	g_autofree char *stripped = NULL;
	gint64 ticket;

	g_free (mt_html_to_text (text));
	if (!g_utf8_validate (text, -1, NULL))
		return;
	stripped = mt_thread_strip_prefixes (text, "Ticket");
	MtToken token;

	mt_token_find_subject ("Ticket", text, &ticket);
	if (mt_token_parse (text, "+", &token))
		mt_token_verify (SECRET, &token, UUID, text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static gsize done;

	if (g_once_init_enter (&done)) {
		setup ();
		g_once_init_leave (&done, 1);
	}
	as_message (data, size);
	as_text (data, size);
	return 0;
}

#ifdef MT_FUZZ_REPLAY
/* Runs each file named once: the fuzzer's inputs as a plain program. */
int
main (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		g_autofree char *data = NULL;
		gsize len = 0;
		g_autoptr (GError) error = NULL;

		if (!g_file_get_contents (argv[i], &data, &len, &error)) {
			g_printerr ("%s\n", error->message);
			return 1;
		}
		LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
	}
	return 0;
}
#endif
