/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	store.h - the SQLite database: open, migrate, transactions, blobs
 * DESCRIPTION
 *	mt_store_open() opens (or creates) the database in WAL mode, waits
 *	busy_timeout ms for locks, and applies the migrations compiled in
 *	from sql/ in order, one transaction each, recorded in
 *	PRAGMA user_version. Every SQLite failure comes back as an MT_ERROR
 *	classified by mt_error_sqlite(): busy, locked, full, read-only and
 *	I/O errors are MT_ERROR_TEMPFAIL.
 *
 *	Statements are prepared once per process by mt_store_query(), keyed
 *	by the address of their SQL text, which must therefore be a static
 *	string. Every module keeps its SQL in one table, which it exports so
 *	that the unit tests prepare each statement against a fresh schema.
 *	The few statements assembled at run time from static pieces (the
 *	filters of a ticket list) go through mt_store_prepare() instead and
 *	are finalized after use.
 */
#ifndef MT_STORE_H
#define MT_STORE_H

#include <glib.h>
#include <sqlite3.h>

typedef struct {
	const char *name;
	const char *sql;
} MtMigration;

/* Generated from the files in sql/; ends with { NULL, NULL }. */
extern const MtMigration mt_migrations[];

typedef struct _MtStore MtStore;

typedef enum {
	MT_STORE_CREATE,   /* create the database if it is not there (mailticket init) */
	MT_STORE_EXISTING, /* MT_ERROR_NOT_FOUND when it is not there, or an empty file */
} MtStoreMode;

MtStore *mt_store_open (const char *path, int busy_timeout, MtStoreMode mode, GError **error);
void mt_store_close (MtStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtStore, mt_store_close)

/* The schema version in force, and the number of migrations compiled in. */
int mt_store_version (MtStore *store);
int mt_store_migrations_known (void);

/* BEGIN IMMEDIATE: the write lock is taken now, or MT_ERROR_TEMPFAIL. */
gboolean mt_store_begin (MtStore *store, GError **error);
gboolean mt_store_commit (MtStore *store, GError **error);
/* Rolls back an open transaction, if any. Never fails. */
void mt_store_rollback (MtStore *store);

/* A function that writes in a transaction its caller opened: for
 * mt_store_batch_write() and mt_store_upkeep(). */
typedef gboolean (*MtStoreFunc) (MtStore *store, gpointer data, GError **error);

/* Runs func in a write transaction of its own: committed, or rolled
 * back when func or the commit fails. */
gboolean mt_store_transaction (MtStore *store, MtStoreFunc func, gpointer data, GError **error);

/* A batch: several writes, each of which would otherwise be a
 * transaction of its own, in one transaction with one sync for them all
 * (the delivery server's). mt_store_batch_begin() opens it (BEGIN
 * IMMEDIATE); mt_store_batch_write() runs func as one write of it, in a
 * savepoint: when func fails, that write alone is undone. Nothing of any
 * write is on disk before mt_store_batch_commit(), and none of them is
 * when that fails. Should SQLite roll back the whole transaction after
 * an error (a full disk), every later write of the batch and its commit
 * fail, MT_ERROR_TEMPFAIL. Inside a batch, mt_store_begin() fails,
 * MT_ERROR_INTERNAL: a write of the batch begins and commits nothing. */
gboolean mt_store_batch_begin (MtStore *store, GError **error);
gboolean mt_store_batch_write (MtStore *store, MtStoreFunc func, gpointer data, GError **error);
gboolean mt_store_batch_commit (MtStore *store, GError **error);
void mt_store_batch_rollback (MtStore *store);

/* Runs func in a transaction of its own that neither waits for a lock
 * nor syncs on commit: for upkeep that only rearranges what is stored
 * already, which a crash may undo without harm (a later commit syncs
 * it along). MT_ERROR_TEMPFAIL at once when another connection holds
 * the write lock. The store's waiting and syncing are as before after. */
gboolean mt_store_upkeep (MtStore *store, MtStoreFunc func, gpointer data, GError **error);

/* Whether the commit that fills the WAL to 400 pages copies it into the
 * database (FALSE, as opened: SQLite's checkpoint, in the commit), or
 * leaves that to the caller, who can answer first: mt_store_checkpoint()
 * once mt_store_checkpoint_due(). A commit still copies the WAL when it
 * has grown to four times that. */
