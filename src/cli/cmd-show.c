/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket show - a ticket's thread, or one stored message
 * SYNOPSIS
 *	mailticket show ID [--json | --raw ARTICLE [--force]]
 * DESCRIPTION
 *	Readable: the ticket's fields (tags, project, color, watchers
 *	included) and links, then every article with its headers, text and
 *	numbered attachments and what of its message is not indexed
 *	(over [mail] max_parts, ...), internal ones marked INTERNAL, then the
 *	history. No control character from the mail is written as it
 *	is (mt_cli_print). --json: the same as one JSON object. --raw ARTICLE: the
 *	bytes of that article's message exactly as they were received, to
 *	a pipe or a file (to a terminal only with --force).
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/work.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"
#include "mailticket/view.h"

static void
print_field (const char *name, const char *value)
{
	mt_cli_line ("%-10s %s", name, value && *value ? value : "-");
}

static void
add_watcher (const char *kind, const char *name, gpointer data)
{
	GString *list = data;

	g_string_append_printf (list, "%s%s %s", list->len ? ", " : "", kind, name);
}

/* The first few of a list, and how many more. */
static char *
some_of (GPtrArray *list)
{
	GString *s = g_string_new (NULL);
	guint shown = MIN (list->len, 10);

	for (guint i = 0; i < shown; i++)
		g_string_append_printf (s, "%s%s", i ? ", " : "", (char *) g_ptr_array_index (list, i));
	if (list->len > shown)
		g_string_append_printf (s, " (and %u more)", list->len - shown);
	return g_string_free (s, FALSE);
}

/* Who a reply goes to besides the requester, and the addresses other
 * mail proposed, which an agent adds with reply --cc. */
static gboolean
print_cc (MtContext *ctx, gint64 ticket)
{
	g_autoptr (GPtrArray) cc = mt_ticket_cc (ctx->store, ticket, FALSE, NULL);
	g_autoptr (GPtrArray) proposed = cc ? mt_ticket_cc (ctx->store, ticket, TRUE, NULL) : NULL;
	g_autofree char *kept = NULL, *offered = NULL;

	if (proposed == NULL)
		return FALSE;
	kept = some_of (cc);
	offered = some_of (proposed);
	print_field ("Cc:", *kept ? kept : NULL);
	if (*offered)
		print_field ("Proposed:", offered);
	return TRUE;
}

static gboolean
print_ticket (const MtTicketRow *row, gpointer data)
{
	MtContext *ctx = data;
	g_autofree char *created = mt_clock_format (row->created);
	g_autofree char *updated = mt_clock_format (row->updated);
	g_autofree char *due = row->due ? mt_clock_format (row->due) : NULL;
	g_autoptr (GString) watchers = g_string_new (NULL);

	mt_cli_line ("Ticket %" G_GINT64_FORMAT ": %s", row->id, row->subject ? row->subject : "-");
	mt_cli_print ("%-10s %s, priority %" G_GINT64_FORMAT "\n", "Status:", row->status, row->priority);
	print_field ("Queue:", row->queue);
	print_field ("Owner:", row->owner);
	print_field ("Requester:", row->requester);
	print_field ("Org:", row->org);
	print_field ("Project:", row->project);
	print_field ("Color:", row->color);
	print_field ("Tags:", row->tags);
	if (!mt_people_watchers (ctx->store, row->id, add_watcher, watchers, NULL))
		return FALSE;
	print_field ("Watchers:", watchers->str);
	if (!print_cc (ctx, row->id))
		return FALSE;
	mt_cli_print ("%-10s %s, updated %s, due %s\n", "Created:", created, updated, due ? due : "-");
	return TRUE;
}

typedef struct {
	MtContext *ctx;
	gint64 ticket, article;
} Show;

static gboolean
print_attachment (const MtAttachmentRow *row, gpointer data)
{
	Show *show = data;
	const char *name = row->name ? row->name : "(no name)";
	g_autofree char *size = g_format_size (row->size);

	if (row->position == 1)
		mt_cli_print ("\nAttachments (mailticket attachment %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
			      " N saves one):\n",
			      show->ticket, show->article);
	mt_cli_line ("  %" G_GINT64_FORMAT ". %s (%s, %s)", row->position, name, row->type, size);
	return TRUE;
}

static void
print_header (const char *name, const char *value)
{
	if (value != NULL && *value != '\0')
		mt_cli_line ("%s: %s", name, value);
}

/* What of the message the article leaves out, one sentence a line. */
static void
print_not_indexed (const Show *show, const char *notes)
{
	g_auto (GStrv) lines = notes ? g_strsplit (notes, "; ", -1) : NULL;

	if (lines == NULL)
		return;
	printf ("\nNot indexed, only in the raw message (mailticket show %" G_GINT64_FORMAT " --raw %" G_GINT64_FORMAT
		"):\n",
		show->ticket, show->article);
	for (int i = 0; lines[i] != NULL; i++) {
		g_autofree char *line = mt_cli_printable (lines[i], FALSE);

		printf ("  %s\n", line);
	}
}

