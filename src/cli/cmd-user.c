/*
 * NAME
 *	mailticket user - the agents
 * SYNOPSIS
 *	mailticket user add LOGIN --email ADDR [--name NAME]
 *	mailticket user rm LOGIN
 *	mailticket user list [--json]
 * DESCRIPTION
 *	An agent is a login (the CLI acts as the Unix login; root and the
 *	database's owner may name another in $MAILTICKET_USER) with the
 *	address that notifications go to. Only agents write on tickets.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/erase.h"
#include "mailticket/people.h"

typedef struct {
	const char *login, *email, *name;
} User;

static gboolean
write_user (MtContext *ctx, gpointer data, GError **error)
{
	User *u = data;
	gint64 id;

	return mt_people_user_add (ctx->store, u->login, u->email, u->name, mt_clock_now (), &id, error);
}

static void
print_user (const MtPeopleRow *row, gpointer data)
{
	printf ("%-12s %-30s %-24s %s\n", row->name, row->email ? row->email : "-",
		row->full_name ? row->full_name : "-", row->members ? row->members : "");
}

typedef struct {
	const char *email, *name;
	gboolean json;
} Options;

static int
list_users (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!o->json)
		return mt_people_users (ctx->store, print_user, NULL, &error) ? 0 : mt_cli_fail (error);
	if (!(text = mt_people_users_json (ctx->store, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

static int
add_user (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	User u = { args->args[0], o->email, o->name };

	if (o->email == NULL)
		return mt_cli_usage ("user add: --email ADDR is required");
	return mt_cli_write (ctx, write_user, &u, &error) ? 0 : mt_cli_fail (error);
}

static gboolean
write_user_rm (MtContext *ctx, gpointer data, GError **error)
{
	return mt_erase_user (ctx->store, data, error);
}

/* user rm LOGIN */
static int
remove_user (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;

	return mt_cli_write (ctx, write_user_rm, args->args[0], &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "add", add_user, MT_CLI_OPEN_CREATE, "add LOGIN --email ADDR [--name NAME]" },
	{ "rm", remove_user, MT_CLI_OPEN_WRITE, "rm LOGIN" },
	{ "list", list_users, MT_CLI_OPEN_READ, "[list]" },
	{ NULL },
};

int
mt_cmd_user (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *email = NULL, *name = NULL;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "email", 'e', 0, G_OPTION_ARG_STRING, &email, "the agent's address (add)", "ADDR" },
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name, "the agent's full name (add)", "NAME" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("add LOGIN --email ADDR | rm LOGIN | list - the agents");
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, verbs, argv, &(Options){ email, name, json });
}
