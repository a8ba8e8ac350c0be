/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-deliver.c - mt_deliver() when the database refuses to grow: a
 * temporary failure, nothing stored, and nothing left in the result.
 * SQLite's max_page_count stands in for a full disk; the message's text
 * needs more pages than the database has free.
 *
 * And a message prepared apart from its delivery (as the delivery
 * server does) under another size limit than the config's when it is
 * delivered: the config's limit decides.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mailticket/deliver.h"
#include "mailticket/error.h"
#include "mailticket/message.h"

static const char MESSAGE[] = "From: Anna <anna@customer.example>\n"
			      "To: support@example.org\n"
			      "Subject: the printer\n"
			      "Message-ID: <full@customer.example>\n"
			      "\n"
			      "It is broken.\n";

static gint64
count (MtStore *store, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	gint64 n;

	g_assert_cmpint (sqlite3_prepare_v2 (mt_store_peek_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
	n = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	return n;
}

/* Regression: a failure after the message was parsed (a full disk at the
 * INSERT or the COMMIT) left its Message-ID in the result, which the
 * callers free only after success: a leak that AddressSanitizer turned
 * into exit 1, a bounce. */
static void
test_full_database (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("mt-deliver-XXXXXX", &error);
	g_autofree char *conf = g_build_filename (dir, "mailticket.conf", NULL);
	g_autofree char *db = g_build_filename (dir, "t.db", NULL);
	g_autofree char *limit = NULL;
	g_autofree char *sha256 = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autoptr (MtStore) store = NULL;
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	MtDeliverOptions options = { "anna@customer.example", "support@example.org", FALSE };
	MtDeliverResult result;

	g_assert_no_error (error);
	g_assert_true (g_file_set_contents (conf, "[mail]\ndomain = example.org\n", -1, NULL));
	config = mt_config_load (conf, db, &error);
	g_assert_no_error (error);
	store = mt_store_open (db, 1000, MT_STORE_CREATE, &error);
	g_assert_no_error (error);
	g_byte_array_append (raw, (const guint8 *) MESSAGE, strlen (MESSAGE));
	for (int i = 0; i < 2000; i++)
		g_byte_array_append (raw, (const guint8 *) "The printer is still broken.\n", 29);
	/* The bytes are there already (as after a quarantine), so that the
	 * failure comes after the message was parsed, at its article. */
	g_assert_true (mt_store_put_blob (store, raw->data, raw->len, &sha256, &error));
	/* No free page left in the file, and not one more allowed. */
	g_assert_cmpint (sqlite3_exec (mt_store_peek_db (store), "VACUUM", NULL, NULL, NULL), ==, SQLITE_OK);
	limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, count (store, "PRAGMA page_count"));
	g_assert_cmpint (sqlite3_exec (mt_store_peek_db (store), limit, NULL, NULL, NULL), ==, SQLITE_OK);

	g_assert_false (mt_deliver (store, config, raw, &options, &result, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TEMPFAIL);
	g_assert_null (result.message_id);
	g_assert_null (result.decision.matched);
	g_assert_cmpint (count (store, "SELECT count(*) FROM articles"), ==, 0);
	g_assert_cmpint (count (store, "SELECT count(*) FROM tickets"), ==, 0);

	g_clear_pointer (&store, mt_store_close);
	g_unlink (db);
	g_unlink (conf);
	g_rmdir (dir);
}

static void
test_prepared_limit (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("mt-deliver-XXXXXX", &error);
	g_autofree char *conf = g_build_filename (dir, "mailticket.conf", NULL);
	g_autofree char *db = g_build_filename (dir, "t.db", NULL);
	g_autofree char *query = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autoptr (MtStore) store = NULL;
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	MtDeliverOptions options = { "anna@customer.example", "support@example.org", FALSE };
	MtDeliverResult result;
	MtDeliverInput input;

	g_assert_no_error (error);
	/* A file of its own: never the host's /etc/mailticket. */
	g_assert_true (g_file_set_contents (conf, "[mail]\ndomain = example.org\n", -1, NULL));
	config = mt_config_load (conf, db, &error);
	g_assert_no_error (error);
	store = mt_store_open (db, 1000, MT_STORE_CREATE, &error);
	g_assert_no_error (error);
	g_byte_array_append (raw, (const guint8 *) MESSAGE, strlen (MESSAGE));

	/* Prepared under a limit the config no longer has: refused. */
	mt_deliver_prepare (&input, raw, G_MAXUINT64);
	g_assert_nonnull (input.message);
	config->max_message_size = raw->len - 1;
	g_assert_false (mt_deliver_prepared (store, config, &input, &options, &result, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_TOO_BIG);
	g_clear_error (&error);
	g_assert_cmpint (count (store, "SELECT count(*) FROM blobs"), ==, 0);
	mt_deliver_input_clear (&input);

	/* Too big when prepared, within the config's limit when delivered:
	 * summed and parsed then, and stored under its sum. */
	mt_deliver_prepare (&input, raw, raw->len - 1);
	g_assert_null (input.sha256);
	g_assert_null (input.message);
	config->max_message_size = raw->len;
	g_assert_true (mt_deliver_prepared (store, config, &input, &options, &result, &error));
	g_assert_no_error (error);
	g_assert_cmpint (result.action, ==, MT_DELIVER_NEW);
	g_assert_cmpstr (result.message_id, ==, "full@customer.example");
	query = g_strdup_printf ("SELECT count(*) FROM articles JOIN blobs ON blobs.sha256 = articles.blob "
				 "WHERE blobs.sha256 = '%s'",
				 input.sha256);
	g_assert_cmpint (count (store, query), ==, 1);
	mt_deliver_result_clear (&result);
	mt_deliver_input_clear (&input);

	g_clear_pointer (&store, mt_store_close);
	g_unlink (db);
	g_unlink (conf);
	g_rmdir (dir);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	mt_message_init ();
	g_test_add_func ("/deliver/full-database/tempfail-nothing-left", test_full_database);
	g_test_add_func ("/deliver/prepared/the-config-limit-decides", test_prepared_limit);
	return g_test_run ();
}
