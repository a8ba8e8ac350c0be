/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket list - list tickets
 * SYNOPSIS
 *	mailticket list [--status S[,S...]]... [--queue Q] [--owner LOGIN|none]
 *		[--requester ADDR] [--org NAME] [--tag TAG] [--project P] [--priority-min N]
 *		[--since WHEN] [--until WHEN] [--overdue] [--personal | --all]
 *		[--sort updated|created|priority|id] [--limit N] [--color auto|always|never] [--json]
 * DESCRIPTION
 *	The tickets that pass every filter given, most recently updated
 *	first unless --sort says otherwise, at most 50 unless --limit says
 *	otherwise (0: all). A table with fixed columns, then the tags (when
 *	a ticket listed has any) and the subject, which share what the
 *	terminal's width leaves and are cut to it only when standard output
 *	is one; or, with --json, a JSON array. --color (auto: on a terminal,
 *	unless $NO_COLOR is set or TERM is dumb) colours the status, a high
 *	or low priority and the number of a ticket past due. Personal tickets (a rule marked them)
 *	are left out unless --personal (only them) or --all. The filtering is the view module's, in
 *	SQL with bound values.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/view.h"

#define DEFAULT_LIMIT 50
#define MIN_SUBJECT 20
/* The columns before the tags and the subject, as print_header has them. */
#define FIXED_WIDTH 77

typedef struct {
	char **status;
	char *queue, *owner, *requester, *org, *tag, *project, *since, *until, *sort, *color;
	int priority_min, limit;
	gboolean overdue, json, personal, all;
} Options;

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
	g_free (o->color);
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
	    !parse_time (o->until, "--until", &ignored, &f->until, error))
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

/* One row of the table, its texts made printable (mt_cli_printable):
 * kept until every row is read, for the width of the tags column. */
typedef struct {
	gint64 id, priority;
	char *status, *queue, *owner, *requester, *updated, *tags, *subject;
	gboolean overdue;
} Line;

static void
line_free (Line *l)
{
	g_free (l->status);
	g_free (l->queue);
	g_free (l->owner);
	g_free (l->requester);
	g_free (l->updated);
	g_free (l->tags);
	g_free (l->subject);
	g_free (l);
}

typedef struct {
	GPtrArray *lines; /* Line */
	int limit;
	gboolean more; /* a row past the limit was there */
	gint64 now;
	gboolean color;
	int tags_width, subject_width; /* 0: no tags column; the whole subject */
} Table;

static gboolean
collect_row (const MtTicketRow *row, gpointer data)
{
	Table *t = data;
	Line *l;

	/* One row past the limit was asked for, to know that there are more. */
	if (t->limit > 0 && (int) t->lines->len == t->limit) {
		t->more = TRUE;
		return FALSE;
	}
	l = g_new0 (Line, 1);
	l->id = row->id;
	l->priority = row->priority;
	l->status = mt_cli_fit (row->status, 8);
	l->queue = mt_cli_fit (row->queue, 8);
	l->owner = mt_cli_fit (row->owner, 8);
	l->requester = mt_cli_fit (row->requester, 20);
	l->updated = mt_clock_format (row->updated);
	l->tags = row->tags ? mt_cli_printable (row->tags, FALSE) : NULL;
	l->subject = g_strchomp (mt_cli_printable (row->subject, FALSE));
	l->overdue = row->due && row->due < t->now && g_strcmp0 (row->status, "resolved") != 0 &&
		     g_strcmp0 (row->status, "closed") != 0;
	g_ptr_array_add (t->lines, l);
	return TRUE;
}

/* The tags column is as wide as the longest tags (none when no ticket
 * has a tag); on a terminal the tags and the subject share what the
 * other columns leave, the tags at most a quarter of it. */
static void
column_widths (Table *t, int width)
{
	int longest = 0, room = MAX (width - FIXED_WIDTH, MIN_SUBJECT);

	for (guint i = 0; i < t->lines->len; i++) {
		const Line *l = g_ptr_array_index (t->lines, i);

		if (l->tags)
			longest = MAX (longest, (int) g_utf8_strlen (l->tags, -1));
	}
	t->tags_width = longest ? MAX (longest, 4) : 0;
	if (width == 0)
		return;
	if (t->tags_width)
		t->tags_width = MIN (t->tags_width, MAX (room / 4, 4));
	t->subject_width = t->tags_width ? room - t->tags_width - 1 : room;
}

