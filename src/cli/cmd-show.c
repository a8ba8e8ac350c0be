/*
 * NAME
 *	mailticket show - a ticket's thread, or one stored message
 * DESCRIPTION
 *	Readable: the ticket's fields, then every article with its headers,
 *	text and attachments (internal ones marked), then links and history.
 *	--json: the same as one JSON object. --raw ARTICLE: the bytes of
 *	that article's message exactly as they were received.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/view.h"

static gboolean
print_ticket (const MtTicketRow *row, gpointer data)
{
	g_autofree char *created = mt_clock_format (row->created);
	g_autofree char *updated = mt_clock_format (row->updated);

	printf ("Ticket %" G_GINT64_FORMAT ": %s\n", row->id, row->subject);
	printf ("Status: %s  Priority: %" G_GINT64_FORMAT "  Queue: %s  Owner: %s\n", row->status, row->priority,
		row->queue ? row->queue : "-", row->owner ? row->owner : "-");
	printf ("Requester: %s\n", row->requester ? row->requester : "-");
	printf ("Created: %s  Updated: %s  Articles: %" G_GINT64_FORMAT "\n", created, updated, row->articles);
	return TRUE;
}

static gboolean
print_attachment (const MtAttachmentRow *row, gpointer data)
{
	printf ("  [%" G_GINT64_FORMAT "] %s (%s, %" G_GINT64_FORMAT " bytes, part %s)\n", row->position,
		row->name ? row->name : "(no name)", row->type, row->size, row->part);
	return TRUE;
}

static void
print_header (const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		printf ("%s: %s\n", name, value);
}

static gboolean
print_article (const MtArticleRow *row, gpointer data)
{
	MtContext *ctx = data;
	g_autofree char *when = mt_clock_format (row->date ? row->date : row->created);

	printf ("\n--- article %" G_GINT64_FORMAT " %s%s %s", row->id, row->kind, row->internal ? " [internal]" : "",
		when);
	if (row->via != NULL)
		printf (" (via %s)", row->via);
	printf (" ---\n");
	print_header ("From", row->from);
	print_header ("To", row->to);
	print_header ("Cc", row->cc);
	print_header ("Subject", row->subject);
	printf ("\n%s\n", row->text ? row->text : "");
	return mt_view_attachments (ctx->store, row->id, print_attachment, NULL, NULL);
}

static gboolean
print_link (const char *kind, gint64 other, gpointer data)
{
	printf ("Link: %s #%" G_GINT64_FORMAT "\n", kind, other);
	return TRUE;
}

static gboolean
print_history (gint64 at, const char *who, const char *field, const char *old_value, const char *new_value,
	       gpointer data)
{
	g_autofree char *when = mt_clock_format (at);

	printf ("  %s %s: %s %s -> %s\n", when, who, field, old_value ? old_value : "-", new_value ? new_value : "-");
	return TRUE;
}

static gboolean
show_readable (MtContext *ctx, gint64 id, GError **error)
{
	if (!mt_view_ticket (ctx->store, id, print_ticket, NULL, error) ||
	    !mt_view_links (ctx->store, id, print_link, NULL, error) ||
	    !mt_view_articles (ctx->store, id, print_article, ctx, error))
		return FALSE;
	printf ("\nHistory:\n");
	return mt_view_history (ctx->store, id, print_history, NULL, error);
}

static gboolean
show_raw (MtContext *ctx, gint64 id, const char *article_text, GError **error)
{
	g_autoptr (GBytes) raw = NULL;
	gint64 article;
	gsize len;
	const void *data;

	if (!mt_cli_parse_id (article_text, "article", &article, error) ||
	    !(raw = mt_view_article_raw (ctx->store, id, article, error)))
		return FALSE;
	data = g_bytes_get_data (raw, &len);
	if (len > 0 && fwrite (data, 1, len, stdout) != len)
		return FALSE;
	return fflush (stdout) == 0;
}

static gboolean
show_json (MtContext *ctx, gint64 id, GError **error)
{
	g_autofree char *json = mt_view_ticket_json (ctx->store, id, error);

	if (json == NULL)
		return FALSE;
	printf ("%s\n", json);
	return TRUE;
}

int
mt_cmd_show (MtContext *ctx, int argc, char **argv)
{
	gboolean json = FALSE;
	g_autofree char *raw = NULL;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object", NULL },
		{ "raw", 0, 0, G_OPTION_ARG_STRING, &raw, "write the stored bytes of one article", "ARTICLE" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - show a ticket");
	g_autoptr (GError) error = NULL;
	gint64 id;
	gboolean ok;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (!mt_cli_parse_id (argc == 2 ? argv[1] : NULL, "ticket", &id, &error) ||
	    !mt_cli_open (ctx, MT_STORE_EXISTING, &error))
		return mt_cli_fail (error);
	if (raw != NULL)
		ok = show_raw (ctx, id, raw, &error);
	else if (json)
		ok = show_json (ctx, id, &error);
	else
		ok = show_readable (ctx, id, &error);
	if (!ok && error == NULL)
		g_set_error (&error, MT_ERROR, MT_ERROR_TEMPFAIL, "cannot write the output");
	return ok ? 0 : mt_cli_fail (error);
}
