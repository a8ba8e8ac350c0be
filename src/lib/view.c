/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	view.c - the read side: tickets and articles as people and scripts see them
 * DESCRIPTION
 *	JSON comes whole out of SQLite's json functions, so quoting and
 *	escaping are SQLite's, never ours. Times in JSON are ISO 8601 UTC.
 *	The long queries are views in sql/0012-views.sql; here are only the
 *	filters, orders and limits put around them.
 *	Readable output walks the same rows through callbacks.
 */
#include "mailticket/autocleanups.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"
#include "mailticket/view.h"

/* A ticket's row as MtTicketRow has it, from ticket_summary s. */
#define TICKET_COLUMNS                                                                                \
	"s.id, s.subject, s.status, s.priority, s.queue, s.owner, s.requester, s.created, s.updated," \
	" s.articles, s.project, s.color, s.due, s.tags, s.org"

static const char SQL_TICKET_ROW[] = "SELECT " TICKET_COLUMNS " FROM ticket_summary s WHERE s.id = :ticket";

/* A list is a head, the filters asked for, an order, the limit, the
 * order again and a tail, put together at run time from these static
 * pieces only; every value is bound by name. The filters pick the ids
 * alone, so that the costlier columns are computed for the rows shown,
 * not for every row sorted. */
static const char LIST_ROWS_HEAD[] = "SELECT " TICKET_COLUMNS " FROM ticket_summary s"
				     " WHERE s.id IN (SELECT s.id FROM ticket_summary s WHERE 1";
static const char LIST_ROWS_TAIL[] = "";
static const char LIST_JSON_HEAD[] = "SELECT coalesce(json_group_array(json(o)), '[]') FROM ("
				     " SELECT j.json AS o FROM ticket_summary s JOIN ticket_list_json j ON j.id = s.id"
				     " WHERE s.id IN (SELECT s.id FROM ticket_summary s WHERE 1";
static const char LIST_JSON_TAIL[] = ")";
static const char LIST_LIMIT[] = " LIMIT :limit)";

static const char FILTER_STATUS[] = " AND s.status IN (:status1, :status2, :status3, :status4, :status5)";
static const char FILTER_QUEUE[] = " AND s.queue = :queue";
static const char FILTER_OWNER[] = " AND s.owner = :owner";
static const char FILTER_UNOWNED[] = " AND s.owner IS NULL";
static const char FILTER_REQUESTER[] = " AND s.requester = :requester";
static const char FILTER_ORG[] = " AND s.requester IN (SELECT c.address FROM contacts c JOIN organisations o ON o.id = "
				 "c.org WHERE o.name = :org)";
static const char FILTER_TAG[] = " AND s.id IN (SELECT ticket FROM tags WHERE tag = :tag)";
static const char FILTER_PROJECT[] = " AND s.project = :project";
static const char FILTER_PRIORITY[] = " AND s.priority >= :priority_min";
static const char FILTER_SINCE[] = " AND s.created >= :since";
static const char FILTER_UNTIL[] = " AND s.created < :until";
static const char FILTER_NOT_PERSONAL[] = " AND NOT s.personal";
static const char FILTER_PERSONAL[] = " AND s.personal";
static const char FILTER_OVERDUE[] = " AND s.due < :now AND s.status NOT IN ('resolved', 'closed')";

/* Indexed by MtViewSort. */
static const char *const list_order[] = {
	" ORDER BY s.updated DESC, s.id DESC",
	" ORDER BY s.created DESC, s.id DESC",
	" ORDER BY s.priority DESC, s.updated DESC, s.id DESC",
	" ORDER BY s.id DESC",
};
static const char *const sort_names[] = { "updated", "created", "priority", "id" };

static const char SQL_TICKET_JSON[] = "SELECT json FROM ticket_json WHERE id = :ticket";
static const char SQL_ARTICLES[] =
	"SELECT a.id, a.kind, a.internal, a.\"from\", a.\"to\", a.cc, a.subject, a.message_id, a.via, a.text, a.date,"
	" a.created, a.size, a.blob IS NOT NULL, u.login, a.not_indexed"
	" FROM articles a LEFT JOIN users u ON u.id = a.author WHERE a.ticket = :ticket ORDER BY a.id";
