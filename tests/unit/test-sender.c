/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-sender.c - claims and state transitions of the outbox, against a
 * temporary database and no SMTP server: what the server said is set by
 * hand on each message and recorded with mt_sender_record(). The clock
 * is $MAILTICKET_NOW, moved by the tests.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "mailticket/outbox.h"
#include "mailticket/sender.h"
#include "mailticket/ticket.h"

#define NOW G_GINT64_CONSTANT (1800000000)
#define DAY (24 * 3600)

static const char MESSAGE[] =
	"From: support@example.org\r\nTo: anna@customer.test\r\nSubject: Re: [Ticket#1]\r\n"
	"Date: Fri, 15 Jan 2027 08:00:00 +0000\r\nMessage-ID: <out@example.org>\r\n\r\nHello.\r\n";

typedef struct {
	char *dir;
	char *db;
	char *conf;
	MtStore *store;
	MtConfig *config;
	MtSender *sender;
	gint64 ticket;
} Fixture;

static void
set_now (gint64 when)
{
	g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, when);

	g_setenv ("MAILTICKET_NOW", text, TRUE);
}

static void
setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	MtTicketNew ticket = { .type = "mail", .subject = "VPN", .now = NOW };

	f->dir = g_dir_make_tmp ("test-sender-XXXXXX", &error);
	g_assert_no_error (error);
	f->db = g_build_filename (f->dir, "t.db", NULL);
	f->conf = g_build_filename (f->dir, "t.conf", NULL);
	g_file_set_contents (f->conf, "[mail]\ndomain = example.org\n[smtp]\nhost = 127.0.0.1\nport = 1\n", -1, &error);
	g_assert_no_error (error);
	f->config = mt_config_load (f->conf, f->db, &error);
	g_assert_no_error (error);
	f->store = mt_store_open (f->db, 5000, MT_STORE_CREATE, &error);
	g_assert_no_error (error);
	f->sender = mt_sender_new (f->store, f->config, NULL);
	mt_sender_set_claimer (f->sender, "A");
	g_assert_true (mt_ticket_create (f->store, &ticket, &f->ticket, &error));
	set_now (NOW);
}

static void
teardown (Fixture *f, gconstpointer data)
{
	mt_sender_free (f->sender);
	mt_store_close (f->store);
	mt_config_free (f->config);
	for (const char *const *s = (const char *const[]){ "t.db", "t.db-wal", "t.db-shm", "t.conf", NULL }; *s; s++) {
		g_autofree char *path = g_build_filename (f->dir, *s, NULL);
		g_unlink (path);
	}
	g_rmdir (f->dir);
	g_free (f->dir);
	g_free (f->db);
	g_free (f->conf);
	g_unsetenv ("MAILTICKET_NOW");
}

/* Queues MESSAGE for the NULL-terminated recipients, created at when;
 * the outbox id. */
static gint64
queue_at (Fixture *f, gint64 when, const char *first, ...)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) recipients = g_ptr_array_new ();
	g_autoptr (GBytes) raw = g_bytes_new_static (MESSAGE, strlen (MESSAGE));
	MtOutboxNew m = { f->ticket, 0, "reply", "out@example.org", "support@example.org", recipients, raw, when };
	va_list ap;
	gint64 id;

	va_start (ap, first);
	for (const char *r = first; r != NULL; r = va_arg (ap, const char *))
		g_ptr_array_add (recipients, (gpointer) r);
	va_end (ap);
	g_assert_true (mt_store_begin (f->store, &error));
	g_assert_true (mt_outbox_queue (f->store, &m, &id, &error));
	g_assert_true (mt_store_commit (f->store, &error));
	g_assert_no_error (error);
	return id;
}

#define queue(f, ...) queue_at ((f), NOW, __VA_ARGS__, NULL)

static GPtrArray *
claim (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *items = mt_sender_claim (f->sender, &error);

	g_assert_no_error (error);
	g_assert_nonnull (items);
	return items;
}

