/*
 * NAME
 *	store.c - the SQLite database: open, migrate, transactions, blobs
 * DESCRIPTION
 *	WAL mode so that readers never block the filter; synchronous=FULL
 *	so that a message is on disk when the MTA hears exit 0. Every
 *	write transaction is BEGIN IMMEDIATE: the write lock is taken before
 *	any work, so a busy database shows as one retryable error and never
 *	as a deadlock between two upgrading readers.
 *
 *	A new database file is mode 0660 whatever the umask, with the group
 *	of its directory: the MTA's user and the agents' group share it.
 *
 *	The last connection to close does not checkpoint, unless the WAL
 *	has grown to WAL_CHECKPOINT_FRAMES pages; then it copies the WAL
 *	into the database and empties it. The MTA starts one process per
 *	message, and each is usually the only connection: SQLite's own
 *	checkpoint on close would copy every message into the database
 *	file and delete the WAL in every process, five syncs a message
 *	where the commit needs one, the WAL's (vfs.c spares the directory's).
 *
 *	The WAL stays bounded only if it is emptied, not just copied: a
 *	process that is alone rebuilds the WAL index from the WAL file and
 *	counts every frame in it as not yet copied, so a WAL that was only
 *	copied would be copied again by every process and never start over
 *	(the trap of SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE alone). While
 *	connections overlap, SQLite's automatic checkpoint at the same size
 *	and the reuse of a copied WAL keep it bounded as usual, and
 *	journal_size_limit trims a WAL that was reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "mailticket/store.h"
#include "mailticket/vfs.h"

/* About 1.6 MB of 4 KB pages. A lone process reads the whole WAL, and
 * checksums every frame of it, when it opens the database: a larger WAL
 * costs every delivery more, a smaller one is copied more often, two
 * syncs each time. A delivery writes about 50 pages (the blob, the rows
 * and an index page for each index they are in, the search index), so
 * make bench measured: 1000 pages, 2.6 million instructions of a
 * delivery's 12 in reading the WAL; 400, a copy every eight deliveries
 * and 1.3 syncs a message; 100, 1.9 syncs a message. */
#define WAL_CHECKPOINT_FRAMES 400
/* With checkpoints later (mt_store_set_checkpoint_later()), the commit
 * that fills the WAL this far copies it all the same. */
#define WAL_CHECKPOINT_LATE_FRAMES (4 * WAL_CHECKPOINT_FRAMES)

struct _MtStore {
	sqlite3 *db;
	GHashTable *statements; /* SQL text address -> sqlite3_stmt */
	gboolean in_transaction;
	gboolean batch;      /* within mt_store_batch_begin(): begin and commit are a savepoint's */
	gboolean batch_lost; /* and SQLite rolled that transaction back after an error */
	gboolean temp_in_memory;
	gboolean not_synced;   /* synchronous is NORMAL: no commit but upkeep's until FULL again */
	gboolean search_later; /* see mt_store_set_search_later() */
	int wal_frames;        /* in the WAL after the last commit, with checkpoints later */
	int busy_timeout;      /* ms */
	gint64 busy_until;     /* monotonic time to give up waiting for a lock */
};

static const char SQL_BLOB_FIND[] = "SELECT rowid FROM blobs WHERE sha256 = ?";
static const char SQL_BLOB_INSERT[] = "INSERT INTO blobs (sha256, size, data) VALUES (?, ?, zeroblob(?))";
static const char SQL_BLOB_GET[] = "SELECT data FROM blobs WHERE sha256 = ?";
static const char SQL_SECRET[] = "SELECT value FROM meta WHERE key = 'secret'";
static const char SQL_INTEGRITY[] = "SELECT integrity_check FROM pragma_integrity_check WHERE integrity_check <> 'ok'";
static const char SQL_REFERENCES[] = "SELECT printf('a row of %s%s refers to a missing row of %s', \"table\", "
				     "iif(rowid IS NULL, '', ' (' || rowid || ')'),"
				     " parent) FROM pragma_foreign_key_check";

static const char *const store_queries[] = {
	SQL_BLOB_FIND, SQL_BLOB_INSERT, SQL_BLOB_GET, SQL_SECRET, SQL_INTEGRITY, SQL_REFERENCES, NULL,
};

const char *const *
mt_store_queries (void)
{
	return store_queries;
}

