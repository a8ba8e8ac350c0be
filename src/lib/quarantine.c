/*
 * NAME
 *	quarantine.c - messages kept whole because they could not be parsed
 * DESCRIPTION
 *	Refusing such a message would bounce it to a sender who may never
 *	learn why; retrying it would keep it in the MTA's queue for days.
 *	It is kept here, raw, for an admin to look at and replay.
 */
#include "mailticket/quarantine.h"

static const char SQL_QUARANTINE_ADD[] =
	"INSERT INTO quarantine (received, blob, size, envelope_from, envelope_to, reason)"
	" VALUES (?, ?, ?, ?, ?, ?)";

static const char *const quarantine_queries[] = { SQL_QUARANTINE_ADD, NULL };

const char *const *
mt_quarantine_queries (void)
{
	return quarantine_queries;
}

gboolean
mt_quarantine_add (MtStore *store, const char *sha256, gint64 size, const char *sender, const char *recipient,
		   const char *reason, gint64 now, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_QUARANTINE_ADD, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, now);
	sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64 (stmt, 3, size);
	sqlite3_bind_text (stmt, 4, sender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 5, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text (stmt, 6, reason, -1, SQLITE_TRANSIENT);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return TRUE;
}