static const char SQL_ATTACHMENTS[] =
	"SELECT position, name, type, part, size FROM attachments WHERE article = :article ORDER BY position";
static const char SQL_ATTACHMENT_PART[] =
	"SELECT (SELECT count(*) FROM attachments WHERE article = a.id),"
	" (SELECT part FROM attachments WHERE article = a.id AND position = :position)"
	" FROM articles a WHERE a.id = :article AND a.ticket = :ticket";
static const char SQL_ARTICLE_BLOB[] = "SELECT blob FROM articles WHERE id = :article AND ticket = :ticket";
static const char SQL_ADD_WATCHERS[] = "SELECT json_set(:ticket, '$.watchers', json(:watchers))";
static const char SQL_HISTORY[] = "SELECT at, who, field, old, new FROM history WHERE ticket = :ticket ORDER BY id";
static const char SQL_LINKS[] = "SELECT kind, other FROM links WHERE ticket = :ticket ORDER BY other, kind";

static const char *const view_queries[] = {
	SQL_TICKET_ROW,   SQL_TICKET_JSON,  SQL_ARTICLES, SQL_ATTACHMENTS, SQL_ATTACHMENT_PART,
	SQL_ARTICLE_BLOB, SQL_ADD_WATCHERS, SQL_HISTORY,  SQL_LINKS,       NULL,
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
	row->project = TEXT (stmt, 10);
	row->color = TEXT (stmt, 11);
	row->due = sqlite3_column_int64 (stmt, 12);
	row->tags = TEXT (stmt, 13);
	row->org = TEXT (stmt, 14);
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
mt_view_ticket (MtStore *store, gint64 id, MtTicketRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_TICKET_ROW, MT_BINDS (MT_INT (":ticket", id)), error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
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

/* The ticket's object with the people module's watchers added. */
static char *
add_watchers (MtStore *store, gint64 id, const char *ticket, GError **error)
{
	g_autofree char *watchers = mt_people_watchers_json (store, id, error);
	sqlite3_stmt *stmt;

	if (watchers == NULL || !(stmt = mt_store_query (store, SQL_ADD_WATCHERS, error)))
		return NULL;
	mt_store_bind_text (stmt, ":ticket", ticket);
	mt_store_bind_text (stmt, ":watchers", watchers);
	return json_text (store, stmt, "ticket", id, error);
}

char *
mt_view_ticket_json (MtStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_TICKET_JSON, MT_BINDS (MT_INT (":ticket", id)), error);
	g_autofree char *ticket = NULL;

	if (stmt == NULL)
		return NULL;
	if (!(ticket = json_text (store, stmt, "ticket", id, error)))
		return NULL;
	return add_watchers (store, id, ticket, error);
}

gboolean
mt_view_articles (MtStore *store, gint64 ticket, MtArticleRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_ARTICLES, MT_BINDS (MT_INT (":ticket", ticket)), error);
	MtArticleRow row;
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		row = (MtArticleRow){
			.id = sqlite3_column_int64 (stmt, 0),
			.kind = TEXT (stmt, 1),
			.internal = sqlite3_column_int (stmt, 2),
			.from = TEXT (stmt, 3),
			.to = TEXT (stmt, 4),
			.cc = TEXT (stmt, 5),
			.subject = TEXT (stmt, 6),
			.message_id = TEXT (stmt, 7),
			.via = TEXT (stmt, 8),
			.text = TEXT (stmt, 9),
			.date = sqlite3_column_int64 (stmt, 10),
			.created = sqlite3_column_int64 (stmt, 11),
			.size = sqlite3_column_int64 (stmt, 12),
			.has_blob = sqlite3_column_int (stmt, 13),
			.author = TEXT (stmt, 14),
			.not_indexed = TEXT (stmt, 15),
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
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_ATTACHMENTS, MT_BINDS (MT_INT (":article", article)), error);

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		row = (MtAttachmentRow){
			.position = sqlite3_column_int64 (stmt, 0),
			.name = TEXT (stmt, 1),
			.type = TEXT (stmt, 2),
			.part = TEXT (stmt, 3),
			.size = sqlite3_column_int64 (stmt, 4),
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
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_ARTICLE_BLOB, MT_BINDS (MT_INT (":article", article), MT_INT (":ticket", ticket)), error);
	g_autofree char *sha = NULL;
	int rc;

	if (stmt == NULL)
		return NULL;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return NULL;
	if (rc == SQLITE_ROW)
		sha = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	if (sha == NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "ticket %" G_GINT64_FORMAT " has no stored message as article %" G_GINT64_FORMAT, ticket,
			     article);
		return NULL;
	}
	return mt_store_get_blob (store, sha, error);
}

