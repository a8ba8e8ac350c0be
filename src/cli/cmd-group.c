/*
 * NAME
 *	mailticket group - groups of agents
 * SYNOPSIS
 *	mailticket group add NAME
 *	mailticket group member NAME add|rm LOGIN...
 *	mailticket group list [--json]
 * DESCRIPTION
 *	A group that watches a ticket is each of its members watching it,
 *	as they are when the mail goes out, not when it was added.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/people.h"

typedef struct {
	char **argv; /* "add NAME" or "member NAME add|rm LOGIN..." */
} Group;

static gboolean
write_group (MtContext *ctx, gpointer data, GError **error)
{
	char **argv = ((Group *) data)->argv;
	gboolean add;
	gint64 id;

	if (strcmp (argv[0], "add") == 0)
		return mt_people_group_add (ctx->store, argv[1], mt_clock_now (), &id, error);
	add = strcmp (argv[2], "add") == 0;
	for (int i = 3; argv[i]; i++)
		if (!mt_people_group_member (ctx->store, argv[1], argv[i], add, error))
			return FALSE;
	return TRUE;
}

static void
print_group (const MtPeopleRow *row, gpointer data)
{
	printf ("%-16s %s\n", row->name, row->members ? row->members : "");
}

static int
list_groups (MtContext *ctx, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!mt_cli_open (ctx, MT_STORE_CREATE, &error))
		return mt_cli_fail (error);
	if (!json)
		return mt_people_groups (ctx->store, print_group, NULL, &error) ? 0 : mt_cli_fail (error);
	if (!(text = mt_people_groups_json (ctx->store, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

static gboolean
usage_ok (int argc, char **argv)
{
	if (argc == 3 && strcmp (argv[1], "add") == 0)
		return TRUE;
	return argc >= 5 && strcmp (argv[1], "member") == 0 &&
	       (strcmp (argv[3], "add") == 0 || strcmp (argv[3], "rm") == 0);
}

int
mt_cmd_group (MtContext *ctx, int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("add NAME | member NAME add|rm LOGIN... | list");
	g_autoptr (GError) error = NULL;
	Group g = { argv + 1 };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	g.argv = argv + 1;
	if (argc == 1 || (argc == 2 && strcmp (argv[1], "list") == 0))
		return list_groups (ctx, json);
	if (!usage_ok (argc, argv))
		return mt_cli_usage ("group: usage: mailticket group add NAME | member NAME add|rm LOGIN... | list");
	if (!mt_cli_open (ctx, MT_STORE_CREATE, &error) || !mt_cli_write (ctx, write_group, &g, &error))
		return mt_cli_fail (error);
	return 0;
}
