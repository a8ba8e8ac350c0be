/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket time - time spent on tickets
 * SYNOPSIS
 *	mailticket time ID MINUTES [--task TASK] [--note TEXT] [--user LOGIN] [--date YYYY-MM-DD]
 *	mailticket time edit ENTRY [--minutes N | --duration 1h30] [--note TEXT] [--date YYYY-MM-DD]
 *	mailticket time rm ENTRY
 *	mailticket time report [--from DAY] [--to DAY] [--user LOGIN] [--ticket ID] [--project P] [--org O]
 *			       [--csv | --json | --xlsx FILE]
 * DESCRIPTION
 *	Books minutes (or 1h30, 2h, 45m) on a ticket, for the acting agent,
 *	today, unless told otherwise (--user names another agent), and
 *	prints the entry's number; edit and rm correct an entry by that
 *	number, with a history line on its ticket; report lists the entries,
 *	each with its number, and totals. --csv writes RFC 4180 CSV in UTF-8 with CRLF line ends,
 *	which spreadsheets open as is; a cell that a spreadsheet would read
 *	as a formula (it begins with = + - @, a tab or a carriage return: a
 *	customer's subject can) is written with a leading apostrophe, as
 *	OWASP advises against CSV injection. --xlsx writes a workbook
 *	(time-xlsx.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/commands.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/work.h"

typedef struct {
	MtTimeEntry entry;
	gint64 id;
} Book;

static gboolean
write_time (MtContext *ctx, gpointer data, GError **error)
{
	Book *b = data;
	gint64 user = 0;

	/* Whoever the time is booked for (--user) is an agent, not a typo. */
	if (!mt_people_user_find (ctx->store, b->entry.user, &user, error))
		return FALSE;
	if (user == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "time: no user named '%s'", b->entry.user);
		return FALSE;
	}
	return mt_work_time_add (ctx->store, &b->entry, &b->id, error);
}

/* RFC 4180: quoted when it holds a comma, quote or line break; a
 * leading apostrophe where a spreadsheet would see a formula. A control
 * character (a subject's escape sequence) shows as \xHH, as in the
 * table: a CSV file is read on a terminal too. */
static void
csv_field (GString *line, const char *text, gboolean last)
{
	g_autofree char *value = mt_cli_printable (text ? text : "", TRUE);
	const char *guard = *value != '\0' && strchr ("=+-@\t\r", *value) ? "'" : "";

	if (strpbrk (value, ",\"\r\n") == NULL) {
		g_string_append_printf (line, "%s%s", guard, value);
	} else {
		g_string_append_printf (line, "\"%s", guard);
		for (const char *p = value; *p; p++) {
			if (*p == '"')
				g_string_append_c (line, '"');
			g_string_append_c (line, *p);
		}
		g_string_append_c (line, '"');
	}
	g_string_append (line, last ? "\r\n" : ",");
}

static void
csv_row (const MtTimeRow *row, gpointer data)
{
	g_autofree char *ticket = g_strdup_printf ("%" G_GINT64_FORMAT, row->ticket);
	g_autofree char *minutes = g_strdup_printf ("%" G_GINT64_FORMAT, row->minutes);
	GString *line = g_string_new (NULL);

	csv_field (line, row->day, FALSE);
	csv_field (line, row->user, FALSE);
	csv_field (line, ticket, FALSE);
	csv_field (line, row->subject, FALSE);
	csv_field (line, row->task, FALSE);
	csv_field (line, minutes, FALSE);
	csv_field (line, row->note, TRUE);
	fwrite (line->str, 1, line->len, stdout);
	g_string_free (line, TRUE);
}

static void
text_row (const MtTimeRow *row, gpointer data)
{
	mt_cli_line ("%5" G_GINT64_FORMAT "  %s  %-12s #%-6" G_GINT64_FORMAT " %5" G_GINT64_FORMAT " min  %s%s%s%s%s",
		     row->id, row->day, row->user, row->ticket, row->minutes, row->subject, row->task ? " / " : "",
		     row->task ? row->task : "", row->note ? ": " : "", row->note ? row->note : "");
}

typedef struct {
	gint64 task, ticket, minutes;
	char *note, *user, *date, *from, *to, *project, *org, *xlsx, *duration;
	gboolean csv, json;
} Options;

static int
report (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	MtTimeFilter f = { o->from, o->to, o->user, o->ticket, o->project, o->org };
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	gint64 total = 0;

	if (o->csv + o->json + (o->xlsx != NULL) > 1)
		return mt_cli_usage ("time report: one of --csv, --json and --xlsx");
	if (o->xlsx)
		return mt_cli_time_xlsx (ctx, &f, o->xlsx, &error) ? 0 : mt_cli_fail (error);
	if (o->json) {
		if (!(text = mt_work_time_report_json (ctx->store, &f, &error)))
			return mt_cli_fail (error);
		printf ("%s\n", text);
		return 0;
	}
	if (o->csv)
		fputs ("day,user,ticket,subject,task,minutes,note\r\n", stdout);
	if (!mt_work_time_report (ctx->store, &f, o->csv ? csv_row : text_row, NULL, &total, &error))
		return mt_cli_fail (error);
	if (o->csv)
		printf (",,,,total,%" G_GINT64_FORMAT ",\r\n", total);
	else
		mt_cli_print ("total %" G_GINT64_FORMAT " minutes (%" G_GINT64_FORMAT ":%02d h)\n", total, total / 60,
			      (int) (total % 60));
	return 0;
}

static char *
today (void)
{
	g_autoptr (GDateTime) now = g_date_time_new_from_unix_local (mt_clock_now ());

	return g_date_time_format (now, "%Y-%m-%d");
}

/* time ID MINUTES */
static int
book (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	g_autofree char *day = o->date ? g_strdup (o->date) : today ();
	gint64 minutes;
	Book b = { { 0 } };

	if (!mt_commands_parse_minutes (args->args[0], &minutes))
		return mt_cli_usage ("time: '%s' is not a time: minutes (30), or 1h30, 2h, 45m", args->args[0]);
	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	b.entry = (MtTimeEntry){ args->ticket, o->task,        o->user ? o->user : actor.login, minutes, day,
				 o->note,      mt_clock_now () };
	if (!mt_cli_write (ctx, write_time, &b, &error))
		return mt_cli_fail (error);
	mt_cli_print ("%" G_GINT64_FORMAT "\n", b.id);
	return 0;
}

typedef struct {
	gint64 entry;
	MtTimeChange change; /* edit: what changes */
	const char *who;
	gboolean remove;
} Edit;

static gboolean
write_edit (MtContext *ctx, gpointer data, GError **error)
{
	Edit *e = data;

	if (e->remove)
		return mt_work_time_remove (ctx->store, e->entry, e->who, mt_clock_now (), error);
	return mt_work_time_edit (ctx->store, e->entry, &e->change, e->who, mt_clock_now (), error);
}

/* --minutes N or --duration 1h30, as minutes; 0 for neither. */
static gboolean
edit_minutes (const Options *o, gint64 *minutes, GError **error)
{
	*minutes = o->minutes;
	if (o->minutes && o->duration)
		return mt_error_usage (error, "time edit: --minutes or --duration, not both");
	if (o->minutes < 0 || (o->duration && !mt_commands_parse_minutes (o->duration, minutes)))
		return mt_error_usage (error, "time edit: '%s' is not a time: minutes, or 1h30, 2h, 45m",
				       o->duration ? o->duration : "negative minutes");
	return TRUE;
}

/* time edit ENTRY, time rm ENTRY */
static int
edit (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Edit e = { .remove = g_strcmp0 (args->verb, "rm") == 0 };

	if (!mt_cli_parse_id (args->args[0], "time entry", &e.entry, &error) ||
	    (!e.remove && !edit_minutes (o, &e.change.minutes, &error)) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	e.change.day = o->date;
	e.change.note = o->note;
	if (!e.remove && !e.change.minutes && !e.change.day && !e.change.note)
		return mt_cli_usage ("time edit: --minutes N, --duration D, --note TEXT or --date DAY");
	e.who = actor.login;
	return mt_cli_write (ctx, write_edit, &e, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "edit", edit, MT_CLI_OPEN_WRITE, "edit ENTRY [--minutes N | --duration D] [--note TEXT] [--date DAY]" },
	{ "rm", edit, MT_CLI_OPEN_WRITE, "rm ENTRY" },
	{ NULL, book, MT_CLI_OPEN_WRITE, "ID MINUTES [--task TASK] [--note TEXT] [--date DAY]" },
	{ "report", report, MT_CLI_OPEN_READ, "report [--from DAY] [--to DAY] [--csv | --json | --xlsx FILE]" },
	{ NULL },
};

int
mt_cmd_time (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = {
		"ID MINUTES | edit ENTRY | rm ENTRY | report - book, correct and report time", NULL, verbs
	};
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "task", 0, 0, G_OPTION_ARG_INT64, &o.task, "book on this task of the ticket", "TASK" },
		{ "note", 'n', 0, G_OPTION_ARG_STRING, &o.note, "what was done (edit: '' for none)", "TEXT" },
		{ "minutes", 0, 0, G_OPTION_ARG_INT64, &o.minutes, "edit: the entry's minutes", "N" },
		{ "duration", 0, 0, G_OPTION_ARG_STRING, &o.duration, "edit: the entry's time as 1h30, 2h, 45m", "D" },
		{ "user", 'u', 0, G_OPTION_ARG_STRING, &o.user, "whose time (default: yours); report: only theirs",
		  "LOGIN" },
		{ "date", 'd', 0, G_OPTION_ARG_STRING, &o.date, "the day (default: today)", "YYYY-MM-DD" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &o.from, "report: from this day", "YYYY-MM-DD" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &o.to, "report: to this day, inclusive", "YYYY-MM-DD" },
		{ "ticket", 0, 0, G_OPTION_ARG_INT64, &o.ticket, "report: only this ticket", "ID" },
		{ "project", 0, 0, G_OPTION_ARG_STRING, &o.project, "report: only tickets of this project", "P" },
		{ "org", 0, 0, G_OPTION_ARG_STRING, &o.org, "report: only tickets of this organisation's people", "O" },
		{ "csv", 0, 0, G_OPTION_ARG_NONE, &o.csv, "report: CSV for a spreadsheet", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "report: JSON", NULL },
		{ "xlsx", 0, 0, G_OPTION_ARG_FILENAME, &o.xlsx, "report: an Excel workbook into FILE", "FILE" },
		{ NULL },
	};
	int code = mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);

	g_free (o.note);
	g_free (o.user);
	g_free (o.date);
	g_free (o.from);
	g_free (o.to);
	g_free (o.project);
	g_free (o.org);
	g_free (o.xlsx);
	g_free (o.duration);
	return code;
}
