/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-store.c - the schema, every statement of every module, blobs and
 * the classification of a busy database.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mailticket/stats.h"
#include "mailticket/alarm.h"
#include "mailticket/escalate.h"
#include "mailticket/change.h"
#include "mailticket/work.h"
#include "mailticket/customer.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/outbox.h"
#include "mailticket/outbox-view.h"
#include "mailticket/quarantine.h"
#include "mailticket/rules.h"
#include "mailticket/search.h"
#include "mailticket/store.h"
#include "mailticket/ticket.h"
#include "mailticket/view.h"

typedef const char *const *(*QueryTable) (void);

static char *
temp_db (char **dir)
{
	g_autoptr (GError) error = NULL;

	*dir = g_dir_make_tmp ("mt-store-XXXXXX", &error);
	g_assert_no_error (error);
	return g_build_filename (*dir, "t.db", NULL);
}

static void
remove_tree (const char *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		g_unlink (path);
	}
	g_rmdir (dir);
}

static void
test_migrations_apply (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);

	g_assert_no_error (error);
	g_assert_cmpint (mt_store_version (store), ==, mt_store_migrations_known ());
	g_assert_cmpint (mt_store_migrations_known (), >=, 1);
}

static void
test_every_statement_prepares (void)
{
	static const QueryTable tables[] = {
		mt_store_queries,          mt_ticket_queries,      mt_directory_queries,   mt_quarantine_queries,
		mt_view_queries,           mt_outbox_queries,      mt_people_queries,      mt_change_queries,
		mt_work_queries,           mt_stats_queries,       mt_outbox_view_queries, mt_search_queries,
		mt_customer_queries,       mt_rules_queries,       mt_alarm_queries,       mt_escalate_queries,
		mt_ticket_article_queries, mt_ticket_mail_queries, mt_ticket_due_queries,  mt_ticket_split_queries,
		mt_ticket_forget_queries,
	};
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	int n = 0;

	g_assert_no_error (error);
	/* A search's statements read its temporary index, which the first search makes. */
	g_free (mt_search_json (store, "word", 1, &error));
	g_assert_no_error (error);
	for (gsize t = 0; t < G_N_ELEMENTS (tables); t++)
		for (const char *const *q = tables[t](); *q != NULL; q++, n++) {
			if (mt_store_query (store, *q, &error) == NULL)
				g_error ("does not prepare: %s\n%s", error->message, *q);
		}
	g_assert_cmpint (n, >, 30);
}

static void
test_blob_round_trip (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *sha = NULL;
	g_autofree char *again = NULL;
	g_autoptr (GBytes) back = NULL;
	gsize len = 3 * 1024 * 1024 + 17;
	g_autofree guint8 *data = g_malloc (len);

	for (gsize i = 0; i < len; i++)
		data[i] = (guint8) (i * 7 + (i >> 11));
	data[10] = '\0';
	g_assert_true (mt_store_put_blob (store, data, len, &sha, &error));
	g_assert_true (mt_store_put_blob (store, data, len, &again, &error));
	g_assert_cmpstr (sha, ==, again);
	back = mt_store_get_blob (store, sha, &error);
	g_assert_no_error (error);
	g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, len);
}

static void
test_blob_empty (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *sha = NULL;
	g_autoptr (GBytes) back = NULL;

	g_assert_true (mt_store_put_blob (store, (const guint8 *) "", 0, &sha, &error));
	g_assert_cmpstr (sha, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	back = mt_store_get_blob (store, sha, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (back), ==, 0);
}

/* A large message's bytes staged in pieces, each a transaction of its
 * own: the blob's row then names its size alone, and reads back whole. */
static void
test_blob_staged (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	gsize len = 9 * 1024 * 1024 + 5;
	g_autofree guint8 *data = g_malloc (len);
	g_autofree char *sha = NULL;
	g_autoptr (GBytes) back = NULL;
	gint64 n = 0;

	for (gsize i = 0; i < len; i++)
		data[i] = (guint8) (i * 13 + (i >> 9));
	sha = mt_store_blob_sum (data, len);
	g_assert_true (mt_store_stage_blob (store, data, len, sha, &error));
	g_assert_true (mt_store_stage_blob (store, data, len, sha, &error));
	g_assert_no_error (error);
	g_assert_true (mt_store_get_id (store, "SELECT count(*) FROM blob_chunks WHERE sha256 = ?", sha, &n, &error));
	g_assert_cmpint (n, ==, 3);
	g_assert_true (mt_store_begin (store, &error));
	g_assert_true (mt_store_put_summed_blob (store, data, len, sha, &error));
	g_assert_true (mt_store_commit (store, &error));
	g_assert_true (mt_store_get_id (store, "SELECT length(data) FROM blobs WHERE sha256 = ?", sha, &n, &error));
	g_assert_cmpint (n, ==, 0);
	back = mt_store_get_blob (store, sha, &error);
	g_assert_no_error (error);
	g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, len);
}

