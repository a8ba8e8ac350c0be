/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store-wal.c - when the write-ahead log is copied into the database
 * DESCRIPTION
 *	The database runs in WAL mode, so that readers never block the
 *	filter. This file decides when the WAL is copied into the database
 *	(a checkpoint) and when it is emptied.
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
 *
 *	A process that answers someone after each commit (the delivery
 *	server) may ask for checkpoints later: it copies the WAL itself
 *	once it has answered, instead of the commit that filled it.
 */
#include <sys/stat.h>

#include "mailticket/error.h"
#include "store-private.h"

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

gboolean
store_wal_open (MtStore *store, int busy_timeout, GError **error)
{
	sqlite3_db_config (store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_autocheckpoint (store->db, WAL_CHECKPOINT_FRAMES);
	return set_wal (store, busy_timeout, error) && store_exec (store, "PRAGMA journal_size_limit = 4194304", error);
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
	store_wait_for_locks (store, FALSE);
	rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	store_wait_for_locks (store, TRUE);
	return rc == SQLITE_OK && wal_size (store) == 0;
}

/* Empties a large WAL when the last connection closes: when another
 * connection is busy, a later close does it. Nothing depends on it:
 * what was committed is on disk in the WAL. The size is counted in 4 KB
 * pages without the frame headers, so that the WAL is emptied no later
 * than SQLite's automatic checkpoint copies it. */
void
store_wal_close (MtStore *store)
{
	if (wal_size (store) >= (off_t) WAL_CHECKPOINT_FRAMES * 4096)
		mt_store_empty_wal (store);
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

gboolean
mt_store_secure_delete (MtStore *store, GError **error)
{
	return store_exec (store, "PRAGMA secure_delete = ON", error);
}

gboolean
mt_store_scrub_wal (MtStore *store, GError **error)
{
	int rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	if (rc == SQLITE_OK && wal_size (store) == 0)
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL,
		     "the write-ahead log still holds erased data (%s): a reader held it; erase again later",
		     sqlite3_errstr (rc));
	return FALSE;
}
