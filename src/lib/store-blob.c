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
 *
 *	A message over CHUNK_BYTES may be staged first (mt_store_stage_blob()):
 *	written in pieces of CHUNK_BYTES to blob_chunks, each in a
 *	transaction of its own, so that none holds the write lock for long
 *	(sql/0017). Its row in blobs then has empty data and its size, and
 *	is read back from the pieces.
 */
#include "mailticket/error.h"
#include "store-private.h"

/* About 0.1 s of the write lock on a 2-core machine with a plain disk,
 * the sync at COMMIT included. */
#define CHUNK_BYTES (4 * 1024 * 1024)

const char STORE_SQL_BLOB_FIND[] = "SELECT rowid FROM blobs WHERE sha256 = :sha256";
const char STORE_SQL_BLOB_INSERT[] =
	"INSERT INTO blobs (sha256, size, data) VALUES (:sha256, :size, zeroblob(:written))";
const char STORE_SQL_BLOB_GET[] = "SELECT data, size FROM blobs WHERE sha256 = :sha256";
const char STORE_SQL_BLOB_UNUSED[] =
	"DELETE FROM blobs WHERE sha256 NOT IN (SELECT blob FROM articles WHERE blob IS NOT NULL)"
	" AND sha256 NOT IN (SELECT blob FROM outbox) AND sha256 NOT IN (SELECT blob FROM quarantine)";
const char STORE_SQL_CHUNK_PUT[] =
	"INSERT OR REPLACE INTO blob_chunks (sha256, seq, data) VALUES (:sha256, :seq, :data)";
const char STORE_SQL_CHUNKS_SIZE[] = "SELECT coalesce(sum(length(data)), 0) FROM blob_chunks WHERE sha256 = :sha256";
const char STORE_SQL_CHUNKS_GET[] = "SELECT data FROM blob_chunks WHERE sha256 = :sha256 ORDER BY seq";
/* With the blobs gone, their pieces; and those of a delivery that failed
 * after staging them (a delivery staging now, whose blob is not yet
 * written, finds its pieces gone and writes its blob whole). */
const char STORE_SQL_CHUNKS_UNUSED[] = "DELETE FROM blob_chunks WHERE sha256 NOT IN (SELECT sha256 FROM blobs)";

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

/* Runs sql, whose one parameter is :sha256, for the integer it returns. */
static gboolean
by_sum (MtStore *store, const char *sql, const char *sha256, gint64 *value, GError **error)
{
	return mt_store_get_ints (store, sql, MT_BINDS (MT_TEXT (":sha256", sha256)), value, 1, error);
}

static gboolean
too_big (gsize len, GError **error)
{
	if (len <= G_MAXINT)
		return FALSE;
	g_set_error (error, MT_ERROR, MT_ERROR_TOO_BIG, "message of %zu bytes is too big to store", len);
	return TRUE;
}

gboolean
mt_store_put_summed_blob (MtStore *store, const guint8 *data, gsize len, const char *sha256, GError **error)
{
	sqlite3_stmt *stmt;
	gint64 rowid = 0, staged = 0;

	if (too_big (len, error) || !by_sum (store, STORE_SQL_BLOB_FIND, sha256, &rowid, error))
		return FALSE;
	if (rowid != 0)
		return TRUE;
	if (len > CHUNK_BYTES && !by_sum (store, STORE_SQL_CHUNKS_SIZE, sha256, &staged, error))
		return FALSE;
	if (!(stmt = mt_store_query_bound (store, STORE_SQL_BLOB_INSERT,
					   MT_BINDS (MT_TEXT (":sha256", sha256), MT_INT (":size", (gint64) len)),
					   error)))
		return FALSE;
	/* Staged whole: the row says only its size. */
	mt_store_bind_int (stmt, ":written", staged == (gint64) len ? 0 : (gint64) len);
	return mt_store_exec_stmt (store, stmt, error) &&
	       (staged == (gint64) len || write_blob (store, mt_store_last_id (store), data, len, error));
}

static gboolean
put_chunk (MtStore *store, const char *sha256, gint64 seq, const guint8 *data, gsize len, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, STORE_SQL_CHUNK_PUT,
						   MT_BINDS (MT_TEXT (":sha256", sha256), MT_INT (":seq", seq)), error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_blob (stmt, mt_store_parameter (stmt, ":data"), data, (int) len, SQLITE_STATIC);
	if (!mt_store_begin (store, error))
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error)) {
		mt_store_rollback (store);
		return FALSE;
	}
	return mt_store_commit (store, error);
}

gboolean
mt_store_stage_blob (MtStore *store, const guint8 *data, gsize len, const char *sha256, GError **error)
{
	gint64 rowid = 0, staged = 0;

	if (len <= CHUNK_BYTES)
		return TRUE;
	if (too_big (len, error) || !by_sum (store, STORE_SQL_BLOB_FIND, sha256, &rowid, error) ||
	    !by_sum (store, STORE_SQL_CHUNKS_SIZE, sha256, &staged, error))
		return FALSE;
	if (rowid != 0 || staged == (gint64) len)
		return TRUE;
	for (gsize at = 0; at < len; at += CHUNK_BYTES)
		if (!put_chunk (store, sha256, (gint64) (at / CHUNK_BYTES), data + at, MIN (CHUNK_BYTES, len - at),
				error))
			return FALSE;
	return TRUE;
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

/* A staged blob's pieces, in order, size bytes in all. */
static GBytes *
get_chunks (MtStore *store, const char *sha256, gint64 size, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, STORE_SQL_CHUNKS_GET, MT_BINDS (MT_TEXT (":sha256", sha256)), error);
	g_autoptr (GByteArray) bytes = g_byte_array_sized_new ((guint) size);
	int rc;

	if (stmt == NULL)
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_byte_array_append (bytes, sqlite3_column_blob (stmt, 0), (guint) sqlite3_column_bytes (stmt, 0));
	sqlite3_reset (stmt);
	if (rc < 0)
		return NULL;
	if (bytes->len != size) {
		g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL,
			     "stored message %s: %u of its %" G_GINT64_FORMAT " bytes", sha256, bytes->len, size);
		return NULL;
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

GBytes *
mt_store_get_blob (MtStore *store, const char *sha256, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, STORE_SQL_BLOB_GET, MT_BINDS (MT_TEXT (":sha256", sha256)), error);
	GBytes *bytes = NULL;
	gint64 size;
	int rc;

	if (stmt == NULL)
		return NULL;
	rc = mt_store_step (store, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == SQLITE_DONE) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no stored message %s", sha256);
		return NULL;
	}
	/* Staged: no data, only a size. */
	size = sqlite3_column_int64 (stmt, 1);
	if (sqlite3_column_bytes (stmt, 0) > 0 || size == 0)
		bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
	sqlite3_reset (stmt);
	return bytes ? bytes : get_chunks (store, sha256, size, error);
}

gboolean
mt_store_drop_unused_blobs (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, STORE_SQL_BLOB_UNUSED, error);

	if (stmt == NULL || !mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	stmt = mt_store_query (store, STORE_SQL_CHUNKS_UNUSED, error);
	return stmt != NULL && mt_store_exec_stmt (store, stmt, error);
}