int
mt_store_migrations_known (void)
{
	int n = 0;

	while (mt_migrations[n].sql != NULL)
		n++;
	return n;
}

/* Runs sql; an error names what failed as what. */
static gboolean
exec_as (MtStore *store, const char *sql, const char *what, GError **error)
{
	int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, store->db, rc, what);
	return TRUE;
}

static gboolean
exec (MtStore *store, const char *sql, GError **error)
{
	return exec_as (store, sql, sql, error);
}

static gboolean
pragma_int (MtStore *store, const char *sql, int *value, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;
	int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_step (stmt);
	if (rc != SQLITE_ROW)
		return mt_error_sqlite (error, store->db, rc, sql);
	*value = sqlite3_column_int (stmt, 0);
	return TRUE;
}

int
mt_store_version (MtStore *store)
{
	int version = -1;

	pragma_int (store, "PRAGMA user_version", &version, NULL);
	return version;
}

/* Applies migration i (0-based) in a transaction of its own; a second
 * process that got there first leaves nothing to do. */
static gboolean
apply_migration (MtStore *store, int i, GError **error)
{
	g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", i + 1);
	g_autofree char *what = g_strdup_printf ("migration %s", mt_migrations[i].name);
	int version;

	if (!mt_store_begin (store, error))
		return FALSE;
	if (!pragma_int (store, "PRAGMA user_version", &version, error))
		goto fail;
	if (version > i)
		return mt_store_commit (store, error);
	if (!exec_as (store, mt_migrations[i].sql, what, error) || !exec (store, set_version, error))
		goto fail;
	g_info ("applied migration %s", mt_migrations[i].name);
	return mt_store_commit (store, error);
fail:
	mt_store_rollback (store);
	return FALSE;
}

static gboolean
migrate (MtStore *store, GError **error)
{
	int known = mt_store_migrations_known ();
	int version;

	if (!pragma_int (store, "PRAGMA user_version", &version, error))
		return FALSE;
	if (version > known) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG,
			     "database schema version %d is newer than this program's %d", version, known);
		return FALSE;
	}
	for (int i = version; i < known; i++)
		if (!apply_migration (store, i, error))
			return FALSE;
	return TRUE;
}

/* journal_mode=WAL needs a lock once, when the file is new, and SQLite
 * does not always wait for it through the busy handler: several
 * processes creating the database at the same moment saw "database is
 * locked" at once. So wait here, as long as busy_timeout allows. */
static gboolean
set_wal (MtStore *store, int busy_timeout, GError **error)
{
	static const char sql[] = "PRAGMA journal_mode = WAL";
	int rc;

	for (int waited = 0; (rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL)) != SQLITE_OK; waited += 10) {
		if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || waited >= busy_timeout)
			return mt_error_sqlite (error, store->db, rc, sql);
		g_usleep (10 * 1000);
	}
	return TRUE;
}

/* Waits for a lock another connection holds, up to busy_timeout. A
 * delivery holds the write lock for a few milliseconds, and SQLite's own
 * handler (sqlite3_busy_timeout) sleeps 1, 2, 5, 10, 15 ... ms between
 * tries, so that waiting deliveries slept long past the moment the lock
 * was free: make bench at concurrency 8 spent 10.5 ms a message instead
 * of 7.6. This one tries again every 0.2 ms at first, every millisecond
 * after a few, every 10 ms after a second. */
static int
busy_wait (void *data, int count)
{
	MtStore *store = data;
	gint64 now = g_get_monotonic_time ();

	if (count == 0)
		store->busy_until = now + (gint64) store->busy_timeout * 1000;
	if (now >= store->busy_until)
		return 0;
	g_usleep (count < 20 ? 200 : count < 1000 ? 1000 : 10000);
	return 1;
}

