/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store-transaction.c - write transactions, batches and upkeep
 * DESCRIPTION
 *	Every write transaction is BEGIN IMMEDIATE: the write lock is taken
 *	before any work, so a busy database shows as one retryable error
 *	and never as a deadlock between two upgrading readers. Every commit
 *	is synchronous=FULL, so that a message is on disk when the MTA
 *	hears exit 0; only upkeep, which rearranges what is stored already,
 *	commits without a sync of its own.
 *
 *	A batch is the delivery server's: several writes that would each
 *	commit by itself, in one transaction with one sync for them all,
 *	each in a savepoint of its own so that one that fails is undone
 *	alone. It is an API of its own (mt_store_batch_write()), not a mode
 *	of mt_store_begin(): a caller that begins a transaction gets one, or
 *	an error inside a batch, never a savepoint it did not ask for.
 */
#include "mailticket/error.h"
#include "store-private.h"

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
	if (!store_exec (store, "PRAGMA synchronous = FULL", error))
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
	if (!store_exec (store, "BEGIN IMMEDIATE", error))
		return FALSE;
	store->in_transaction = TRUE;
	return TRUE;
}

gboolean
mt_store_begin (MtStore *store, GError **error)
{
	/* A transaction of its own inside a batch would commit the batch's
	 * writes with it, or fail: say which mistake it is. */
	if (store->batch) {
		g_set_error_literal (
			error, MT_ERROR, MT_ERROR_INTERNAL,
			"a transaction was begun inside a batch (its writes go through mt_store_batch_write())");
		return FALSE;
	}
	if (store->not_synced && !sync_fully (store, error))
		return FALSE;
	return begin_immediate (store, error);
}

gboolean
mt_store_commit (MtStore *store, GError **error)
{
	if (!store_exec (store, "COMMIT", error)) {
		mt_store_rollback (store);
		return FALSE;
	}
	store->in_transaction = FALSE;
	return TRUE;
}

void
mt_store_rollback (MtStore *store)
{
	if (!sqlite3_get_autocommit (store->db))
		sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
	store->in_transaction = FALSE;
}

gboolean
mt_store_batch_begin (MtStore *store, GError **error)
{
	g_return_val_if_fail (!store->in_transaction, FALSE);
	/* A savepoint keeps the pages it changes, to undo them: in memory,
	 * not in a temporary file opened and removed for every batch. */
	if (!store->temp_in_memory && !store_exec (store, "PRAGMA temp_store = MEMORY", error))
		return FALSE;
	store->temp_in_memory = TRUE;
	if (!mt_store_begin (store, error))
		return FALSE;
	store->batch = TRUE;
	store->batch_lost = FALSE;
	return TRUE;
}

/* Undoes the write of the batch that failed. Some errors (a full disk,
 * say) make SQLite roll back the whole transaction itself: then the
 * batch's earlier writes are gone too. */
static void
undo_write (MtStore *store)
{
	if (sqlite3_get_autocommit (store->db))
		store->batch_lost = TRUE;
	else
		sqlite3_exec (store->db, "ROLLBACK TO part; RELEASE part", NULL, NULL, NULL);
}

gboolean
mt_store_batch_write (MtStore *store, MtStoreFunc func, gpointer data, GError **error)
{
	g_return_val_if_fail (store->batch, FALSE);
	if (store->batch_lost) {
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL,
			     "an earlier write of this batch failed, and its transaction was rolled back");
		return FALSE;
	}
	if (!store_exec (store, "SAVEPOINT part", error))
		return FALSE;
	if (func (store, data, error) && store_exec (store, "RELEASE part", error))
		return TRUE;
	undo_write (store);
	return FALSE;
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
mt_store_transaction (MtStore *store, MtStoreFunc func, gpointer data, GError **error)
{
	if (!mt_store_begin (store, error))
		return FALSE;
	if (!func (store, data, error)) {
		mt_store_rollback (store);
		return FALSE;
	}
	return mt_store_commit (store, error);
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
		if (done == size)
			mt_store_yield ();
	}
	return TRUE;
}

/* Another writer waiting on the lock polls it every millisecond
 * (busy_wait): free for less than that, it would be taken again by the
 * next batch each time, and the waiting delivery time out. */
void
mt_store_yield (void)
{
	g_usleep (3000);
}

gboolean
mt_store_upkeep (MtStore *store, MtStoreFunc func, gpointer data, GError **error)
{
	gboolean done;

	/* SQLite takes the setting only outside a transaction. */
	if (!store_exec (store, "PRAGMA synchronous = NORMAL", error))
		return FALSE;
	store->not_synced = TRUE;
	store_wait_for_locks (store, FALSE);
	done = begin_immediate (store, error);
	if (done && !(done = func (store, data, error)))
		mt_store_rollback (store);
	done = done && mt_store_commit (store, error);
	store_wait_for_locks (store, TRUE);
	/* Back to FULL whatever happened; a failure of the work is the one
	 * to tell. Should it fail, the next mt_store_begin() tries again and
	 * starts no transaction without it. */
	if (!sync_fully (store, done ? error : NULL))
		return FALSE;
	return done;
}
