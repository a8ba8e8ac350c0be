/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store-backup.c - a consistent copy of the database, and its return
 * DESCRIPTION
 *	The database is in WAL mode: what was committed last is often in
 *	mailticket.db-wal, not yet in mailticket.db, so a copy of the main
 *	file alone is stale, or empty right after init. Both directions go
 *	through SQLite's online backup API, which reads pages through the
 *	WAL as a reader does.
 *
 *	mt_store_backup() holds one read transaction on the live database
 *	for the whole copy, so that every page comes from one snapshot
 *	(without it, a commit by another process between two steps starts
 *	the copy over, and under steady mail it might never end). In WAL
 *	mode a reader blocks no writer: deliveries go on, and only the
 *	WAL's checkpoint waits for the copy. It steps BACKUP_STEP_PAGES at
 *	a time into a temporary file beside the target, which is then
 *	turned into a database of its own (rollback journal, no -wal to
 *	lose), mode 0600 (it holds every message and the site secret),
 *	synced, and renamed over the target: a backup file is always
 *	whole, the old one or the new one.
 *
 *	mt_store_restore() checks the file first (an SQLite database, a
 *	mailticket schema this program knows, no -wal beside it, passes
 *	quick_check), then copies it into the open store in one step: for
 *	every other connection that is one write transaction, seen whole
 *	or not at all, with the WAL and the shared memory index kept
 *	right by SQLite. A delivery waits for it, or fails temporarily and
 *	is retried by the MTA. A backup of an older schema is migrated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "mailticket/vfs.h"
#include "store-private.h"

/* 1 MB of 4 KB pages a step. The read transaction around the steps
 * blocks no writer (WAL mode); steps keep each call, and what SQLite
 * holds in memory for it, small. */
#define BACKUP_STEP_PAGES 256

/* Copies src into dest, BACKUP_STEP_PAGES at a time when paced, all at
 * once otherwise, waiting up to busy_timeout ms for a lock. */
static gboolean
copy_pages (sqlite3 *dest, sqlite3 *src, int pages, int busy_timeout, GError **error)
{
	sqlite3_backup *backup = sqlite3_backup_init (dest, "main", src, "main");
	int waited = 0;
	int rc;

	if (backup == NULL)
		return mt_error_sqlite (error, dest, sqlite3_errcode (dest), "backup");
	do {
		rc = sqlite3_backup_step (backup, pages);
		if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waited < busy_timeout) {
			sqlite3_sleep (10);
			waited += 10;
		}
	} while (rc == SQLITE_OK || ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && waited < busy_timeout));
	sqlite3_backup_finish (backup);
	if (rc != SQLITE_DONE)
		return mt_error_sqlite (error, dest, rc, "backup");
	return TRUE;
}

static gboolean
exec_on (sqlite3 *db, const char *sql, GError **error)
{
	int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, db, rc, sql);
	return TRUE;
}

/* The copy, as a database file of its own: the backup API copies the
 * page that says "WAL mode" along, so its journal mode is set back to
 * a rollback journal, and the file needs nothing beside it. */
static gboolean
make_standalone (const char *path, GError **error)
{
	g_autoptr (sqlite3) db = NULL;
	int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, mt_vfs_name ());

	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, db, rc, path);
	return exec_on (db, "PRAGMA journal_mode = DELETE", error);
}

/* The copy holds every message and the site secret: it is made mode
 * 0600, whatever the umask, before SQLite writes a byte of it. */
static gboolean
create_private (const char *path, GError **error)
{
	int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		g_autofree char *what = g_strdup_printf ("cannot create %s", path);
		return mt_error_errno (error, errno, what);
	}
	close (fd);
	return TRUE;
}

static gboolean
copy_to (MtStore *store, const char *path, GError **error)
{
	g_autoptr (sqlite3) dest = NULL;
	gboolean ok;
	int rc;

	if (!create_private (path, error))
		return FALSE;
	rc = sqlite3_open_v2 (path, &dest, SQLITE_OPEN_READWRITE, mt_vfs_name ());
	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, dest, rc, path);
	/* A read transaction that has read something: one snapshot. */
	if (!exec_on (store->db, "BEGIN; SELECT count(*) FROM sqlite_schema", error))
		return FALSE;
	ok = copy_pages (dest, store->db, BACKUP_STEP_PAGES, store->busy_timeout, error);
	sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL);
	return ok;
}

