/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket import - old mail from mailboxes into tickets
 * SYNOPSIS
 *	mailticket import [--queue Q] [--status closed|as-is] [--no-thread]
 *		[--no-rules] [--quiet] PATH...
 * DESCRIPTION
 *	Files every message of the Maildirs, mbox files and message files
 *	as mailticket-deliver would have when it came, dated by its Date,
 *	telling nobody (import.h). A progress line on a terminal; at the
 *	end one line that says what became of the messages. Exit 0 when
 *	the import ran through, whatever it left out (the warnings say
 *	what), 1 for a path that is no mailbox, 75 when the database was
 *	busy or the disk full: what was committed stays, and the same
 *	command again goes on where it stopped.
 */
#include <string.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/import.h"

static void
show_progress (const MtImportStats *stats, gpointer data)
{
	mt_cli_progress_part (data, stats->messages, "messages", stats->bytes, stats->total);
}

static void
print_summary (const MtImportStats *s)
{
	mt_cli_print ("imported %u messages: %u new tickets, %u appended, %u duplicates, %u quarantined", s->messages,
		      s->new_tickets, s->appended, s->duplicates, s->quarantined);
	if (s->refused > 0)
		mt_cli_print (", %u refused", s->refused);
	if (s->failed > 0)
		mt_cli_print (", %u failed", s->failed);
	mt_cli_print ("\n");
}

static gboolean
parse_status (const char *status, gboolean *keep, GError **error)
{
	if (status == NULL || strcmp (status, "closed") == 0)
		return TRUE;
	if (strcmp (status, "as-is") == 0)
		return *keep = TRUE;
	return mt_error_usage (error, "import: --status is closed or as-is, not '%s'", status);
}

int
mt_cmd_import (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *queue = NULL, *status = NULL;
	gboolean quiet = FALSE;
	MtImportOptions o = { 0 };
	GOptionEntry entries[] = {
		{ "queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "the queue of the tickets it opens", "Q" },
		{ "status", 0, 0, G_OPTION_ARG_STRING, &status,
		  "closed (the default): the tickets it opens are closed; as-is: as delivery leaves them", "S" },
		{ "no-thread", 0, 0, G_OPTION_ARG_NONE, &o.no_thread, "every message a ticket of its own", NULL },
		{ "no-rules", 0, 0, G_OPTION_ARG_NONE, &o.no_rules, "do not ask the rules on incoming mail", NULL },
		{ "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet, "no progress line", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx =
		g_option_context_new ("PATH... - file old mail (Maildir, mbox, message files)");
	g_autoptr (GError) error = NULL;
	MtImportStats stats;
	MtCliProgress progress;
	gboolean done;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (
		octx, "Each message is filed as mailticket-deliver files it, dated by its Date header, with no\n"
		      "acknowledgement, notification or SLA clock. A second import of the same mail adds nothing.");
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc < 2)
		return mt_cli_usage ("import: a Maildir, mbox or message file expected");
	if (!parse_status (status, &o.keep_status, &error))
		return mt_cli_fail (error);
	o.queue = queue;
	o.progress = show_progress;
	o.data = &progress;
	mt_cli_progress_start (&progress, "importing", quiet);
	done = mt_import (ctx->store, ctx->config, argv + 1, &o, &stats, &error);
	mt_cli_progress_end (&progress);
	if (!done)
		return mt_cli_fail (error);
	print_summary (&stats);
	return 0;
}