static gboolean
configure (MtStore *store, int busy_timeout, GError **error)
{
	sqlite3_extended_result_codes (store->db, 1);
	store->busy_timeout = busy_timeout;
	sqlite3_busy_handler (store->db, busy_wait, store);
	sqlite3_db_config (store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_autocheckpoint (store->db, WAL_CHECKPOINT_FRAMES);
	return set_wal (store, busy_timeout, error) && exec (store, "PRAGMA synchronous = FULL", error) &&
	       exec (store, "PRAGMA foreign_keys = ON", error) &&
	       exec (store, "PRAGMA journal_size_limit = 4194304", error);
}

static void
finalize_statement (gpointer stmt)
{
	sqlite3_finalize (stmt);
}

/* Creates the database file unless it exists. SQLite would make it
 * with the umask's mode and the process's group; it gives the -wal and
 * -shm files the mode of the database (and, as root, its owner), so
 * this is the one place that decides. The group is the directory's
 * when we may give it (root, or a member of it); a set-group-id
 * directory gives it to every file anyway, the WAL included. */
static gboolean
create_file (const char *path, GError **error)
{
	g_autofree char *dir = NULL;
	struct stat st;
	int fd;

	if (*path == '\0' || strcmp (path, ":memory:") == 0 || g_str_has_prefix (path, "file:"))
		return TRUE;
	fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
	if (fd < 0 && errno == EEXIST)
		return TRUE;
	if (fd < 0) {
		g_autofree char *what = g_strdup_printf ("cannot create database %s", path);
		return mt_error_errno (error, errno, what);
	}
	dir = g_path_get_dirname (path);
	if (stat (dir, &st) == 0 && fchown (fd, (uid_t) -1, st.st_gid) != 0)
		g_debug ("%s keeps its group: %s", path, g_strerror (errno));
	if (fchmod (fd, 0660) != 0)
		g_debug ("%s keeps its mode: %s", path, g_strerror (errno));
	close (fd);
	return TRUE;
}

MtStore *
mt_store_open (const char *path, int busy_timeout, MtStoreMode mode, GError **error)
{
	g_autoptr (MtStore) store = g_new0 (MtStore, 1);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	if (mode == MT_STORE_EXISTING && !g_file_test (path, G_FILE_TEST_EXISTS)) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no database at %s (run: mailticket init)", path);
		return NULL;
	}
	if (mode == MT_STORE_CREATE) {
		if (!create_file (path, error))
			return NULL;
		flags |= SQLITE_OPEN_CREATE;
	}
	store->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, finalize_statement);
	rc = sqlite3_open_v2 (path, &store->db, flags, mt_vfs_name ());
	if (rc != SQLITE_OK) {
		g_autofree char *what = g_strdup_printf ("cannot open database %s", path);
		mt_error_sqlite (error, NULL, rc, what);
		return NULL;
	}
	if (!configure (store, busy_timeout, error) || !migrate (store, error))
		return NULL;
	return g_steal_pointer (&store);
}

/* The size of the WAL file in bytes; 0 when there is none. */
static off_t
wal_size (MtStore *store)
{
	const char *wal = sqlite3_filename_wal (sqlite3_db_filename (store->db, "main"));
	struct stat st;

	return wal != NULL && stat (wal, &st) == 0 ? st.st_size : 0;
}

gboolean
mt_store_empty_wal (MtStore *store)
{
	int rc;

	if (wal_size (store) == 0)
		return TRUE;
	sqlite3_busy_handler (store->db, NULL, NULL);
	rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_handler (store->db, busy_wait, store);
	return rc == SQLITE_OK && wal_size (store) == 0;
}

/* Empties a large WAL when the last connection closes: when another
 * connection is busy, a later close does it. Nothing depends on it:
 * what was committed is on disk in the WAL. The size is counted in 4 KB
 * pages without the frame headers, so that the WAL is emptied no later
 * than SQLite's automatic checkpoint copies it. */
static void
empty_large_wal (MtStore *store)
{
	if (wal_size (store) >= (off_t) WAL_CHECKPOINT_FRAMES * 4096)
		mt_store_empty_wal (store);
}

void
mt_store_close (MtStore *store)
{
	if (store == NULL)
		return;
	if (store->in_transaction)
		mt_store_batch_rollback (store);
	g_clear_pointer (&store->statements, g_hash_table_destroy);
	if (store->db != NULL) {
		empty_large_wal (store);
		sqlite3_close (store->db);
	}
	g_free (store);
}

static void
reset_statement (gpointer key, gpointer stmt, gpointer data)
{
	if (sqlite3_stmt_busy (stmt))
		sqlite3_reset (stmt);
}

/* What every write but upkeep's commits with: on disk when COMMIT returns. */
static gboolean
sync_fully (MtStore *store, GError **error)
{
	if (!exec (store, "PRAGMA synchronous = FULL", error))
		return FALSE;
	store->not_synced = FALSE;
	return TRUE;
}