static gint64
query_int (Fixture *f, const char *sql)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;

	g_assert_cmpint (sqlite3_prepare_v2 (mt_store_peek_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (Fixture *f, const char *sql)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;

	g_assert_cmpint (sqlite3_prepare_v2 (mt_store_peek_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
assert_row (Fixture *f, gint64 id, const char *column, const char *want)
{
	g_autofree char *sql = g_strdup_printf ("SELECT %s FROM outbox WHERE id = %" G_GINT64_FORMAT, column, id);
	g_autofree char *got = query_text (f, sql);

	g_assert_cmpstr (got, ==, want);
}

/* Records item with one outcome and reply per pending recipient, in
 * address order: "250 ...", "451 ...", "550 ...". */
static MtOutboxState
record (Fixture *f, MtOutboxItem *item, const char *const *replies)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) pending = mt_outbox_pending (f->store, item->id, &error);
	g_autoptr (GBytes) raw = g_bytes_new_static (MESSAGE, strlen (MESSAGE));
	g_autoptr (MtSmtpMessage) m = mt_smtp_message_new (item->envelope_from, raw, pending, item);
	MtOutboxState state;

	for (guint i = 0; i < m->recipients->len; i++) {
		MtSmtpRecipient *r = g_ptr_array_index (m->recipients, i);

		r->reply = g_strdup (replies[i]);
		r->outcome = replies[i][0] == '2'   ? MT_SMTP_SENT
			     : replies[i][0] == '5' ? MT_SMTP_FAILED
						    : MT_SMTP_DEFERRED;
	}
	g_assert_true (mt_sender_record (f->sender, m, &state, &error));
	g_assert_no_error (error);
	return state;
}

/* Claims the one due row and records replies for it. */
static MtOutboxState
attempt (Fixture *f, const char *const *replies)
{
	g_autoptr (GPtrArray) items = claim (f);

	g_assert_cmpuint (items->len, ==, 1);
	return record (f, g_ptr_array_index (items, 0), replies);
}

/* --- backoff --- */

static void
test_backoff_schedule (void)
{
	g_assert_cmpint (mt_sender_backoff (0), ==, 60);
	g_assert_cmpint (mt_sender_backoff (1), ==, 60);
	g_assert_cmpint (mt_sender_backoff (2), ==, 120);
	g_assert_cmpint (mt_sender_backoff (3), ==, 240);
	g_assert_cmpint (mt_sender_backoff (8), ==, 7680);
	g_assert_cmpint (mt_sender_backoff (9), ==, 4 * 3600);
	g_assert_cmpint (mt_sender_backoff (10), ==, 4 * 3600);
	g_assert_cmpint (mt_sender_backoff (G_MAXINT64), ==, 4 * 3600);
}

/* --- claims --- */

static void
test_claim_due_only (Fixture *f, gconstpointer data)
{
	gint64 due = queue (f, "anna@customer.test");
	gint64 later = queue_at (f, NOW + 600, "bob@customer.test", NULL);
	g_autoptr (GPtrArray) items = claim (f);
	MtOutboxItem *item;

	g_assert_cmpuint (items->len, ==, 1);
	item = g_ptr_array_index (items, 0);
	g_assert_cmpint (item->id, ==, due);
	g_assert_cmpint (item->ticket, ==, f->ticket);
	g_assert_cmpstr (item->kind, ==, "reply");
	g_assert_cmpstr (item->message_id, ==, "out@example.org");
	g_assert_cmpstr (item->envelope_from, ==, "support@example.org");
	assert_row (f, due, "state", "sending");
	assert_row (f, due, "claimed_by", "A");
	g_assert_cmpint (query_int (f, "SELECT claimed_until FROM outbox WHERE claimed_by = 'A'"), ==,
			 NOW + MT_SENDER_CLAIM);
	assert_row (f, later, "state", "queued");
}

/* Two senders claiming one after the other never share a row, and
 * between them take every due row. */
static void
test_claim_twice_disjoint (Fixture *f, gconstpointer data)
{
	g_autoptr (MtSender) b = mt_sender_new (f->store, f->config, NULL);
	g_autoptr (GPtrArray) first = NULL;
	g_autoptr (GPtrArray) second = NULL;
	g_autoptr (GPtrArray) third = NULL;
	g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
	g_autoptr (GError) error = NULL;
	int n = MT_SENDER_BATCH + 50;

	for (int i = 0; i < n; i++)
		queue (f, "anna@customer.test");
	mt_sender_set_claimer (b, "B");
	first = claim (f);
	second = mt_sender_claim (b, &error);
	third = claim (f);
	g_assert_cmpuint (first->len, ==, MT_SENDER_BATCH);
	g_assert_cmpuint (second->len, ==, 50);
	g_assert_cmpuint (third->len, ==, 0);
	for (GPtrArray *const *set = (GPtrArray *const[]){ first, second, NULL }; *set; set++)
		for (guint i = 0; i < (*set)->len; i++) {
			MtOutboxItem *item = g_ptr_array_index (*set, i);

			g_assert_false (g_hash_table_contains (seen, &item->id));
			g_hash_table_add (seen, &item->id);
		}
	g_assert_cmpuint (g_hash_table_size (seen), ==, n);
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM outbox WHERE claimed_by = 'B'"), ==, 50);
}

/* A sender that died leaves claims that expire; then another takes the
 * rows, and the first one's late outcome is not recorded over it. */
static void
test_claim_expired_returns (Fixture *f, gconstpointer data)
{
	g_autoptr (MtSender) b = mt_sender_new (f->store, f->config, NULL);
	g_autoptr (GPtrArray) mine = NULL;
	g_autoptr (GPtrArray) early = NULL;
	g_autoptr (GPtrArray) late = NULL;
	g_autoptr (GError) error = NULL;
	gint64 id = queue (f, "anna@customer.test");
	const char *sent[] = { "250 2.0.0 Ok" };

	mt_sender_set_claimer (b, "B");
	mine = claim (f);
	g_assert_cmpuint (mine->len, ==, 1);
	set_now (NOW + MT_SENDER_CLAIM - 1);
	early = mt_sender_claim (b, &error);
	g_assert_cmpuint (early->len, ==, 0);
	set_now (NOW + MT_SENDER_CLAIM);
	late = mt_sender_claim (b, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (late->len, ==, 1);
	g_assert_cmpint (((MtOutboxItem *) g_ptr_array_index (late, 0))->id, ==, id);
	assert_row (f, id, "claimed_by", "B");
	g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "outbox=* status=lost *");
	g_assert_cmpint (record (f, g_ptr_array_index (mine, 0), sent), ==, MT_OUTBOX_SENDING);
	g_test_assert_expected_messages ();
	assert_row (f, id, "state", "sending");
	g_assert_cmpint (query_int (f, "SELECT attempts FROM outbox"), ==, 0);
}

/* Recording a message renews the claims on the rest of the batch. */
static void
test_claim_renewed_by_progress (Fixture *f, gconstpointer data)
{
	g_autoptr (GPtrArray) items = NULL;
	const char *sent[] = { "250 2.0.0 Ok" };

	queue (f, "anna@customer.test");
	queue (f, "bob@customer.test");
	items = claim (f);
	set_now (NOW + 1000);
	record (f, g_ptr_array_index (items, 0), sent);
	g_assert_cmpint (query_int (f, "SELECT claimed_until FROM outbox WHERE state = 'sending'"), ==,
			 NOW + 1000 + MT_SENDER_CLAIM);
}

/* --- outcomes --- */

static void
test_record_sent (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "anna@customer.test", "bob@customer.test");
	const char *replies[] = { "250 2.0.0 Ok: queued as A", "250 2.0.0 Ok: queued as A" };

	g_assert_cmpint (attempt (f, replies), ==, MT_OUTBOX_SENT);
	assert_row (f, id, "state", "sent");
	g_assert_cmpint (query_int (f, "SELECT attempts FROM outbox"), ==, 1);
	g_assert_cmpint (query_int (f, "SELECT done FROM outbox"), ==, NOW);
	g_assert_cmpint (query_int (f, "SELECT claimed_by IS NULL AND claimed_until IS NULL FROM outbox"), ==, 1);
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM outbox_recipients WHERE state = 'sent'"), ==, 2);
	assert_row (f, id, "last_reply", "250 2.0.0 Ok: queued as A");
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM articles"), ==, 0);
}

/* 60 s after the first failure, 120 s after the second; the reply kept. */
static void
test_record_deferred_backs_off (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "anna@customer.test");
	const char *later[] = { "451 4.3.0 Try again later" };
	g_autoptr (GPtrArray) none = NULL;

	g_assert_cmpint (attempt (f, later), ==, MT_OUTBOX_QUEUED);
	g_assert_cmpint (query_int (f, "SELECT next_attempt FROM outbox"), ==, NOW + 60);
	g_assert_cmpint (query_int (f, "SELECT attempts FROM outbox"), ==, 1);
	g_assert_cmpint (query_int (f, "SELECT done IS NULL AND claimed_by IS NULL FROM outbox"), ==, 1);
	assert_row (f, id, "last_reply", "451 4.3.0 Try again later");
	set_now (NOW + 59);
	none = claim (f);
	g_assert_cmpuint (none->len, ==, 0);
	set_now (NOW + 60);
	g_assert_cmpint (attempt (f, later), ==, MT_OUTBOX_QUEUED);
	g_assert_cmpint (query_int (f, "SELECT next_attempt FROM outbox"), ==, NOW + 60 + 120);
	g_assert_cmpint (query_int (f, "SELECT attempts FROM outbox"), ==, 2);
}

