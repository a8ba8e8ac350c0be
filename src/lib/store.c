/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store.c - the SQLite database: open, migrate, run statements
 * DESCRIPTION
 *	Opens the database in WAL mode, so that readers never block the
 *	filter (store-wal.c says when the log is copied into the database),
 *	with synchronous=FULL, so that a message is on disk when the MTA
 *	hears exit 0, and with foreign keys enforced; then applies the
 *	migrations compiled in from sql/. Statements are prepared once per
 *	connection and kept by the address of their text. Transactions are
 *	store-transaction.c's, the raw messages store-blob.c's.
 *
 *	A new database file is mode 0660 whatever the umask, with the group
 *	of its directory: the MTA's user and the agents' group share it.
 *
 *	The store owns the tables blobs and blob_chunks (store-blob.c) and
 *	meta (written by the migrations, and by mt_store_meta_raise()).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "mailticket/vfs.h"
#include "store-private.h"

static const char SQL_SECRET[] = "SELECT value FROM meta WHERE key = 'secret'";
static const char SQL_INTEGRITY[] = "SELECT integrity_check FROM pragma_integrity_check WHERE integrity_check <> 'ok'";
static const char SQL_REFERENCES[] = "SELECT printf('a row of %s%s refers to a missing row of %s', \"table\", "
				     "iif(rowid IS NULL, '', ' (' || rowid || ')'),"
				     " parent) FROM pragma_foreign_key_check";

static const char SQL_META_RAISE[] =
	"INSERT INTO meta (key, value) VALUES (:key, :value)"
	" ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))";

static const char *const store_queries[] = {
	STORE_SQL_BLOB_FIND,
	STORE_SQL_BLOB_INSERT,
	STORE_SQL_BLOB_GET,
	STORE_SQL_CHUNK_PUT,
	STORE_SQL_CHUNKS_SIZE,
	STORE_SQL_CHUNKS_GET,
	STORE_SQL_BLOB_UNUSED,
	STORE_SQL_CHUNKS_UNUSED,
	SQL_SECRET,
	SQL_INTEGRITY,
	SQL_REFERENCES,
	SQL_META_RAISE,
	NULL,
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

gboolean
store_exec_as (MtStore *store, const char *sql, const char *what, GError **error)
{
	int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, store->db, rc, what);
	return TRUE;
}

gboolean
store_exec (MtStore *store, const char *sql, GError **error)
{
	return store_exec_as (store, sql, sql, error);
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
	if (!store_exec_as (store, mt_migrations[i].sql, what, error) || !store_exec (store, set_version, error))
		goto fail;
	g_info ("applied migration %s", mt_migrations[i].name);
	return mt_store_commit (store, error);
fail:
	mt_store_rollback (store);
	return FALSE;
}

gboolean
store_migrate (MtStore *store, GError **error)
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

void
store_wait_for_locks (MtStore *store, gboolean wait)
{
	if (wait)
		sqlite3_busy_handler (store->db, busy_wait, store);
	else
		sqlite3_busy_handler (store->db, NULL, NULL);
}

static gboolean
configure (MtStore *store, int busy_timeout, GError **error)
{
	sqlite3_extended_result_codes (store->db, 1);
	store->busy_timeout = busy_timeout;
	store_wait_for_locks (store, TRUE);
	return store_wal_open (store, busy_timeout, error) && store_exec (store, "PRAGMA synchronous = FULL", error) &&
	       store_exec (store, "PRAGMA foreign_keys = ON", error);
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
	if (fd < 0 && errno == EACCES)
		return mt_error_permission (error, MT_ERROR_TEMPFAIL, path);
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

/* A database to open as it is: a file with something in it. SQLite
 * would take a missing or empty file for a new database and the
 * migrations would give it a schema, so that mail went into a fresh
 * database wherever a mount or a path went wrong. */
static gboolean
database_there (const char *path, GError **error)
{
	struct stat st;
	const char *why;

	if (*path == '\0' || strcmp (path, ":memory:") == 0 || g_str_has_prefix (path, "file:"))
		return TRUE;
	if (stat (path, &st) == 0)
		why = S_ISREG (st.st_mode) && st.st_size == 0 ? "is empty" : NULL;
	else if (errno == EACCES)
		return mt_error_permission (error, MT_ERROR_TEMPFAIL, path);
	else
		why = errno == ENOENT || errno == ENOTDIR ? "is not there" : NULL;
	/* Anything else, SQLite tells when it opens the file. */
	if (why == NULL)
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "database missing: run mailticket init (%s %s)", path, why);
	return FALSE;
}