static void
test_blob_missing_is_not_found (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);

	g_assert_null (mt_store_get_blob (store, "00", &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static void
test_secret_created_with_schema (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) one = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) two = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *a = mt_store_secret (one, &error);
	g_autofree char *b = mt_store_secret (two, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (strlen (a), ==, 64);
	g_assert_cmpstr (a, !=, b);
}

static void
test_reopen_keeps_data (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autofree char *first = NULL;
	g_autofree char *second = NULL;

	{
		g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
		g_assert_no_error (error);
		first = mt_store_secret (store, &error);
	}
	{
		g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_EXISTING, &error);
		g_assert_no_error (error);
		second = mt_store_secret (store, &error);
	}
	g_assert_cmpstr (first, ==, second);
	remove_tree (dir);
}

static void
test_existing_mode_needs_a_file (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_EXISTING, &error);

	g_assert_null (store);
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
	g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
	remove_tree (dir);
}

/* An empty file is no database either: opened as it is, SQLite would
 * make it one and the migrations would give it a schema. */
static void
test_existing_mode_needs_a_database_in_the_file (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = NULL;
	struct stat st;

	g_assert_true (g_file_set_contents (path, "", 0, NULL));
	store = mt_store_open (path, 1000, MT_STORE_EXISTING, &error);
	g_assert_null (store);
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
	g_assert_nonnull (strstr (error->message, "database missing: run mailticket init"));
	g_assert_cmpint (g_stat (path, &st), ==, 0);
	g_assert_cmpint (st.st_size, ==, 0);
	remove_tree (dir);
}

/* The MTA's user and the agents' group share the database: it is made
 * 0660, also under a umask that would take the group's rights away, and
 * its WAL (while it lives) the same. */
static void
test_created_0660_whatever_the_umask (void)
{
	static const mode_t masks[] = { 077, 0, 022 };

	for (gsize i = 0; i < G_N_ELEMENTS (masks); i++) {
		g_autofree char *dir = NULL;
		g_autofree char *path = temp_db (&dir);
		g_autofree char *wal = g_strconcat (path, "-wal", NULL);
		g_autoptr (GError) error = NULL;
		mode_t old = umask (masks[i]);
		g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
		struct stat st;

		umask (old);
		g_assert_no_error (error);
		g_assert_cmpint (g_stat (path, &st), ==, 0);
		g_assert_cmpint (st.st_mode & 07777, ==, 0660);
		g_assert_cmpint (g_stat (wal, &st), ==, 0);
		g_assert_cmpint (st.st_mode & 07777, ==, 0660);
		g_clear_pointer (&store, mt_store_close);
		remove_tree (dir);
	}
}

static void
test_busy_is_tempfail (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) holder = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) waiter = mt_store_open (path, 50, MT_STORE_CREATE, &error);

	g_assert_no_error (error);
	g_assert_true (mt_store_begin (holder, &error));
	g_assert_false (mt_store_begin (waiter, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TEMPFAIL);
	mt_store_rollback (holder);
	g_clear_error (&error);
	g_assert_true (mt_store_begin (waiter, &error));
	mt_store_rollback (waiter);
	g_clear_pointer (&holder, mt_store_close);
	g_clear_pointer (&waiter, mt_store_close);
	remove_tree (dir);
}

/* A cached query left at a row after a commit (mail facts read with
 * one step) must not make the next transaction fail once another
 * process has written: two mailticket-send at once did. */
