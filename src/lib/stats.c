/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	stats.c - how the helpdesk is doing, by queue
 * DESCRIPTION
 *	All in SQL: the tickets are listed once per queue and once more as
 *	"(all)", and window functions rank the durations so that the
 *	percentiles are the nearest-rank ones, values that really occurred.
 */
#include "mailticket/stats.h"

#define STATS_ROWS                                                                                              \
	"WITH base AS ("                                                                                        \
	"  SELECT t.created, t.first_response, t.resolved, coalesce(q.name, '-') AS queue"                      \
	"  FROM tickets t LEFT JOIN queues q ON q.id = t.queue"                                                 \
	"  WHERE t.merged_into IS NULL AND (:queue IS NULL OR q.name = :queue)"                                 \
	"  UNION ALL SELECT t.created, t.first_response, t.resolved, '(all)'"                                   \
	"  FROM tickets t LEFT JOIN queues q ON q.id = t.queue"                                                 \
	"  WHERE t.merged_into IS NULL AND (:queue IS NULL OR q.name = :queue)),"                               \
	" response AS (SELECT queue, first_response - created AS s,"                                            \
	"  row_number() OVER (PARTITION BY queue ORDER BY first_response - created) AS n,"                      \
	"  count(*) OVER (PARTITION BY queue) AS c"                                                             \
	"  FROM base WHERE first_response BETWEEN :from AND :to),"                                              \
	" resolution AS (SELECT queue, resolved - created AS s,"                                                \
	"  row_number() OVER (PARTITION BY queue ORDER BY resolved - created) AS n,"                            \
	"  count(*) OVER (PARTITION BY queue) AS c"                                                             \
	"  FROM base WHERE resolved BETWEEN :from AND :to),"                                                    \
	" rows AS (SELECT b.queue,"                                                                             \
	"  sum(b.created BETWEEN :from AND :to) AS opened,"                                                     \
	"  sum(coalesce(b.resolved BETWEEN :from AND :to, 0)) AS resolved,"                                     \
	"  sum(b.created <= :to AND (b.resolved IS NULL OR b.resolved > :to)) AS backlog,"                      \
	"  (SELECT s FROM response r WHERE r.queue = b.queue AND r.n = (r.c + 1) / 2) AS response_median,"      \
	"  (SELECT s FROM response r WHERE r.queue = b.queue AND r.n = (9 * r.c + 9) / 10) AS response_p90,"    \
	"  (SELECT s FROM resolution r WHERE r.queue = b.queue AND r.n = (r.c + 1) / 2) AS resolution_median,"  \
	"  (SELECT s FROM resolution r WHERE r.queue = b.queue AND r.n = (9 * r.c + 9) / 10) AS resolution_p90" \
	"  FROM base b GROUP BY b.queue)"

static const char SQL_STATS[] =
	STATS_ROWS " SELECT queue, opened, resolved, backlog, response_median, response_p90, resolution_median,"
		   " resolution_p90 FROM rows ORDER BY queue = '(all)', queue";
static const char SQL_STATS_JSON[] =
	STATS_ROWS " SELECT coalesce(json_group_array(json_object('queue', queue, 'opened', opened,"
		   " 'resolved', resolved, 'backlog', backlog,"
		   " 'first_response', json_object('median', response_median, 'p90', response_p90),"
		   " 'resolution', json_object('median', resolution_median, 'p90', resolution_p90))), '[]')"
		   " FROM (SELECT * FROM rows ORDER BY queue = '(all)', queue)";

static const char *const stats_queries[] = { SQL_STATS, SQL_STATS_JSON, NULL };

const char *const *
mt_stats_queries (void)
{
	return stats_queries;
}

static void
bind_range (sqlite3_stmt *stmt, const MtStatsRange *range)
{
	mt_store_bind_int (stmt, ":from", range->from);
	mt_store_bind_int (stmt, ":to", range->to);
	mt_store_bind_text (stmt, ":queue", range->queue);
}

static gint64
seconds_or_none (sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type (stmt, i) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, i);
}

gboolean
mt_stats (MtStore *store, const MtStatsRange *range, MtStatsFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_STATS, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	bind_range (stmt, range);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtStatsRow row = {
			(const char *) sqlite3_column_text (stmt, 0),
			sqlite3_column_int64 (stmt, 1),
			sqlite3_column_int64 (stmt, 2),
			sqlite3_column_int64 (stmt, 3),
			seconds_or_none (stmt, 4),
			seconds_or_none (stmt, 5),
			seconds_or_none (stmt, 6),
			seconds_or_none (stmt, 7),
		};
		func (&row, data);
	}
	return rc != -1;
}

char *
mt_stats_json (MtStore *store, const MtStatsRange *range, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_STATS_JSON, error);

	if (stmt == NULL)
		return NULL;
	bind_range (stmt, range);
	if (mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}
