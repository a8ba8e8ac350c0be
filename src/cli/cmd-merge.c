/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket merge - fold one ticket into another
 * SYNOPSIS
 *	mailticket merge ID into ID2
 * DESCRIPTION
 *	Articles, message ids, watchers, tags, tasks, time and approvals of
 *	ID move to ID2; ID is closed and forwards to ID2, so that later mail
 *	to ID lands in ID2.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/change.h"
#include "mailticket/clock.h"

typedef struct {
	gint64 from, into;
	const char *who;
} Merge;

static gboolean
write_merge (MtContext *ctx, gpointer data, GError **error)
{
	Merge *m = data;

	return mt_cli_ticket_exists (ctx, m->from, error) && mt_cli_ticket_exists (ctx, m->into, error) &&
	       mt_change_merge (ctx->store, m->from, m->into, m->who, mt_clock_now (), error);
}

int
mt_cmd_merge (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID into ID2 - fold ticket ID into ID2");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Merge m = { 0 };
	int code;

	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 4 || g_ascii_strcasecmp (argv[2], "into") != 0)
		return mt_cli_usage ("merge: usage: mailticket merge ID into ID2");
	if (!mt_cli_parse_id (argv[1], "ticket", &m.from, &error) ||
	    !mt_cli_parse_id (argv[3], "ticket", &m.into, &error) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	m.who = actor.login;
	return mt_cli_write (ctx, write_merge, &m, &error) ? 0 : mt_cli_fail (error);
}