void mt_store_set_checkpoint_later (MtStore *store, gboolean later);
gboolean mt_store_checkpoint_due (MtStore *store);
/* Copies what it can of the WAL into the database, without waiting for
 * any other connection: a reader holds back what it still reads. */
void mt_store_checkpoint (MtStore *store);

/* Copies the WAL into the database and empties it, without waiting for
 * other connections. FALSE when something was left in it: a reader
 * still needs it, or a writer was busy. */
gboolean mt_store_empty_wal (MtStore *store);

/* Runs func in one BEGIN IMMEDIATE transaction after another, as long
 * as it does a full batch (*done == size: there may be more): work that
 * picks its rows inside the transaction, so that two processes never
 * take the same row. *total adds up what the committed batches did.
 * FALSE, that batch rolled back, when func or the commit fails. */
typedef gboolean (*MtStoreBatchFunc) (MtStore *store, gpointer data, guint *done, GError **error);
/* Between two transactions of a long job: long enough for a writer that
 * waits to take the lock (mt_store_batches does it between batches). */
void mt_store_yield (void);
gboolean mt_store_batches (MtStore *store, guint size, MtStoreBatchFunc func, gpointer data, guint *total,
			   GError **error);

/* Returns the cached statement for sql, reset and with its bindings
 * cleared; borrowed. NULL and error if it does not prepare. */
sqlite3_stmt *mt_store_query (MtStore *store, const char *sql, GError **error);

/* Prepares sql that is put together at run time (from static pieces,
 * never from values: those are bound) and so cannot be cached; owned,
 * the caller finalizes it. NULL and error if it does not prepare. */
sqlite3_stmt *mt_store_prepare (MtStore *store, const char *sql, GError **error);

/* Steps stmt: SQLITE_ROW or SQLITE_DONE, or -1 with error set. */
int mt_store_step (MtStore *store, sqlite3_stmt *stmt, GError **error);

/* Statements name their parameters (":ticket") and are bound by name;
 * a name the statement lacks is a bug in its text, and aborts on the
 * statement's first run. mt_store_bind_text binds NULL for NULL. */
int mt_store_parameter (sqlite3_stmt *stmt, const char *name);
void mt_store_bind_int (sqlite3_stmt *stmt, const char *name, gint64 value);
void mt_store_bind_text (sqlite3_stmt *stmt, const char *name, const char *text);

/* Steps stmt to completion (an INSERT, UPDATE or DELETE). */
gboolean mt_store_exec_stmt (MtStore *store, sqlite3_stmt *stmt, GError **error);

/* A value for a named parameter, for mt_store_run: MT_INT (":ticket",
 * id) or MT_TEXT (":address", text), where NULL text binds NULL. */
typedef struct {
	const char *name;
	gboolean is_text;
	gint64 number;
	const char *text;
} MtBind;
/* clang-format off */
#define MT_INT(name, value) { (name), FALSE, (value), NULL }
#define MT_TEXT(name, value) { (name), TRUE, 0, (value) }
/* The list: MT_BINDS (MT_INT (":ticket", id), MT_TEXT (":name", name)). */
#define MT_BINDS(...) ((const MtBind[]){ __VA_ARGS__, { NULL } })
/* clang-format on */

/* Runs sql, an INSERT, UPDATE or DELETE, with binds: a list that ends
 * with an entry without a name. */
gboolean mt_store_run (MtStore *store, const char *sql, const MtBind *binds, GError **error);
/* The same for an INSERT: *id is the new row's. */
gboolean mt_store_insert (MtStore *store, const char *sql, const MtBind *binds, gint64 *id, GError **error);
/* mt_store_query with binds applied: for a statement that returns rows. */
sqlite3_stmt *mt_store_query_bound (MtStore *store, const char *sql, const MtBind *binds, GError **error);

/* Runs one statement that returns a single integer (0 when no row). */
gboolean mt_store_get_int (MtStore *store, sqlite3_stmt *stmt, gint64 *value, GError **error);
/* Runs sql with binds: the first n integer columns of its first row
 * into values (zeros when there is no row). */
gboolean mt_store_get_ints (MtStore *store, const char *sql, const MtBind *binds, gint64 *values, int n,
			    GError **error);

/* Runs each of the n statements of moves with :from and :into (those of
 * the two it names): what a merge asks of each module for its own rows. */
