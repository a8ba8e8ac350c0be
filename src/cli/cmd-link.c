/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket link - relate two tickets
 * SYNOPSIS
 *	mailticket link ID relates|parent|child|duplicate ID2
 * DESCRIPTION
 *	Links both ways: "link 5 parent 7" makes 7 the parent of 5 and 5 a
 *	child of 7. Recorded in both histories.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/ticket.h"

static const char *const kinds[] = { "relates", "parent", "child", "duplicate", NULL };

typedef struct {
	gint64 a, b;
	const char *kind, *who;
} Link;

static gboolean
write_link (MtContext *ctx, gpointer data, GError **error)
{
	Link *l = data;
	gint64 now = mt_clock_now ();
	g_autofree char *b = g_strdup_printf ("%s %" G_GINT64_FORMAT, l->kind, l->b);

	return mt_cli_ticket_exists (ctx, l->a, error) && mt_cli_ticket_exists (ctx, l->b, error) &&
	       mt_ticket_link (ctx->store, l->a, l->kind, l->b, now, error) &&
	       mt_ticket_add_history (ctx->store, l->a, l->who, "link", NULL, b, now, error);
}

int
mt_cmd_link (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx =
		g_option_context_new ("ID relates|parent|child|duplicate ID2 - relate two tickets");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Link l = { 0 };
	int code;

	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 4 || !g_strv_contains (kinds, argv[2]))
		return mt_cli_usage ("link: usage: mailticket link ID relates|parent|child|duplicate ID2");
	if (!mt_cli_parse_id (argv[1], "ticket", &l.a, &error) || !mt_cli_parse_id (argv[3], "ticket", &l.b, &error))
		return mt_cli_fail (error);
	if (l.a == l.b)
		return mt_cli_usage ("link: a ticket is not linked to itself");
	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	l.kind = argv[2];
	l.who = actor.login;
	return mt_cli_write (ctx, write_link, &l, &error) ? 0 : mt_cli_fail (error);
}
