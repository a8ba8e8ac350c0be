/*
 * NAME
 *	mailticket contact - the people tickets come from
 * SYNOPSIS
 *	mailticket contact add ADDR [--name NAME] [--org NAME]
 *	mailticket contact list [--org NAME] [--json]
 * DESCRIPTION
 *	Every sender of a new ticket becomes a contact by itself; add one by
 *	hand to give it a name or an organisation other than its domain's.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/customer.h"

typedef struct {
	const char *address, *name, *org;
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
	printf ("%-32s %-24s %-20s %6" G_GINT64_FORMAT "\n", row->address, row->name ? row->name : "-",
		row->org ? row->org : "-", row->tickets);
}

static int
list_contacts (MtContext *ctx, const char *org, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	gint64 id;

	if (!mt_cli_open (ctx, MT_STORE_CREATE, &error) ||
	    (org != NULL && !mt_customer_org_find (ctx->store, org, &id, &error)))
		return mt_cli_fail (error);
	if (!json) {
		printf ("%-32s %-24s %-20s %6s\n", "ADDRESS", "NAME", "ORG", "TICKETS");
		return mt_customer_contacts (ctx->store, org, print_contact, NULL, &error) ? 0 : mt_cli_fail (error);
	}
	if (!(text = mt_customer_contacts_json (ctx->store, org, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

int
mt_cmd_contact (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *name = NULL, *org = NULL;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &name, "the contact's full name (add)", "NAME" },
		{ "org", 'o', 0, G_OPTION_ARG_STRING, &org, "the organisation (add), or only its contacts (list)",
		  "NAME" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx =
		g_option_context_new ("add ADDR [--name N] [--org NAME] | list [--org NAME] - the customers");
	g_autoptr (GError) error = NULL;
	Contact c;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (argc == 1 || (argc == 2 && strcmp (argv[1], "list") == 0))
		return list_contacts (ctx, org, json);
	if (argc != 3 || strcmp (argv[1], "add") != 0)
		return mt_cli_usage ("contact: usage: mailticket contact add ADDR [--name N] [--org NAME] | list");
	c = (Contact){ argv[2], name, org };
	if (!mt_cli_open (ctx, MT_STORE_CREATE, &error) || !mt_cli_write (ctx, write_contact, &c, &error))
		return mt_cli_fail (error);
	return 0;
}
