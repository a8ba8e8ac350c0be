/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket list - list tickets
 * SYNOPSIS
 *	mailticket list [--status S[,S...]]... [--queue Q] [--owner LOGIN|none]
 *		[--requester ADDR] [--org NAME] [--tag TAG] [--project P] [--priority-min N]
 *		[--since WHEN] [--until WHEN] [--overdue] [--due-before WHEN] [--personal | --all]
 *		[--sort updated|created|priority|id|due] [--limit N] [--json]
 * DESCRIPTION
 *	The tickets that pass every filter given, most recently updated
 *	first unless --sort says otherwise, at most 50 unless --limit says
 *	otherwise (0: all). A table with fixed columns, the subject last and
 *	cut to the terminal's width only when standard output is one; or,
 *	with --json, a JSON array. Personal tickets (a rule marked them)
 *	are left out unless --personal (only them) or --all. The filtering is the view module's, in
 *	SQL with bound values. When the list is about due times (--overdue,
 *	--due-before, --sort due), the table's time column is the due time
 *	instead of the last update, in the same width.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/view.h"

#define DEFAULT_LIMIT 50
#define MIN_SUBJECT 20

typedef struct {
	char **status;
	char *queue, *owner, *requester, *org, *tag, *project, *since, *until, *sort, *due_before;
	int priority_min, limit;
	gboolean overdue, json, personal, all;
} Options;

typedef struct {
	int subject_width; /* 0: the whole subject */
	int limit, shown;
	gboolean more; /* a row past the limit was there */
	gboolean due;  /* the time column is the due time */
} Table;

