/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket search - find articles by their words
 * SYNOPSIS
 *	mailticket search QUERY... [--limit N] [--json]
 * DESCRIPTION
 *	The words of QUERY (several arguments are one query: all words must
 *	match) in FTS5's query language, over the subject, text, sender and
 *	attachment names of every article. Best hits first: one line with
 *	ticket, article, date, status and the ticket's subject, one with the
 *	sender and a snippet in which the matches are marked **so**.
 *	Internal articles say INTERNAL. At most 20 hits unless --limit says
 *	otherwise (0: all). Mail that a delivery server has stored and not
 *	indexed yet is found too (search.h): the command only reads, and
 *	leaves the indexing to the programs that write.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/search.h"

#define DEFAULT_LIMIT 20

/* Runs of white space (a snippet's line ends, say) as one space. */
static char *
squeeze (char *text)
{
	char *out = text;

	for (const char *p = text; *p; p++)
		if (!(*p == ' ' && (out == text || out[-1] == ' ')))
			*out++ = *p;
	*out = '\0';
	return g_strchomp (text);
}

static void
print_header (void)
{
	printf ("%6s %7s  %-16s  %-8s %s\n", "TICKET", "ARTICLE", "DATE", "STATUS", "SUBJECT");
}

static gboolean
print_hit (const MtSearchRow *row, gpointer data)
{
	gint64 *hits = data;
	g_autofree char *when = mt_clock_format (row->date);
	g_autofree char *subject = mt_cli_printable (row->subject, FALSE);
	g_autofree char *from = mt_cli_printable (row->from ? row->from : row->kind, FALSE);
	g_autofree char *snippet = mt_cli_printable (row->snippet, FALSE);

	/* The header waits for the query to prove readable. */
	if ((*hits)++ == 0)
		print_header ();
	printf ("%6" G_GINT64_FORMAT " %7" G_GINT64_FORMAT "  %s  %-8s %s%s\n", row->ticket, row->article, when,
		row->status, row->internal ? "INTERNAL " : "", subject);
	if (row->attachment > 0)
		printf ("%16s%s: attachment %" G_GINT64_FORMAT ": %s\n", "", from, row->attachment, squeeze (snippet));
	else
		printf ("%16s%s: %s\n", "", from, squeeze (snippet));
	return TRUE;
}

static int
search_table (MtContext *ctx, const char *query, int limit)
{
	g_autoptr (GError) error = NULL;
	gint64 hits = 0;

	if (!mt_search (ctx->store, query, limit, print_hit, &hits, &error))
		return mt_cli_fail (error);
	if (hits == 0)
		print_header ();
	return 0;
}

static int
search_json (MtContext *ctx, const char *query, int limit)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *json = mt_search_json (ctx->store, query, limit, &error);

	if (json == NULL)
		return mt_cli_fail (error);
	printf ("%s\n", json);
	return 0;
}

int
mt_cmd_search (MtContext *ctx, int argc, char **argv)
{
	gboolean json = FALSE;
	int limit = DEFAULT_LIMIT;
	GOptionEntry entries[] = {
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &limit, "at most N hits (default 20; 0: all)", "N" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print a JSON array", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("QUERY... - find articles by their words");
	g_autoptr (GError) error = NULL;
	g_autofree char *query = NULL;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (
		octx,
		"QUERY: words (all must match), \"a phrase\", OR, NOT, prefix*, NEAR(a b), and\n"
		"subject:, text:, sender:, attachments: for one field. Quote an address: '\"anna@example.org\"'.");
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc < 2)
		return mt_cli_usage ("search: give a query; try 'mailticket search --help'");
	if (limit < 0)
		return mt_cli_usage ("search: --limit must be 0 (all) or more");
	query = g_strstrip (g_strjoinv (" ", argv + 1));
	if (*query == '\0')
		return mt_cli_usage ("search: the query is empty");
	return json ? search_json (ctx, query, limit) : search_table (ctx, query, limit);
}