/* Internal articles say so where no reader can miss it: in the
 * separator line that opens them. */
static gboolean
print_article (const MtArticleRow *row, gpointer data)
{
	Show *show = data;
	g_autofree char *when = mt_clock_format (row->date ? row->date : row->created);
	g_autofree char *text = g_strdup (row->text ? row->text : "");

	mt_cli_print ("\n--- article %" G_GINT64_FORMAT ", %s%s, %s", row->id, row->internal ? "INTERNAL " : "",
		      row->kind, when);
	if (row->via != NULL)
		mt_cli_print (", via %s", row->via);
	mt_cli_print (" ---\n");
	print_header ("Author", row->author);
	print_header ("From", row->from);
	print_header ("To", row->to);
	print_header ("Cc", row->cc);
	print_header ("Subject", row->subject);
	mt_cli_print ("\n%s\n", g_strchomp (text));
	show->article = row->id;
	if (!mt_view_attachments (show->ctx->store, row->id, print_attachment, show, NULL))
		return FALSE;
	print_not_indexed (show, row->not_indexed);
	return TRUE;
}

static gboolean
print_link (const char *kind, gint64 other, gpointer data)
{
	mt_cli_print ("%-10s %s #%" G_GINT64_FORMAT "\n", "Link:", kind, other);
	return TRUE;
}

static gboolean
print_history (gint64 at, const char *who, const char *field, const char *old_value, const char *new_value,
	       gpointer data)
{
	g_autofree char *when = mt_clock_format (at);

	mt_cli_line ("  %s %s: %s %s -> %s", when, who, field, old_value ? old_value : "-",
		     new_value ? new_value : "-");
	return TRUE;
}

static void
print_task (const MtTaskRow *row, gpointer data)
{
	mt_cli_line ("%-10s #%" G_GINT64_FORMAT " [%s] %s%s%s", "Task:", row->id, row->state, row->title,
		     row->assignee ? " -> " : "", row->assignee ? row->assignee : "");
}

static void
print_approval (const MtApprovalRow *row, gpointer data)
{
	mt_cli_line ("%-10s %s by %s (asked by %s)", "Approval:", row->state, row->approver, row->requested_by);
}

/* Only the report's total is shown here. */
static void
skip_entry (const MtTimeRow *row, gpointer data)
{
}

static gboolean
print_work (MtContext *ctx, gint64 id, GError **error)
{
	MtTimeFilter f = { .ticket = id };
	gint64 total = 0;

	if (!mt_work_tasks (ctx->store, id, print_task, NULL, error) ||
	    !mt_work_approvals (ctx->store, id, print_approval, NULL, error) ||
	    !mt_work_time_report (ctx->store, &f, skip_entry, NULL, &total, error))
		return FALSE;
	if (total > 0)
		mt_cli_print ("%-10s %" G_GINT64_FORMAT " minutes\n", "Time:", total);
	return TRUE;
}

static gboolean
show_readable (MtContext *ctx, gint64 id, GError **error)
{
	Show show = { ctx, id, 0 };

	if (!mt_view_ticket (ctx->store, id, print_ticket, ctx, error) ||
	    !mt_view_links (ctx->store, id, print_link, NULL, error) || !print_work (ctx, id, error) ||
	    !mt_view_articles (ctx->store, id, print_article, &show, error))
		return FALSE;
	mt_cli_print ("\nHistory:\n");
	return mt_view_history (ctx->store, id, print_history, NULL, error);
}

static gboolean
show_raw (MtContext *ctx, gint64 id, const char *article_text, gboolean force, GError **error)
{
	g_autoptr (GBytes) raw = NULL;
	gint64 article;

	return mt_cli_parse_id (article_text, "article", &article, error) &&
	       (raw = mt_view_article_raw (ctx->store, id, article, error)) != NULL &&
	       mt_cli_write_raw (raw, force, error);
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
	gboolean json = FALSE, force = FALSE;
	g_autofree char *raw = NULL;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object", NULL },
		{ "raw", 0, 0, G_OPTION_ARG_STRING, &raw, "write the stored bytes of one article", "ARTICLE" },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force, "--raw to a terminal too", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID - show a ticket");
	g_autoptr (GError) error = NULL;
	gint64 id;
	gboolean ok;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 2)
		return mt_cli_usage ("show: give one ticket number; try 'mailticket show --help'");
	if (!mt_cli_parse_id (argv[1], "ticket", &id, &error))
		return mt_cli_fail (error);
	if (force && raw == NULL)
		return mt_cli_usage ("show: --force goes with --raw");
	if (raw == NULL && !json)
		mt_cli_pager_start ();
	if (raw != NULL)
		ok = show_raw (ctx, id, raw, force, &error);
	else if (json)
		ok = show_json (ctx, id, &error);
	else
		ok = show_readable (ctx, id, &error);
	if (!ok && error == NULL)
		g_set_error (&error, MT_ERROR, MT_ERROR_TEMPFAIL, "cannot write the output");
	return ok ? 0 : mt_cli_fail (error);
}