static void
options_clear (Options *o)
{
	g_strfreev (o->status);
	g_free (o->queue);
	g_free (o->owner);
	g_free (o->requester);
	g_free (o->org);
	g_free (o->tag);
	g_free (o->project);
	g_free (o->since);
	g_free (o->until);
	g_free (o->sort);
	g_free (o->due_before);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
parse_time (const char *text, const char *option, gint64 *start, gint64 *end, GError **error)
{
	if (text == NULL || mt_clock_parse (text, start, end))
		return TRUE;
	return mt_error_usage (error, "%s: '%s' is no date (YYYY-MM-DD) or ISO 8601 time (YYYY-MM-DDTHH:MM)", option,
			       text);
}

/* The filter the options ask for; borrows their strings. */
static gboolean
make_filter (Options *o, MtViewFilter *f, GError **error)
{
	gint64 ignored;

	for (int i = 0; o->status && o->status[i]; i++)
		if (!mt_view_parse_statuses (o->status[i], &f->statuses, error))
			return FALSE;
	if (o->sort != NULL && !mt_view_parse_sort (o->sort, &f->sort, error))
		return FALSE;
	if (o->priority_min != 0 && (o->priority_min < 1 || o->priority_min > 9))
		return mt_error_usage (error, "--priority-min must be between 1 and 9");
	if (o->limit < 0)
		return mt_error_usage (error, "--limit must be 0 (all) or more");
	if (o->personal && o->all)
		return mt_error_usage (error, "--personal and --all do not go together");
	if (!parse_time (o->since, "--since", &f->since, &ignored, error) ||
	    !parse_time (o->until, "--until", &ignored, &f->until, error) ||
	    !parse_time (o->due_before, "--due-before", &f->due_before, &ignored, error))
		return FALSE;
	f->unowned = o->owner != NULL && strcmp (o->owner, "none") == 0;
	f->owner = f->unowned ? NULL : o->owner;
	f->queue = o->queue;
	f->requester = o->requester;
	f->org = o->org;
	f->tag = o->tag;
	f->project = o->project;
	f->priority_min = o->priority_min;
	f->overdue = o->overdue;
	f->personal = o->all ? MT_VIEW_PERSONAL_ANY : o->personal ? MT_VIEW_PERSONAL_ONLY : MT_VIEW_PERSONAL_HIDE;
	f->now = mt_clock_now ();
	f->limit = o->limit;
	return TRUE;
}

static void
print_header (const Table *t)
{
	mt_cli_print ("%5s  %-8s %3s  %-8s %-8s %-20s %-16s %s\n", "ID", "STATUS", "PRI", "QUEUE", "OWNER", "REQUESTER",
		      t->due ? "DUE" : "UPDATED", "SUBJECT");
}

static gboolean
print_row (const MtTicketRow *row, gpointer data)
{
	Table *t = data;
	gint64 when = t->due ? row->due : row->updated;
	g_autofree char *updated = when ? mt_clock_format (when) : g_strdup ("-");
	g_autofree char *queue = mt_cli_fit (row->queue, 8);
	g_autofree char *owner = mt_cli_fit (row->owner, 8);
	g_autofree char *requester = mt_cli_fit (row->requester, 20);
	g_autofree char *subject =
		t->subject_width ? mt_cli_fit (row->subject, t->subject_width) : mt_cli_printable (row->subject, FALSE);

	/* One row past the limit was asked for, to know that there are more. */
	if (t->limit > 0 && t->shown == t->limit) {
		t->more = TRUE;
		return FALSE;
	}
	t->shown++;
	g_strchomp (subject);
	mt_cli_line ("%5" G_GINT64_FORMAT "  %-8s %3" G_GINT64_FORMAT "  %s %s %s %-16s %s", row->id, row->status,
		     row->priority, queue, owner, requester, updated, subject);
	return TRUE;
}

static int
list_table (MtContext *ctx, MtViewFilter *f)
{
	g_autoptr (GError) error = NULL;
	int width = mt_cli_terminal_width ();
	/* The columns before the subject take 77 characters. */
	Table t = { width ? MAX (width - 77, MIN_SUBJECT) : 0, f->limit, 0, FALSE,
		    f->overdue || f->due_before != 0 || f->sort == MT_VIEW_SORT_DUE };

	if (f->limit > 0)
		f->limit++;
	print_header (&t);
	if (!mt_view_list (ctx->store, f, print_row, &t, &error))
		return mt_cli_fail (error);
	/* Scripts read the table to its end; a person wants to know it was cut. */
	if (width && t.more)
		mt_cli_print ("(the first %d; --limit 0 lists all)\n", t.limit);
	return 0;
}

static int
list_json (MtContext *ctx, const MtViewFilter *f)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = mt_view_list_json (ctx->store, f, &error);

	if (text == NULL)
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

int
mt_cmd_list (MtContext *ctx, int argc, char **argv)
{
	g_auto (Options) o = { .limit = DEFAULT_LIMIT };
	GOptionEntry entries[] = {
		{ "status", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.status,
		  "only these statuses (new, open, pending, resolved, closed; active: the first three); repeatable, or "
		  "S,S",
		  "S" },
		{ "queue", 'q', 0, G_OPTION_ARG_STRING, &o.queue, "only tickets of queue Q", "Q" },
		{ "owner", 'o', 0, G_OPTION_ARG_STRING, &o.owner, "only tickets owned by LOGIN (none: by nobody)",
		  "LOGIN" },
		{ "requester", 'r', 0, G_OPTION_ARG_STRING, &o.requester, "only tickets requested by ADDR", "ADDR" },
		{ "org", 0, 0, G_OPTION_ARG_STRING, &o.org, "only tickets whose requester belongs to organisation NAME",
		  "NAME" },
		{ "tag", 't', 0, G_OPTION_ARG_STRING, &o.tag, "only tickets tagged TAG", "TAG" },
		{ "project", 'p', 0, G_OPTION_ARG_STRING, &o.project, "only tickets of project P", "P" },
		{ "priority-min", 0, 0, G_OPTION_ARG_INT, &o.priority_min, "only priority N or higher (1-9)", "N" },
		{ "since", 0, 0, G_OPTION_ARG_STRING, &o.since, "only tickets created at or after WHEN", "WHEN" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &o.until, "only tickets created at or before WHEN", "WHEN" },
		{ "overdue", 0, 0, G_OPTION_ARG_NONE, &o.overdue, "only tickets past due, not resolved or closed",
		  NULL },
		{ "due-before", 0, 0, G_OPTION_ARG_STRING, &o.due_before,
		  "only tickets due before WHEN, not resolved or closed", "WHEN" },
		{ "personal", 0, 0, G_OPTION_ARG_NONE, &o.personal, "only personal tickets (left out otherwise)",
		  NULL },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &o.all, "personal tickets too", NULL },
		{ "sort", 0, 0, G_OPTION_ARG_STRING, &o.sort,
		  "updated (default), created, priority, id or due (soonest first)", "KEY" },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &o.limit, "at most N tickets (default 50; 0: all)", "N" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print a JSON array", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("- list tickets, most recently updated first");
	g_autoptr (GError) error = NULL;
	MtViewFilter filter = { 0 };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (octx, "WHEN is a date (YYYY-MM-DD, the whole day) or an ISO 8601 time.");
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc > 1)
		return mt_cli_usage ("list: unexpected argument '%s'; try 'mailticket list --help'", argv[1]);
	if (!make_filter (&o, &filter, &error))
		return mt_cli_fail (error);
	return o.json ? list_json (ctx, &filter) : list_table (ctx, &filter);
}
