/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket org - customer organisations
 * SYNOPSIS
 *	mailticket org add NAME --domain D [--domain D2]...
 *	mailticket org rm NAME
 *	mailticket org list [--json]
 * DESCRIPTION
 *	An organisation is found by its domains: a contact whose address is
 *	in one of them, or in a subdomain, belongs to it (customer.h). Adding
 *	an organisation that exists adds the domains to it; either way the
 *	existing contacts of those domains without an organisation join it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/customer.h"

typedef struct {
	const char *name;
	char **domains;
	gboolean remove;
} Org;

static gboolean
write_org (MtContext *ctx, gpointer data, GError **error)
{
	Org *o = data;

	if (o->remove)
		return mt_customer_org_remove (ctx->store, o->name, error);
	return mt_customer_org_add (ctx->store, o->name, o->domains, mt_clock_now (), error);
}

static void
print_org (const MtOrgRow *row, gpointer data)
{
	printf ("%-24s %6" G_GINT64_FORMAT " %6" G_GINT64_FORMAT "  %s\n", row->name, row->contacts, row->tickets,
		row->domains ? row->domains : "-");
}

typedef struct {
	char **domains;
	gboolean json;
} Options;

static int
list_orgs (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!o->json) {
		printf ("%-24s %6s %6s  %s\n", "NAME", "PEOPLE", "TICKETS", "DOMAINS");
		return mt_customer_orgs (ctx->store, print_org, NULL, &error) ? 0 : mt_cli_fail (error);
	}
	if (!(text = mt_customer_orgs_json (ctx->store, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

/* org add NAME --domain D..., org rm NAME */
static int
change_org (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	Org org = { args->args[0], o->domains, strcmp (args->verb, "rm") == 0 };

	if (!org.remove && o->domains == NULL)
		return mt_cli_usage ("org add: --domain D is required");
	return mt_cli_write (ctx, write_org, &org, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "add", change_org, MT_CLI_OPEN_CREATE, "add NAME --domain D..." },
	{ "rm", change_org, MT_CLI_OPEN_WRITE, "rm NAME" },
	{ "list", list_orgs, MT_CLI_OPEN_READ, "[list] [--json]" },
	{ NULL },
};

int
mt_cmd_org (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "add NAME --domain D... | rm NAME | list - customer organisations", NULL,
					    verbs };
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "domain", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &o.domains,
		  "a domain of the organisation (add; repeatable)", "D" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print JSON (list)", NULL },
		{ NULL },
	};
	int code = mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);

	g_strfreev (o.domains);
	return code;
}
