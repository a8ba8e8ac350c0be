/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket reply - answer the requester by mail
 * SYNOPSIS
 *	mailticket reply ID (-m TEXT | -F FILE | --template NAME) [--cc ADDR]... [--bcc ADDR]... [--attach FILE]...
 *		[--status S]
 * DESCRIPTION
 *	Composes the answer (text and a simple HTML rendering, attachments
 *	included) to the ticket's requester and the Cc of the conversation
 *	(--cc adds to it for this and later replies),
 *	stores it as an email-out article with the bytes that will be sent,
 *	queues it for mailticket-send and tells the watchers, in one
 *	transaction. Prints the article number. --template NAME adds the
 *	canned answer answers/NAME in the requester's language, with the
 *	ticket's variables (mailticket-templates(5)). The reply template
 *	quotes the customer's last mail under the text, unless the text
 *	quotes already (a line starting with '>'). Without -m, -F or
 *	--template on a terminal, the text is written in an editor, on a
 *	file that holds that quote: what the agent keeps of it is the
 *	reply's only quote.
 *	--status S then sets the status in the same transaction, with the
 *	mails set status=S sends (mt_cli_set): answer and resolve in one
 *	step, or nothing when the status is refused.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/change.h"
#include "mailticket/clock.h"
#include "mailticket/notify.h"
#include "mailticket/ticket.h"

typedef struct {
	MtNotifyReply reply;
	gint64 article;
	MtCliSet status; /* --status: status=S, or no assignments */
} Reply;

static gboolean
write_reply (MtContext *ctx, gpointer data, GError **error)
{
	Reply *r = data;

	return mt_cli_ticket_exists (ctx, r->reply.ticket, error) &&
	       mt_notify_reply (ctx->store, ctx->config, &r->reply, &r->article, error) &&
	       mt_change_took_part (ctx->store, ctx->config, r->reply.ticket, r->reply.author ? r->reply.who : NULL,
				    r->reply.now, error) &&
	       (r->status.assignments[0] == NULL || mt_cli_set (ctx, &r->status, r->reply.ticket, error));
}

static GPtrArray *
strv_array (char **strv)
{
	GPtrArray *array = g_ptr_array_new ();

	for (int i = 0; strv && strv[i]; i++)
		g_ptr_array_add (array, strv[i]);
	return array;
}

/* The reply written in the editor, under the quoted customer's mail. */
static char *
edit_reply (MtContext *ctx, gint64 ticket, GError **error)
{
	g_autofree char *quote = NULL, *initial = NULL, *help = NULL;

	if (!mt_cli_ticket_exists (ctx, ticket, error) || !(quote = mt_cli_quote_last (ctx, ticket, error)))
		return NULL;
	initial = g_strdup_printf ("\n%s%s", *quote ? "\n" : "", quote);
	help = g_strdup_printf ("# Your reply to the requester of ticket %" G_GINT64_FORMAT ", above the quote: what\n"
				"# you keep of it is sent, and no other quote. Lines starting with '#' are\n"
				"# left out; an empty or unchanged text sends nothing.\n",
				ticket);
	return mt_cli_edit (initial, help, error);
}

int
mt_cmd_reply (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *message = NULL, *file = NULL, *text = NULL, *answer = NULL, *status = NULL;
	g_autofree char *assignment = NULL;
	g_auto (GStrv) cc = NULL, bcc = NULL, attach = NULL;
	GOptionEntry entries[] = {
		{ "message", 'm', 0, G_OPTION_ARG_STRING, &message, "the text", "TEXT" },
		{ "file", 'F', 0, G_OPTION_ARG_FILENAME, &file, "read the text from FILE (- for stdin)", "FILE" },
		{ "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc, "also to ADDR, visibly", "ADDR" },
		{ "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc, "also to ADDR, invisibly", "ADDR" },
		{ "attach", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, &attach, "attach FILE", "FILE" },
		{ "template", 't', 0, G_OPTION_ARG_STRING, &answer, "add the canned answer NAME", "NAME" },
		{ "status", 's', 0, G_OPTION_ARG_STRING, &status, "then set the status S, as set status=S does", "S" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - answer the requester by mail");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) cc_list = NULL, bcc_list = NULL, attach_list = NULL;
	g_auto (MtActor) actor = { 0 };
	Reply r = { { 0 } };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 2)
		return mt_cli_usage ("reply: give one ticket number; try 'mailticket reply --help'");
	if (status != NULL && !mt_ticket_status_known (status))
		return mt_cli_usage ("reply: --status: '%s' is not one of new, open, pending, resolved, closed",
				     status);
	cc_list = strv_array (cc);
	bcc_list = strv_array (bcc);
	attach_list = strv_array (attach);
	/* The editor's file holds the quote: what the agent keeps of it is the only one. */
	r.reply.quoted = !answer && mt_cli_wants_editor (message, file);
	if (!mt_cli_parse_id (argv[1], "ticket", &r.reply.ticket, &error) || !mt_cli_agent (ctx, &actor, &error) ||
	    (r.reply.quoted ? !(text = edit_reply (ctx, r.reply.ticket, &error))
			    : !(answer && !message && !file) && !(text = mt_cli_text (message, file, &error))))
		return mt_cli_fail (error);
	r.reply.text = text;
	r.reply.answer = answer;
	r.reply.cc = cc_list;
	r.reply.bcc = bcc_list;
	r.reply.attachments = attach_list;
	r.reply.author = actor.user;
	r.reply.author_address = actor.email;
	r.reply.who = actor.login;
	r.reply.now = mt_clock_now ();
	assignment = status ? g_strconcat ("status=", status, NULL) : NULL;
	r.status = (MtCliSet){ (char *[]){ assignment, NULL }, &actor, NULL, MT_NOTIFY_DEFAULT };
	if (!mt_cli_write (ctx, write_reply, &r, &error))
		return mt_cli_fail (error);
	mt_cli_print ("%" G_GINT64_FORMAT "\n", r.article);
	return 0;
}