/* SGR colours: the status, a high or low priority, a ticket past due. */
static const char *
status_color (const char *status)
{
	static const char *const colors[][2] = {
		{ "new", "1" }, { "open", "32" }, { "pending", "33" }, { "resolved", "34" }, { "closed", "2" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (colors); i++)
		if (g_str_has_prefix (status, colors[i][0]))
			return colors[i][1];
	return NULL;
}

/* Appends text, in color when the table is coloured and color is one. */
static void
paint (GString *out, const Table *t, const char *color, const char *text)
{
	if (t->color && color)
		g_string_append_printf (out, "\033[%sm%s\033[0m", color, text);
	else
		g_string_append (out, text);
}

static void
print_header (const Table *t)
{
	g_autofree char *tags = t->tags_width ? mt_cli_fit ("TAGS", t->tags_width) : NULL;

	mt_cli_print ("%5s  %-8s %3s  %-8s %-8s %-20s %-16s %s%s%s\n", "ID", "STATUS", "PRI", "QUEUE", "OWNER",
		      "REQUESTER", "UPDATED", tags ? tags : "", tags ? " " : "", "SUBJECT");
}

/* Every text of the line was made printable when it was read, so the
 * line goes out as it is, with the colours' escape sequences. */
static void
print_line (const Table *t, const Line *l)
{
	g_autoptr (GString) out = g_string_new (NULL);
	g_autofree char *id = g_strdup_printf ("%5" G_GINT64_FORMAT, l->id);
	g_autofree char *priority = g_strdup_printf ("%3" G_GINT64_FORMAT, l->priority);
	g_autofree char *subject = t->subject_width ? mt_cli_fit (l->subject, t->subject_width) : NULL;

	paint (out, t, l->overdue ? "1;31" : NULL, id);
	g_string_append (out, "  ");
	paint (out, t, status_color (l->status), l->status);
	g_string_append_c (out, ' ');
	paint (out, t, l->priority >= 7 ? "31" : l->priority <= 3 ? "2" : NULL, priority);
	g_string_append_printf (out, "  %s %s %s %-16s ", l->queue, l->owner, l->requester, l->updated);
	if (t->tags_width) {
		g_autofree char *tags = mt_cli_fit (l->tags ? l->tags : "", t->tags_width);
		g_string_append_printf (out, "%s ", tags);
	}
	g_string_append (out, subject ? g_strchomp (subject) : l->subject);
	g_string_append_c (out, '\n');
	fwrite (out->str, 1, out->len, stdout);
}

/* --color: auto colours a terminal, unless NO_COLOR (https://no-color.org)
 * or TERM=dumb says not to. */
static gboolean
parse_color (const char *color, gboolean terminal, gboolean *on, GError **error)
{
	const char *no_color = g_getenv ("NO_COLOR");

	if (color == NULL || strcmp (color, "auto") == 0)
		*on = terminal && (no_color == NULL || *no_color == '\0') && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
	else if (strcmp (color, "always") == 0 || strcmp (color, "never") == 0)
		*on = strcmp (color, "always") == 0;
	else
		return mt_error_usage (error, "--color must be auto, always or never, not '%s'", color);
	return TRUE;
}

static int
list_table (MtContext *ctx, MtViewFilter *f, gboolean color)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
	int width = mt_cli_terminal_width ();
	Table t = { lines, f->limit, FALSE, f->now, color };

	if (f->limit > 0)
		f->limit++;
	if (!mt_view_list (ctx->store, f, collect_row, &t, &error))
		return mt_cli_fail (error);
	column_widths (&t, width);
	print_header (&t);
	for (guint i = 0; i < lines->len; i++)
		print_line (&t, g_ptr_array_index (lines, i));
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
		{ "personal", 0, 0, G_OPTION_ARG_NONE, &o.personal, "only personal tickets (left out otherwise)",
		  NULL },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &o.all, "personal tickets too", NULL },
		{ "sort", 0, 0, G_OPTION_ARG_STRING, &o.sort, "updated (default), created, priority or id", "KEY" },
		{ "limit", 'n', 0, G_OPTION_ARG_INT, &o.limit, "at most N tickets (default 50; 0: all)", "N" },
		{ "color", 0, 0, G_OPTION_ARG_STRING, &o.color,
		  "colour the table: auto (on a terminal, without NO_COLOR), always or never", "WHEN" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print a JSON array", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("- list tickets, most recently updated first");
	g_autoptr (GError) error = NULL;
	MtViewFilter filter = { 0 };
	gboolean color = FALSE;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (octx, "WHEN is a date (YYYY-MM-DD, the whole day) or an ISO 8601 time.");
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc > 1)
		return mt_cli_usage ("list: unexpected argument '%s'; try 'mailticket list --help'", argv[1]);
	if (!make_filter (&o, &filter, &error) || !parse_color (o.color, mt_cli_terminal_width () > 0, &color, &error))
		return mt_cli_fail (error);
	return o.json ? list_json (ctx, &filter) : list_table (ctx, &filter, color);
}
