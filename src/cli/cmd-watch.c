/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket watch - who hears of a ticket
 * SYNOPSIS
 *	mailticket watch ID [--json]
 *	mailticket watch ID add|rm WHO...
 * DESCRIPTION
 *	WHO is a user's login, a group's name (each member hears) or a mail
 *	address (which never hears of internal articles). Owner and creator
 *	watch without being added.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

typedef struct {
	gint64 ticket;
	gboolean add;
	char **who;
	const char *login;
} Watch;

static gboolean
write_watch (MtContext *ctx, gpointer data, GError **error)
{
	Watch *w = data;
	gint64 now = mt_clock_now ();

	if (!mt_cli_ticket_exists (ctx, w->ticket, error))
		return FALSE;
	for (int i = 0; w->who[i]; i++) {
		gboolean changed = FALSE;

		if (!mt_people_watch (ctx->store, w->ticket, w->who[i], w->add, now, &changed, error))
			return FALSE;
		if (changed &&
		    !mt_ticket_add_history (ctx->store, w->ticket, w->login, "watcher", w->add ? NULL : w->who[i],
					    w->add ? w->who[i] : NULL, now, error))
			return FALSE;
	}
	return TRUE;
}

static void
print_watcher (const char *kind, const char *name, gpointer data)
{
	printf ("%-8s %s\n", kind, name);
}

static int
list_watchers (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const gboolean *json = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!mt_cli_ticket_exists (ctx, args->ticket, &error))
		return mt_cli_fail (error);
	if (!*json)
		return mt_people_watchers (ctx->store, args->ticket, print_watcher, NULL, &error) ? 0
												  : mt_cli_fail (error);
	if (!(text = mt_people_watchers_json (ctx->store, args->ticket, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

/* watch ID add|rm WHO... */
static int
change_watchers (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Watch w;

	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	w = (Watch){ args->ticket, strcmp (args->verb, "add") == 0, args->args, actor.login };
	return mt_cli_write (ctx, write_watch, &w, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ NULL, list_watchers, MT_CLI_OPEN_READ, "ID" },
	{ "add", change_watchers, MT_CLI_OPEN_WRITE, "ID add|rm WHO..." },
	{ "rm", change_watchers, MT_CLI_OPEN_WRITE, "ID add|rm WHO..." },
	{ NULL },
};

int
mt_cmd_watch (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "ID [add|rm WHO...] - who hears of a ticket",
					    "WHO is a login, a group name or a mail address.", verbs };
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON", NULL },
		{ NULL },
	};

	return mt_cli_run_verbs (ctx, argc, argv, &command, entries, &json);
}