/* A retry goes only to the recipients not yet accepted. */
static void
test_record_mixed_retries_the_rest (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "anna@customer.test", "bob@customer.test");
	const char *mixed[] = { "250 2.1.5 Ok", "450 4.2.0 Mailbox busy" };
	const char *sent[] = { "250 2.0.0 Ok" };
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) pending = NULL;

	g_assert_cmpint (attempt (f, mixed), ==, MT_OUTBOX_QUEUED);
	assert_row (f, id, "last_reply", "450 4.2.0 Mailbox busy");
	pending = mt_outbox_pending (f->store, id, &error);
	g_assert_cmpuint (pending->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (pending, 0), ==, "bob@customer.test");
	set_now (NOW + 60);
	g_assert_cmpint (attempt (f, sent), ==, MT_OUTBOX_SENT);
}

/* A 5xx fails the recipient, and the ticket's owner reads why. */
static void
test_record_failed_notes_ticket (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "anna@customer.test", "nobody@customer.test");
	const char *replies[] = { "250 2.1.5 Ok", "550 5.1.1 <nobody@customer.test>: User unknown" };
	g_autofree char *text = NULL;

	g_assert_cmpint (attempt (f, replies), ==, MT_OUTBOX_FAILED);
	assert_row (f, id, "state", "failed");
	g_assert_cmpint (query_int (f, "SELECT done FROM outbox"), ==, NOW);
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM articles WHERE kind = 'system' AND internal = 1"), ==, 1);
	text = query_text (f, "SELECT text FROM articles");
	g_assert_nonnull (strstr (text, "Mail to nobody@customer.test could not be delivered: 550 5.1.1"));
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM history WHERE field = 'delivery'"
				       " AND new = 'failed to nobody@customer.test'"),
			 ==, 1);
}