/* SQLite's "unable to open database file" says nothing of why. */
static gboolean
may_open (const char *path, GError **error)
{
	int fd;

	if (*path == '\0' || strcmp (path, ":memory:") == 0 || g_str_has_prefix (path, "file:"))
		return TRUE;
	if ((fd = open (path, O_RDONLY | O_CLOEXEC)) >= 0)
		close (fd);
	else if (errno == EACCES)
		return mt_error_permission (error, MT_ERROR_TEMPFAIL, path);
	return TRUE;
}

MtStore *
mt_store_open (const char *path, int busy_timeout, MtStoreMode mode, GError **error)
{
	g_autoptr (MtStore) store = g_new0 (MtStore, 1);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	if (mode == MT_STORE_EXISTING && !database_there (path, error))
		return NULL;
	if (!may_open (path, error))
		return NULL;
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
	if (!configure (store, busy_timeout, error) || !store_migrate (store, error))
		return NULL;
	return g_steal_pointer (&store);
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
		store_wal_close (store);
		sqlite3_close (store->db);
	}
	g_free (store);
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

int
mt_store_parameter (sqlite3_stmt *stmt, const char *name)
{
	int i = sqlite3_bind_parameter_index (stmt, name);

	if (i == 0)
		g_error ("no parameter %s in: %s", name, sqlite3_sql (stmt));
	return i;
}

void
mt_store_bind_int (sqlite3_stmt *stmt, const char *name, gint64 value)
{
	sqlite3_bind_int64 (stmt, mt_store_parameter (stmt, name), value);
}

void
mt_store_bind_text (sqlite3_stmt *stmt, const char *name, const char *text)
{
	sqlite3_bind_text (stmt, mt_store_parameter (stmt, name), text, -1, SQLITE_TRANSIENT);
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

GArray *
mt_store_get_ids (MtStore *store, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	int rc;

	if (stmt == NULL)
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		g_array_append_val (ids, id);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
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

sqlite3_stmt *
mt_store_query_bound (MtStore *store, const char *sql, const MtBind *binds, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	for (const MtBind *b = binds; stmt != NULL && b->name != NULL; b++) {
		if (b->is_text)
			mt_store_bind_text (stmt, b->name, b->text);
		else
			mt_store_bind_int (stmt, b->name, b->number);
	}
	return stmt;
}

gboolean
mt_store_get_ints (MtStore *store, const char *sql, const MtBind *binds, gint64 *values, int n, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql, binds, error);
	int rc;

	if (stmt == NULL || (rc = mt_store_step (store, stmt, error)) < 0)
		return FALSE;
	for (int i = 0; i < n; i++)
		values[i] = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, i) : 0;
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
mt_store_run (MtStore *store, const char *sql, const MtBind *binds, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql, binds, error);

	return stmt != NULL && mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_store_insert (MtStore *store, const char *sql, const MtBind *binds, gint64 *id, GError **error)
{
	if (!mt_store_run (store, sql, binds, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return TRUE;
}

gboolean
mt_store_move (MtStore *store, const char *const *moves, gsize n, gint64 from, gint64 into, GError **error)
{
	for (gsize i = 0; i < n; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, moves[i], error);

		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":from"), from);
		sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":into"), into);
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_store_meta_raise (MtStore *store, const char *key, gint64 value, GError **error)
{
	return mt_store_run (store, SQL_META_RAISE, MT_BINDS (MT_TEXT (":key", key), MT_INT (":value", value)), error);
}
