/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket tag - a ticket's categories
 * SYNOPSIS
 *	mailticket tag ID [+TAG | -TAG | TAG]...
 * DESCRIPTION
 *	+TAG (or TAG) adds, -TAG removes; all in one transaction, each
 *	change in the history. Without tags, prints the ticket's tags.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/change.h"
#include "mailticket/clock.h"

typedef struct {
	gint64 ticket;
	char **tags;
	const char *who;
} Tag;

static gboolean
write_tags (MtContext *ctx, gpointer data, GError **error)
{
	Tag *t = data;
	gint64 now = mt_clock_now ();

	for (int i = 0; t->tags[i]; i++) {
		const char *tag = t->tags[i];
		gboolean add = *tag != '-', changed;

		if (*tag == '+' || *tag == '-')
			tag++;
		if (!mt_change_tag (ctx->store, t->ticket, tag, add, t->who, now, &changed, error))
			return FALSE;
	}
	return TRUE;
}

int
mt_cmd_tag (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID [+TAG|-TAG]... - add or remove tags");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Tag t = { 0 };
	int code;

	/* After ID, "-TAG" is an argument, not an option. */
	g_option_context_set_strict_posix (octx, TRUE);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc < 3)
		return mt_cli_usage ("tag: usage: mailticket tag ID +TAG -TAG...");
	if (!mt_cli_parse_id (argv[1], "ticket", &t.ticket, &error) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	t.tags = argv + 2;
	t.who = actor.login;
	return mt_cli_write (ctx, write_tags, &t, &error) ? 0 : mt_cli_fail (error);
}
