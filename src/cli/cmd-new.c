/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket new - open a ticket by hand
 * SYNOPSIS
 *	mailticket new --type request --requester ADDR --subject S [-m TEXT | -F FILE] [--queue Q] [--owner LOGIN]
 *	mailticket new --type internal --subject S [-m TEXT | -F FILE] [--queue Q] [--owner LOGIN]
 * DESCRIPTION
 *	A request is opened on a customer's behalf (a phone call): replies
 *	to it go to that customer by mail. An internal ticket is between
 *	its creator and its owner; nothing of it reaches an outside address.
 *	The text, if any, is the ticket's first article. Prints the ticket
 *	number.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/compose.h"
#include "mailticket/customer.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

typedef struct {
	const char *type, *requester, *subject, *text, *queue, *owner;
	MtActor *actor;
	gint64 ticket;
} New;

static gboolean
first_article (MtContext *ctx, New *n, gint64 now, GError **error)
{
	gboolean internal = strcmp (n->type, "internal") == 0;
	MtArticleNew a = {
		.kind = "note", .internal = internal, .author = n->actor->user, .text = n->text, .now = now
	};
	MtNotifyEvent e = { .ticket = n->ticket,
			    .template = "notify-new",
			    .who = n->actor->login,
			    .text = n->text,
			    .internal = internal,
			    .author = n->actor->email,
			    .now = now };
	guint queued;

	if (n->text && !mt_ticket_add_article (ctx->store, n->ticket, &a, &e.article, error))
		return FALSE;
	return mt_notify_watchers (ctx->store, ctx->config, &e, &queued, error);
}

static gboolean
write_new (MtContext *ctx, gpointer data, GError **error)
{
	New *n = data;
	gint64 now = mt_clock_now ();
	g_autofree char *subject = mt_compose_header_safe (n->subject);
	MtTicketNew t = { .type = n->type, .subject = subject, .creator = n->actor->user, .now = now };

	if (n->owner && !mt_people_user_find (ctx->store, n->owner, &t.owner, error))
		return FALSE;
	if (n->owner && t.owner == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user named '%s'", n->owner);
		return FALSE;
	}
	if (!mt_directory_queue_named (ctx->store, ctx->config, n->queue, now, &t.queue, error) ||
	    (n->requester && !mt_customer_contact_ensure (ctx->store, n->requester, NULL, now, &t.requester, error)) ||
	    !mt_ticket_create (ctx->store, &t, &n->ticket, error) ||
	    !mt_ticket_add_history (ctx->store, n->ticket, n->actor->login, "created", NULL, subject, now, error))
		return FALSE;
	return first_article (ctx, n, now, error);
}

static int
check (New *n)
{
	if (n->subject == NULL || *n->subject == '\0')
		return mt_cli_usage ("new: --subject is required");
	if (strcmp (n->type, "request") == 0 && (n->requester == NULL || !mt_compose_address_ok (n->requester)))
		return mt_cli_usage ("new: a request needs --requester ADDR, a mail address");
	if (strcmp (n->type, "internal") == 0 && n->requester != NULL)
		return mt_cli_usage ("new: an internal ticket has no requester");
	if (strcmp (n->type, "request") != 0 && strcmp (n->type, "internal") != 0)
		return mt_cli_usage ("new: --type is request or internal, not '%s'", n->type);
	return 0;
}

int
mt_cmd_new (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *type = NULL, *requester = NULL, *subject = NULL, *queue = NULL, *owner = NULL;
	g_autofree char *message = NULL, *file = NULL, *text = NULL;
	GOptionEntry entries[] = {
		{ "type", 't', 0, G_OPTION_ARG_STRING, &type, "request (default) or internal", "TYPE" },
		{ "requester", 'r', 0, G_OPTION_ARG_STRING, &requester, "the customer's address", "ADDR" },
		{ "subject", 's', 0, G_OPTION_ARG_STRING, &subject, "the subject", "S" },
		{ "message", 'm', 0, G_OPTION_ARG_STRING, &message, "the first text", "TEXT" },
		{ "file", 'F', 0, G_OPTION_ARG_FILENAME, &file, "read the first text from FILE (- for stdin)", "FILE" },
		{ "queue", 'q', 0, G_OPTION_ARG_STRING, &queue, "the queue (default: the default queue)", "Q" },
		{ "owner", 'o', 0, G_OPTION_ARG_STRING, &owner, "the agent who owns it", "LOGIN" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("- open a ticket by hand");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	New n = { 0 };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	n = (New){ type ? type : "request", requester, subject, NULL, queue, owner, &actor, 0 };
	if (argc != 1)
		return mt_cli_usage ("new: unexpected argument '%s'", argv[1]);
	if ((code = check (&n)) != 0)
		return code;
	if (((message || file) && !(text = mt_cli_text (message, file, &error))) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	if (mt_cli_wants_editor (message, file) &&
	    !(text = mt_cli_edit ("",
				  "# The first text of the new ticket. Lines starting with '#' are left\n"
				  "# out; an empty text opens nothing.\n",
				  &error)))
		return mt_cli_fail (error);
	n.text = text;
	if (!mt_cli_write (ctx, write_new, &n, &error))
		return mt_cli_fail (error);
	printf ("%" G_GINT64_FORMAT "\n", n.ticket);
	return 0;
}