static void
test_begin_after_a_query_left_at_a_row (void)
{
	static const char sql[] = "SELECT key FROM meta";
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) reader = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) writer = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	sqlite3_stmt *stmt;

	g_assert_no_error (error);
	stmt = mt_store_query (reader, sql, &error);
	g_assert_nonnull (stmt);
	g_assert_cmpint (mt_store_step (reader, stmt, &error), ==, SQLITE_ROW);
	g_assert_true (mt_store_begin (writer, &error));
	g_assert_true (sqlite3_exec (mt_store_peek_db (writer), "INSERT INTO meta VALUES ('k', 'v')", NULL, NULL,
				     NULL) == SQLITE_OK);
	g_assert_true (mt_store_commit (writer, &error));
	g_assert_true (mt_store_begin (reader, &error));
	g_assert_no_error (error);
	mt_store_rollback (reader);
	g_clear_pointer (&reader, mt_store_close);
	g_clear_pointer (&writer, mt_store_close);
	remove_tree (dir);
}

static gpointer
release_later (gpointer holder)
{
	g_usleep (30 * 1000);
	mt_store_rollback (holder);
	return NULL;
}

/* A writer that finds the lock taken waits for it, and gets it once it
 * is free, long before busy_timeout. */
static void
test_busy_waits_for_the_lock (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) holder = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) waiter = mt_store_open (path, 60000, MT_STORE_CREATE, &error);
	GThread *thread;
	gint64 started;

	g_assert_no_error (error);
	g_assert_true (mt_store_begin (holder, &error));
	thread = g_thread_new ("release", release_later, holder);
	started = g_get_monotonic_time ();
	g_assert_true (mt_store_begin (waiter, &error));
	g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
	mt_store_rollback (waiter);
	g_thread_join (thread);
	g_clear_pointer (&holder, mt_store_close);
	g_clear_pointer (&waiter, mt_store_close);
	remove_tree (dir);
}

static void
test_rollback_leaves_nothing (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *sha = NULL;
	g_autoptr (GBytes) back = NULL;

	g_assert_true (mt_store_begin (store, &error));
	g_assert_true (mt_store_put_blob (store, (const guint8 *) "abc", 3, &sha, &error));
	mt_store_rollback (store);
	back = mt_store_get_blob (store, sha, &error);
	g_assert_null (back);
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static gboolean
has_blob (MtStore *store, const char *sha)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) bytes = mt_store_get_blob (store, sha, &error);

	if (bytes == NULL)
		g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
	return bytes != NULL;
}

typedef struct {
	const char *text;
	gboolean keep;
	char *sha;
} BlobWrite;

/* Stores w's text, and then fails unless w is to be kept: as a delivery
 * that a rule refuses after it stored its blob. */
static gboolean
put_text (MtStore *store, gpointer data, GError **error)
{
	BlobWrite *w = data;

	if (!mt_store_put_blob (store, (const guint8 *) w->text, strlen (w->text), &w->sha, error))
		return FALSE;
	if (!w->keep)
		g_set_error_literal (error, MT_ERROR, MT_ERROR_DATA, "refused");
	return w->keep;
}

/* One write of the batch, as a delivery's: kept, or failing. */
static char *
batch_write (MtStore *store, const char *text, gboolean keep)
{
	g_autoptr (GError) error = NULL;
	BlobWrite w = { text, keep, NULL };

	g_assert_cmpint (mt_store_batch_write (store, put_text, &w, &error), ==, keep);
	if (keep)
		g_assert_no_error (error);
	else
		g_assert_error (error, MT_ERROR, MT_ERROR_DATA);
	return w.sha;
}

/* A write in a transaction of its own. */
static char *
plain_write (MtStore *store, const char *text)
{
	g_autoptr (GError) error = NULL;
	BlobWrite w = { text, TRUE, NULL };

	g_assert_true (mt_store_begin (store, &error));
	g_assert_true (put_text (store, &w, &error));
	g_assert_true (mt_store_commit (store, &error));
	g_assert_no_error (error);
	return w.sha;
}

/* A batch: each write undone alone, none seen by another connection (on
 * disk) before the batch's commit, all that were kept after it. */
