/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket db - look after the database
 * SYNOPSIS
 *	mailticket db reindex [--quiet]
 *	mailticket db check
 *	mailticket db backup FILE
 *	mailticket db restore FILE
 * DESCRIPTION
 *	reindex rebuilds everything derived from the stored messages (see
 *	reindex.h) in batches, with a progress line on a terminal, and says
 *	how much it read. check runs
 *	SQLite's integrity and reference checks and the search index's own,
 *	prints "ok" or one line per problem, and exits 1 on a problem.
 *	backup writes a consistent copy while mail arrives, restore puts
 *	one back (store-backup.c says how, and what restore refuses).
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/reindex.h"
#include "mailticket/search.h"

typedef struct {
	gboolean quiet;
} Options;

static void
show_progress (guint done, guint total, gpointer data)
{
	mt_cli_progress (data, done, total);
}

static int
reindex (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	MtReindexStats stats;
	MtCliProgress progress;
	gboolean done;

	mt_cli_progress_start (&progress, "reindexing stored messages", o->quiet);
	done = mt_reindex (ctx->store, show_progress, &progress, &stats, &error);
	mt_cli_progress_end (&progress);
	if (!done)
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

static int
backup (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;

	if (!mt_store_backup (ctx->store, args->args[0], &error))
		return mt_cli_fail (error);
	return 0;
}

static int
restore (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;

	if (!mt_store_restore (ctx->store, args->args[0], &error))
		return mt_cli_fail (error);
	printf ("restored %s into %s, schema version %d\n", args->args[0], ctx->config->db_path,
		mt_store_version (ctx->store));
	return 0;
}

static const MtCliVerb verbs[] = {
	{ "reindex", reindex, MT_CLI_OPEN_WRITE, "reindex [--quiet]" },
	{ "check", check, MT_CLI_OPEN_READ, "check" },
	{ "backup", backup, MT_CLI_OPEN_READ, "backup FILE" },
	{ "restore", restore, MT_CLI_OPEN_CREATE, "restore FILE" },
	{ NULL },
};

int
mt_cmd_db (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = {
		"reindex | check | backup FILE | restore FILE - look after the database",
		"reindex: parse every stored message again and rebuild what was taken from it\n"
		"         (headers, text, attachments, participants, the search index),\n"
		"         in batches, so that mail keeps arriving meanwhile.\n"
		"check:   SQLite's integrity and reference checks, and the search index's.\n"
		"backup:  write a consistent copy of the database to FILE while mail arrives\n"
		"         (never copy mailticket.db alone: its last commits are in the -wal file).\n"
		"restore: replace the database with the backup FILE, in one transaction;\n"
		"         creates the database when it is not there.",
		verbs,
	};

	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "no progress line (reindex)", NULL },
		{ NULL },
	};

	return mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);
}