/* Why there is no attachment n: no article, none at all, or fewer. */
static void
no_attachment (GError **error, gint64 ticket, gint64 article, gint64 n, gboolean found, gint64 count)
{
	if (!found)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "ticket %" G_GINT64_FORMAT " has no article %" G_GINT64_FORMAT, ticket, article);
	else if (count == 0)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "article %" G_GINT64_FORMAT " has no attachments",
			     article);
	else
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "article %" G_GINT64_FORMAT " has %" G_GINT64_FORMAT
			     " attachment%s, numbered from 1; there is no %" G_GINT64_FORMAT,
			     article, count, count == 1 ? "" : "s", n);
}

char *
mt_view_attachment_part (MtStore *store, gint64 ticket, gint64 article, gint64 n, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_ATTACHMENT_PART,
		MT_BINDS (MT_INT (":article", article), MT_INT (":ticket", ticket), MT_INT (":position", n)), error);
	g_autofree char *part = NULL;
	gint64 count = 0;
	int rc;

	if (stmt == NULL)
		return NULL;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return NULL;
	if (rc == SQLITE_ROW) {
		count = sqlite3_column_int64 (stmt, 0);
		part = g_strdup (TEXT (stmt, 1));
	}
	sqlite3_reset (stmt);
	if (part == NULL)
		no_attachment (error, ticket, article, n, rc == SQLITE_ROW, count);
	return g_steal_pointer (&part);
}