/* A message without a ticket fails without a note anywhere. */
static void
test_record_failed_without_ticket (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "nobody@customer.test");
	const char *replies[] = { "554 5.7.1 Rejected" };

	g_assert_true (sqlite3_exec (mt_store_peek_db (f->store), "UPDATE outbox SET ticket = NULL", NULL, NULL,
				     NULL) == SQLITE_OK);
	g_assert_cmpint (attempt (f, replies), ==, MT_OUTBOX_FAILED);
	assert_row (f, id, "state", "failed");
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM articles"), ==, 0);
}

/* Past max_age a temporary failure is the last: Postfix's
 * maximal_queue_lifetime. Just before, it is one more wait. */
static void
test_record_max_age (Fixture *f, gconstpointer data)
{
	gint64 old = queue_at (f, NOW - 5 * DAY, "anna@customer.test", NULL);
	gint64 young = queue_at (f, NOW - 5 * DAY + 1, "bob@customer.test", NULL);
	const char *later[] = { "451 4.3.0 Try again later" };
	g_autoptr (GPtrArray) items = claim (f);

	g_assert_cmpuint (items->len, ==, 2);
	g_assert_cmpint (record (f, g_ptr_array_index (items, 0), later), ==, MT_OUTBOX_FAILED);
	g_assert_cmpint (record (f, g_ptr_array_index (items, 1), later), ==, MT_OUTBOX_QUEUED);
	assert_row (f, old, "last_reply", "gave up after 5d: 451 4.3.0 Try again later");
	assert_row (f, young, "state", "queued");
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM articles WHERE text LIKE '%gave up after 5d%'"), ==, 1);
}

