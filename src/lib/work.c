/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	work.c - the work on a ticket: tasks, time booked, approvals
 * DESCRIPTION
 *	Owns the tables tasks, time_entries and approvals. Each change leaves a
 *	history line on its ticket, so that show tells the whole story.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/ticket.h"
#include "mailticket/work.h"

static const char SQL_TASK_ADD[] =
	"INSERT INTO tasks (ticket, title, assignee, created) VALUES (:ticket, :title, nullif(:assignee, 0), :now)";
static const char SQL_TASK_TICKET[] = "SELECT ticket FROM tasks WHERE id = :task";
static const char SQL_TASK_DONE[] = "UPDATE tasks SET state = 'done', done = :now WHERE id = :task AND state = 'open'";
static const char SQL_TASKS[] =
	"SELECT t.id, t.ticket, t.title, u.login, t.state FROM tasks t LEFT JOIN users u ON u.id = t.assignee"
	" WHERE t.ticket = :ticket ORDER BY t.id";
static const char SQL_TASKS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('id', t.id, 'title', t.title, 'assignee', u.login,"
	" 'state', t.state)), '[]') FROM (SELECT * FROM tasks WHERE ticket = :ticket ORDER BY id) t"
	" LEFT JOIN users u ON u.id = t.assignee";
static const char SQL_APPROVALS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('id', a.id, 'approver', u.login, 'state', a.state,"
	" 'requested_by', a.requested_by, 'note', a.note, 'decision_note', a.decision_note)), '[]')"
	" FROM (SELECT * FROM approvals WHERE ticket = :ticket ORDER BY id) a JOIN users u ON u.id = a.approver";
static const char SQL_TIME_ADD[] = "INSERT INTO time_entries (ticket, task, user, minutes, day, note, created)"
				   " VALUES (:ticket, nullif(:task, 0), :user, :minutes, :day, :note, :now)";
#define TIME_ROWS                                                                                   \
	" FROM time_entries e JOIN tickets t ON t.id = e.ticket LEFT JOIN tasks k ON k.id = e.task" \
	" WHERE (:from IS NULL OR e.day >= :from) AND (:to IS NULL OR e.day <= :to)"                \
	" AND (:user IS NULL OR e.user = :user) AND (:ticket = 0 OR e.ticket = :ticket)"            \
	" AND (:project IS NULL OR t.project = :project)"                                           \
	" AND (:org IS NULL OR t.requester IN (SELECT c.id FROM contacts c"                         \
	"      JOIN organisations o ON o.id = c.org WHERE o.name = :org))"
static const char SQL_TIME_GET[] = "SELECT ticket, minutes, day, note FROM time_entries WHERE id = :entry";
static const char SQL_TIME_SET[] =
	"UPDATE time_entries SET minutes = :minutes, day = :day, note = :note WHERE id = :entry";
static const char SQL_TIME_RM[] = "DELETE FROM time_entries WHERE id = :entry";
static const char SQL_TIME_REPORT[] =
	"SELECT e.day, e.user, e.ticket, t.subject, k.title, e.minutes, e.note, e.id" TIME_ROWS
	" ORDER BY e.day, e.user, e.ticket, e.id";
static const char SQL_TIME_JSON[] =
	"SELECT json_object('entries', coalesce((SELECT json_group_array(json(o)) FROM ("
	"  SELECT json_object('id', e.id, 'day', e.day, 'user', e.user, 'ticket', e.ticket, 'subject', t.subject,"
	"   'task', k.title, 'minutes', e.minutes, 'note', e.note) AS o" TIME_ROWS
	"  ORDER BY e.day, e.user, e.ticket, e.id)), json('[]')),"
	" 'total_minutes', (SELECT coalesce(sum(e.minutes), 0)" TIME_ROWS "),"
	" 'by_user', (SELECT coalesce(json_group_object(user, minutes), json('{}')) FROM ("
	"  SELECT e.user AS user, sum(e.minutes) AS minutes" TIME_ROWS " GROUP BY e.user)))";
static const char SQL_APPROVAL_ADD[] = "INSERT INTO approvals (ticket, approver, requested_by, note, created) VALUES "
				       "(:ticket, :approver, :who, :note, :now)";
static const char SQL_APPROVAL_DECIDE[] =
	"UPDATE approvals SET state = :state, decided = :now, decision_note = :note"
	" WHERE id = (SELECT id FROM approvals WHERE ticket = :ticket AND approver = :approver AND state = 'pending'"
	"             ORDER BY id LIMIT 1)";
static const char SQL_APPROVALS[] =
	"SELECT a.id, u.login, a.state, a.requested_by, a.note, a.decision_note"
	" FROM approvals a JOIN users u ON u.id = a.approver WHERE a.ticket = :ticket ORDER BY a.id";
static const char SQL_MOVE_TASKS[] = "UPDATE tasks SET ticket = :into WHERE ticket = :from";
static const char SQL_MOVE_TIME[] = "UPDATE time_entries SET ticket = :into WHERE ticket = :from";
static const char SQL_MOVE_APPROVALS[] = "UPDATE approvals SET ticket = :into WHERE ticket = :from";
static const char SQL_ERASE_TIME[] = "DELETE FROM time_entries WHERE ticket = :from";
static const char SQL_ERASE_TASKS[] = "DELETE FROM tasks WHERE ticket = :from";
static const char SQL_ERASE_APPROVALS[] = "DELETE FROM approvals WHERE ticket = :from";
static const char SQL_FORGET_ASSIGNEE[] = "UPDATE tasks SET assignee = NULL WHERE assignee = :from";
static const char SQL_APPROVER_COUNT[] = "SELECT count(*) FROM approvals WHERE approver = :user";
static const char SQL_USER_LOGIN[] = "SELECT login FROM users WHERE id = :user";

static const char *const work_queries[] = {
	SQL_TASK_ADD,       SQL_TASK_TICKET, SQL_TASK_DONE,      SQL_TASKS,           SQL_TIME_ADD,
	SQL_TIME_REPORT,    SQL_TIME_JSON,   SQL_APPROVAL_ADD,   SQL_APPROVAL_DECIDE, SQL_APPROVALS,
	SQL_USER_LOGIN,     SQL_TASKS_JSON,  SQL_APPROVALS_JSON, SQL_MOVE_TASKS,      SQL_MOVE_TIME,
	SQL_MOVE_APPROVALS, SQL_ERASE_TIME,  SQL_ERASE_TASKS,    SQL_ERASE_APPROVALS, SQL_FORGET_ASSIGNEE,
	SQL_APPROVER_COUNT, SQL_TIME_GET,    SQL_TIME_SET,       SQL_TIME_RM,         NULL,
};

const char *const *
mt_work_queries (void)
{
	return work_queries;
}

static const char *
col (sqlite3_stmt *stmt, int i)
{
	return (const char *) sqlite3_column_text (stmt, i);
}

static gboolean
not_found (GError **error, const char *what, gint64 id)
{
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, what, id);
	return FALSE;
}

static gboolean
ticket_exists (MtStore *store, gint64 ticket, GError **error)
{
	gboolean found;

	if (!mt_ticket_exists (store, ticket, &found, error))
		return FALSE;
	return found || not_found (error, "ticket", ticket);
}

static char *
number (gint64 n)
{
	return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

gboolean
mt_work_task_add (MtStore *store, gint64 ticket, const char *title, gint64 assignee, const char *who, gint64 now,
		  gint64 *task, GError **error)
{
	sqlite3_stmt *stmt;

	if (title == NULL || *title == '\0') {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "a task needs a title");
		return FALSE;
	}
	if (!ticket_exists (store, ticket, error) || !(stmt = mt_store_query (store, SQL_TASK_ADD, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_text (stmt, ":title", title);
	mt_store_bind_int (stmt, ":assignee", assignee);
	mt_store_bind_int (stmt, ":now", now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*task = mt_store_last_id (store);
	return mt_ticket_add_history (store, ticket, who, "task", NULL, title, now, error);
}

gboolean
mt_work_task_done (MtStore *store, gint64 task, const char *who, gint64 now, gint64 *ticket, GError **error)
{
	g_autofree char *text = number (task);

	if (!mt_store_get_ints (store, SQL_TASK_TICKET, MT_BINDS (MT_INT (":task", task)), ticket, 1, error))
		return FALSE;
	if (*ticket == 0)
		return not_found (error, "task", task);
	if (!mt_store_run (store, SQL_TASK_DONE, MT_BINDS (MT_INT (":task", task), MT_INT (":now", now)), error))
		return FALSE;
	if (sqlite3_changes (mt_store_peek_db (store)) == 0)
		return TRUE;
	return mt_ticket_add_history (store, *ticket, who, "task done", NULL, text, now, error);
}

gboolean
mt_work_tasks (MtStore *store, gint64 ticket, MtTaskFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_TASKS, MT_BINDS (MT_INT (":ticket", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtTaskRow row = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), col (stmt, 2),
				  col (stmt, 3), col (stmt, 4) };
		func (&row, data);
	}
	return rc != -1;
}

/* A calendar day YYYY-MM-DD that exists. */
static gboolean
day_ok (const char *day)
{
	g_autofree char *iso = NULL;
	g_autoptr (GDateTime) dt = NULL;
	g_autofree char *back = NULL;

	if (day == NULL || strlen (day) != 10)
		return FALSE;
	iso = g_strdup_printf ("%sT00:00:00Z", day);
	if (!(dt = g_date_time_new_from_iso8601 (iso, NULL)))
		return FALSE;
	back = g_date_time_format (dt, "%Y-%m-%d");
	return strcmp (back, day) == 0;
}

static gboolean
task_of_ticket (MtStore *store, gint64 task, gint64 ticket, GError **error)
{
	gint64 owner = 0;

	if (!mt_store_get_ints (store, SQL_TASK_TICKET, MT_BINDS (MT_INT (":task", task)), &owner, 1, error))
		return FALSE;
	if (owner != ticket) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "ticket %" G_GINT64_FORMAT " has no task %" G_GINT64_FORMAT, ticket, task);
		return FALSE;
	}
	return TRUE;
}

/* Minutes and day of an entry. */
static gboolean
time_ok (const MtTimeEntry *e, GError **error)
{
	if (e->minutes > 0 && e->minutes <= 24 * 60 * 31 && day_ok (e->day))
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "time: %s",
		     e->minutes <= 0 || e->minutes > 24 * 60 * 31 ? "minutes must be a positive number"
								  : "the date must be YYYY-MM-DD");
	return FALSE;
}

gboolean
mt_work_time_add (MtStore *store, const MtTimeEntry *e, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt;
	g_autofree char *minutes = number (e->minutes);

	if (!time_ok (e, error) || !ticket_exists (store, e->ticket, error) ||
	    (e->task && !task_of_ticket (store, e->task, e->ticket, error)) ||
	    !(stmt = mt_store_query (store, SQL_TIME_ADD, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", e->ticket);
	mt_store_bind_int (stmt, ":task", e->task);
	mt_store_bind_text (stmt, ":user", e->user);
	mt_store_bind_int (stmt, ":minutes", e->minutes);
	mt_store_bind_text (stmt, ":day", e->day);
	mt_store_bind_text (stmt, ":note", e->note);
	mt_store_bind_int (stmt, ":now", e->now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return mt_ticket_add_history (store, e->ticket, e->user, "time", NULL, minutes, e->now, error);
}

/* An entry as history shows it: "entry 7: 30 min on 2026-11-20". */
static char *
entry_text (gint64 entry, gint64 minutes, const char *day)
{
	return g_strdup_printf ("entry %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " min on %s", entry, minutes, day);
}

/* The entry as it is: its ticket, minutes, day and note (owned). */
static gboolean
time_get (MtStore *store, gint64 entry, MtTimeEntry *e, char **day, char **note, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TIME_GET, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":entry", entry);
	if ((rc = mt_store_step (store, stmt, error)) != SQLITE_ROW)
		return rc != -1 && not_found (error, "time entry", entry);
	e->ticket = sqlite3_column_int64 (stmt, 0);
	e->minutes = sqlite3_column_int64 (stmt, 1);
	*day = g_strdup (col (stmt, 2));
	*note = g_strdup (col (stmt, 3));
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
mt_work_time_edit (MtStore *store, gint64 entry, const MtTimeChange *c, const char *who, gint64 now, GError **error)
{
	g_autofree char *day = NULL, *note = NULL, *old = NULL, *new = NULL;
	MtTimeEntry e = { 0 };
	sqlite3_stmt *stmt;

	if (!time_get (store, entry, &e, &day, &note, error))
		return FALSE;
	old = entry_text (entry, e.minutes, day);
	e.minutes = c->minutes ? c->minutes : e.minutes;
	e.day = c->day ? c->day : day;
	e.note = c->note ? (*c->note ? c->note : NULL) : note;
	if (!time_ok (&e, error) || !(stmt = mt_store_query (store, SQL_TIME_SET, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":entry", entry);
	mt_store_bind_int (stmt, ":minutes", e.minutes);
	mt_store_bind_text (stmt, ":day", e.day);
	mt_store_bind_text (stmt, ":note", e.note);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	new = entry_text (entry, e.minutes, e.day);
	return mt_ticket_add_history (store, e.ticket, who, "time", old, new, now, error);
}

gboolean
mt_work_time_remove (MtStore *store, gint64 entry, const char *who, gint64 now, GError **error)
{
	g_autofree char *day = NULL, *note = NULL, *old = NULL;
	MtTimeEntry e = { 0 };
	sqlite3_stmt *stmt;

	if (!time_get (store, entry, &e, &day, &note, error) || !(stmt = mt_store_query (store, SQL_TIME_RM, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":entry", entry);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	old = entry_text (entry, e.minutes, day);
	return mt_ticket_add_history (store, e.ticket, who, "time", old, NULL, now, error);
}

static void
bind_filter (sqlite3_stmt *stmt, const MtTimeFilter *f)
{
	mt_store_bind_text (stmt, ":from", f->from);
	mt_store_bind_text (stmt, ":to", f->to);
	mt_store_bind_text (stmt, ":user", f->user);
	mt_store_bind_int (stmt, ":ticket", f->ticket);
	mt_store_bind_text (stmt, ":project", f->project);
	mt_store_bind_text (stmt, ":org", f->org);
}

gboolean
mt_work_time_report (MtStore *store, const MtTimeFilter *f, MtTimeFunc func, gpointer data, gint64 *total,
		     GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TIME_REPORT, error);
	int rc;

	*total = 0;
	if (stmt == NULL)
		return FALSE;
	bind_filter (stmt, f);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtTimeRow row = { col (stmt, 0),
				  col (stmt, 1),
				  col (stmt, 3),
				  col (stmt, 4),
				  col (stmt, 6),
				  sqlite3_column_int64 (stmt, 2),
				  sqlite3_column_int64 (stmt, 5),
				  sqlite3_column_int64 (stmt, 7) };
		*total += row.minutes;
		func (&row, data);
	}
	return rc != -1;
}

char *
mt_work_time_report_json (MtStore *store, const MtTimeFilter *f, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TIME_JSON, error);

	if (stmt == NULL)
		return NULL;
	bind_filter (stmt, f);
	if (mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	return g_strdup (col (stmt, 0));
}

static char *
login_of (MtStore *store, gint64 user, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_USER_LOGIN, MT_BINDS (MT_INT (":user", user)), error);

	if (stmt == NULL)
		return NULL;
	if (mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	return g_strdup (col (stmt, 0));
}

gboolean
mt_work_approval_request (MtStore *store, gint64 ticket, gint64 approver, const char *who, const char *note, gint64 now,
			  gint64 *id, GError **error)
{
	g_autofree char *login = NULL;
	sqlite3_stmt *stmt;

	if (!ticket_exists (store, ticket, error) || !(login = login_of (store, approver, error)) ||
	    !(stmt = mt_store_query (store, SQL_APPROVAL_ADD, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":approver", approver);
	mt_store_bind_text (stmt, ":who", who);
	mt_store_bind_text (stmt, ":note", note);
	mt_store_bind_int (stmt, ":now", now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return mt_ticket_add_history (store, ticket, who, "approval requested", NULL, login, now, error);
}

gboolean
mt_work_approval_decide (MtStore *store, gint64 ticket, gint64 approver, gboolean approve, const char *who,
			 const char *note, gint64 now, GError **error)
{
	sqlite3_stmt *stmt;
	const char *state = approve ? "approved" : "rejected";

	if (!ticket_exists (store, ticket, error) || !(stmt = mt_store_query (store, SQL_APPROVAL_DECIDE, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":approver", approver);
	mt_store_bind_text (stmt, ":state", state);
	mt_store_bind_int (stmt, ":now", now);
	mt_store_bind_text (stmt, ":note", note);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (sqlite3_changes (mt_store_peek_db (store)) == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "ticket %" G_GINT64_FORMAT " has no approval pending for %s", ticket, who);
		return FALSE;
	}
	return mt_ticket_add_history (store, ticket, who, "approval", "pending", state, now, error);
}

gboolean
mt_work_approvals (MtStore *store, gint64 ticket, MtApprovalFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_APPROVALS, MT_BINDS (MT_INT (":ticket", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtApprovalRow row = { sqlite3_column_int64 (stmt, 0),
				      col (stmt, 1),
				      col (stmt, 2),
				      col (stmt, 3),
				      col (stmt, 4),
				      col (stmt, 5) };
		func (&row, data);
	}
	return rc != -1;
}

static char *
ticket_json (MtStore *store, const char *sql, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql, MT_BINDS (MT_INT (":ticket", ticket)), error);

	if (stmt == NULL)
		return NULL;
	if (mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	return g_strdup (col (stmt, 0));
}

char *
mt_work_tasks_json (MtStore *store, gint64 ticket, GError **error)
{
	return ticket_json (store, SQL_TASKS_JSON, ticket, error);
}

char *
mt_work_approvals_json (MtStore *store, gint64 ticket, GError **error)
{
	return ticket_json (store, SQL_APPROVALS_JSON, ticket, error);
}

gboolean
mt_work_move (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_MOVE_TASKS, SQL_MOVE_TIME, SQL_MOVE_APPROVALS };

	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error);
}

gboolean
mt_work_erase (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_ERASE_TIME, SQL_ERASE_TASKS, SQL_ERASE_APPROVALS };

	return mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_work_forget_user (MtStore *store, gint64 user, gint64 *approvals, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_ASSIGNEE };
	if (!mt_store_get_ints (store, SQL_APPROVER_COUNT, MT_BINDS (MT_INT (":user", user)), approvals, 1, error))
		return FALSE;
	return *approvals > 0 || mt_store_move (store, forget, G_N_ELEMENTS (forget), user, 0, error);
}
