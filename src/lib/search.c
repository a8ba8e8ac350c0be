/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	search.c - full-text search over the articles
 * DESCRIPTION
 *	The index, its triggers and its ranking are in sql/0004-search.sql;
 *	this module only asks. FTS5 reads the query when the statement
 *	runs, not when it is prepared, so a query it cannot read shows up
 *	as a plain SQLITE_ERROR from the first step: that, and only that,
 *	is the user's mistake (MT_ERROR_USAGE); busy and the like stay what
 *	mt_error_sqlite() says they are.
 *
 *	Owns the tables article_search and search_pending.
 *
 *	Articles are indexed by the programs that write: in the transaction
 *	that stores them, or by the delivery server soon after (sql/0010).
 *	A search writes nothing. What is still pending when it starts it
 *	copies into a temporary index of its connection's own, in memory or
 *	a temporary file, never the database, and asks both indexes: so a
 *	search finds all the mail stored before it, needs no write lock,
 *	waits for no writer and works where the database is read-only.
 */
#include "mailticket/error.h"
#include "mailticket/search.h"

#define ISO(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
/* The best document of each article that matches (the article itself,
 * or one of its attachments under its negated id), best first; then a
 * snippet of that document alone, the costly part, for these few. The
 * articles pending (sql/0010) when the search began are matched in
 * unindexed_search; one the delivery server has indexed since is in
 * both indexes, and one hit all the same. */
#define BEST                                                                                                          \
	"WITH hit AS ("                                                                                               \
	" SELECT coalesce(x.article, s.rowid) AS article, s.rowid AS doc, x.position AS attachment, s.rank AS rank"   \
	" FROM article_search s LEFT JOIN attachments x ON x.id = -s.rowid WHERE article_search MATCH :query"         \
	" UNION ALL"                                                                                                  \
	" SELECT coalesce(x.article, u.rowid), u.rowid, x.position, u.rank"                                           \
	" FROM unindexed_search u LEFT JOIN attachments x ON x.id = -u.rowid WHERE unindexed_search MATCH :query),"   \
	" best AS (SELECT article, doc, attachment, min(rank) AS rank FROM hit GROUP BY article ORDER BY rank LIMIT " \
	":limit) "
/* The best few words around the matches, on one line. */
#define SNIPPET                                                                                                        \
	"replace(replace(coalesce("                                                                                    \
	" (SELECT snippet(article_search, -1, '**', '**', '…', 16)"                                                  \
	"  FROM article_search WHERE article_search MATCH :query AND rowid = b.doc),"                                  \
	" (SELECT snippet(unindexed_search, -1, '**', '**', '…', 16)"                                                \
	"  FROM unindexed_search WHERE unindexed_search MATCH :query AND rowid = b.doc)), char(13), ''), char(10), ' " \
	"')"
#define HITS " FROM best b JOIN articles a ON a.id = b.article JOIN tickets t ON t.id = a.ticket ORDER BY b.rank"

static const char SQL_SEARCH[] =
	BEST "SELECT a.ticket, a.id, a.kind, a.internal, t.status, t.subject, a.\"from\", coalesce(a.date, a.created),"
	     " " SNIPPET ", b.rank, b.attachment" HITS;
static const char SQL_SEARCH_JSON[] = BEST
	"SELECT coalesce(json_group_array(json(o)), '[]') FROM ("
	" SELECT json_object('ticket', a.ticket, 'article', a.id, 'kind', a.kind,"
	"  'internal', json(iif(a.internal, 'true', 'false')), 'status', t.status, 'subject', t.subject,"
	"  'from', a.\"from\", 'date', " ISO (
		"coalesce(a.date, a.created)") ", 'rank', b.rank,"
					       "  'attachment', b.attachment, 'snippet', " SNIPPET ") AS o" HITS ")";