/* A database busy past busy_timeout records nothing of the message: the
 * row stays claimed, to be recorded on a second chance or sent again
 * when the claim has expired. */
static void
test_record_busy_changes_nothing (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "anna@customer.test");
	g_autoptr (GPtrArray) items = claim (f);
	g_autoptr (GPtrArray) pending = mt_outbox_pending (f->store, id, NULL);
	g_autoptr (GBytes) raw = g_bytes_new_static (MESSAGE, strlen (MESSAGE));
	g_autoptr (MtSmtpMessage) m = mt_smtp_message_new ("", raw, pending, g_ptr_array_index (items, 0));
	g_autoptr (sqlite3) other = NULL;
	g_autoptr (GError) error = NULL;
	MtOutboxState state;

	((MtSmtpRecipient *) g_ptr_array_index (m->recipients, 0))->outcome = MT_SMTP_SENT;
	g_assert_cmpint (sqlite3_open (f->db, &other), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_busy_timeout (mt_store_peek_db (f->store), 10);
	g_assert_false (mt_sender_record (f->sender, m, &state, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TEMPFAIL);
	g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
	assert_row (f, id, "state", "sending");
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM outbox_recipients WHERE state = 'queued'"), ==, 1);
	g_assert_true (mt_sender_record (f->sender, m, &state, NULL));
	g_assert_cmpint (state, ==, MT_OUTBOX_SENT);
}

/* --- retry --- */

static void
test_retry (Fixture *f, gconstpointer data)
{
	gint64 id = queue (f, "anna@customer.test", "nobody@customer.test");
	const char *replies[] = { "250 2.1.5 Ok", "550 5.1.1 User unknown" };
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) pending = NULL;

	attempt (f, replies);
	set_now (NOW + 3600);
	g_assert_true (mt_outbox_retry (f->store, id, NOW + 3600, &error));
	g_assert_no_error (error);
	assert_row (f, id, "state", "queued");
	g_assert_cmpint (query_int (f, "SELECT next_attempt FROM outbox"), ==, NOW + 3600);
	g_assert_cmpint (query_int (f, "SELECT done IS NULL FROM outbox"), ==, 1);
	pending = mt_outbox_pending (f->store, id, &error);
	g_assert_cmpuint (pending->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (pending, 0), ==, "nobody@customer.test");
}

static void
test_retry_refuses (Fixture *f, gconstpointer data)
{
	gint64 sent = queue (f, "anna@customer.test");
	const char *ok[] = { "250 2.0.0 Ok" };
	g_autoptr (GError) e1 = NULL;
	g_autoptr (GError) e2 = NULL;
	g_autoptr (GError) e3 = NULL;
	g_autoptr (GPtrArray) items = NULL;
	gint64 busy;

	attempt (f, ok);
	g_assert_false (mt_outbox_retry (f->store, sent, NOW, &e1));
	g_assert_error (e1, MT_ERROR, MT_ERROR_USAGE);
	g_assert_false (mt_outbox_retry (f->store, 999, NOW, &e2));
	g_assert_error (e2, MT_ERROR, MT_ERROR_NOT_FOUND);
	busy = queue (f, "bob@customer.test");
	items = claim (f);
	g_assert_false (mt_outbox_retry (f->store, busy, NOW, &e3));
	g_assert_error (e3, MT_ERROR, MT_ERROR_USAGE);
}