gboolean mt_store_move (MtStore *store, const char *const *moves, gsize n, gint64 from, gint64 into, GError **error);

/* Runs stmt to its end: the text of its first column in each row
 * (owned strings), or NULL on an error. */
GPtrArray *mt_store_get_strings (MtStore *store, sqlite3_stmt *stmt, GError **error);
/* The same for the integers of its first column (a gint64 array, owned);
 * NULL for a NULL stmt (its query failed and said why). */
GArray *mt_store_get_ids (MtStore *store, sqlite3_stmt *stmt, GError **error);

/* Runs sql, a static query with one text parameter that returns one
 * integer, such as "SELECT id FROM users WHERE login = :login"; 0 when
 * no row. */
gboolean mt_store_get_id (MtStore *store, const char *sql, const char *key, gint64 *id, GError **error);

gint64 mt_store_last_id (MtStore *store);
sqlite3 *mt_store_peek_db (MtStore *store);

/* Stores bytes as a blob keyed by their sha256 (lower-case hex) unless
 * it is there already; *sha256 is owned by the caller. Large messages are
 * written with incremental blob I/O so they are not copied in memory. */
gboolean mt_store_put_blob (MtStore *store, const guint8 *data, gsize len, char **sha256, GError **error);
/* The same, with the sum worked out beforehand (mt_store_blob_sum()). */
gboolean mt_store_put_summed_blob (MtStore *store, const guint8 *data, gsize len, const char *sha256, GError **error);
char *mt_store_blob_sum (const guint8 *data, gsize len);

/* Writes the bytes of a message over 4 MB ahead of the transaction
 * that stores it (mt_store_put_summed_blob()), in transactions of their
 * own, each holding the write lock briefly; outside any transaction.
 * Does nothing for a smaller message or one stored already. */
gboolean mt_store_stage_blob (MtStore *store, const guint8 *data, gsize len, const char *sha256, GError **error);

/* Reads a blob back; owned. MT_ERROR_NOT_FOUND if there is none. */
GBytes *mt_store_get_blob (MtStore *store, const char *sha256, GError **error);
/* Sets the number kept in meta under key to value unless it is larger. */
gboolean mt_store_meta_raise (MtStore *store, const char *key, gint64 value, GError **error);
/* Deletes the blobs that no article, outbox row or quarantined message
 * uses, and the pieces of staged ones (mt_store_stage_blob()) no blob names. */
gboolean mt_store_drop_unused_blobs (MtStore *store, GError **error);
/* For an erasure: deleted content is overwritten with zeros from now on
 * on this connection (before the transaction), and afterwards the WAL,
 * which still holds the old pages, is copied back and truncated to
 * nothing (MT_ERROR_TEMPFAIL when a reader keeps it). */
gboolean mt_store_secure_delete (MtStore *store, GError **error);
gboolean mt_store_scrub_wal (MtStore *store, GError **error);

/* The site secret for reply tokens kept in the database (created with
 * the schema). Owned. */
char *mt_store_secret (MtStore *store, GError **error);

/* Checks the database file (PRAGMA integrity_check) and its references
 * (PRAGMA foreign_key_check): each problem found is added to problems
 * as one line; none added means all is well. FALSE only when the
 * checks cannot run. */
gboolean mt_store_check (MtStore *store, GPtrArray *problems, GError **error);

/* Writes a consistent copy of the database to path, a database file of
 * its own (no -wal beside it), while deliveries go on: read from one
 * snapshot, written to a temporary file beside path and renamed over
 * it, so that path is never half written. MT_ERROR_USAGE when path is
 * the database itself or has a -wal file beside it (a live database).
 * Not inside a transaction. */
gboolean mt_store_backup (MtStore *store, const char *path, GError **error);

/* Replaces the whole content of the database with that of path, a
 * backup (mt_store_backup()): MT_ERROR_DATA, and nothing changed, when
 * path is no mailticket database of a schema this program knows, has a
 * -wal file beside it, fails SQLite's quick_check, or is the database
 * itself. One write transaction for every other connection; an older
 * schema is migrated after. Not inside a transaction. */
gboolean mt_store_restore (MtStore *store, const char *path, GError **error);

/* The SQL this module prepares, for the unit tests. */
const char *const *mt_store_queries (void);

#endif
