/*
 * NAME
 *	outbox.c - mail waiting to be sent
 * DESCRIPTION
 *	Queuing is an INSERT in the caller's transaction: the article and
 *	the mail it causes are committed together or not at all. The bytes
 *	go to blobs, so that an email-out article and its outbox row share
 *	one copy.
 */
#include "mailticket/error.h"
#include "mailticket/outbox.h"

static const char SQL_INSERT[] =
	"INSERT INTO outbox (ticket, article, kind, message_id, blob, envelope_from, next_attempt, created)"
	" VALUES (nullif(?1, 0), nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, ?7)";
static const char SQL_RECIPIENT[] =
	"INSERT OR IGNORE INTO outbox_recipients (outbox, address) VALUES (?, ?)";
static const char SQL_FIND[] = "SELECT id FROM outbox WHERE message_id = ? ORDER BY id LIMIT 1";
static const char SQL_BOUNCE_RECIPIENTS[] =
	"UPDATE outbox_recipients SET state = 'failed', reply = ?2 WHERE outbox = ?1";
static const char SQL_BOUNCE_ROW[] =
	"UPDATE outbox SET state = 'failed', last_reply = ?2, done = ?3, claimed_by = NULL,"
	" claimed_until = NULL WHERE id = ?1";
static const char SQL_COUNT_TO[] =
	"SELECT count(*) FROM outbox o JOIN outbox_recipients r ON r.outbox = o.id"
	" WHERE o.kind = ?1 AND r.address = ?2 AND o.created >= ?3";

static const char *const outbox_queries[] = {
	SQL_INSERT, SQL_RECIPIENT, SQL_FIND, SQL_BOUNCE_RECIPIENTS, SQL_BOUNCE_ROW, SQL_COUNT_TO, NULL,
};

const char *const *
mt_outbox_queries (void)
{
	return outbox_queries;
}

static gboolean
add_recipients (MtStore *store, gint64 id, GPtrArray *recipients, GError **error)
{
	for (guint i = 0; i < recipients->len; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, SQL_RECIPIENT, error);

		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_int64 (stmt, 1, id);
		sqlite3_bind_text (stmt, 2, g_ptr_array_index (recipients, i), -1, SQLITE_TRANSIENT);
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_outbox_queue (MtStore *store, const MtOutboxNew *m, gint64 *id, GError **error)
{
	g_autofree char *sha256 = NULL;
	sqlite3_stmt *stmt;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (m->raw, &len);

	if (m->recipients == NULL || m->recipients->len == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL, "outbox: a message without recipients");
		return FALSE;
	}
	if (!mt_store_put_blob (store, data, len, &sha256, error) ||
	    !(stmt = mt_store_query (store, SQL_INSERT, error)))
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, m->ticket);
	sqlite3_bind_int64 (stmt, 2, m->article);
	sqlite3_bind_text (stmt, 3, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 4, m->message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, m->envelope_from ? m->envelope_from : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 7, m->now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return add_recipients (store, *id, m->recipients, error);
}

gboolean
mt_outbox_find (MtStore *store, const char *message_id, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_FIND, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, message_id, -1, SQLITE_TRANSIENT);
	return mt_store_get_int (store, stmt, id, error);
}

gboolean
mt_outbox_bounced (MtStore *store, gint64 id, const char *reason, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_BOUNCE_RECIPIENTS, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, id);
	sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_TRANSIENT);
	if (!mt_store_exec_stmt (store, stmt, error) || !(stmt = mt_store_query (store, SQL_BOUNCE_ROW, error)))
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, id);
	sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_outbox_count_to (MtStore *store, const char *kind, const char *address, gint64 since, gint64 *count,
		    GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_COUNT_TO, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, since);
	return mt_store_get_int (store, stmt, count, error);
}
