/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket split, mailticket unmerge - take a ticket apart
 * SYNOPSIS
 *	mailticket split ID --articles A,B... [--subject S]
 *	mailticket unmerge ID
 * DESCRIPTION
 *	split moves the articles A, B... of ticket ID, with their message
 *	ids, to a new ticket linked to ID (split-from), and prints its
 *	number; unmerge brings back ticket ID, merged into another, with the
 *	articles it had (split.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/split.h"

typedef struct {
	MtSplit split;
	gint64 result;
} Split;

static gboolean
write_split (MtContext *ctx, gpointer data, GError **error)
{
	Split *s = data;

	return mt_cli_ticket_exists (ctx, s->split.ticket, error) &&
	       mt_split_articles (ctx->store, &s->split, &s->result, error);
}

static gboolean
write_unmerge (MtContext *ctx, gpointer data, GError **error)
{
	Split *s = data;

	return mt_cli_ticket_exists (ctx, s->split.ticket, error) &&
	       mt_split_unmerge (ctx->store, s->split.ticket, s->split.who, s->split.now, &s->result, error);
}

static gboolean
parse_articles (const char *list, GArray *ids, GError **error)
{
	g_auto (GStrv) parts = g_strsplit (list, ",", -1);

	for (int i = 0; parts[i]; i++) {
		gint64 id;

		if (!mt_cli_parse_id (g_strstrip (parts[i]), "article", &id, error))
			return FALSE;
		g_array_append_val (ids, id);
	}
	return TRUE;
}

int
mt_cmd_split (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID --articles A,B... - move articles to a new ticket");
	g_autoptr (GError) error = NULL;
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autofree char *articles = NULL, *subject = NULL;
	g_auto (MtActor) actor = { 0 };
	GOptionEntry entries[] = {
		{ "articles", 0, 0, G_OPTION_ARG_STRING, &articles, "the articles to move, by number", "A,B..." },
		{ "subject", 0, 0, G_OPTION_ARG_STRING, &subject, "the new ticket's subject", "S" },
		{ NULL },
	};
	Split s = { { .articles = ids, .now = mt_clock_now () }, 0 };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 2 || articles == NULL)
		return mt_cli_usage ("split: usage: mailticket split ID --articles A,B... [--subject S]");
	if (!mt_cli_parse_id (argv[1], "ticket", &s.split.ticket, &error) || !parse_articles (articles, ids, &error) ||
	    !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	s.split.subject = subject;
	s.split.tag = ctx->config->tag;
	s.split.who = actor.login;
	s.split.creator = actor.user;
	if (!mt_cli_write (ctx, write_split, &s, &error))
		return mt_cli_fail (error);
	printf ("%" G_GINT64_FORMAT "\n", s.result);
	return 0;
}

int
mt_cmd_unmerge (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - bring back a ticket merged into another");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Split s = { { .now = mt_clock_now () }, 0 };
	int code;

	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 2)
		return mt_cli_usage ("unmerge: usage: mailticket unmerge ID");
	if (!mt_cli_parse_id (argv[1], "ticket", &s.split.ticket, &error) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	s.split.who = actor.login;
	return mt_cli_write (ctx, write_unmerge, &s, &error) ? 0 : mt_cli_fail (error);
}