static void
test_batch_each_write_alone (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) other = mt_store_open (path, 1000, MT_STORE_EXISTING, &error);
	g_autofree char *a = NULL, *b = NULL, *c = NULL;

	g_assert_no_error (error);
	g_assert_true (mt_store_batch_begin (store, &error));
	a = batch_write (store, "first", TRUE);
	b = batch_write (store, "second, refused", FALSE);
	c = batch_write (store, "third", TRUE);
	g_assert_true (has_blob (store, a) && !has_blob (store, b) && has_blob (store, c));
	g_assert_false (has_blob (other, a));
	g_assert_true (mt_store_batch_commit (store, &error));
	g_assert_no_error (error);
	g_assert_true (has_blob (other, a) && !has_blob (other, b) && has_blob (other, c));
	/* After the batch, a write commits by itself again. */
	g_free (b);
	b = plain_write (store, "after");
	g_assert_true (has_blob (other, b));
	g_clear_pointer (&store, mt_store_close);
	g_clear_pointer (&other, mt_store_close);
	remove_tree (dir);
}

static void
test_batch_rollback_drops_all (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *a = NULL;

	g_assert_true (mt_store_batch_begin (store, &error));
	a = batch_write (store, "kept, then not", TRUE);
	mt_store_batch_rollback (store);
	g_assert_false (has_blob (store, a));
}

/* What SQLite does to the transaction after some errors (a full disk):
 * rolls it back, whole. */
