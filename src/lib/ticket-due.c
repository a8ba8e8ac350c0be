/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket-due.c - when a ticket's customer is owed something
 * DESCRIPTION
 *	tickets.due is computed here, from the ticket's queue: its
 *	first-response target (sla_minutes) while no reply went out, then
 *	its resolution target, each counted in the queue's calendar
 *	(calendar.h) from sla_start, the moment the customer started
 *	waiting. A ticket that is pending, resolved or closed, has no
 *	requester, was merged, or whose clock has not started (only
 *	automatic mail in it) is due at no time. ticket.c calls
 *	mt_ticket_refresh_due() after each change that may move the time:
 *	the clock started, a status, the first reply, the queue.
 */
#include <string.h>

#include "mailticket/calendar.h"
#include "mailticket/error.h"
#include "mailticket/ticket.h"

static const char SQL_DUE_FACTS[] =
	"SELECT t.status IN ('new', 'open') AND t.requester IS NOT NULL AND t.merged_into IS NULL AND t.imported IS "
	"NULL,"
	" t.first_response IS NULL, ifnull(t.sla_start, 0), ifnull(q.sla_minutes, 0), ifnull(q.resolution_minutes, 0),"
	" q.hours, q.tz, q.holidays, ifnull(t.due, 0)"
	" FROM tickets t LEFT JOIN queues q ON q.id = t.queue WHERE t.id = :ticket";

static const char *const due_queries[] = { SQL_DUE_FACTS, NULL };

const char *const *
mt_ticket_due_queries (void)
{
	return due_queries;
}

#define TEXT(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

/* The queue's calendar, or NULL for 24x7 (also when what is stored
 * cannot be read, which mailticket queue set does not let in). */
static MtCalendar *
queue_calendar (sqlite3_stmt *stmt)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtCalendar) cal = NULL;

	if (TEXT (stmt, 5) == NULL)
		return NULL;
	if (!(cal = mt_calendar_new (TEXT (stmt, 5), TEXT (stmt, 6), &error)) ||
	    !mt_calendar_set_holidays (cal, TEXT (stmt, 7), &error)) {
		g_warning ("queue calendar: %s; counting every hour", error->message);
		return NULL;
	}
	return g_steal_pointer (&cal);
}

/* The due time the row of SQL_DUE_FACTS asks for, or 0. */
static gint64
due_of (sqlite3_stmt *stmt)
{
	gboolean owed = sqlite3_column_int (stmt, 0), unanswered = sqlite3_column_int (stmt, 1);
	gint64 start = sqlite3_column_int64 (stmt, 2);
	gint64 response = sqlite3_column_int64 (stmt, 3), resolution = sqlite3_column_int64 (stmt, 4);
	gint64 minutes = unanswered && response > 0 ? response : resolution;

	if (!owed || start == 0 || minutes <= 0)
		return 0;
	g_autoptr (MtCalendar) cal = queue_calendar (stmt);
	return mt_calendar_add (cal, start, minutes * 60);
}

gboolean
mt_ticket_refresh_due (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_DUE_FACTS, MT_BINDS (MT_INT (":ticket", ticket)), error);
	gint64 due, old;
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) != SQLITE_ROW) {
		sqlite3_reset (stmt);
		return rc == SQLITE_DONE;
	}
	due = due_of (stmt);
	old = sqlite3_column_int64 (stmt, 8);
	sqlite3_reset (stmt);
	return due == old || mt_ticket_set_due (store, ticket, due, error);
}
