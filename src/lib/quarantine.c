/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	quarantine.c - messages kept whole because they could not be parsed
 * DESCRIPTION
 *	Refusing such a message would bounce it to a sender who may never
 *	learn why; retrying it would keep it in the MTA's queue for days.
 *	It is kept here, raw, for an admin to look at and replay. Owns the
 *	table quarantine.
 */
#include "mailticket/error.h"
#include "mailticket/quarantine.h"

static const char SQL_QUARANTINE_ADD[] =
	"INSERT INTO quarantine (received, blob, size, envelope_from, envelope_to, reason)"
	" VALUES (:now, :sha256, :size, :sender, :recipient, :reason)";

static const char SQL_QUARANTINE_FIND[] = "SELECT id FROM quarantine WHERE blob = :sha256 ORDER BY id LIMIT 1";
static const char SQL_QUARANTINE_LIST[] =
	"SELECT id, received, size, envelope_from, envelope_to, reason, blob, coalesce(replayed, 0)"
	" FROM quarantine WHERE :id = 0 OR id = :id ORDER BY id";
static const char SQL_QUARANTINE_REPLAYED[] = "UPDATE quarantine SET replayed = :article WHERE id = :id";
static const char SQL_QUARANTINE_FORGET[] = "DELETE FROM quarantine WHERE envelope_from = :sender COLLATE NOCASE";

static const char *const quarantine_queries[] = {
	SQL_QUARANTINE_ADD,      SQL_QUARANTINE_FIND,   SQL_QUARANTINE_LIST,
	SQL_QUARANTINE_REPLAYED, SQL_QUARANTINE_FORGET, NULL,
};

const char *const *
mt_quarantine_queries (void)
{
	return quarantine_queries;
}

gboolean
mt_quarantine_add (MtStore *store, const char *sha256, gint64 size, const char *sender, const char *recipient,
		   const char *reason, gint64 now, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_QUARANTINE_FIND, error);

	/* The same bytes again (a retry, or a replay that failed) keep their entry. */
	if (stmt == NULL)
		return FALSE;
	mt_store_bind_text (stmt, ":sha256", sha256);
	if (!mt_store_get_int (store, stmt, id, error) || *id != 0)
		return *id != 0;
	return mt_store_insert (store, SQL_QUARANTINE_ADD,
				MT_BINDS (MT_INT (":now", now), MT_TEXT (":sha256", sha256), MT_INT (":size", size),
					  MT_TEXT (":sender", sender), MT_TEXT (":recipient", recipient),
					  MT_TEXT (":reason", reason)),
				id, error);
}

#define TEXT(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

gboolean
mt_quarantine_list (MtStore *store, gint64 id, MtQuarantineRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_QUARANTINE_LIST, MT_BINDS (MT_INT (":id", id)), error);
	MtQuarantineRow row;
	int rc, n = 0;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		row = (MtQuarantineRow){
			.id = sqlite3_column_int64 (stmt, 0),
			.received = sqlite3_column_int64 (stmt, 1),
			.size = sqlite3_column_int64 (stmt, 2),
			.sender = TEXT (stmt, 3),
			.recipient = TEXT (stmt, 4),
			.reason = TEXT (stmt, 5),
			.sha256 = TEXT (stmt, 6),
			.replayed = sqlite3_column_int64 (stmt, 7),
		};
		n++;
		if (!func (&row, data))
			break;
	}
	sqlite3_reset (stmt);
	if (rc >= 0 && id > 0 && n == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no quarantined message %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	return rc >= 0;
}

gboolean
mt_quarantine_mark_replayed (MtStore *store, gint64 id, gint64 article, GError **error)
{
	return mt_store_run (store, SQL_QUARANTINE_REPLAYED,
			     MT_BINDS (MT_INT (":id", id), MT_INT (":article", article)), error);
}

gboolean
mt_quarantine_forget_sender (MtStore *store, const char *sender, GError **error)
{
	return mt_store_run (store, SQL_QUARANTINE_FORGET, MT_BINDS (MT_TEXT (":sender", sender)), error);
}
