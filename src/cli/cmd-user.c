/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket user - the agents
 * SYNOPSIS
 *	mailticket user add LOGIN --email ADDR [--name NAME] [--lang L]
 *	mailticket user set LOGIN [--email ADDR] [--name NAME] [--lang L] [--signature-file F]
 *	mailticket user rm LOGIN
 *	mailticket user list [--json]
 * DESCRIPTION
 *	An agent is a login (the CLI acts as the Unix login; root and the
 *	database's owner may name another in $MAILTICKET_USER) with the
 *	address that notifications go to. Only agents write on tickets.
 *	--lang is the language of the mail the agent gets, and
 *	--signature-file a text that signs the agent's replies instead of
 *	the queue's signature template ('' for none; mailticket-templates(5)).
 *	user set --email gives an agent a new address, which no other agent
 *	may have: notifications go there from then on, and only mail from
 *	it acts as the agent (reply addresses sent to the old one no
 *	longer do).
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/erase.h"
#include "mailticket/people.h"
#include "mailticket/template.h"

typedef struct {
	const char *login, *email, *name; /* set: NULL, unchanged */
	const char *lang;                 /* or NULL: unchanged */
	const char *signature;            /* or NULL: unchanged */
} User;

static gboolean
write_user (MtContext *ctx, gpointer data, GError **error)
{
	User *u = data;
	gint64 id;

	return mt_people_user_add (ctx->store, u->login, u->email, u->name, mt_clock_now (), &id, error) &&
	       (u->lang == NULL || mt_people_user_set (ctx->store, u->login, "lang", u->lang, error));
}

static void
print_user (const MtPeopleRow *row, gpointer data)
{
	mt_cli_line ("%-12s %-30s %-24s %s", row->name, row->email ? row->email : "-",
		     row->full_name ? row->full_name : "-", row->members ? row->members : "");
}

typedef struct {
	const char *email, *name;
	gboolean json;
	const char *lang, *signature_file;
} Options;

static gboolean
write_settings (MtContext *ctx, gpointer data, GError **error)
{
	User *u = data;

	return (u->email == NULL || mt_people_user_set (ctx->store, u->login, "email", u->email, error)) &&
	       (u->name == NULL || mt_people_user_set (ctx->store, u->login, "name", u->name, error)) &&
	       (u->lang == NULL || mt_people_user_set (ctx->store, u->login, "lang", u->lang, error)) &&
	       (u->signature == NULL || mt_people_user_set (ctx->store, u->login, "signature", u->signature, error));
}

/* --lang as a language tag ("" clears it); FALSE for none. */
static gboolean
lang_option (const Options *o, char **lang)
{
	*lang = o->lang == NULL ? NULL : *o->lang ? mt_template_language_tag (o->lang) : g_strdup ("");
	return o->lang == NULL || *lang != NULL;
}

static int
set_user (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *lang = NULL, *signature = NULL;
	User u = { args->args[0], o->email, o->name };

	if (o->lang == NULL && o->signature_file == NULL && o->email == NULL && o->name == NULL)
		return mt_cli_usage ("user set: --email ADDR, --name NAME, --lang L or --signature-file F");
	if (!lang_option (o, &lang))
		return mt_cli_usage ("user set: not a language: '%s' (de, en, es, pl ...)", o->lang);
	if (o->signature_file && *o->signature_file &&
	    !g_file_get_contents (o->signature_file, &signature, NULL, &error))
		return mt_cli_usage ("user set: --signature-file: %s", error->message);
	if (signature && !g_utf8_validate (signature, -1, NULL))
		return mt_cli_usage ("user set: %s is not UTF-8", o->signature_file);
	u.lang = lang;
	u.signature = o->signature_file ? (signature ? signature : "") : NULL;
	return mt_cli_write (ctx, write_settings, &u, &error) ? 0 : mt_cli_fail (error);
}

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
	g_autofree char *lang = NULL;
	User u = { args->args[0], o->email, o->name };

	if (o->email == NULL)
		return mt_cli_usage ("user add: --email ADDR is required");
	if (!lang_option (o, &lang))
		return mt_cli_usage ("user add: not a language: '%s' (de, en, es, pl ...)", o->lang);
	u.lang = lang;
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
	{ "add", add_user, MT_CLI_OPEN_CREATE, "add LOGIN --email ADDR [--name NAME] [--lang L]" },
	{ "set", set_user, MT_CLI_OPEN_WRITE,
	  "set LOGIN [--email ADDR] [--name NAME] [--lang L] [--signature-file F]" },
	{ "rm", remove_user, MT_CLI_OPEN_WRITE, "rm LOGIN" },
	{ "list", list_users, MT_CLI_OPEN_READ, "[list]" },
	{ NULL },
};

int
mt_cmd_user (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *email = NULL, *name = NULL, *lang = NULL, *signature_file = NULL;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "email", 'e', 0, G_OPTION_ARG_STRING, &email, "the agent's address (add, set)", "ADDR" },
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name, "the agent's full name (add, set; '' for none)", "NAME" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ "lang", 'l', 0, G_OPTION_ARG_STRING, &lang, "the language of the agent's mail (add, set)", "L" },
		{ "signature-file", 0, 0, G_OPTION_ARG_FILENAME, &signature_file,
		  "the agent's signature under replies (set; '' for none)", "F" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new (
		"add LOGIN --email ADDR | set LOGIN [--email ADDR] [--name NAME] [--lang L] [--signature-file F]"
		" | rm LOGIN | list - the agents");
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, verbs, argv, &(Options){ email, name, json, lang, signature_file });
}
