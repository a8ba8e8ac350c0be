/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket token - a ticket's reply address and subject token
 * SYNOPSIS
 *	mailticket token ID [--to ADDRESS | --agent LOGIN [--comment]]
 * DESCRIPTION
 *	Prints the address a reply must go to so that it finds the ticket
 *	whatever the mail client does to its headers, and the subject token.
 *	A reply address is bound to its recipient (token.h): by default the
 *	requester's, or that of --to ADDRESS; with --agent, the agent's own,
 *	whose mail to it answers the customer, or with --comment adds an
 *	internal note.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"

typedef struct {
	char *to, *agent;
	gboolean comment;
} TokenFor;

/* The recipient and role of the address to print; owned. */
static char *
recipient (MtContext *ctx, const TokenFor *f, const char *requester, MtTokenRole *role, GError **error)
{
	gint64 user = 0;

	*role = MT_TOKEN_CUSTOMER;
	if (f->agent == NULL) {
		if (f->to == NULL && requester == NULL)
			g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "the ticket has no requester: give --to ADDRESS");
		return f->to ? g_ascii_strdown (f->to, -1) : g_strdup (requester);
	}
	*role = f->comment ? MT_TOKEN_COMMENT : MT_TOKEN_AGENT;
	if (!mt_people_user_find (ctx->store, f->agent, &user, error))
		return NULL;
	if (user == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no agent named '%s'", f->agent);
		return NULL;
	}
	return mt_people_user_email (ctx->store, user, error);
}

int
mt_cmd_token (MtContext *ctx, int argc, char **argv)
{
	TokenFor f = { 0 };
	GOptionEntry entries[] = {
		{ "to", 0, 0, G_OPTION_ARG_STRING, &f.to, "the address for a recipient other than the requester",
		  "ADDRESS" },
		{ "agent", 0, 0, G_OPTION_ARG_STRING, &f.agent, "the address for the agent LOGIN", "LOGIN" },
		{ "comment", 0, 0, G_OPTION_ARG_NONE, &f.comment, "the agent's comment address (with --agent)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - print the reply address and subject token");
	g_autoptr (GError) error = NULL;
	g_autofree char *uuid = NULL, *requester = NULL, *rcpt = NULL, *address = NULL, *token = NULL;
	MtTokenRole role;
	gint64 id;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if ((f.to && f.agent) || (f.comment && !f.agent))
		return mt_cli_usage ("token: --to goes alone, and --comment with --agent");
	if (!mt_cli_parse_id (argc == 2 ? argv[1] : NULL, "ticket", &id, &error) ||
	    !mt_ticket_identity (ctx->store, id, &uuid, &requester, &error))
		return mt_cli_fail (error);
	if (uuid == NULL)
		return mt_cli_usage ("no ticket %" G_GINT64_FORMAT, id);
	if (!(rcpt = recipient (ctx, &f, requester, &role, &error)) ||
	    !(address = mt_notify_reply_address (ctx->store, ctx->config, id, role, rcpt, &error)))
		return mt_cli_fail (error);
	token = mt_token_subject (ctx->config->tag, id);
	printf ("%s\n%s\n", address, token);
	g_free (f.to);
	g_free (f.agent);
	return 0;
}
