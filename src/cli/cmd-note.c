/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket note - an internal note for the agents
 * SYNOPSIS
 *	mailticket note ID (-m TEXT | -F FILE)
 * DESCRIPTION
 *	Adds an internal article and tells the agents who watch the ticket;
 *	the requester and plain-address watchers never see it.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/notify.h"
#include "mailticket/ticket.h"

typedef struct {
	gint64 ticket;
	const char *text;
	MtActor *actor;
	gint64 article;
} Note;

static gboolean
write_note (MtContext *ctx, gpointer data, GError **error)
{
	Note *n = data;
	gint64 now = mt_clock_now ();
	MtArticleNew a = { .kind = "note", .internal = TRUE, .author = n->actor->user, .text = n->text, .now = now };
	MtNotifyEvent e = { .ticket = n->ticket,
			    .who = n->actor->login,
			    .text = n->text,
			    .internal = TRUE,
			    .author = n->actor->email,
			    .now = now };
	guint queued;

	if (!mt_cli_ticket_exists (ctx, n->ticket, error) ||
	    !mt_ticket_add_article (ctx->store, n->ticket, &a, &n->article, error))
		return FALSE;
	e.article = n->article;
	return mt_notify_watchers (ctx->store, ctx->config, &e, &queued, error);
}

/* The note written in the editor, with the customer's last mail as a
 * comment to look at. */
static char *
edit_note (MtContext *ctx, gint64 ticket, GError **error)
{
	g_autofree char *quote = NULL, *help = NULL;
	g_autoptr (GString) commented = g_string_new (NULL);
	g_auto (GStrv) lines = NULL;

	if (!mt_cli_ticket_exists (ctx, ticket, error) || !(quote = mt_cli_quote_last (ctx, ticket, error)))
		return NULL;
	lines = g_strsplit (quote, "\n", -1);
	for (int i = 0; lines[i] && *lines[i]; i++)
		g_string_append_printf (commented, "# %s\n", lines[i]);
	help = g_strdup_printf ("# An internal note on ticket %" G_GINT64_FORMAT " for the agents. Lines starting\n"
				"# with '#' are left out; an empty text adds nothing.\n#\n%s",
				ticket, commented->str);
	return mt_cli_edit ("", help, error);
}

int
mt_cmd_note (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *message = NULL, *file = NULL, *text = NULL;
	GOptionEntry entries[] = {
		{ "message", 'm', 0, G_OPTION_ARG_STRING, &message, "the text", "TEXT" },
		{ "file", 'F', 0, G_OPTION_ARG_FILENAME, &file, "read the text from FILE (- for stdin)", "FILE" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - add an internal note for the agents");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Note n = { 0 };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 2)
		return mt_cli_usage ("note: give one ticket number; try 'mailticket note --help'");
	if (!mt_cli_parse_id (argv[1], "ticket", &n.ticket, &error) || !mt_cli_agent (ctx, &actor, &error) ||
	    !(text = mt_cli_wants_editor (message, file) ? edit_note (ctx, n.ticket, &error)
							 : mt_cli_text (message, file, &error)))
		return mt_cli_fail (error);
	n.text = text;
	n.actor = &actor;
	if (!mt_cli_write (ctx, write_note, &n, &error))
		return mt_cli_fail (error);
	printf ("%" G_GINT64_FORMAT "\n", n.article);
	return 0;
}
