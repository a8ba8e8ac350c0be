/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	stats.h - how the helpdesk is doing, by queue
 * DESCRIPTION
 *	Over a time range: tickets opened and resolved in it, the backlog
 *	open at its end, and the median and 90th percentile (nearest rank)
 *	of the time to first response and to resolution of the tickets
 *	answered or resolved in it. One row per queue and one for all
 *	queues, named "(all)". Merged tickets are not counted.
 */
#ifndef MT_STATS_H
#define MT_STATS_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 from, to;   /* seconds since the epoch, inclusive */
	const char *queue; /* or NULL: every queue */
} MtStatsRange;

typedef struct {
	const char *queue;
	gint64 opened, resolved, backlog;
	gint64 response_median, response_p90; /* seconds, -1 when none */
	gint64 resolution_median, resolution_p90;
} MtStatsRow;

typedef void (*MtStatsFunc) (const MtStatsRow *row, gpointer data);

gboolean mt_stats (MtStore *store, const MtStatsRange *range, MtStatsFunc func, gpointer data, GError **error);
char *mt_stats_json (MtStore *store, const MtStatsRange *range, GError **error);

const char *const *mt_stats_queries (void);

#endif
