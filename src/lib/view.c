/*
 * NAME
 *	view.c - the read side: tickets and articles as people and scripts see them
 * DESCRIPTION
 *	JSON comes whole out of SQLite's json functions, so quoting and
 *	escaping are SQLite's, never ours. Times in JSON are ISO 8601 UTC.
 *	Readable output walks the same rows through callbacks.
 */
#include "mailticket/error.h"
#include "mailticket/view.h"

#define ISO(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"

static const char SQL_LIST_ROWS[] =
	"SELECT id, subject, status, priority, queue, owner, requester, created, updated, articles"
	" FROM ticket_summary ORDER BY updated DESC, id DESC LIMIT ?";
static const char SQL_TICKET_ROW[] =
	"SELECT id, subject, status, priority, queue, owner, requester, created, updated, articles"
	" FROM ticket_summary WHERE id = ?";
static const char SQL_LIST_JSON[] =
	"SELECT coalesce(json_group_array(json(o)), '[]') FROM ("
	" SELECT json_object('id', id, 'subject', subject, 'status', status, 'priority', priority,"
	"  'queue', queue, 'owner', owner, 'requester', requester,"
	"  'created', " ISO ("created") ", 'updated', " ISO ("updated") ", 'articles', articles) AS o"
	" FROM ticket_summary ORDER BY updated DESC, id DESC LIMIT ?)";
static const char SQL_TICKET_JSON[] =
	"SELECT json_object('id', s.id, 'uuid', s.uuid, 'type', s.type, 'subject', s.subject,"
	" 'status', s.status, 'priority', s.priority, 'queue', s.queue, 'owner', s.owner,"
	" 'requester', s.requester, 'project', s.project, 'color', s.color,"
	" 'flagged', json(iif(s.flagged, 'true', 'false')), 'merged_into', s.merged_into,"
	" 'created', " ISO ("s.created") ", 'updated', " ISO ("s.updated") ","
	" 'resolved', " ISO ("s.resolved") ", 'closed', " ISO ("s.closed") ","
	" 'links', (SELECT json_group_array(json_object('kind', kind, 'ticket', other))"
	"           FROM links WHERE ticket = s.id),"
	" 'history', (SELECT json_group_array(json_object('at', " ISO ("at") ", 'who', who,"
	"             'field', field, 'old', old, 'new', new))"
	"             FROM (SELECT * FROM history WHERE ticket = s.id ORDER BY id)),"
	" 'articles', (SELECT json_group_array(json(o)) FROM ("
	"   SELECT json_object('id', a.id, 'kind', a.kind, 'internal', json(iif(a.internal, 'true', 'false')),"
	"    'from', a.\"from\", 'to', a.\"to\", 'cc', a.cc, 'subject', a.subject, 'date', " ISO ("a.date") ","
	"    'message_id', a.message_id, 'via', a.via, 'size', a.size, 'automatic', json(iif(a.automatic, 'true', 'false')),"
	"    'text', a.text,"
	"    'attachments', (SELECT json_group_array(json_object('name', name, 'type', type, 'size', size,"
	"                    'part', part)) FROM (SELECT * FROM attachments WHERE article = a.id ORDER BY position))"
	"   ) AS o FROM articles a WHERE a.ticket = s.id ORDER BY a.id))"
	") FROM ticket_summary s WHERE s.id = ?";
static const char SQL_ARTICLES[] =
	"SELECT id, kind, internal, \"from\", \"to\", cc, subject, message_id, via, text, date, created, size,"
	" blob IS NOT NULL FROM articles WHERE ticket = ? ORDER BY id";
static const char SQL_ATTACHMENTS[] =
	"SELECT position, name, type, part, size FROM attachments WHERE article = ? ORDER BY position";
static const char SQL_ARTICLE_BLOB[] = "SELECT blob FROM articles WHERE id = ? AND ticket = ?";
static const char SQL_HISTORY[] = "SELECT at, who, field, old, new FROM history WHERE ticket = ? ORDER BY id";
static const char SQL_LINKS[] = "SELECT kind, other FROM links WHERE ticket = ? ORDER BY other, kind";

static const char *const view_queries[] = {
	SQL_LIST_ROWS, SQL_TICKET_ROW, SQL_LIST_JSON, SQL_TICKET_JSON, SQL_ARTICLES, SQL_ATTACHMENTS,
	SQL_ARTICLE_BLOB, SQL_HISTORY, SQL_LINKS, NULL,
};

const char *const *
mt_view_queries (void)
{
	return view_queries;
}

#define TEXT(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

static gboolean
not_found (GError **error, const char *what, gint64 id)
{
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, what, id);
	return FALSE;
}

