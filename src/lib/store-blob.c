/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store-blob.c - the raw messages, kept by their sha256
 * DESCRIPTION
 *	Every message is stored as it came, once: a blob keyed by the
 *	sha256 of its bytes, so that the same bytes delivered again find
 *	their blob and a retry after a crash stores nothing twice. Large
 *	messages are written with SQLite's incremental blob I/O, into a
 *	zeroblob of their size, so that they are not copied in memory.
 */
#include "mailticket/error.h"
#include "store-private.h"

const char STORE_SQL_BLOB_FIND[] = "SELECT rowid FROM blobs WHERE sha256 = :sha256";
const char STORE_SQL_BLOB_INSERT[] = "INSERT INTO blobs (sha256, size, data) VALUES (:sha256, :size, zeroblob(:size))";
const char STORE_SQL_BLOB_GET[] = "SELECT data FROM blobs WHERE sha256 = :sha256";
const char STORE_SQL_BLOB_UNUSED[] =
	"DELETE FROM blobs WHERE sha256 NOT IN (SELECT blob FROM articles WHERE blob IS NOT NULL)"
	" AND sha256 NOT IN (SELECT blob FROM outbox) AND sha256 NOT IN (SELECT blob FROM quarantine)";

static gboolean
write_blob (MtStore *store, gint64 rowid, const guint8 *data, gsize len, GError **error)
{
	sqlite3_blob *blob = NULL;
	int rc;

	if (len == 0)
		return TRUE;
	rc = sqlite3_blob_open (store->db, "main", "blobs", "data", rowid, 1, &blob);
	if (rc == SQLITE_OK)
		rc = sqlite3_blob_write (blob, data, (int) len, 0);
	if (blob != NULL) {
		int rc_close = sqlite3_blob_close (blob);
		if (rc == SQLITE_OK)
			rc = rc_close;
	}
	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, store->db, rc, "write message");
	return TRUE;
}

char *
mt_store_blob_sum (const guint8 *data, gsize len)
{
	return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

gboolean
mt_store_put_summed_blob (MtStore *store, const guint8 *data, gsize len, const char *sha256, GError **error)
{
	sqlite3_stmt *stmt;
	gint64 rowid;

	if (len > G_MAXINT) {
		g_set_error (error, MT_ERROR, MT_ERROR_TOO_BIG, "message of %zu bytes is too big to store", len);
		return FALSE;
	}
	if (!(stmt = mt_store_query (store, STORE_SQL_BLOB_FIND, error)))
		return FALSE;
	mt_store_bind_text (stmt, ":sha256", sha256);
	if (!mt_store_get_int (store, stmt, &rowid, error))
		return FALSE;
	if (rowid != 0)
		return TRUE;
	if (!(stmt = mt_store_query (store, STORE_SQL_BLOB_INSERT, error)))
		return FALSE;
	mt_store_bind_text (stmt, ":sha256", sha256);
	mt_store_bind_int (stmt, ":size", (gint64) len);
	return mt_store_exec_stmt (store, stmt, error) &&
	       write_blob (store, mt_store_last_id (store), data, len, error);
}

gboolean
mt_store_put_blob (MtStore *store, const guint8 *data, gsize len, char **sha256, GError **error)
{
	g_autofree char *sum = mt_store_blob_sum (data, len);

	if (!mt_store_put_summed_blob (store, data, len, sum, error))
		return FALSE;
	*sha256 = g_steal_pointer (&sum);
	return TRUE;
}

GBytes *
mt_store_get_blob (MtStore *store, const char *sha256, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, STORE_SQL_BLOB_GET, error);
	GBytes *bytes;
	int rc;

	if (stmt == NULL)
		return NULL;
	mt_store_bind_text (stmt, ":sha256", sha256);
	rc = mt_store_step (store, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == SQLITE_DONE) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no stored message %s", sha256);
		return NULL;
	}
	bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
	sqlite3_reset (stmt);
	return bytes;
}

gboolean
mt_store_drop_unused_blobs (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, STORE_SQL_BLOB_UNUSED, error);

	return stmt != NULL && mt_store_exec_stmt (store, stmt, error);
}