static gboolean
lose_transaction (MtStore *store, gpointer data, GError **error)
{
	g_assert_cmpint (sqlite3_exec (mt_store_peek_db (store), "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
	g_set_error_literal (error, MT_ERROR, MT_ERROR_TEMPFAIL, "disk full");
	return FALSE;
}

/* SQLite rolls back the whole transaction after some errors (a full
 * disk): the writes kept before are gone, and neither a later write nor
 * the batch's commit may pretend otherwise. */
static void
test_batch_lost_transaction (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *a = NULL;
	BlobWrite later = { "later", TRUE, NULL };

	g_assert_true (mt_store_batch_begin (store, &error));
	a = batch_write (store, "kept, then lost", TRUE);
	g_assert_false (mt_store_batch_write (store, lose_transaction, NULL, &error));
	g_clear_error (&error);
	g_assert_false (mt_store_batch_write (store, put_text, &later, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TEMPFAIL);
	g_assert_null (later.sha);
	g_clear_error (&error);
	g_assert_false (mt_store_batch_commit (store, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TEMPFAIL);
	g_clear_error (&error);
	g_assert_false (has_blob (store, a));
	g_free (a);
	a = plain_write (store, "after");
	g_assert_true (has_blob (store, a));
}

/* A write of a batch is no transaction of its own: beginning one inside
 * the batch fails, and the batch goes on. */
static void
test_batch_begin_inside_fails (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *a = NULL;

	g_assert_true (mt_store_batch_begin (store, &error));
	a = batch_write (store, "first", TRUE);
	g_assert_false (mt_store_begin (store, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_INTERNAL);
	g_clear_error (&error);
	g_assert_true (mt_store_batch_commit (store, &error));
	g_assert_no_error (error);
	g_assert_true (has_blob (store, a));
}

static void
put_blob_of (MtStore *store, gsize size, char fill)
{
	g_autoptr (GError) error = NULL;
	g_autofree guint8 *data = g_malloc (size);
	g_autofree char *sha = NULL;

	memset (data, fill, size);
	g_assert_true (mt_store_begin (store, &error));
	g_assert_true (mt_store_put_blob (store, data, size, &sha, &error));
	g_assert_true (mt_store_commit (store, &error));
	g_assert_no_error (error);
}

/* With checkpoints later, a commit leaves a full WAL to the caller, up to
 * four times full; the caller's checkpoint copies it. */
static void
test_checkpoint_later (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_CREATE, &error);

	g_assert_no_error (error);
	mt_store_set_checkpoint_later (store, TRUE);
	put_blob_of (store, 100 * 4096, 'a');
	g_assert_false (mt_store_checkpoint_due (store));
	for (int i = 0; i < 4; i++)
		put_blob_of (store, 100 * 4096, 'b' + i);
	g_assert_true (mt_store_checkpoint_due (store));
	mt_store_checkpoint (store);
	g_assert_false (mt_store_checkpoint_due (store));
	/* Four times full: the commit copies it itself. */
	put_blob_of (store, 1700 * 4096, 'z');
	g_assert_false (mt_store_checkpoint_due (store));
	g_clear_pointer (&store, mt_store_close);
	remove_tree (dir);
}

/* The rate limit of acknowledgements runs for every new ticket: it must
 * find an address's mail by index, not by reading every recipient of
 * every message ever sent. */
static void
test_count_to_reads_no_table_in_full (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	sqlite3 *db = mt_store_peek_db (store);
	gint64 count = -1;
	int scanned = 0;

	g_assert_cmpint (
		sqlite3_exec (db,
			      "INSERT INTO blobs (sha256, size, data) VALUES ('x', 1, 'x');"
			      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200)"
			      " INSERT INTO outbox (id, kind, message_id, blob, envelope_from, next_attempt, created)"
			      " SELECT i, 'ack', 'm' || i, 'x', '', 0, 100 FROM c;"
			      "INSERT INTO outbox_recipients (outbox, address)"
			      " SELECT id, 'c' || id || '@example.com' FROM outbox;",
			      NULL, NULL, NULL),
		==, SQLITE_OK);
	g_assert_true (mt_outbox_count_to (store, "ack", "c7@example.com", 50, &count, &error));
	g_assert_cmpint (count, ==, 1);
	for (sqlite3_stmt *s = sqlite3_next_stmt (db, NULL); s; s = sqlite3_next_stmt (db, s))
		scanned += sqlite3_stmt_status (s, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	g_assert_cmpint (scanned, ==, 0);
}

static goffset
file_size (const char *path)
{
	GStatBuf st;

	return g_stat (path, &st) == 0 ? st.st_size : -1;
}

/* One connection at a time, as the MTA runs one process per message:
 * stores a blob of size bytes and closes. */
static void
store_alone (const char *path, gsize size, guint seed)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autofree guint8 *data = g_malloc (size);
	g_autofree char *sha = NULL;

	for (gsize i = 0; i < size; i++)
		data[i] = (guint8) g_random_int ();
	memcpy (data, &seed, sizeof seed);
	g_assert_no_error (error);
	g_assert_true (mt_store_begin (store, &error));
	g_assert_true (mt_store_put_blob (store, data, size, &sha, &error));
	g_assert_true (mt_store_commit (store, &error));
}

static gint64
count (MtStore *store, const char *sql)
{
	g_autoptr (GError) error = NULL;
	sqlite3_stmt *stmt = mt_store_query (store, sql, &error);
	gint64 n = -1;

	g_assert_no_error (error);
	g_assert_true (mt_store_get_int (store, stmt, &n, &error));
	return n;
}

/* The commit is what makes a message durable (synchronous=FULL syncs
 * the WAL); the last connection leaves it in the WAL rather than
 * copying it into the database at every close. */
static void
test_wal_kept_after_close (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autofree char *wal = g_strconcat (path, "-wal", NULL);

	store_alone (path, 1000, 1);
	g_assert_cmpint (file_size (wal), >, 0);
	{
		g_autoptr (GError) error = NULL;
		g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_EXISTING, &error);

		g_assert_no_error (error);
		g_assert_cmpint (count (store, "SELECT count(*) FROM blobs"), ==, 1);
	}
	remove_tree (dir);
}

/* Connection after connection, the WAL is emptied once it passes about
 * 4 MB: it never grows much beyond that, and nothing is lost. */
static void
test_wal_bounded_across_connections (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autofree char *wal = g_strconcat (path, "-wal", NULL);
	goffset largest = 0;
	gboolean emptied = FALSE;

	for (guint i = 0; i < 200; i++) {
		goffset size;

		store_alone (path, 60 * 1024, i);
		size = file_size (wal);
		largest = MAX (largest, size);
		emptied = emptied || size == 0;
	}
	g_assert_true (emptied);
	g_assert_cmpint (largest, <, 5 * 1024 * 1024);
	{
		g_autoptr (GError) error = NULL;
		g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_EXISTING, &error);
		sqlite3_stmt *stmt = mt_store_query (store, "SELECT count(*) FROM blobs", &error);
		gint64 n = 0;

		g_assert_true (mt_store_get_int (store, stmt, &n, &error));
		g_assert_cmpint (n, ==, 200);
	}
	remove_tree (dir);
}

/* One segment of the search index for each document: every write is
 * its own transaction, as deliveries are. */
static void
index_one_by_one (MtStore *store, int n)
{
	for (int i = 1; i <= n; i++) {
		g_autofree char *sql = g_strdup_printf (
			"INSERT INTO article_search (rowid, subject, text) VALUES (%d, 'word%d', 'text')", i, i);
		g_assert_cmpint (sqlite3_exec (mt_store_peek_db (store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
	}
}

/* Deliveries leave up to seven segments a level (sql/0009); a merge
 * joins the levels of four or more, says it did, and says so no more
 * once there is nothing left; every word is still found. */
static void
test_search_merge_joins_segments (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	gboolean more = FALSE;
	int calls = 0;

	g_assert_no_error (error);
	index_one_by_one (store, 6);
	g_assert_cmpint (count (store, "SELECT count(*) FROM article_search_idx"), ==, 6);
	g_assert_true (mt_search_merge (store, 64, &more, &error));
	g_assert_no_error (error);
	g_assert_true (more);
	while (more && calls++ < 10)
		g_assert_true (mt_search_merge (store, 64, &more, &error));
	g_assert_false (more);
	g_assert_cmpint (count (store, "PRAGMA synchronous"), ==, 2);
	g_assert_cmpint (count (store, "SELECT count(*) FROM article_search_idx"), ==, 1);
	g_assert_cmpint (
		count (store, "SELECT count(*) FROM article_search WHERE article_search MATCH 'word6 OR word1'"), ==,
		2);
}

/* An article with the given text in a ticket of its own, in a transaction. */
static gint64
add_article (MtStore *store, const char *text)
{
	g_autoptr (GError) error = NULL;
	MtTicketNew t = { .type = "mail", .subject = "Drucker", .now = 1 };
	MtArticleNew a = { .kind = "email-in", .text = text, .now = 1 };
	gint64 ticket = 0, article = 0;

	g_assert_true (mt_store_begin (store, &error));
	g_assert_true (mt_ticket_create (store, &t, &ticket, &error));
	g_assert_true (mt_ticket_add_article (store, ticket, &a, &article, &error));
	g_assert_true (mt_store_commit (store, &error));
	g_assert_no_error (error);
	return article;
}

/* Not through mt_store_query(), which keeps statements by the address of their text. */
static gint64
hits (MtStore *store, const char *query)
{
	sqlite3_stmt *stmt = NULL;
	gint64 n;

	g_assert_cmpint (sqlite3_prepare_v2 (mt_store_peek_db (store),
					     "SELECT count(*) FROM article_search WHERE article_search MATCH ?", -1,
					     &stmt, NULL),
			 ==, SQLITE_OK);
	sqlite3_bind_text (stmt, 1, query, -1, SQLITE_STATIC);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	n = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	return n;
}

/* Indexed as it is stored, unless the process indexes later (the
 * delivery server): then it is pending, and found once indexed. */
static void
test_search_later (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	gint64 left = -1;

	add_article (store, "Toner leer");
	g_assert_cmpint (hits (store, "toner"), ==, 1);
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 0);

	mt_search_set_index_later (TRUE);
	add_article (store, "Papierstau im Fach");
	add_article (store, "Papier knapp");
	g_assert_cmpint (hits (store, "papier*"), ==, 0);
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 2);
	g_assert_true (mt_search_index_pending (store, 1, &left, &error));
	g_assert_no_error (error);
	g_assert_cmpint (left, ==, 1);
	g_assert_cmpint (hits (store, "papierstau"), ==, 1);
	g_assert_cmpint (hits (store, "knapp"), ==, 0);
	g_assert_true (mt_search_index_pending (store, 64, &left, &error));
	g_assert_cmpint (left, ==, 0);
	g_assert_cmpint (hits (store, "papier*"), ==, 2);
	g_assert_cmpint (count (store, "PRAGMA synchronous"), ==, 2);
	g_assert_true (mt_search_check (store, &error));
	g_assert_no_error (error);
	mt_search_set_index_later (FALSE);
}

static gboolean
count_hit (const MtSearchRow *row, gpointer data)
{
	(*(int *) data)++;
	return TRUE;
}

/* A search finds an article not indexed yet, and leaves it pending: it
 * writes nothing. Once indexed, the article is one hit still. */
static void
test_search_finds_pending (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	int found = 0;
	gint64 left;

	mt_search_set_index_later (TRUE);
	add_article (store, "Toner leer");
	g_assert_true (mt_search (store, "toner", 0, count_hit, &found, &error));
	g_assert_no_error (error);
	g_assert_cmpint (found, ==, 1);
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 1);
	g_assert_cmpint (hits (store, "toner"), ==, 0);
	g_assert_true (mt_search_index_pending (store, 64, &left, &error));
	found = 0;
	g_assert_true (mt_search (store, "toner", 0, count_hit, &found, &error));
	g_assert_cmpint (found, ==, 1);
	mt_search_set_index_later (FALSE);
}

/* More pending than one transaction of mt_search_index_all() takes:
 * all of them indexed. */
static void
test_search_index_all_in_batches (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);

	mt_search_set_index_later (TRUE);
	for (int i = 0; i < 600; i++)
		add_article (store, "Toner leer");
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 600);
	g_assert_true (mt_search_index_all (store, &error));
	g_assert_no_error (error);
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 0);
	g_assert_cmpint (hits (store, "toner"), ==, 600);
	g_assert_true (mt_search_check (store, &error));
	g_assert_no_error (error);
	mt_search_set_index_later (FALSE);
}

