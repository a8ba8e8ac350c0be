/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket tag - the categories of one ticket or several
 * SYNOPSIS
 *	mailticket tag ID... [+TAG | -TAG | TAG]...
 * DESCRIPTION
 *	The leading numbers are the tickets (a tag that is a number is
 *	written +2024). +TAG (or TAG) adds, -TAG removes; on every ticket,
 *	all in one transaction: a bad tag or an unknown ticket changes
 *	nothing, and the error names the ticket. Each change is in the
 *	ticket's history.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/change.h"
#include "mailticket/clock.h"

typedef struct {
	GArray *tickets; /* gint64 */
	char **tags;
	const char *who;
} Tag;

static gboolean
tag_one (MtContext *ctx, Tag *t, gint64 ticket, gint64 now, GError **error)
{
	for (int i = 0; t->tags[i]; i++) {
		const char *tag = t->tags[i];
		gboolean add = *tag != '-', changed;

		if (*tag == '+' || *tag == '-')
			tag++;
		if (!mt_change_tag (ctx->store, ticket, tag, add, t->who, now, &changed, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
write_tags (MtContext *ctx, gpointer data, GError **error)
{
	Tag *t = data;
	gint64 now = mt_clock_now ();

	for (guint i = 0; i < t->tickets->len; i++) {
		gint64 ticket = g_array_index (t->tickets, gint64, i);

		if (!mt_cli_ticket_exists (ctx, ticket, error))
			return FALSE;
		if (!tag_one (ctx, t, ticket, now, error)) {
			if (t->tickets->len > 1)
				g_prefix_error (error, "ticket %" G_GINT64_FORMAT ": ", ticket);
			return FALSE;
		}
	}
	return TRUE;
}

int
mt_cmd_tag (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID... [+TAG|-TAG]... - add or remove tags");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	g_autoptr (GArray) tickets = NULL;
	Tag t = { 0 };
	int code;

	/* After ID, "-TAG" is an argument, not an option. */
	g_option_context_set_strict_posix (octx, TRUE);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc < 3)
		return mt_cli_usage ("tag: usage: mailticket tag ID... +TAG -TAG...");
	if (!(tickets = mt_cli_ticket_list (argv + 1, &t.tags, &error)))
		return mt_cli_fail (error);
	if (*t.tags == NULL)
		return mt_cli_usage ("tag: usage: mailticket tag ID... +TAG -TAG... (a number as a tag: +2024)");
	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	t.tickets = tickets;
	t.who = actor.login;
	return mt_cli_write (ctx, write_tags, &t, &error) ? 0 : mt_cli_fail (error);
}