gboolean
mt_view_history (MtStore *store, gint64 ticket, MtHistoryRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_HISTORY, MT_BINDS (MT_INT (":ticket", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
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
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_LINKS, MT_BINDS (MT_INT (":ticket", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		if (!func (TEXT (stmt, 0), sqlite3_column_int64 (stmt, 1), data))
			break;
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
mt_view_parse_statuses (const char *text, guint *statuses, GError **error)
{
	/* "" splits into no names at all, and must not mean every status. */
	g_auto (GStrv) names = g_strsplit (*text ? text : ",", ",", -1);

	for (int i = 0; names[i] != NULL; i++) {
		const char *const *status = mt_ticket_statuses ();
		const char *name = g_strstrip (names[i]);
		gsize s;

		if (g_ascii_strcasecmp (name, "active") == 0) {
			*statuses |= MT_VIEW_STATUS_ACTIVE;
			continue;
		}
		for (s = 0; status[s] != NULL; s++)
			if (g_ascii_strcasecmp (name, status[s]) == 0)
				break;
		if (status[s] == NULL) {
			g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
				     "unknown status '%s' (new, open, pending, resolved, closed or active)", name);
			return FALSE;
		}
		*statuses |= 1u << s;
	}
	return TRUE;
}

gboolean
mt_view_parse_sort (const char *text, MtViewSort *sort, GError **error)
{
	for (gsize i = 0; i < G_N_ELEMENTS (sort_names); i++)
		if (g_ascii_strcasecmp (text, sort_names[i]) == 0) {
			*sort = (MtViewSort) i;
			return TRUE;
		}
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "cannot sort by '%s' (updated, created, priority or id)", text);
	return FALSE;
}

/* head, the fragment of every filter that f sets, the order, the limit,
 * the order again, tail. */
static char *
list_sql (const char *head, const MtViewFilter *f, const char *tail)
{
	GString *sql = g_string_new (head);
	const char *order = list_order[f->sort < G_N_ELEMENTS (list_order) ? f->sort : 0];

	if (f->statuses != 0)
		g_string_append (sql, FILTER_STATUS);
	if (f->queue != NULL)
		g_string_append (sql, FILTER_QUEUE);
	if (f->owner != NULL)
		g_string_append (sql, FILTER_OWNER);
	if (f->unowned)
		g_string_append (sql, FILTER_UNOWNED);
	if (f->requester != NULL)
		g_string_append (sql, FILTER_REQUESTER);
	if (f->org != NULL)
		g_string_append (sql, FILTER_ORG);
	if (f->tag != NULL)
		g_string_append (sql, FILTER_TAG);
	if (f->project != NULL)
		g_string_append (sql, FILTER_PROJECT);
	if (f->priority_min > 0)
		g_string_append (sql, FILTER_PRIORITY);
	if (f->since != 0)
		g_string_append (sql, FILTER_SINCE);
	if (f->until != 0)
		g_string_append (sql, FILTER_UNTIL);
	if (f->overdue)
		g_string_append (sql, FILTER_OVERDUE);
	if (f->personal != MT_VIEW_PERSONAL_ANY)
		g_string_append (sql, f->personal == MT_VIEW_PERSONAL_HIDE ? FILTER_NOT_PERSONAL : FILTER_PERSONAL);
	g_string_append (sql, order);
	g_string_append (sql, LIST_LIMIT);
	g_string_append (sql, order);
	g_string_append (sql, tail);
	return g_string_free (sql, FALSE);
}

/* Binds value to the parameter called name, if the statement has it. */
static void
bind_text_named (sqlite3_stmt *stmt, const char *name, const char *value)
{
	int i = sqlite3_bind_parameter_index (stmt, name);

	if (i > 0 && value != NULL)
		sqlite3_bind_text (stmt, i, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int_named (sqlite3_stmt *stmt, const char *name, gint64 value)
{
	int i = sqlite3_bind_parameter_index (stmt, name);

	if (i > 0)
		sqlite3_bind_int64 (stmt, i, value);
}

static void
bind_filter (sqlite3_stmt *stmt, const MtViewFilter *f)
{
	const char *const *status = mt_ticket_statuses ();

	for (gsize s = 0, slot = 1; status[s] != NULL; s++)
		if (f->statuses & (1u << s)) {
			g_autofree char *name = g_strdup_printf (":status%zu", slot++);
			bind_text_named (stmt, name, status[s]);
		}
	bind_text_named (stmt, ":queue", f->queue);
	bind_text_named (stmt, ":owner", f->owner);
	bind_text_named (stmt, ":requester", f->requester);
	bind_text_named (stmt, ":org", f->org);
	bind_text_named (stmt, ":tag", f->tag);
	bind_text_named (stmt, ":project", f->project);
	bind_int_named (stmt, ":priority_min", f->priority_min);
	bind_int_named (stmt, ":since", f->since);
	bind_int_named (stmt, ":until", f->until);
	bind_int_named (stmt, ":now", f->now);
	bind_int_named (stmt, ":limit", f->limit > 0 ? f->limit : -1);
}

/* The list statement for filter; owned, to be finalized. */
static sqlite3_stmt *
prepare_list (MtStore *store, const char *head, const MtViewFilter *filter, const char *tail, GError **error)
{
	static const MtViewFilter everything = { 0 };
	const MtViewFilter *f = filter ? filter : &everything;
	g_autofree char *sql = list_sql (head, f, tail);
	sqlite3_stmt *stmt = mt_store_prepare (store, sql, error);

	if (stmt != NULL)
		bind_filter (stmt, f);
	return stmt;
}

gboolean
mt_view_list (MtStore *store, const MtViewFilter *filter, MtTicketRowFunc func, gpointer data, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = prepare_list (store, LIST_ROWS_HEAD, filter, LIST_ROWS_TAIL, error);
	gint64 n;

	return stmt != NULL && each_ticket (store, stmt, func, data, &n, error);
}

char *
mt_view_list_json (MtStore *store, const MtViewFilter *filter, GError **error)
{
	g_autoptr (sqlite3_stmt) stmt = prepare_list (store, LIST_JSON_HEAD, filter, LIST_JSON_TAIL, error);

	return stmt ? json_text (store, stmt, "tickets", 0, error) : NULL;
}