/* What a pending article goes through before it is indexed (its text
 * changed, attachments added and renamed) leaves the index matching the
 * articles, and so does what comes to it afterwards; a new article
 * indexes the pending ones with it. */
static void
test_search_pending_changes (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	sqlite3 *db = mt_store_peek_db (store);
	g_autofree char *sql = NULL;
	gint64 article, left;

	mt_search_set_index_later (TRUE);
	article = add_article (store, "Toner leer");
	sql = g_strdup_printf ("UPDATE articles SET text = 'Trommel defekt' WHERE id = %" G_GINT64_FORMAT ";"
			       "INSERT INTO attachments (article, position, name, type, size, part)"
			       " VALUES (%" G_GINT64_FORMAT ", 1, 'alt.pdf', 'application/pdf', 1, '2');"
			       "UPDATE attachments SET name = 'rechnung.pdf';",
			       article, article);
	g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
	g_assert_true (mt_search_check (store, &error));
	g_assert_no_error (error);
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 0);
	g_assert_cmpint (hits (store, "toner OR alt"), ==, 0);
	g_assert_cmpint (hits (store, "trommel"), ==, 1);
	g_assert_cmpint (hits (store, "rechnung"), ==, 1);

	g_assert_cmpint (sqlite3_exec (db, "UPDATE attachments SET name = 'lieferschein.pdf'", NULL, NULL, NULL), ==,
			 SQLITE_OK);
	g_assert_cmpint (hits (store, "rechnung"), ==, 0);
	g_assert_cmpint (hits (store, "lieferschein"), ==, 1);

	add_article (store, "Kabel fehlt");
	mt_search_set_index_later (FALSE);
	add_article (store, "Netzteil summt");
	g_assert_cmpint (count (store, "SELECT count(*) FROM search_pending"), ==, 0);
	g_assert_cmpint (hits (store, "kabel OR netzteil"), ==, 2);
	g_assert_true (mt_search_index_pending (store, 64, &left, &error));
	g_assert_cmpint (left, ==, 0);
	g_assert_true (mt_search_check (store, &error));
	g_assert_no_error (error);
}

