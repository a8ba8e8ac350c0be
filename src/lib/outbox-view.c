/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outbox-view.c - the outbox as admins and scripts see it
 * DESCRIPTION
 *	One JSON object per row, the same for the list and for one row,
 *	made whole by SQLite so that quoting is never ours. Times in JSON
 *	are ISO 8601 UTC, as in view.c.
 */
#include "mailticket/error.h"
#include "mailticket/outbox-view.h"

#define ISO(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
#define OBJECT                                                                                                         \
	"json_object('id', o.id, 'state', o.state, 'kind', o.kind, 'ticket', o.ticket, 'article', o.article,"          \
	" 'message_id', o.message_id, 'envelope_from', o.envelope_from,"                                               \
	" 'recipients', (SELECT json_group_array(json_object('address', address, 'state', state, 'reply', reply))"     \
	"                FROM (SELECT * FROM outbox_recipients WHERE outbox = o.id ORDER BY address)),"                \
	" 'attempts', o.attempts, 'next_attempt', " ISO (                                                              \
		"o.next_attempt") ","                                                                                  \
				  " 'created', " ISO ("o.created") ", 'done', " ISO (                                  \
					  "o.done") ","                                                                \
						    " 'claimed_by', o.claimed_by, 'claimed_until', " ISO (             \
							    "o.claimed_until") ","                                     \
									       " 'last_reply', o.last_reply, 'size', " \
									       "(SELECT size FROM blobs WHERE sha256 " \
									       "= o.blob))"

static const char SQL_LIST_JSON[] =
	"SELECT coalesce(json_group_array(json(j)), '[]') FROM ("
	" SELECT " OBJECT " AS j FROM outbox o WHERE :state IS NULL OR o.state = :state ORDER BY o.id)";
static const char SQL_ROW_JSON[] = "SELECT " OBJECT " FROM outbox o WHERE o.id = :id";
static const char SQL_ROWS[] =
	"SELECT o.id, ifnull(o.ticket, 0), ifnull(o.article, 0), o.state, o.kind, o.message_id, o.envelope_from,"
	" (SELECT group_concat(address || iif(state = 'failed', ' (failed)', ''), ', ') FROM"
	"  (SELECT address, state FROM outbox_recipients WHERE outbox = o.id ORDER BY address)),"
	" o.attempts, o.next_attempt, o.created, ifnull(o.done, 0), ifnull(o.claimed_until, 0),"
	" (SELECT size FROM blobs WHERE sha256 = o.blob), o.claimed_by, o.last_reply"
	" FROM outbox o WHERE (:state IS NULL OR o.state = :state) AND (:id = 0 OR o.id = :id) ORDER BY o.id";
static const char SQL_RECIPIENTS[] =
	"SELECT address, state, reply FROM outbox_recipients WHERE outbox = :id ORDER BY address";
static const char SQL_BLOB[] = "SELECT blob FROM outbox WHERE id = :id";

static const char *const outbox_view_queries[] = {
	SQL_LIST_JSON, SQL_ROW_JSON, SQL_ROWS, SQL_RECIPIENTS, SQL_BLOB, NULL,
};

const char *const *
mt_outbox_view_queries (void)
{
	return outbox_view_queries;
}

#define TEXT(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

static gboolean
not_found (GError **error, gint64 id)
{
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no outbox message %" G_GINT64_FORMAT, id);
	return FALSE;
}

static void
read_row (sqlite3_stmt *stmt, MtOutboxRow *row)
{
	*row = (MtOutboxRow){
		.id = sqlite3_column_int64 (stmt, 0),
		.ticket = sqlite3_column_int64 (stmt, 1),
		.article = sqlite3_column_int64 (stmt, 2),
		.state = TEXT (stmt, 3),
		.kind = TEXT (stmt, 4),
		.message_id = TEXT (stmt, 5),
		.envelope_from = TEXT (stmt, 6),
		.recipients = TEXT (stmt, 7),
		.attempts = sqlite3_column_int64 (stmt, 8),
		.next_attempt = sqlite3_column_int64 (stmt, 9),
		.created = sqlite3_column_int64 (stmt, 10),
		.done = sqlite3_column_int64 (stmt, 11),
		.claimed_until = sqlite3_column_int64 (stmt, 12),
		.size = sqlite3_column_int64 (stmt, 13),
		.claimed_by = TEXT (stmt, 14),
		.last_reply = TEXT (stmt, 15),
	};
}

gboolean
mt_outbox_view_list (MtStore *store, const char *state, gint64 id, MtOutboxRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_ROWS, MT_BINDS (MT_TEXT (":state", state), MT_INT (":id", id)), error);
	MtOutboxRow row;
	gint64 n = 0;
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		read_row (stmt, &row);
		n++;
		if (!func (&row, data))
			break;
	}
	sqlite3_reset (stmt);
	if (rc < 0)
		return FALSE;
	return id == 0 || n > 0 || not_found (error, id);
}

/* The one text value of a bound JSON query; owned. */
static char *
json_text (MtStore *store, sqlite3_stmt *stmt, gint64 id, GError **error)
{
	char *json;
	int rc = mt_store_step (store, stmt, error);

	if (rc < 0)
		return NULL;
	if (rc == SQLITE_DONE) {
		sqlite3_reset (stmt);
		not_found (error, id);
		return NULL;
	}
	json = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

char *
mt_outbox_view_list_json (MtStore *store, const char *state, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_LIST_JSON, MT_BINDS (MT_TEXT (":state", state)), error);

	if (stmt == NULL)
		return NULL;
	return json_text (store, stmt, 0, error);
}

char *
mt_outbox_view_json (MtStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_ROW_JSON, MT_BINDS (MT_INT (":id", id)), error);

	if (stmt == NULL)
		return NULL;
	return json_text (store, stmt, id, error);
}

gboolean
mt_outbox_view_recipients (MtStore *store, gint64 id, MtOutboxRecipientFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_RECIPIENTS, MT_BINDS (MT_INT (":id", id)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		if (!func (TEXT (stmt, 0), TEXT (stmt, 1), TEXT (stmt, 2), data))
			break;
	sqlite3_reset (stmt);
	return rc >= 0;
}

GBytes *
mt_outbox_view_raw (MtStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_BLOB, MT_BINDS (MT_INT (":id", id)), error);
	g_autofree char *sha256 = NULL;
	int rc;

	if (stmt == NULL)
		return NULL;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return NULL;
	if (rc == SQLITE_DONE) {
		sqlite3_reset (stmt);
		not_found (error, id);
		return NULL;
	}
	sha256 = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	return mt_store_get_blob (store, sha256, error);
}
