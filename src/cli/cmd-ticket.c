/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket ticket - what concerns a ticket as a whole: erasing it
 * SYNOPSIS
 *	mailticket ticket rm [--force] ID...
 * DESCRIPTION
 *	rm deletes the tickets for good, with everything of theirs (see
 *	erase.h), and the tickets merged into them. A ticket that is not
 *	closed needs --force. The deleted content is overwritten in the
 *	database file and the write-ahead log is emptied; the log (syslog)
 *	keeps that tickets were erased, by whom, and how many.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/erase.h"

typedef struct {
	GArray *ids;
	gboolean force;
} Erase;

static gboolean
write_erase (MtContext *ctx, gpointer data, GError **error)
{
	Erase *e = data;

	return mt_erase_tickets (ctx->store, e->ids, e->force, error);
}

static int
remove_tickets (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_auto (MtActor) actor = { 0 };
	Erase e = { ids, *(gboolean *) options };

	for (int i = 0; args->args[i]; i++) {
		gint64 id;

		if (!mt_cli_parse_id (args->args[i], "ticket", &id, &error))
			return mt_cli_fail (error);
		g_array_append_val (ids, id);
	}
	if (!mt_cli_agent (ctx, &actor, &error) || !mt_erase_prepare (ctx->store, &error) ||
	    !mt_cli_write (ctx, write_erase, &e, &error))
		return mt_cli_fail (error);
	g_message ("erased tickets=%u by=%s", ids->len, actor.login);
	return mt_erase_scrub (ctx->store, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "rm", remove_tickets, MT_CLI_OPEN_WRITE, "rm TICKET... [--force]" },
	{ NULL },
};

int
mt_cmd_ticket (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = {
		"rm TICKET... [--force]",
		"rm erases tickets for good: their mail, attachments, search entries, history and all; "
		"a ticket not closed only with --force.",
		verbs,
	};
	gboolean force = FALSE;
	GOptionEntry entries[] = {
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, "erase tickets that are not closed too (rm)", NULL },
		{ NULL },
	};

	return mt_cli_run_verbs (ctx, argc, argv, &command, entries, &force);
}