static gboolean
sync_path (const char *path, int flags, GError **error)
{
	int fd = open (path, flags | O_CLOEXEC);

	if (fd < 0 || fsync (fd) != 0) {
		int errsv = errno;
		g_autofree char *what = g_strdup_printf ("cannot sync %s", path);
		if (fd >= 0)
			close (fd);
		return mt_error_errno (error, errsv, what);
	}
	close (fd);
	return TRUE;
}

static gboolean
same_file (const char *a, const char *b)
{
	struct stat sa, sb;

	return a != NULL && stat (a, &sa) == 0 && stat (b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* A backup must not replace a live database: this one, or any with a
 * WAL beside it, which would then belong to another file. */
static gboolean
check_target (MtStore *store, const char *path, GError **error)
{
	g_autofree char *wal = g_strconcat (path, "-wal", NULL);

	if (same_file (sqlite3_db_filename (store->db, "main"), path) || g_file_test (wal, G_FILE_TEST_EXISTS)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "%s is a live database: back up to another file", path);
		return FALSE;
	}
	return TRUE;
}

gboolean
mt_store_backup (MtStore *store, const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname (path);
	g_autofree char *base = g_path_get_basename (path);
	g_autofree char *tmp = g_strdup_printf ("%s/.%s.%d.tmp", dir, base, (int) getpid ());

	g_return_val_if_fail (!store->in_transaction, FALSE);
	if (!check_target (store, path, error))
		return FALSE;
	unlink (tmp);
	if (!copy_to (store, tmp, error) || !make_standalone (tmp, error) || !sync_path (tmp, O_RDONLY, error))
		goto fail;
	if (rename (tmp, path) != 0) {
		g_autofree char *what = g_strdup_printf ("cannot rename %s to %s", tmp, path);
		mt_error_errno (error, errno, what);
		goto fail;
	}
	return sync_path (dir, O_RDONLY | O_DIRECTORY, error);
fail:
	unlink (tmp);
	return FALSE;
}

/* Runs a query of one integer on db; -1 when it does not run. */
static gint64
query_int (sqlite3 *db, const char *sql)
{
	g_autoptr (sqlite3_stmt) stmt = NULL;

	if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
		return -1;
	return sqlite3_column_int64 (stmt, 0);
}

static gboolean
not_a_backup (GError **error, const char *path, const char *why)
{
	g_set_error (error, MT_ERROR, MT_ERROR_DATA, "%s is not a mailticket backup: %s", path, why);
	return FALSE;
}

/* Whether path is a database this program can restore, opened (read
 * only) in *db. */
static gboolean
open_backup (const char *path, sqlite3 **db, GError **error)
{
	g_autofree char *wal = g_strconcat (path, "-wal", NULL);
	gint64 version;
	int rc;

	if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
		return not_a_backup (error, path, "no such file");
	/* Its last commits may be in that WAL: a copy of a live database,
	 * or the live database itself. */
	if (g_file_test (wal, G_FILE_TEST_EXISTS))
		return not_a_backup (error, path, "it has a -wal file beside it (make one with: mailticket db backup)");
	rc = sqlite3_open_v2 (path, db, SQLITE_OPEN_READONLY, mt_vfs_name ());
	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, *db, rc, path);
	version = query_int (*db, "PRAGMA user_version");
	if (version < 0)
		return not_a_backup (error, path, "not an SQLite database");
	if (version < 1 || query_int (*db, "SELECT count(*) FROM meta WHERE key = 'secret'") != 1)
		return not_a_backup (error, path, "no mailticket schema in it");
	if (version > mt_store_migrations_known ())
		return not_a_backup (error, path, "its schema is newer than this program's");
	if (query_int (*db, "SELECT count(*) FROM pragma_quick_check WHERE quick_check <> 'ok'") != 0)
		return not_a_backup (error, path, "it fails SQLite's quick_check");
	return TRUE;
}

gboolean
mt_store_restore (MtStore *store, const char *path, GError **error)
{
	g_autoptr (sqlite3) src = NULL;

	g_return_val_if_fail (!store->in_transaction, FALSE);
	if (same_file (sqlite3_db_filename (store->db, "main"), path))
		return not_a_backup (error, path, "it is the database itself");
	if (!open_backup (path, &src, error))
		return FALSE;
	g_hash_table_remove_all (store->statements);
	if (!copy_pages (store->db, src, -1, store->busy_timeout, error))
		return FALSE;
	return store_migrate (store, error);
}
