/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket group - groups of agents
 * SYNOPSIS
 *	mailticket group add NAME
 *	mailticket group member NAME add|rm LOGIN...
 *	mailticket group rm NAME
 *	mailticket group list [--json]
 * DESCRIPTION
 *	A group that watches a ticket is each of its members watching it,
 *	as they are when the mail goes out, not when it was added.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/erase.h"
#include "mailticket/people.h"

typedef struct {
	const char *name;
	char **logins; /* members to add or remove; NULL: add the group */
	gboolean add;
} Group;

static gboolean
write_group (MtContext *ctx, gpointer data, GError **error)
{
	Group *g = data;
	gint64 id;

	if (g->logins == NULL)
		return mt_people_group_add (ctx->store, g->name, mt_clock_now (), &id, error);
	for (int i = 0; g->logins[i]; i++)
		if (!mt_people_group_member (ctx->store, g->name, g->logins[i], g->add, error))
			return FALSE;
	return TRUE;
}

static void
print_group (const MtPeopleRow *row, gpointer data)
{
	printf ("%-16s %s\n", row->name, row->members ? row->members : "");
}

static int
list_groups (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const gboolean *json = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!*json)
		return mt_people_groups (ctx->store, print_group, NULL, &error) ? 0 : mt_cli_fail (error);
	if (!(text = mt_people_groups_json (ctx->store, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

/* group add NAME, group member NAME add|rm LOGIN... */
static int
change_group (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	Group g = { args->args[0], NULL, TRUE };

	if (args->args[1] != NULL)
		g = (Group){ args->args[0], args->args + 2, strcmp (args->args[1], "add") == 0 };
	return mt_cli_write (ctx, write_group, &g, &error) ? 0 : mt_cli_fail (error);
}

static gboolean
write_group_rm (MtContext *ctx, gpointer data, GError **error)
{
	return mt_erase_group (ctx->store, data, error);
}

/* group rm NAME */
static int
remove_group (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;

	return mt_cli_write (ctx, write_group_rm, args->args[0], &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "add", change_group, MT_CLI_OPEN_CREATE, "add NAME" },
	{ "rm", remove_group, MT_CLI_OPEN_WRITE, "rm NAME" },
	{ "member", change_group, MT_CLI_OPEN_WRITE, "member NAME add|rm LOGIN..." },
	{ "list", list_groups, MT_CLI_OPEN_READ, "[list]" },
	{ NULL },
};

int
mt_cmd_group (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "add NAME | rm NAME | member NAME add|rm LOGIN... | list", NULL, verbs };
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};

	return mt_cli_run_verbs (ctx, argc, argv, &command, entries, &json);
}
