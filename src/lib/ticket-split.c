/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket-split.c - articles moved between tickets one by one: split,
 *	and the record of a merge that unmerge reads
 * DESCRIPTION
 *	The third file of the ticket module (ticket.h), beside ticket.c and
 *	ticket-article.c: it moves single articles with their message ids
 *	(split), records what a merge moves (the table merges) and moves it
 *	back (unmerge), and answers whether an agent took two tickets apart.
 *	Callers hold the transaction; split.c decides what may move.
 */
#include "mailticket/error.h"
#include "mailticket/ticket.h"

/* The merge's lists, read where they are needed, never pasted. */
#define MERGED(column) "(SELECT value FROM json_each((SELECT " column " FROM merges WHERE id = :merge)))"

static const char SQL_MERGE_NOTE[] =
	"INSERT INTO merges (ticket, into_ticket, at, status, resolved, closed, articles, message_ids, cc, watchers)"
	" SELECT t.id, :into, :now, t.status, t.resolved, t.closed,"
	" (SELECT json_group_array(id) FROM (SELECT id FROM articles WHERE ticket = t.id ORDER BY id)),"
	" (SELECT json_group_array(message_id) FROM message_ids WHERE ticket = t.id AND article IS NULL),"
	" (SELECT json_group_array(json_object('address', address, 'source', source, 'article', article,"
	"                                      'created', created)) FROM conversation_cc WHERE ticket = t.id),"
	" (SELECT json_group_array(json_object('user', user, 'grp', grp, 'address', address, 'created', created))"
	"  FROM watchers WHERE ticket = t.id)"
	" FROM tickets t WHERE t.id = :from";
static const char SQL_MERGE_FIND[] =
	"SELECT id FROM merges WHERE ticket = :from AND into_ticket = :into ORDER BY id DESC LIMIT 1";
static const char SQL_MERGE_WATCHERS[] = "SELECT watchers FROM merges WHERE id = :merge";
static const char SQL_UNMERGE_IDS[] =
	"UPDATE message_ids SET ticket = :from WHERE ticket = :into AND (article IN " MERGED (
		"articles") " OR (article IS NULL AND message_id IN " MERGED ("message_ids") "))";
static const char SQL_UNMERGE_ARTICLES[] =
	"UPDATE articles SET ticket = :from WHERE ticket = :into AND id IN " MERGED ("articles");
static const char SQL_UNMERGE_CC[] =
	"INSERT OR IGNORE INTO conversation_cc (ticket, address, source, article, created)"
	" SELECT :from, c.value ->> 'address', c.value ->> 'source',"
	" (SELECT id FROM articles WHERE id = c.value ->> 'article'), c.value ->> 'created'"
	" FROM json_each((SELECT cc FROM merges WHERE id = :merge)) c";
static const char SQL_UNMERGE_TICKET[] =
	"UPDATE tickets SET merged_into = NULL, status = m.status, resolved = m.resolved, closed = m.closed,"
	" updated = max(updated, :now) FROM merges m WHERE m.id = :merge AND tickets.id = m.ticket";
static const char SQL_UNMERGE_LINKS[] =
	"DELETE FROM links WHERE kind = 'merged'"
	" AND ((ticket = :from AND other = :into) OR (ticket = :into AND other = :from))";
static const char SQL_UNMERGE_DONE[] = "DELETE FROM merges WHERE id = :merge";
static const char SQL_ERASE_MERGES[] = "DELETE FROM merges WHERE :from IN (ticket, into_ticket)";

static const char SQL_ARTICLE_IDS[] = "SELECT id FROM articles WHERE ticket = :from ORDER BY id";
static const char SQL_ARTICLE_ORIGIN[] = "SELECT ifnull(from_addr, ''), \"from\", ifnull(subject, ''), kind = "
					 "'email-in' FROM articles WHERE id = :article";
static const char SQL_SPLIT_IDS[] = "UPDATE message_ids SET ticket = :into WHERE article = :article AND ticket = :from";
static const char SQL_SPLIT_ARTICLE[] = "UPDATE articles SET ticket = :into WHERE id = :article AND ticket = :from";
static const char SQL_SPLIT_PARTICIPANTS[] = "INSERT OR IGNORE INTO participants (ticket, address)"
					     " SELECT :into, address FROM participants WHERE ticket = :from";
static const char SQL_SPLIT_FACTS[] = "SELECT ifnull(queue, 0), ifnull(owner, 0), type, lang, ifnull(merged_into, 0),"
				      " ifnull(requester, 0)"
				      " FROM tickets WHERE id = :from";
static const char SQL_APART[] = "SELECT EXISTS (SELECT 1 FROM links WHERE ticket = :from AND other = :into"
				" AND kind IN ('split-from', 'split-into', 'unmerged'))";

static const char *const split_queries[] = {
	SQL_MERGE_NOTE,
	SQL_MERGE_FIND,
	SQL_MERGE_WATCHERS,
	SQL_UNMERGE_IDS,
	SQL_UNMERGE_ARTICLES,
	SQL_UNMERGE_CC,
	SQL_UNMERGE_TICKET,
	SQL_UNMERGE_LINKS,
	SQL_UNMERGE_DONE,
	SQL_ERASE_MERGES,
	SQL_ARTICLE_IDS,
	SQL_ARTICLE_ORIGIN,
	SQL_SPLIT_IDS,
	SQL_SPLIT_ARTICLE,
	SQL_SPLIT_PARTICIPANTS,
	SQL_SPLIT_FACTS,
	SQL_APART,
	NULL,
};

const char *const *
mt_ticket_split_queries (void)
{
	return split_queries;
}