static void
read_ticket_row (sqlite3_stmt *stmt, MtTicketRow *row)
{
	row->id = sqlite3_column_int64 (stmt, 0);
	row->subject = TEXT (stmt, 1);
	row->status = TEXT (stmt, 2);
	row->priority = sqlite3_column_int64 (stmt, 3);
	row->queue = TEXT (stmt, 4);
	row->owner = TEXT (stmt, 5);
	row->requester = TEXT (stmt, 6);
	row->created = sqlite3_column_int64 (stmt, 7);
	row->updated = sqlite3_column_int64 (stmt, 8);
	row->articles = sqlite3_column_int64 (stmt, 9);
}

/* Runs a bound ticket-row query through func; the number of rows in *n. */
static gboolean
each_ticket (MtStore *store, sqlite3_stmt *stmt, MtTicketRowFunc func, gpointer data, gint64 *n, GError **error)
{
	MtTicketRow row;
	int rc;

	*n = 0;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		read_ticket_row (stmt, &row);
		(*n)++;
		if (!func (&row, data))
			break;
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
mt_view_list (MtStore *store, int limit, MtTicketRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_LIST_ROWS, error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int (stmt, 1, limit > 0 ? limit : -1);
	return each_ticket (store, stmt, func, data, &n, error);
}

gboolean
mt_view_ticket (MtStore *store, gint64 id, MtTicketRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TICKET_ROW, error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, id);
	if (!each_ticket (store, stmt, func, data, &n, error))
		return FALSE;
	return n > 0 || not_found (error, "ticket", id);
}

/* The one text value of a bound JSON query; owned. */
static char *
json_text (MtStore *store, sqlite3_stmt *stmt, const char *what, gint64 id, GError **error)
{
	char *json;
	int rc = mt_store_step (store, stmt, error);

	if (rc < 0)
		return NULL;
	if (rc == SQLITE_DONE || sqlite3_column_type (stmt, 0) == SQLITE_NULL) {
		sqlite3_reset (stmt);
		not_found (error, what, id);
		return NULL;
	}
	json = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

char *
mt_view_list_json (MtStore *store, int limit, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_LIST_JSON, error);

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int (stmt, 1, limit > 0 ? limit : -1);
	return json_text (store, stmt, "tickets", 0, error);
}

char *
mt_view_ticket_json (MtStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TICKET_JSON, error);

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 1, id);
	return json_text (store, stmt, "ticket", id, error);
}

gboolean
mt_view_articles (MtStore *store, gint64 ticket, MtArticleRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ARTICLES, error);
	MtArticleRow row;
	int rc;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		row = (MtArticleRow) {
			.id = sqlite3_column_int64 (stmt, 0), .kind = TEXT (stmt, 1),
			.internal = sqlite3_column_int (stmt, 2), .from = TEXT (stmt, 3), .to = TEXT (stmt, 4),
			.cc = TEXT (stmt, 5), .subject = TEXT (stmt, 6), .message_id = TEXT (stmt, 7),
			.via = TEXT (stmt, 8), .text = TEXT (stmt, 9), .date = sqlite3_column_int64 (stmt, 10),
			.created = sqlite3_column_int64 (stmt, 11), .size = sqlite3_column_int64 (stmt, 12),
			.has_blob = sqlite3_column_int (stmt, 13),
		};
		if (!func (&row, data))
			break;
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
mt_view_attachments (MtStore *store, gint64 article, MtAttachmentRowFunc func, gpointer data, GError **error)
{
	MtAttachmentRow row;
	int rc;
	/* Called from within an article walk: a statement of its own. */
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ATTACHMENTS, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, article);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		row = (MtAttachmentRow) {
			.position = sqlite3_column_int64 (stmt, 0), .name = TEXT (stmt, 1),
			.type = TEXT (stmt, 2), .part = TEXT (stmt, 3), .size = sqlite3_column_int64 (stmt, 4),
		};
		if (!func (&row, data))
			break;
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}

GBytes *
mt_view_article_raw (MtStore *store, gint64 ticket, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ARTICLE_BLOB, error);
	g_autofree char *sha = NULL;
	int rc;

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 1, article);
	sqlite3_bind_int64 (stmt, 2, ticket);
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return NULL;
	if (rc == SQLITE_ROW)
		sha = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	if (sha == NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "ticket %" G_GINT64_FORMAT " has no stored message as article %" G_GINT64_FORMAT, ticket, article);
		return NULL;
	}
	return mt_store_get_blob (store, sha, error);
}

gboolean
mt_view_history (MtStore *store, gint64 ticket, MtHistoryRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_HISTORY, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		if (!func (sqlite3_column_int64 (stmt, 0), TEXT (stmt, 1), TEXT (stmt, 2), TEXT (stmt, 3),
			   TEXT (stmt, 4), data))
			break;
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
mt_view_links (MtStore *store, gint64 ticket, MtLinkRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_LINKS, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		if (!func (TEXT (stmt, 0), sqlite3_column_int64 (stmt, 1), data))
			break;
	sqlite3_reset (stmt);
	return rc >= 0;
}
