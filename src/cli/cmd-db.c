/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket db - look after the database
 * SYNOPSIS
 *	mailticket db reindex
 *	mailticket db check
 * DESCRIPTION
 *	reindex rebuilds everything derived from the stored messages (see
 *	reindex.h) in one transaction and says how much it read. check runs
 *	SQLite's integrity and reference checks and the search index's own,
 *	prints "ok" or one line per problem, and exits 1 on a problem.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/reindex.h"
#include "mailticket/search.h"

static int
reindex (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	MtReindexStats stats;

	if (!mt_reindex (ctx->store, &stats, &error))
		return mt_cli_fail (error);
	printf ("reindexed %u stored messages, %u attachments; search index rebuilt\n", stats.articles,
		stats.attachments);
	if (stats.unreadable > 0)
		printf ("%u stored messages no longer parse and were left as they were\n", stats.unreadable);
	return 0;
}

static int
check (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GError) search = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

	if (!mt_store_check (ctx->store, problems, &error))
		return mt_cli_fail (error);
	if (!mt_search_check (ctx->store, &search)) {
		if (search->code == MT_ERROR_TEMPFAIL)
			return mt_cli_fail (search);
		g_ptr_array_add (problems, g_strdup (search->message));
	}
	for (guint i = 0; i < problems->len; i++)
		printf ("%s\n", (const char *) g_ptr_array_index (problems, i));
	if (problems->len == 0)
		printf ("ok\n");
	return problems->len == 0 ? 0 : 1;
}

static const MtCliVerb verbs[] = {
	{ "reindex", reindex, MT_CLI_OPEN_WRITE, "reindex" },
	{ "check", check, MT_CLI_OPEN_READ, "check" },
	{ NULL },
};

int
mt_cmd_db (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("reindex | check - look after the database");
	int code;

	g_option_context_set_description (
		octx, "reindex: parse every stored message again and rebuild what was taken from it\n"
		      "         (headers, text, attachments, participants, the search index).\n"
		      "check:   SQLite's integrity and reference checks, and the search index's.");
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, verbs, argv, NULL);
}
