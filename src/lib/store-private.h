/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store-private.h - what the files of the store module share
 * DESCRIPTION
 *	The store is one module in four files, split at its seams: store.c
 *	opens and migrates the database and runs its statements,
 *	store-transaction.c begins and commits (batches and upkeep
 *	included), store-wal.c decides when the write-ahead log is copied
 *	into the database, and store-blob.c keeps the raw messages, and store-backup.c copies
 *	the database out and back. Only
 *	they include this header; everyone else goes through store.h.
 */
#ifndef MT_STORE_PRIVATE_H
#define MT_STORE_PRIVATE_H

#include <sqlite3.h>

#include "mailticket/store.h"

struct _MtStore {
	sqlite3 *db;
	GHashTable *statements; /* SQL text address -> sqlite3_stmt */
	gboolean in_transaction;
	gboolean batch;      /* within mt_store_batch_begin() */
	gboolean batch_lost; /* and SQLite rolled that transaction back after an error */
	gboolean temp_in_memory;
	gboolean not_synced; /* synchronous is NORMAL: no commit but upkeep's until FULL again */
	int wal_frames;      /* in the WAL after the last commit, with checkpoints later */
	int busy_timeout;    /* ms */
	gint64 busy_until;   /* monotonic time to give up waiting for a lock */
};

/* Runs sql; an error names what failed as what (store.c). */
gboolean store_exec_as (MtStore *store, const char *sql, const char *what, GError **error);
gboolean store_exec (MtStore *store, const char *sql, GError **error);

/* Applies the migrations the database lacks (store.c). */
gboolean store_migrate (MtStore *store, GError **error);

/* Whether a lock another connection holds is waited for, up to
 * busy_timeout (as opened), or fails at once (store.c). */
void store_wait_for_locks (MtStore *store, gboolean wait);

/* The WAL's part of opening and closing the database (store-wal.c). */
gboolean store_wal_open (MtStore *store, int busy_timeout, GError **error);
void store_wal_close (MtStore *store);

/* The statements of the blobs, for mt_store_queries() (store-blob.c). */
extern const char STORE_SQL_BLOB_FIND[];
extern const char STORE_SQL_BLOB_INSERT[];
extern const char STORE_SQL_BLOB_GET[];
extern const char STORE_SQL_CHUNK_PUT[];
extern const char STORE_SQL_CHUNKS_SIZE[];
extern const char STORE_SQL_CHUNKS_GET[];
extern const char STORE_SQL_BLOB_UNUSED[];
extern const char STORE_SQL_CHUNKS_UNUSED[];

#endif
