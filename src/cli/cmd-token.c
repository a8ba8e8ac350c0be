/*
 * NAME
 *	mailticket token - a ticket's reply address and subject token
 * DESCRIPTION
 *	Prints the address a reply must go to so that it finds the ticket
 *	whatever the mail client does to its headers, and the subject token.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/deliver.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"

int
mt_cmd_token (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - print the reply address and subject token");
	g_autoptr (GError) error = NULL;
	g_autofree char *secret = NULL;
	g_autofree char *address = NULL;
	g_autofree char *token = NULL;
	gboolean found;
	gint64 id;
	int code;

	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (!mt_cli_parse_id (argc == 2 ? argv[1] : NULL, "ticket", &id, &error) ||
	    !mt_cli_open (ctx, MT_STORE_EXISTING, &error) || !mt_ticket_exists (ctx->store, id, &found, &error) ||
	    !(secret = mt_deliver_secret (ctx->store, ctx->config, &error)))
		return mt_cli_fail (error);
	if (!found) {
		fprintf (stderr, "mailticket: no ticket %" G_GINT64_FORMAT "\n", id);
		return 1;
	}
	address = mt_token_reply_address (secret, ctx->config->address, ctx->config->delimiter, id);
	token = mt_token_subject (ctx->config->tag, id);
	printf ("%s\n%s\n", address, token);
	return 0;
}
