/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-import.c - mt_import() on mailboxes written here: an mbox message
 * is stored as its bytes in the file (its quoted ">From " lines kept,
 * the separating empty line not), dated by its Date header or else by
 * its From_ line; a Maildir's messages go in the order of their names;
 * a second import adds nothing; nothing is queued for anyone.
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailticket/import.h"
#include "mailticket/message.h"

typedef struct {
	char *dir;
	MtConfig *config;
	MtStore *store;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *conf = NULL, *db = NULL;

	f->dir = g_dir_make_tmp ("mt-import-XXXXXX", &error);
	g_assert_no_error (error);
	conf = g_build_filename (f->dir, "mailticket.conf", NULL);
	db = g_build_filename (f->dir, "t.db", NULL);
	g_assert_true (
		g_file_set_contents (conf, "[mail]\ndomain = example.org\naddress = support@example.org\n", -1, NULL));
	f->config = mt_config_load (conf, db, &error);
	g_assert_no_error (error);
	f->store = mt_store_open (db, 1000, MT_STORE_CREATE, &error);
	g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
	g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

	mt_store_close (f->store);
	mt_config_free (f->config);
	g_assert_cmpint (system (cmd), ==, 0);
	g_free (f->dir);
}

/* The first column of the first row of sql, as text; owned. */
static char *
query (Fixture *f, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	char *text = NULL;

	g_assert_cmpint (sqlite3_prepare_v2 (mt_store_peek_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
	if (sqlite3_step (stmt) == SQLITE_ROW)
		text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	sqlite3_finalize (stmt);
	return text;
}

static void
import (Fixture *f, const char *path, MtImportStats *stats)
{
	g_autoptr (GError) error = NULL;
	char *paths[] = { (char *) path, NULL };
	MtImportOptions options = { 0 };

	g_assert_true (mt_import (f->store, f->config, paths, &options, stats, &error));
	g_assert_no_error (error);
}

static const char FIRST[] = "From: Anna <anna@customer.example>\n"
			    "To: support@example.org\n"
			    "Subject: the printer\n"
			    "Date: Mon, 02 Jan 2023 10:00:00 +0000\n"
			    "Message-ID: <one@customer.example>\n"
			    "\n"
			    "It is broken.\n"
			    ">From the start.\n";
static const char SECOND[] = "From: Anna <anna@customer.example>\n"
			     "To: support@example.org\n"
			     "Subject: Re: the printer\n"
			     "In-Reply-To: <one@customer.example>\n"
			     "Message-ID: <two@customer.example>\n"
			     "\n"
			     "Still.\n";

static void
test_mbox (Fixture *f, gconstpointer data)
{
	g_autofree char *path = g_build_filename (f->dir, "old.mbox", NULL);
	g_autofree char *mbox = g_strconcat ("From anna@customer.example Mon Jan  2 10:00:00 2023\n", FIRST, "\n",
					     "From anna@customer.example Tue Jan  3 11:00:00 2023\n", SECOND, NULL);
	g_autofree char *bytes = NULL, *date = NULL, *tickets = NULL, *outbox = NULL;
	MtImportStats stats;

	g_assert_true (g_file_set_contents (path, mbox, -1, NULL));
	import (f, path, &stats);
	g_assert_cmpuint (stats.messages, ==, 2);
	g_assert_cmpuint (stats.new_tickets, ==, 1);
	g_assert_cmpuint (stats.appended, ==, 1);
	g_assert_cmpuint (stats.total, ==, strlen (mbox));
	g_assert_cmpuint (stats.bytes, ==, strlen (mbox));
	bytes = query (f, "SELECT CAST(b.data AS TEXT) FROM blobs b JOIN articles a ON a.blob = b.sha256"
			  " WHERE a.message_id = 'one@customer.example'");
	g_assert_cmpstr (bytes, ==, FIRST);
	date = query (f, "SELECT created FROM articles WHERE message_id = 'two@customer.example'");
	g_assert_cmpstr (date, ==, "1672743600"); /* the From_ line's: 2023-01-03 11:00 UTC */
	tickets = query (f, "SELECT group_concat(status) FROM tickets");
	g_assert_cmpstr (tickets, ==, "closed");
	outbox = query (f, "SELECT count(*) FROM outbox");
	g_assert_cmpstr (outbox, ==, "0");

	import (f, path, &stats);
	g_assert_cmpuint (stats.messages, ==, 2);
	g_assert_cmpuint (stats.duplicates, ==, 2);
}

static const char MULTIPART[] = "From: Anna <anna@customer.example>\r\n"
				"To: support@example.org\r\n"
				"Subject: the log\r\n"
				"Message-ID: <log@customer.example>\r\n"
				"MIME-Version: 1.0\r\n"
				"Content-Type: multipart/mixed; boundary=b\r\n"
				"\r\n"
				"--b\r\n"
				"Content-Type: text/plain\r\n"
				"\r\n"
				"Here it is.\r\n"
				"--b\r\n"
				"Content-Type: text/plain; name=vpn.log\r\n"
				"Content-Disposition: attachment; filename=vpn.log\r\n"
				"\r\n"
				">From 10:00 on it failed.\r\n"
				"--b--\r\n";

/* GMime's parser sees the mbox masked (import-mask.c): a message of
 * several parts and CRLF line ends is still one message, stored as its
 * bytes, and parsed whole by the delivery. */
static void
test_mbox_multipart (Fixture *f, gconstpointer data)
{
	g_autofree char *path = g_build_filename (f->dir, "parts.mbox", NULL);
	g_autofree char *mbox = g_strconcat ("From anna@customer.example Mon Jan  2 10:00:00 2023\r\n", MULTIPART,
					     "\r\nFrom anna@customer.example Tue Jan  3 11:00:00 2023\n", FIRST, NULL);
	g_autofree char *bytes = NULL, *attachment = NULL;
	MtImportStats stats;

	g_assert_true (g_file_set_contents (path, mbox, -1, NULL));
	import (f, path, &stats);
	g_assert_cmpuint (stats.messages, ==, 2);
	g_assert_cmpuint (stats.new_tickets, ==, 2);
	bytes = query (f, "SELECT CAST(b.data AS TEXT) FROM blobs b JOIN articles a ON a.blob = b.sha256"
			  " WHERE a.message_id = 'log@customer.example'");
	g_assert_cmpstr (bytes, ==, MULTIPART);
	attachment = query (f, "SELECT name FROM attachments");
	g_assert_cmpstr (attachment, ==, "vpn.log");
}

static void
test_maildir_order (Fixture *f, gconstpointer data)
{
	g_autofree char *cur = g_build_filename (f->dir, "md", "cur", NULL);
	g_autofree char *later = g_build_filename (cur, "1700000002.b:2,S", NULL);
	g_autofree char *earlier = g_build_filename (cur, "1700000001.a:2,S", NULL);
	g_autofree char *md = g_build_filename (f->dir, "md", NULL);
	g_autofree char *first = NULL;
	MtImportStats stats;

	g_assert_cmpint (g_mkdir_with_parents (cur, 0700), ==, 0);
	/* The reply is written first; its name says it came second. */
	g_assert_true (g_file_set_contents (later, SECOND, -1, NULL));
	g_assert_true (g_file_set_contents (earlier, FIRST, -1, NULL));
	import (f, md, &stats);
	g_assert_cmpuint (stats.new_tickets, ==, 1);
	g_assert_cmpuint (stats.appended, ==, 1);
	first = query (f, "SELECT message_id FROM articles ORDER BY id LIMIT 1");
	g_assert_cmpstr (first, ==, "one@customer.example");
}

static void
test_no_mailbox (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	char *paths[] = { f->dir, NULL };
	MtImportOptions options = { 0 };
	MtImportStats stats;

	g_assert_false (mt_import (f->store, f->config, paths, &options, &stats, &error));
	g_assert_nonnull (error);
	g_assert_nonnull (strstr (error->message, "no Maildir"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	mt_message_init ();
	g_test_add ("/import/mbox/bytes-dates-once", Fixture, NULL, setup, test_mbox, teardown);
	g_test_add ("/import/mbox/multipart-whole", Fixture, NULL, setup, test_mbox_multipart, teardown);
	g_test_add ("/import/maildir/in-name-order", Fixture, NULL, setup, test_maildir_order, teardown);
	g_test_add ("/import/path/no-mailbox-refused", Fixture, NULL, setup, test_no_mailbox, teardown);
	return g_test_run ();
}
