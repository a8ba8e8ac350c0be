/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket stats - how the helpdesk is doing, by queue
 * SYNOPSIS
 *	mailticket stats [--from TIME] [--to TIME] [--queue Q] [--json]
 * DESCRIPTION
 *	Tickets opened and resolved in the range, the backlog open at its
 *	end, and the median and 90th percentile of the time to first
 *	response and to resolution. TIME is YYYY-MM-DD (local; --to means
 *	the end of that day) or an ISO 8601 time. Default: all time to now.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/stats.h"

static char *
duration (gint64 s)
{
	if (s < 0)
		return g_strdup ("-");
	if (s < 3600)
		return g_strdup_printf ("%" G_GINT64_FORMAT "m", (s + 59) / 60);
	if (s < 86400)
		return g_strdup_printf ("%" G_GINT64_FORMAT "h%02" G_GINT64_FORMAT "m", s / 3600, s % 3600 / 60);
	return g_strdup_printf ("%" G_GINT64_FORMAT "d%02" G_GINT64_FORMAT "h", s / 86400, s % 86400 / 3600);
}

static void
print_row (const MtStatsRow *r, gpointer data)
{
	g_autofree char *rm = duration (r->response_median), *rp = duration (r->response_p90);
	g_autofree char *sm = duration (r->resolution_median), *sp = duration (r->resolution_p90);

	printf ("%-16s %7" G_GINT64_FORMAT " %9" G_GINT64_FORMAT " %8" G_GINT64_FORMAT "  %8s %8s  %8s %8s\n", r->queue,
		r->opened, r->resolved, r->backlog, rm, rp, sm, sp);
}

int
mt_cmd_stats (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *from = NULL, *to = NULL, *queue = NULL, *json_text = NULL;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from, "from this day or time", "TIME" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to, "to this day (inclusive) or time", "TIME" },
		{ "queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "only this queue", "Q" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("- tickets opened, resolved, backlog, response times");
	g_autoptr (GError) error = NULL;
	MtStatsRange range = { 0, mt_clock_now (), NULL };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 1)
		return mt_cli_usage ("stats: unexpected argument '%s'", argv[1]);
	if ((from && !mt_cli_parse_time (from, FALSE, &range.from, &error)) ||
	    (to && !mt_cli_parse_time (to, TRUE, &range.to, &error)))
		return mt_cli_fail (error);
	range.queue = queue;
	if (json) {
		if (!(json_text = mt_stats_json (ctx->store, &range, &error)))
			return mt_cli_fail (error);
		printf ("%s\n", json_text);
		return 0;
	}
	printf ("%-16s %7s %9s %8s  %8s %8s  %8s %8s\n", "QUEUE", "OPENED", "RESOLVED", "BACKLOG", "1ST-MED", "1ST-P90",
		"RES-MED", "RES-P90");
	return mt_stats (ctx->store, &range, print_row, NULL, &error) ? 0 : mt_cli_fail (error);
}