/* Upkeep never waits for a writer: it fails at once, and retryably, and
 * leaves the connection syncing every commit as before. */
static void
test_upkeep_does_not_wait (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) holder = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) tidier = mt_store_open (path, 60000, MT_STORE_CREATE, &error);
	gint64 started = g_get_monotonic_time ();
	gboolean more = TRUE;

	g_assert_no_error (error);
	index_one_by_one (tidier, 5);
	g_assert_true (mt_store_begin (holder, &error));
	g_assert_false (mt_search_merge (tidier, 64, &more, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TEMPFAIL);
	g_assert_false (more);
	g_assert_cmpint (count (tidier, "PRAGMA synchronous"), ==, 2); /* FULL again for deliveries */
	g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
	mt_store_rollback (holder);
	g_clear_error (&error);
	g_assert_true (mt_search_merge (tidier, 64, &more, &error));
	g_assert_true (more);
	g_clear_pointer (&holder, mt_store_close);
	g_clear_pointer (&tidier, mt_store_close);
	remove_tree (dir);
}

/* mt_store_empty_wal() leaves an empty WAL when no one reads, and says
 * so; with a reader in the middle of a transaction it says it could not. */
static void
test_empty_wal (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = temp_db (&dir);
	g_autofree char *wal = g_strconcat (path, "-wal", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtStore) reader = mt_store_open (path, 1000, MT_STORE_CREATE, &error);
	sqlite3_stmt *stmt;

	g_assert_no_error (error);
	index_one_by_one (store, 3);
	stmt = mt_store_query (reader, "SELECT key FROM meta", &error);
	g_assert_cmpint (mt_store_step (reader, stmt, &error), ==, SQLITE_ROW);
	index_one_by_one (store, 1);
	g_assert_false (mt_store_empty_wal (store));
	g_assert_cmpint (file_size (wal), >, 0);
	sqlite3_reset (stmt);
	g_assert_true (mt_store_empty_wal (store));
	g_assert_cmpint (file_size (wal), ==, 0);
	g_assert_cmpint (count (reader, "SELECT count(*) FROM article_search WHERE article_search MATCH 'word1'"), ==,
			 1);
	g_clear_pointer (&reader, mt_store_close);
	g_clear_pointer (&store, mt_store_close);
	remove_tree (dir);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/store/migrations/apply-in-order", test_migrations_apply);
	g_test_add_func ("/store/sql/every-statement-prepares", test_every_statement_prepares);
	g_test_add_func ("/store/blob/round-trip", test_blob_round_trip);
	g_test_add_func ("/store/blob/empty", test_blob_empty);
	g_test_add_func ("/store/blob/missing-is-not-found", test_blob_missing_is_not_found);
	g_test_add_func ("/store/blob/staged-in-pieces", test_blob_staged);
	g_test_add_func ("/store/secret/created-with-schema", test_secret_created_with_schema);
	g_test_add_func ("/store/open/reopen-keeps-data", test_reopen_keeps_data);
	g_test_add_func ("/store/open/existing-needs-a-file", test_existing_mode_needs_a_file);
	g_test_add_func ("/store/open/existing-empty-file-is-none", test_existing_mode_needs_a_database_in_the_file);
	g_test_add_func ("/store/open/created-0660-whatever-the-umask", test_created_0660_whatever_the_umask);
	g_test_add_func ("/store/transaction/busy-is-tempfail", test_busy_is_tempfail);
	g_test_add_func ("/store/transaction/busy-waits-for-the-lock", test_busy_waits_for_the_lock);
	g_test_add_func ("/store/transaction/rollback-leaves-nothing", test_rollback_leaves_nothing);
	g_test_add_func ("/store/transaction/begin-after-a-query-left-at-a-row",
			 test_begin_after_a_query_left_at_a_row);
	g_test_add_func ("/store/sql/ack-rate-limit-reads-no-table-in-full", test_count_to_reads_no_table_in_full);
	g_test_add_func ("/store/wal/kept-after-close", test_wal_kept_after_close);
	g_test_add_func ("/store/wal/bounded-across-connections", test_wal_bounded_across_connections);
	g_test_add_func ("/store/wal/emptied-unless-read", test_empty_wal);
	g_test_add_func ("/store/upkeep/does-not-wait-for-a-writer", test_upkeep_does_not_wait);
	g_test_add_func ("/store/batch/each-write-alone", test_batch_each_write_alone);
	g_test_add_func ("/store/batch/rollback-drops-all", test_batch_rollback_drops_all);
	g_test_add_func ("/store/batch/lost-transaction", test_batch_lost_transaction);
	g_test_add_func ("/store/batch/begin-inside-fails", test_batch_begin_inside_fails);
	g_test_add_func ("/store/checkpoint/later", test_checkpoint_later);
	g_test_add_func ("/store/search/merge-joins-segments", test_search_merge_joins_segments);
	g_test_add_func ("/store/search/later", test_search_later);
	g_test_add_func ("/store/search/finds-pending-without-writing", test_search_finds_pending);
	g_test_add_func ("/store/search/pending-changes", test_search_pending_changes);
	g_test_add_func ("/store/search/index-all-in-batches", test_search_index_all_in_batches);
	return g_test_run ();
}
