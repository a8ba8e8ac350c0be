/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket contact - the people tickets come from
 * SYNOPSIS
 *	mailticket contact add ADDR [--name NAME] [--org NAME]
 *	mailticket contact set ADDR --lang L
 *	mailticket contact list [--org NAME] [--json]
 *	mailticket contact forget ADDR [--force]
 * DESCRIPTION
 *	Every sender of a new ticket becomes a contact by itself; add one by
 *	hand to give it a name or an organisation other than its domain's;
 *	set --lang gives the language of the mail it gets ('' for the
 *	ticket's, mailticket-templates(5)). forget erases what ADDR sent and
 *	where it stood, for good (erase.h): the tickets they alone wrote in
 *	(not closed: with --force), their mail in the others, their
 *	address in what remains ("(erased)"), the contact itself.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/customer.h"
#include "mailticket/erase.h"
#include "mailticket/template.h"

typedef struct {
	const char *address, *name, *org, *lang;
} Contact;

static gboolean
write_contact (MtContext *ctx, gpointer data, GError **error)
{
	Contact *c = data;

	return mt_customer_contact_add (ctx->store, c->address, c->name, c->org, mt_clock_now (), error);
}

static void
print_contact (const MtContactRow *row, gpointer data)
{
	mt_cli_line ("%-32s %-24s %-20s %6" G_GINT64_FORMAT, row->address, row->name ? row->name : "-",
		     row->org ? row->org : "-", row->tickets);
}

typedef struct {
	const char *name, *org;
	gboolean json;
	const char *lang;
	gboolean force;
} Options;

static int
list_contacts (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	gint64 id;

	if (o->org != NULL && !mt_customer_org_find (ctx->store, o->org, &id, &error))
		return mt_cli_fail (error);
	if (!o->json) {
		mt_cli_print ("%-32s %-24s %-20s %6s\n", "ADDRESS", "NAME", "ORG", "TICKETS");
		return mt_customer_contacts (ctx->store, o->org, print_contact, NULL, &error) ? 0 : mt_cli_fail (error);
	}
	if (!(text = mt_customer_contacts_json (ctx->store, o->org, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

static int
add_contact (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	Contact c = { args->args[0], o->name, o->org };

	return mt_cli_write (ctx, write_contact, &c, &error) ? 0 : mt_cli_fail (error);
}

static gboolean
write_lang (MtContext *ctx, gpointer data, GError **error)
{
	Contact *c = data;

	return mt_customer_contact_set_lang (ctx->store, c->address, c->lang, mt_clock_now (), error);
}

static int
set_contact (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *lang = o->lang && *o->lang ? mt_template_language_tag (o->lang) : g_strdup ("");
	Contact c = { .address = args->args[0], .lang = lang };

	if (o->lang == NULL)
		return mt_cli_usage ("contact set: --lang L is required");
	if (lang == NULL)
		return mt_cli_usage ("contact set: not a language: '%s' (de, en, es, pl ...)", o->lang);
	return mt_cli_write (ctx, write_lang, &c, &error) ? 0 : mt_cli_fail (error);
}

typedef struct {
	const char *address, *who;
	gboolean force;
	MtErased erased;
} Forget;

static gboolean
write_forget (MtContext *ctx, gpointer data, GError **error)
{
	Forget *f = data;

	return mt_erase_contact (ctx->store, f->address, f->force, f->who, mt_clock_now (), &f->erased, error);
}

static int
forget_contact (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Forget f = { .address = args->args[0], .force = o->force };

	if (!mt_cli_agent (ctx, &actor, &error) || !mt_erase_prepare (ctx->store, &error))
		return mt_cli_fail (error);
	f.who = actor.login;
	if (!mt_cli_write (ctx, write_forget, &f, &error))
		return mt_cli_fail (error);
	/* The log keeps that an erasure took place, never whose. */
	g_message ("erased contact tickets=%u articles=%u by=%s", f.erased.tickets, f.erased.articles, actor.login);
	if (!mt_erase_scrub (ctx->store, &error))
		return mt_cli_fail (error);
	mt_cli_line ("erased: %u tickets, %u articles from other tickets", f.erased.tickets, f.erased.articles);
	return 0;
}

static const MtCliVerb verbs[] = {
	{ "add", add_contact, MT_CLI_OPEN_CREATE, "add ADDR [--name N] [--org NAME]" },
	{ "set", set_contact, MT_CLI_OPEN_CREATE, "set ADDR --lang L" },
	{ "list", list_contacts, MT_CLI_OPEN_READ, "[list]" },
	{ "forget", forget_contact, MT_CLI_OPEN_WRITE, "forget ADDR [--force]" },
	{ NULL },
};

int
mt_cmd_contact (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *name = NULL, *org = NULL, *lang = NULL;
	gboolean json = FALSE, force = FALSE;
	GOptionEntry entries[] = {
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name, "the contact's full name (add)", "NAME" },
		{ "org", 'o', 0, G_OPTION_ARG_STRING, &org, "the organisation (add), or only its contacts (list)",
		  "NAME" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ "lang", 'l', 0, G_OPTION_ARG_STRING, &lang, "the language of its mail (set): de, en, es, pl", "L" },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, "erase tickets that are not closed too (forget)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new (
		"add ADDR [--name N] [--org NAME] | set ADDR --lang L | list [--org NAME] | forget ADDR [--force]"
		" - the customers");
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, verbs, argv, &(Options){ name, org, json, lang, force });
}