/* --- a whole pass --- */

/* Nothing listens on port 1: every claimed row waits, nothing fails. */
static void
test_pass_unreachable (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	MtSenderStats stats = { 0 };

	queue (f, "anna@customer.test");
	queue (f, "bob@customer.test");
	g_assert_true (mt_sender_pass (f->sender, &stats, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (stats.claimed, ==, 2);
	g_assert_cmpuint (stats.deferred, ==, 2);
	g_assert_nonnull (stats.unreachable);
	g_assert_nonnull (strstr (stats.unreachable, "127.0.0.1:1"));
	g_assert_cmpint (query_int (f, "SELECT count(*) FROM outbox WHERE state = 'queued' AND attempts = 1"
				       " AND next_attempt = 1800000060 AND last_reply LIKE 'cannot send via%'"),
			 ==, 2);
	mt_sender_stats_clear (&stats);
}

/* A message libesmtp would alter is never sent; it fails at once. */
static void
test_pass_refuses_altered (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	MtSenderStats stats = { 0 };
	gint64 id = queue (f, "anna@customer.test");

	g_assert_true (
		sqlite3_exec (mt_store_peek_db (f->store),
			      "UPDATE blobs SET data = CAST(replace(CAST(data AS TEXT), 'Date:', 'X-Date:') AS BLOB)",
			      NULL, NULL, NULL) == SQLITE_OK);
	g_assert_true (mt_sender_pass (f->sender, &stats, &error));
	g_assert_cmpuint (stats.failed, ==, 1);
	g_assert_null (stats.unreachable);
	assert_row (f, id, "last_reply", "not sent: libesmtp would alter this message: no header Date");
	mt_sender_stats_clear (&stats);
}

/* The sender's one line per message is not the tests' output. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags level, const GLogField *fields, gsize n, gpointer data)
{
	if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG))
		return G_LOG_WRITER_HANDLED;
	return g_log_writer_default (level, fields, n, data);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_log_set_writer_func (quiet_writer, NULL, NULL);
	g_unsetenv ("MAILTICKET_CONF");

#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
	g_test_add_func ("/sender/backoff/doubles-from-60s-up-to-4h", test_backoff_schedule);
	ADD ("/sender/claim/only-due-rows", test_claim_due_only);
	ADD ("/sender/claim/twice-gives-disjoint-sets", test_claim_twice_disjoint);
	ADD ("/sender/claim/expired-claims-return", test_claim_expired_returns);
	ADD ("/sender/claim/renewed-by-progress", test_claim_renewed_by_progress);
	ADD ("/sender/record/sent", test_record_sent);
	ADD ("/sender/record/deferred-backs-off", test_record_deferred_backs_off);
	ADD ("/sender/record/mixed-retries-the-rest", test_record_mixed_retries_the_rest);
	ADD ("/sender/record/failed-notes-the-ticket", test_record_failed_notes_ticket);
	ADD ("/sender/record/failed-without-ticket", test_record_failed_without_ticket);
	ADD ("/sender/record/max-age-gives-up", test_record_max_age);
	ADD ("/sender/record/busy-changes-nothing", test_record_busy_changes_nothing);
	ADD ("/sender/retry/queues-failed-recipients", test_retry);
	ADD ("/sender/retry/refuses-sent-missing-busy", test_retry_refuses);
	ADD ("/sender/pass/unreachable-server-defers", test_pass_unreachable);
	ADD ("/sender/pass/refuses-what-libesmtp-would-alter", test_pass_refuses_altered);
#undef ADD
	return g_test_run ();
}
