/*
 * NAME
 *	mailticket list - list tickets
 * DESCRIPTION
 *	Most recently updated first, as a table or as a JSON array.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/view.h"

/* s cut to at most width characters, never inside a UTF-8 sequence. */
static char *
fit (const char *s, glong width)
{
	if (s == NULL)
		return g_strdup ("-");
	if (g_utf8_strlen (s, -1) <= width)
		return g_strdup (s);
	g_autofree char *head = g_utf8_substring (s, 0, width - 1);
	return g_strconcat (head, "…", NULL);
}

static gboolean
print_row (const MtTicketRow *row, gpointer data)
{
	g_autofree char *updated = mt_clock_format (row->updated);
	g_autofree char *queue = fit (row->queue, 10);
	g_autofree char *requester = fit (row->requester, 24);
	g_autofree char *subject = fit (row->subject, 60);

	printf ("%5" G_GINT64_FORMAT "  %-8s %3" G_GINT64_FORMAT "  %-10s %-24s %-16s %s\n", row->id,
		row->status, row->priority, queue, requester, updated, subject);
	return TRUE;
}

int
mt_cmd_list (MtContext *ctx, int argc, char **argv)
{
	gboolean json = FALSE;
	int limit = 0;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print a JSON array", NULL },
		{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "at most N tickets", "N" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("- list tickets, most recently updated first");
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (!mt_cli_open (ctx, MT_STORE_EXISTING, &error))
		return mt_cli_fail (error);
	if (json) {
		if (!(text = mt_view_list_json (ctx->store, limit, &error)))
			return mt_cli_fail (error);
		printf ("%s\n", text);
		return 0;
	}
	printf ("%5s  %-8s %3s  %-10s %-24s %-16s %s\n", "ID", "STATUS", "PRI", "QUEUE", "REQUESTER", "UPDATED",
		"SUBJECT");
	if (!mt_view_list (ctx->store, limit, print_row, NULL, &error))
		return mt_cli_fail (error);
	return 0;
}