static const char SQL_FORGET[] = "INSERT INTO article_search (article_search) VALUES ('delete-all')";
static const char SQL_ALL_PENDING[] = "INSERT OR IGNORE INTO search_pending (article) SELECT id FROM articles";
static const char SQL_MERGE[] = "INSERT INTO article_search (article_search, rank) VALUES ('merge', :pages)";
/* Rewrites the index in one segment: what was deleted leaves it. */
static const char SQL_OPTIMIZE[] = "INSERT INTO article_search (article_search) VALUES ('optimize')";
static const char SQL_CHECK[] = "INSERT INTO article_search (article_search, rank) VALUES ('integrity-check', 1)";
/* Articles mt_search_index_all() indexes in one transaction. */
#define INDEX_ALL_BATCH 256
/* The first :n pending articles (sql/0010), their attachments, and off the list. */
#define FIRST_PENDING "(SELECT article FROM search_pending ORDER BY article LIMIT :n)"
static const char SQL_INDEX_ARTICLES[] = "INSERT INTO article_search (rowid, subject, text, sender)"
					 " SELECT id, subject, text, \"from\" FROM articles WHERE id IN " FIRST_PENDING;
static const char SQL_INDEX_ATTACHMENTS[] = "INSERT INTO article_search (rowid, attachments)"
					    " SELECT -id, name FROM attachments WHERE article IN " FIRST_PENDING;
static const char SQL_INDEXED[] = "DELETE FROM search_pending WHERE article IN " FIRST_PENDING;
static const char SQL_PENDING[] = "SELECT count(*) FROM search_pending";
static const char SQL_ANY_PENDING[] = "SELECT EXISTS (SELECT 1 FROM search_pending)";
static const char SQL_NONE_PENDING[] = "DELETE FROM search_pending";
/* The temporary index of what is pending (index_unindexed()): the
 * columns, tokenizer and ranking of article_search (sql/0004), its own
 * copy of the text, in the connection's temp schema. */