/* Runs each statement with what it names of :merge, :from, :into,
 * :article and :now bound. */
static gboolean
run (MtStore *store, const char *const *sql, gsize n, const gint64 values[5], GError **error)
{
	static const char *const names[] = { ":merge", ":from", ":into", ":article", ":now" };

	for (gsize i = 0; i < n; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, sql[i], error);

		if (stmt == NULL)
			return FALSE;
		for (gsize k = 0; k < G_N_ELEMENTS (names); k++)
			if (sqlite3_bind_parameter_index (stmt, names[k]) > 0)
				mt_store_bind_int (stmt, names[k], values[k]);
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}

/* The first int64 column of sql's one row, or 0. */
static gboolean
get_int (MtStore *store, const char *sql, gint64 from, gint64 into, gint64 *value, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql, MT_BINDS (MT_INT (":from", from)), error);

	if (stmt == NULL)
		return FALSE;
	if (sqlite3_bind_parameter_index (stmt, ":into") > 0)
		mt_store_bind_int (stmt, ":into", into);
	return mt_store_get_int (store, stmt, value, error);
}

gboolean
mt_ticket_merge_note (MtStore *store, gint64 from, gint64 into, gint64 now, GError **error)
{
	const gint64 values[] = { 0, from, into, 0, now };
	static const char *const note[] = { SQL_MERGE_NOTE };

	return run (store, note, G_N_ELEMENTS (note), values, error);
}

gboolean
mt_ticket_merge_find (MtStore *store, gint64 from, gint64 into, gint64 *merge, GError **error)
{
	return get_int (store, SQL_MERGE_FIND, from, into, merge, error);
}

char *
mt_ticket_merge_watchers (MtStore *store, gint64 merge, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_MERGE_WATCHERS, MT_BINDS (MT_INT (":merge", merge)), error);
	g_autoptr (GPtrArray) rows = NULL;

	if (stmt == NULL)
		return NULL;
	if ((rows = mt_store_get_strings (store, stmt, error)) == NULL)
		return NULL;
	return g_strdup (rows->len > 0 ? g_ptr_array_index (rows, 0) : "[]");
}

gboolean
mt_ticket_unmerge (MtStore *store, gint64 merge, gint64 from, gint64 into, gint64 now, GError **error)
{
	static const char *const back[] = { SQL_UNMERGE_IDS,    SQL_UNMERGE_ARTICLES, SQL_UNMERGE_CC,
					    SQL_UNMERGE_TICKET, SQL_UNMERGE_LINKS,    SQL_UNMERGE_DONE };
	const gint64 values[] = { merge, from, into, 0, now };

	return run (store, back, G_N_ELEMENTS (back), values, error);
}

gboolean
mt_ticket_erase_merges (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_ERASE_MERGES };
	const gint64 values[] = { 0, ticket, 0, 0, 0 };

	return run (store, erase, G_N_ELEMENTS (erase), values, error);
}

GArray *
mt_ticket_article_ids (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_ARTICLE_IDS, MT_BINDS (MT_INT (":from", ticket)), error);

	return mt_store_get_ids (store, stmt, error);
}

gboolean
mt_ticket_article_origin (MtStore *store, gint64 article, MtArticleOrigin *origin, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_ARTICLE_ORIGIN, MT_BINDS (MT_INT (":article", article)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		origin->address = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
		origin->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
		origin->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
		origin->incoming = sqlite3_column_int (stmt, 3) != 0;
	}
	sqlite3_reset (stmt);
	if (rc == SQLITE_DONE)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no article %" G_GINT64_FORMAT, article);
	return rc == SQLITE_ROW;
}

gboolean
mt_ticket_split_facts (MtStore *store, gint64 ticket, MtTicketSplitFacts *facts, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_SPLIT_FACTS, MT_BINDS (MT_INT (":from", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		facts->queue = sqlite3_column_int64 (stmt, 0);
		facts->owner = sqlite3_column_int64 (stmt, 1);
		facts->type = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
		facts->lang = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
		facts->merged_into = sqlite3_column_int64 (stmt, 4);
		facts->requester = sqlite3_column_int64 (stmt, 5);
	}
	sqlite3_reset (stmt);
	if (rc == SQLITE_DONE)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, ticket);
	return rc == SQLITE_ROW;
}

void
mt_ticket_article_origin_clear (MtArticleOrigin *origin)
{
	g_clear_pointer (&origin->address, g_free);
	g_clear_pointer (&origin->name, g_free);
	g_clear_pointer (&origin->subject, g_free);
}

void
mt_ticket_split_facts_clear (MtTicketSplitFacts *facts)
{
	g_clear_pointer (&facts->type, g_free);
	g_clear_pointer (&facts->lang, g_free);
}

gboolean
mt_ticket_move_article (MtStore *store, gint64 article, gint64 from, gint64 into, GError **error)
{
	static const char *const move[] = { SQL_SPLIT_IDS, SQL_SPLIT_ARTICLE };
	const gint64 values[] = { 0, from, into, article, 0 };

	return run (store, move, G_N_ELEMENTS (move), values, error);
}

gboolean
mt_ticket_copy_participants (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const copy[] = { SQL_SPLIT_PARTICIPANTS };
	const gint64 values[] = { 0, from, into, 0, 0 };

	return run (store, copy, G_N_ELEMENTS (copy), values, error);
}

gboolean
mt_ticket_apart (MtStore *store, gint64 a, gint64 b, gboolean *yes, GError **error)
{
	gint64 n = 0;

	if (!get_int (store, SQL_APART, a, b, &n, error))
		return FALSE;
	*yes = n != 0;
	return TRUE;
}