static gboolean
begin_immediate (MtStore *store, GError **error)
{
	/* A cached query left at a row keeps its read snapshot open past the
	 * last COMMIT. Upgrading that snapshot after another process wrote
	 * fails at once with SQLITE_BUSY_SNAPSHOT, which no busy handler
	 * waits out: two mailticket-send firing alarms at once saw "database
	 * is locked". Let them go first, so that BEGIN starts afresh. */
	g_hash_table_foreach (store->statements, reset_statement, NULL);
	if (!exec (store, "BEGIN IMMEDIATE", error))
		return FALSE;
	store->in_transaction = TRUE;
	return TRUE;
}

gboolean
mt_store_begin (MtStore *store, GError **error)
{
	if (store->batch_lost) {
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL,
			     "an earlier write of this batch failed, and its transaction was rolled back");
		return FALSE;
	}
	if (store->batch)
		return exec (store, "SAVEPOINT part", error);
	if (store->not_synced && !sync_fully (store, error))
		return FALSE;
	return begin_immediate (store, error);
}

gboolean
mt_store_commit (MtStore *store, GError **error)
{
	if (!exec (store, store->batch ? "RELEASE part" : "COMMIT", error)) {
		mt_store_rollback (store);
		return FALSE;
	}
	store->in_transaction = store->batch;
	return TRUE;
}

void
mt_store_rollback (MtStore *store)
{
	/* Some errors (a full disk, say) make SQLite roll back the whole
	 * transaction itself: then the batch's earlier parts are gone too. */
	if (store->batch && sqlite3_get_autocommit (store->db))
		store->batch_lost = TRUE;
	else if (store->batch)
		sqlite3_exec (store->db, "ROLLBACK TO part; RELEASE part", NULL, NULL, NULL);
	else if (!sqlite3_get_autocommit (store->db))
		sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
	store->in_transaction = store->batch;
}

gboolean
mt_store_batch_begin (MtStore *store, GError **error)
{
	g_return_val_if_fail (!store->in_transaction, FALSE);
	/* A savepoint keeps the pages it changes, to undo them: in memory,
	 * not in a temporary file opened and removed for every batch. */
	if (!store->temp_in_memory && !exec (store, "PRAGMA temp_store = MEMORY", error))
		return FALSE;
	store->temp_in_memory = TRUE;
	if (!mt_store_begin (store, error))
		return FALSE;
	store->batch = TRUE;
	store->batch_lost = FALSE;
	return TRUE;
}

gboolean
mt_store_batch_commit (MtStore *store, GError **error)
{
	gboolean lost = store->batch_lost;

	store->batch = store->batch_lost = FALSE;
	if (lost) {
		store->in_transaction = FALSE;
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL,
			     "a write of this batch failed, and its transaction was rolled back");
		return FALSE;
	}
	return mt_store_commit (store, error);
}

void
mt_store_batch_rollback (MtStore *store)
{
	store->batch = store->batch_lost = FALSE;
	mt_store_rollback (store);
}

