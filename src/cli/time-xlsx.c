/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	time-xlsx.c - mailticket time report --xlsx FILE
 * DESCRIPTION
 *	The booked time as an Excel workbook, written by libxlsxwriter: a
 *	sheet "Entries" (day as a date, user, ticket, subject, task,
 *	minutes, note; the total below) and a sheet "Totals" (minutes and
 *	hours per person, then per ticket). Text goes into string cells,
 *	which a spreadsheet never evaluates, so a subject such as
 *	"=HYPERLINK(...)" stays text. The entries are the report's, with
 *	the same filters.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <xlsxwriter.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/work.h"

typedef struct {
	lxw_worksheet *sheet;
	lxw_format *date;
	lxw_row_t row;
	GHashTable *by_user;   /* login -> minutes (a gint64 *) */
	GHashTable *by_ticket; /* ticket -> minutes and subject (Total) */
} Workbook;

typedef struct {
	gint64 ticket, minutes;
	char *subject;
} Total;

static void
total_free (gpointer data)
{
	Total *t = data;

	g_free (t->subject);
	g_free (t);
}

static void
write_text (lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const char *text)
{
	if (text != NULL && *text != '\0')
		worksheet_write_string (sheet, row, col, text, NULL);
}

/* A day as a date cell; a day that is no date stays text. */
static void
write_day (Workbook *w, const char *day)
{
	lxw_datetime when = { 0 };

	if (day != NULL && sscanf (day, "%4d-%2d-%2d", &when.year, &when.month, &when.day) == 3)
		worksheet_write_datetime (w->sheet, w->row, 0, &when, w->date);
	else
		write_text (w->sheet, w->row, 0, day);
}

static void
add_entry (const MtTimeRow *row, gpointer data)
{
	Workbook *w = data;
	gint64 *user;
	Total *ticket;

	w->row++;
	write_day (w, row->day);
	write_text (w->sheet, w->row, 1, row->user);
	worksheet_write_number (w->sheet, w->row, 2, (double) row->ticket, NULL);
	write_text (w->sheet, w->row, 3, row->subject);
	write_text (w->sheet, w->row, 4, row->task);
	worksheet_write_number (w->sheet, w->row, 5, (double) row->minutes, NULL);
	write_text (w->sheet, w->row, 6, row->note);
	if (!(user = g_hash_table_lookup (w->by_user, row->user))) {
		user = g_new0 (gint64, 1);
		g_hash_table_insert (w->by_user, g_strdup (row->user), user);
	}
	*user += row->minutes;
	if (!(ticket = g_hash_table_lookup (w->by_ticket, &row->ticket))) {
		ticket = g_new0 (Total, 1);
		ticket->ticket = row->ticket;
		ticket->subject = g_strdup (row->subject);
		g_hash_table_insert (w->by_ticket, &ticket->ticket, ticket);
	}
	ticket->minutes += row->minutes;
}

static void
write_heading (lxw_worksheet *sheet, lxw_row_t row, lxw_format *bold, const char *const *names)
{
	for (lxw_col_t col = 0; names[col] != NULL; col++)
		worksheet_write_string (sheet, row, col, names[col], bold);
}

static void
write_minutes (lxw_worksheet *sheet, lxw_row_t row, gint64 minutes)
{
	worksheet_write_number (sheet, row, 1, (double) minutes, NULL);
	worksheet_write_number (sheet, row, 2, (double) minutes / 60.0, NULL);
}

static gint
by_ticket (gconstpointer a, gconstpointer b)
{
	const Total *x = a, *y = b;

	return (x->ticket > y->ticket) - (x->ticket < y->ticket);
}

/* Per person, a blank row, then per ticket: minutes and hours. */
static void
write_totals (lxw_workbook *book, lxw_format *bold, Workbook *w)
{
	static const char *const people[] = { "user", "minutes", "hours", NULL };
	static const char *const tickets[] = { "ticket", "minutes", "hours", "subject", NULL };
	lxw_worksheet *sheet = workbook_add_worksheet (book, "Totals");
	g_autoptr (GList) users = g_list_sort (g_hash_table_get_keys (w->by_user), (GCompareFunc) g_strcmp0);
	g_autoptr (GList) totals = g_list_sort (g_hash_table_get_values (w->by_ticket), by_ticket);
	lxw_row_t row = 0;

	worksheet_set_column (sheet, 0, 0, 16, NULL);
	worksheet_set_column (sheet, 3, 3, 48, NULL);
	write_heading (sheet, row, bold, people);
	for (GList *u = users; u != NULL; u = u->next) {
		write_text (sheet, ++row, 0, u->data);
		write_minutes (sheet, row, *(gint64 *) g_hash_table_lookup (w->by_user, u->data));
	}
	row += 2;
	write_heading (sheet, row, bold, tickets);
	for (GList *l = totals; l != NULL; l = l->next) {
		Total *t = l->data;

		worksheet_write_number (sheet, ++row, 0, (double) t->ticket, NULL);
		write_minutes (sheet, row, t->minutes);
		write_text (sheet, row, 3, t->subject);
	}
}

gboolean
mt_cli_time_xlsx (MtContext *ctx, const MtTimeFilter *filter, const char *path, GError **error)
{
	static const char *const columns[] = { "day", "user", "ticket", "subject", "task", "minutes", "note", NULL };
	lxw_workbook *book = workbook_new (path);
	g_autoptr (GHashTable) by_user = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr (GHashTable) by_ticket = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, total_free);
	Workbook w = { NULL, NULL, 0, by_user, by_ticket };
	lxw_format *bold;
	lxw_error rc;
	gint64 total = 0;

	if (book == NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "%s: cannot write a workbook there", path);
		return FALSE;
	}
	bold = workbook_add_format (book);
	format_set_bold (bold);
	w.date = workbook_add_format (book);
	format_set_num_format (w.date, "yyyy-mm-dd");
	w.sheet = workbook_add_worksheet (book, "Entries");
	worksheet_set_column (w.sheet, 0, 0, 11, NULL);
	worksheet_set_column (w.sheet, 3, 3, 48, NULL);
	worksheet_set_column (w.sheet, 6, 6, 40, NULL);
	write_heading (w.sheet, 0, bold, columns);
	if (!mt_work_time_report (ctx->store, filter, add_entry, &w, &total, error)) {
		workbook_close (book);
		g_unlink (path);
		return FALSE;
	}
	worksheet_write_string (w.sheet, w.row + 1, 4, "total", bold);
	worksheet_write_number (w.sheet, w.row + 1, 5, (double) total, bold);
	write_totals (book, bold, &w);
	if ((rc = workbook_close (book)) != LXW_NO_ERROR) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "%s: %s", path, lxw_strerror (rc));
		return FALSE;
	}
	return TRUE;
}