static const char SQL_UNINDEXED_CREATE[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.unindexed_search USING fts5 ("
	" subject, text, sender, attachments, tokenize = 'unicode61 remove_diacritics 2');"
	"INSERT INTO temp.unindexed_search (unindexed_search, rank) VALUES ('rank', 'bm25(10.0, 1.0, 4.0, 4.0)')";
static const char SQL_UNINDEXED_CLEAR[] = "DELETE FROM temp.unindexed_search";
static const char SQL_UNINDEXED_ARTICLES[] =
	"INSERT INTO temp.unindexed_search (rowid, subject, text, sender)"
	" SELECT id, subject, text, \"from\" FROM articles WHERE id IN (SELECT article FROM search_pending)";
static const char SQL_UNINDEXED_ATTACHMENTS[] =
	"INSERT INTO temp.unindexed_search (rowid, attachments)"
	" SELECT -id, name FROM attachments WHERE article IN (SELECT article FROM search_pending)";

static const char *const search_queries[] = {
	SQL_SEARCH,
	SQL_SEARCH_JSON,
	SQL_FORGET,
	SQL_ALL_PENDING,
	SQL_MERGE,
	SQL_CHECK,
	SQL_OPTIMIZE,
	SQL_INDEX_ARTICLES,
	SQL_INDEX_ATTACHMENTS,
	SQL_INDEXED,
	SQL_PENDING,
	SQL_ANY_PENDING,
	SQL_NONE_PENDING,
	SQL_UNINDEXED_CLEAR,
	SQL_UNINDEXED_ARTICLES,
	SQL_UNINDEXED_ATTACHMENTS,
	NULL,
};

const char *const *
mt_search_queries (void)
{
	return search_queries;
}

#define TEXT(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

/* Runs a statement of search_queries[] that takes no parameter. */
static gboolean
exec (MtStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	return stmt != NULL && mt_store_exec_stmt (store, stmt, error);
}

/* Copies the articles pending now into the temporary index, made the
 * first time. It is in the temp schema: nothing is written to the
 * database, nor waits for its write lock. */
static gboolean
index_unindexed (MtStore *store, GError **error)
{
	int rc = sqlite3_exec (mt_store_peek_db (store), SQL_UNINDEXED_CREATE, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return mt_error_sqlite (error, mt_store_peek_db (store), rc, "the temporary search index");
	return exec (store, SQL_UNINDEXED_CLEAR, error) && exec (store, SQL_UNINDEXED_ARTICLES, error) &&
	       exec (store, SQL_UNINDEXED_ATTACHMENTS, error);
}

/* The articles pending now in the temporary index, and sql prepared
 * with the query and limit bound. */
static sqlite3_stmt *
prepare (MtStore *store, const char *sql, const char *query, int limit, GError **error)
{
	sqlite3_stmt *stmt;

	if (!index_unindexed (store, error) || (stmt = mt_store_query (store, sql, error)) == NULL)
		return NULL;
	mt_store_bind_text (stmt, ":query", query);
	mt_store_bind_int (stmt, ":limit", limit > 0 ? limit : -1);
	return stmt;
}

/* Steps stmt; a query FTS5 cannot read becomes the user's error. */
static int
step (MtStore *store, sqlite3_stmt *stmt, GError **error)
{
	sqlite3 *db = mt_store_peek_db (store);
	int rc = sqlite3_step (stmt);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	if (sqlite3_extended_errcode (db) == SQLITE_ERROR)
		g_set_error (
			error, MT_ERROR, MT_ERROR_USAGE,
			"cannot read the search query: %s (quote addresses and other punctuation: '\"a@b.example\"')",
			sqlite3_errmsg (db));
	else
		mt_error_sqlite (error, db, rc, "search");
	sqlite3_reset (stmt);
	return -1;
}

static void
read_row (sqlite3_stmt *stmt, MtSearchRow *row)
{
	*row = (MtSearchRow){
		.ticket = sqlite3_column_int64 (stmt, 0),
		.article = sqlite3_column_int64 (stmt, 1),
		.kind = TEXT (stmt, 2),
		.internal = sqlite3_column_int (stmt, 3),
		.status = TEXT (stmt, 4),
		.subject = TEXT (stmt, 5),
		.from = TEXT (stmt, 6),
		.date = sqlite3_column_int64 (stmt, 7),
		.snippet = TEXT (stmt, 8),
		.rank = sqlite3_column_double (stmt, 9),
		.attachment = sqlite3_column_int64 (stmt, 10),
	};
}

gboolean
mt_search (MtStore *store, const char *query, int limit, MtSearchRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = prepare (store, SQL_SEARCH, query, limit, error);
	MtSearchRow row;
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = step (store, stmt, error)) == SQLITE_ROW) {
		read_row (stmt, &row);
		if (!func (&row, data))
			break;
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}

char *
mt_search_json (MtStore *store, const char *query, int limit, GError **error)
{
	sqlite3_stmt *stmt = prepare (store, SQL_SEARCH_JSON, query, limit, error);
	char *json;

	if (stmt == NULL || step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	json = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

/* Merges about pages pages on levels of four segments or more. FTS5
 * counts two changes or more when its 'merge' merged anything, fewer
 * when it found nothing to do: *merged. */
static gboolean
merge (MtStore *store, int pages, gint64 *merged, GError **error)
{
	sqlite3_int64 before = sqlite3_total_changes64 (mt_store_peek_db (store));
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_MERGE, MT_BINDS (MT_INT (":pages", pages)), error);

	if (stmt == NULL)
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*merged = sqlite3_total_changes64 (mt_store_peek_db (store)) - before >= 2;
	return TRUE;
}

/* Runs sql with :n bound to n. */
static gboolean
exec_n (MtStore *store, const char *sql, int n, GError **error)
{
	return mt_store_run (store, sql, MT_BINDS (MT_INT (":n", n)), error);
}

/* Indexes the first limit pending articles (< 0: all); *left how many
 * are pending then, unless left is NULL. */
static gboolean
index_pending (MtStore *store, int limit, gint64 *left, GError **error)
{
	sqlite3_stmt *stmt;

	if (!exec_n (store, SQL_INDEX_ARTICLES, limit, error) || !exec_n (store, SQL_INDEX_ATTACHMENTS, limit, error) ||
	    !exec_n (store, SQL_INDEXED, limit, error))
		return FALSE;
	return left == NULL || ((stmt = mt_store_query (store, SQL_PENDING, error)) != NULL &&
				mt_store_get_int (store, stmt, left, error));
}

/* Set once, before any thread stores an article: see mt_search_set_index_later(). */
static gboolean index_later;

void
mt_search_set_index_later (gboolean later)
{
	index_later = later;
}

gboolean
mt_search_index_now (MtStore *store, GError **error)
{
	return index_later || index_pending (store, -1, NULL, error);
}

/* merge() or index_pending(), in a transaction of upkeep's (store.h). */
typedef gboolean (*UpkeepFunc) (MtStore *store, int n, gint64 *out, GError **error);

typedef struct {
	UpkeepFunc func;
	int n;
	gint64 out;
} Upkeep;

static gboolean
upkeep_step (MtStore *store, gpointer data, GError **error)
{
	Upkeep *u = data;

	return u->func (store, u->n, &u->out, error);
}

static gboolean
upkeep (MtStore *store, UpkeepFunc func, int n, gint64 *out, GError **error)
{
	Upkeep u = { func, MAX (n, 1), 0 };
	gboolean done = mt_store_upkeep (store, upkeep_step, &u, error);

	*out = u.out;
	return done;
}

gboolean
mt_search_index_pending (MtStore *store, int limit, gint64 *left, GError **error)
{
	return upkeep (store, index_pending, limit, left, error);
}

/* Emptying an external-content index takes no longer than a delivery,
 * whatever its size; the articles, listed as pending, are found by
 * search meanwhile (index_unindexed) and indexed in batches. */
gboolean
mt_search_forget_all (MtStore *store, GError **error)
{
	return exec (store, SQL_FORGET, error) && exec (store, SQL_ALL_PENDING, error);
}

gboolean
mt_search_merge (MtStore *store, int pages, gboolean *more, GError **error)
{
	gint64 merged = 0;
	gboolean done = upkeep (store, merge, pages, &merged, error);

	*more = done && merged;
	return done;
}

/* One transaction of mt_search_index_all(): *done how many it indexed. */
static gboolean
index_batch (MtStore *store, gpointer data, guint *done, GError **error)
{
	if (!index_pending (store, INDEX_ALL_BATCH, NULL, error))
		return FALSE;
	*done = sqlite3_changes (mt_store_peek_db (store)); /* of SQL_INDEXED, the last */
	return TRUE;
}

gboolean
mt_search_index_all (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ANY_PENDING, error);
	gint64 any = 0;
	guint indexed;

	if (stmt == NULL || !mt_store_get_int (store, stmt, &any, error))
		return FALSE;
	return !any || mt_store_batches (store, INDEX_ALL_BATCH, index_batch, NULL, &indexed, error);
}

/* The articles a delivery server has not indexed yet would not match:
 * they are indexed first. */
gboolean
mt_search_check (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt;
	g_autoptr (GError) why = NULL;

	if (!mt_search_index_all (store, error) || (stmt = mt_store_query (store, SQL_CHECK, error)) == NULL)
		return FALSE;
	if (mt_store_exec_stmt (store, stmt, &why))
		return TRUE;
	if (why->code == MT_ERROR_TEMPFAIL) {
		g_propagate_error (error, g_steal_pointer (&why));
		return FALSE;
	}
	g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL,
		     "the search index does not match the articles (%s); run 'mailticket db reindex'", why->message);
	return FALSE;
}

gboolean
mt_search_optimize (MtStore *store, GError **error)
{
	return exec (store, SQL_OPTIMIZE, error);
}