gboolean
mt_store_batches (MtStore *store, guint size, MtStoreBatchFunc func, gpointer data, guint *total, GError **error)
{
	guint done = size;

	for (*total = 0; done == size; *total += done) {
		done = 0;
		if (!mt_store_begin (store, error))
			return FALSE;
		if (!func (store, data, &done, error)) {
			mt_store_rollback (store);
			return FALSE;
		}
		if (!mt_store_commit (store, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_store_upkeep (MtStore *store, MtStoreFunc func, gpointer data, GError **error)
{
	gboolean done;

	/* SQLite takes the setting only outside a transaction. */
	if (!exec (store, "PRAGMA synchronous = NORMAL", error))
		return FALSE;
	store->not_synced = TRUE;
	sqlite3_busy_handler (store->db, NULL, NULL);
	done = begin_immediate (store, error);
	if (done && !(done = func (store, data, error)))
		mt_store_rollback (store);
	done = done && mt_store_commit (store, error);
	sqlite3_busy_handler (store->db, busy_wait, store);
	/* Back to FULL whatever happened; a failure of the work is the one
	 * to tell. Should it fail, the next mt_store_begin() tries again and
	 * starts no transaction without it. */
	if (!sync_fully (store, done ? error : NULL))
		return FALSE;
	return done;
}

void
mt_store_set_search_later (MtStore *store, gboolean later)
{
	store->search_later = later;
}

gboolean
mt_store_search_later (MtStore *store)
{
	return store->search_later;
}

/* After every commit, with checkpoints later: copies the WAL into the
 * database only when the caller has not for too long. */
static int
wal_committed (void *data, sqlite3 *db, const char *name, int frames)
{
	MtStore *store = data;

	store->wal_frames = frames;
	if (frames >= WAL_CHECKPOINT_LATE_FRAMES)
		mt_store_checkpoint (store);
	return SQLITE_OK;
}

void
mt_store_set_checkpoint_later (MtStore *store, gboolean later)
{
	if (later)
		sqlite3_wal_hook (store->db, wal_committed, store);
	else
		sqlite3_wal_autocheckpoint (store->db, WAL_CHECKPOINT_FRAMES);
}

gboolean
mt_store_checkpoint_due (MtStore *store)
{
	return store->wal_frames >= WAL_CHECKPOINT_FRAMES;
}

void
mt_store_checkpoint (MtStore *store)
{
	int frames = 0, copied = 0;

	/* PASSIVE waits for no one: it calls no busy handler. */
	if (sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied) == SQLITE_OK &&
	    copied == frames)
		store->wal_frames = 0;
}

sqlite3_stmt *
mt_store_query (MtStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *stmt = g_hash_table_lookup (store->statements, sql);
	int rc;

	if (stmt != NULL) {
		sqlite3_reset (stmt);
		sqlite3_clear_bindings (stmt);
		return stmt;
	}
	rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		mt_error_sqlite (error, store->db, rc, "prepare");
		return NULL;
	}
	g_hash_table_insert (store->statements, (gpointer) sql, stmt);
	return stmt;
}

sqlite3_stmt *
mt_store_prepare (MtStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

	if (rc != SQLITE_OK) {
		mt_error_sqlite (error, store->db, rc, "prepare");
		return NULL;
	}
	return stmt;
}

int
mt_store_step (MtStore *store, sqlite3_stmt *stmt, GError **error)
{
	int rc = sqlite3_step (stmt);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	mt_error_sqlite (error, store->db, rc, "query");
	return -1;
}

gboolean
mt_store_exec_stmt (MtStore *store, sqlite3_stmt *stmt, GError **error)
{
	int rc;

	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		;
	return rc == SQLITE_DONE;
}

gboolean
mt_store_get_int (MtStore *store, sqlite3_stmt *stmt, gint64 *value, GError **error)
{
	int rc = mt_store_step (store, stmt, error);

	if (rc < 0)
		return FALSE;
	*value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
	sqlite3_reset (stmt);
	return TRUE;
}

GPtrArray *
mt_store_get_strings (MtStore *store, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
	int rc;

	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (out, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
	return rc == -1 ? NULL : g_steal_pointer (&out);
}

gint64
mt_store_last_id (MtStore *store)
{
	return sqlite3_last_insert_rowid (store->db);
}

sqlite3 *
mt_store_peek_db (MtStore *store)
{
	return store->db;
}

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
	if (!(stmt = mt_store_query (store, SQL_BLOB_FIND, error)))
		return FALSE;
	sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
	if (!mt_store_get_int (store, stmt, &rowid, error))
		return FALSE;
	if (rowid != 0)
		return TRUE;
	if (!(stmt = mt_store_query (store, SQL_BLOB_INSERT, error)))
		return FALSE;
	sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64 (stmt, 2, (gint64) len);
	sqlite3_bind_int64 (stmt, 3, (gint64) len);
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
	sqlite3_stmt *stmt = mt_store_query (store, SQL_BLOB_GET, error);
	GBytes *bytes;
	int rc;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
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

char *
mt_store_secret (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_SECRET, error);
	char *secret;
	int rc;

	if (stmt == NULL || (rc = mt_store_step (store, stmt, error)) < 0)
		return NULL;
	if (rc == SQLITE_DONE) {
		g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL, "the database holds no secret");
		return NULL;
	}
	secret = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	sqlite3_reset (stmt);
	return secret;
}

gboolean
mt_store_get_id (MtStore *store, const char *sql, const char *key, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
	return mt_store_get_int (store, stmt, id, error);
}

/* Adds the text of every row of sql to problems. */
static gboolean
collect (MtStore *store, const char *sql, GPtrArray *problems, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (problems, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

gboolean
mt_store_check (MtStore *store, GPtrArray *problems, GError **error)
{
	return collect (store, SQL_INTEGRITY, problems, error) && collect (store, SQL_REFERENCES, problems, error);
}
