/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	alarm.c - reminders about a ticket that fall due
 * DESCRIPTION
 *	Owns the table alarms. Firing works in batches of FIRE_BATCH
 *	alarms, each batch one transaction that first selects the alarms
 *	due and not fired, then queues their mail, writes their history
 *	lines and stamps them fired: a second sender waits for the write
 *	lock and then finds them fired, and a sender that dies before its
 *	commit leaves nothing queued and nothing stamped.
 *
 *	Each fired alarm logs one line: alarm=3 ticket=42 to=bob mails=1
 */
#include <string.h>

#include "mailticket/alarm.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/template.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

#define FIRE_BATCH 50
#define ISO(x) "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"

static const char SQL_INSERT[] =
	"INSERT INTO alarms (ticket, due, user, grp, address, note, created_by, created)"
	" VALUES (:ticket, :due, nullif(:user, 0), nullif(:grp, 0), :address, :note, :who, :now)";
#define RECIPIENT "coalesce(u.login, g.name, a.address)"
#define RECIPIENT_JOINS " LEFT JOIN users u ON u.id = a.user LEFT JOIN groups g ON g.id = a.grp"
static const char SQL_GET[] =
	"SELECT a.ticket, a.due, " RECIPIENT " FROM alarms a" RECIPIENT_JOINS " WHERE a.id = :alarm";
static const char SQL_DELETE[] = "DELETE FROM alarms WHERE id = :alarm";
static const char SQL_MOVE[] = "UPDATE alarms SET ticket = :into WHERE ticket = :from AND fired IS NULL";
static const char SQL_ERASE[] = "DELETE FROM alarms WHERE ticket = :from";
static const char SQL_FORGET_GROUP[] = "DELETE FROM alarms WHERE grp = :from";
static const char SQL_FORGET_USER[] = "DELETE FROM alarms WHERE user = :from";
static const char SQL_DUE[] =
	"SELECT a.id, a.ticket, a.due, ifnull(a.user, 0), ifnull(a.grp, 0), a.address, a.note, a.created_by, " RECIPIENT
	" FROM alarms a" RECIPIENT_JOINS " WHERE a.fired IS NULL AND a.due <= :now ORDER BY a.due, a.id LIMIT :batch";
static const char SQL_FIRED[] = "UPDATE alarms SET fired = :now WHERE id = :alarm AND fired IS NULL";
/* The filter's parameters: :ticket or 0, :fired too, :due only,
* :now, :mine only, :user my id. */
#define ALARM_ROWS                                                                                            \
	" SELECT a.id, a.ticket, a.due, a.fired, " RECIPIENT " AS recipient, a.note, a.created_by, t.subject" \
	" FROM alarms a JOIN tickets t ON t.id = a.ticket" RECIPIENT_JOINS                                    \
	" WHERE (:ticket = 0 OR a.ticket = :ticket) AND (:fired OR a.fired IS NULL)"                          \
	" AND (NOT :due OR (a.fired IS NULL AND a.due <= :now))"                                              \
	" AND (NOT :mine OR a.user = :user OR a.grp IN (SELECT grp FROM group_members WHERE user = :user)"    \
	"      OR a.address = (SELECT email FROM users WHERE id = :user))"                                    \
	" ORDER BY a.due, a.id"
static const char SQL_LIST[] = ALARM_ROWS;
static const char SQL_LIST_JSON[] =
	"SELECT coalesce(json_group_array(json_object('id', id, 'ticket', ticket, 'due', " ISO (
		"due") ","
		       " 'fired', " ISO ("fired") ", 'to', recipient, 'note', note, 'created_by', created_by,"
						  " 'subject', subject)), '[]') FROM (" ALARM_ROWS ")";

static const char *const alarm_queries[] = {
	SQL_INSERT,    SQL_GET,  SQL_DELETE, SQL_DUE,          SQL_FIRED,       SQL_LIST,
	SQL_LIST_JSON, SQL_MOVE, SQL_ERASE,  SQL_FORGET_GROUP, SQL_FORGET_USER, NULL,
};

const char *const *
mt_alarm_queries (void)
{
	return alarm_queries;
}

/* "2026-11-23 14:00 for bob": how history tells an alarm. */
static char *
describe (gint64 due, const char *to)
{
	g_autofree char *when = mt_clock_format (due);

	return g_strdup_printf ("%s for %s", when, to);
}

static gboolean
insert (MtStore *store, const MtAlarmNew *a, gint64 user, gint64 grp, const char *address, GError **error)
{
	return mt_store_run (store, SQL_INSERT,
			     MT_BINDS (MT_INT (":ticket", a->ticket), MT_INT (":due", a->due), MT_INT (":user", user),
				       MT_INT (":grp", grp), MT_TEXT (":address", address),
				       MT_TEXT (":note", a->note && *a->note ? a->note : NULL),
				       MT_TEXT (":who", a->who), MT_INT (":now", a->now)),
			     error);
}

gboolean
mt_alarm_add (MtStore *store, const MtAlarmNew *a, gint64 *id, GError **error)
{
	g_autofree char *address = NULL, *what = NULL;
	gint64 user = 0, grp = 0;
	gboolean found = FALSE;

	if (!mt_ticket_exists (store, a->ticket, &found, error))
		return FALSE;
	if (!found) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, a->ticket);
		return FALSE;
	}
	if (!mt_people_resolve (store, a->to, &user, &grp, &address, error) ||
	    !insert (store, a, user, grp, address, error))
		return FALSE;
	*id = mt_store_last_id (store);
	what = describe (a->due, a->to);
	return mt_ticket_add_history (store, a->ticket, a->who, "alarm", NULL, what, a->now, error);
}

gboolean
mt_alarm_remove (MtStore *store, gint64 id, const char *who, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_GET, MT_BINDS (MT_INT (":alarm", id)), error);
	g_autofree char *what = NULL;
	gint64 ticket;
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) != SQLITE_ROW) {
		if (rc != -1)
			g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no alarm %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	ticket = sqlite3_column_int64 (stmt, 0);
	what = describe (sqlite3_column_int64 (stmt, 1), (const char *) sqlite3_column_text (stmt, 2));
	sqlite3_reset (stmt);
	if (!(stmt = mt_store_query_bound (store, SQL_DELETE, MT_BINDS (MT_INT (":alarm", id)), error)))
		return FALSE;
	return mt_store_exec_stmt (store, stmt, error) &&
	       mt_ticket_add_history (store, ticket, who, "alarm", what, NULL, now, error);
}

static sqlite3_stmt *
filtered (MtStore *store, const char *sql, const MtAlarmFilter *f, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql,
						   MT_BINDS (MT_INT (":ticket", f->ticket), MT_INT (":fired", f->fired),
							     MT_INT (":due", f->due), MT_INT (":now", f->now),
							     MT_INT (":mine", f->mine), MT_INT (":user", f->user)),
						   error);

	if (stmt == NULL)
		return NULL;
	return stmt;
}

gboolean
mt_alarm_list (MtStore *store, const MtAlarmFilter *f, MtAlarmFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = filtered (store, SQL_LIST, f, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtAlarmRow row = {
			.id = sqlite3_column_int64 (stmt, 0),
			.ticket = sqlite3_column_int64 (stmt, 1),
			.due = sqlite3_column_int64 (stmt, 2),
			.fired = sqlite3_column_int64 (stmt, 3),
			.to = (const char *) sqlite3_column_text (stmt, 4),
			.note = (const char *) sqlite3_column_text (stmt, 5),
			.created_by = (const char *) sqlite3_column_text (stmt, 6),
			.subject = (const char *) sqlite3_column_text (stmt, 7),
		};
		func (&row, data);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

char *
mt_alarm_list_json (MtStore *store, const MtAlarmFilter *f, GError **error)
{
	sqlite3_stmt *stmt = filtered (store, SQL_LIST_JSON, f, error);
	char *json;

	if (stmt == NULL || mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

/* An alarm due, as firing needs it. */
typedef struct {
	gint64 id, ticket, due, user, grp;
	char *address, *note, *created_by, *to;
} Due;

static void
due_free (gpointer data)
{
	Due *d = data;

	g_free (d->address);
	g_free (d->note);
	g_free (d->created_by);
	g_free (d->to);
	g_free (d);
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

/* The batch is read whole before anything is written. */
static GPtrArray *
read_due (MtStore *store, gint64 now, GError **error)
{
	g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (due_free);
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_DUE, MT_BINDS (MT_INT (":now", now), MT_INT (":batch", FIRE_BATCH)), error);
	int rc;

	if (stmt == NULL)
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		Due *d = g_new0 (Due, 1);
		d->id = sqlite3_column_int64 (stmt, 0);
		d->ticket = sqlite3_column_int64 (stmt, 1);
		d->due = sqlite3_column_int64 (stmt, 2);
		d->user = sqlite3_column_int64 (stmt, 3);
		d->grp = sqlite3_column_int64 (stmt, 4);
		d->address = column_dup (stmt, 5);
		d->note = column_dup (stmt, 6);
		d->created_by = column_dup (stmt, 7);
		d->to = column_dup (stmt, 8);
		g_ptr_array_add (due, d);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE ? g_steal_pointer (&due) : NULL;
}

static GPtrArray *
recipients (MtStore *store, const Due *d, GError **error)
{
	GPtrArray *to;

	if (d->address == NULL)
		return mt_people_addresses (store, d->user, d->grp, error);
	to = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (to, g_strdup (d->address));
	return to;
}

static gboolean
mark_fired (MtStore *store, gint64 id, gint64 now, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_FIRED, MT_BINDS (MT_INT (":alarm", id), MT_INT (":now", now)), error);

	if (stmt == NULL)
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	/* Only possible if some writer ignored the transaction. */
	if (sqlite3_changes (mt_store_peek_db (store)) != 1) {
		g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL, "alarm %" G_GINT64_FORMAT " fired already", id);
		return FALSE;
	}
	return TRUE;
}

static gboolean
fire_one (MtStore *store, const MtConfig *config, const Due *d, gint64 now, GError **error)
{
	g_autoptr (GPtrArray) to = recipients (store, d, error);
	g_autoptr (GHashTable) vars = mt_template_vars_new ();
	g_autofree char *due = g_strdup_printf ("%" G_GINT64_FORMAT, d->due);
	g_autofree char *what = NULL;
	MtNotifyAgents n = { .ticket = d->ticket, .kind = "alarm", .template = "alarm", .vars = vars, .now = now };
	guint queued = 0;

	if (to == NULL)
		return FALSE;
	mt_template_set (vars, "alarm.for", d->to);
	mt_template_set (vars, "alarm.due", due);
	mt_template_set (vars, "alarm.by", d->created_by);
	mt_template_set (vars, "alarm.text", d->note);
	n.to = to;
	if (!mt_notify_agents (store, config, &n, &queued, error) || !mark_fired (store, d->id, now, error))
		return FALSE;
	g_message ("alarm=%" G_GINT64_FORMAT " ticket=%" G_GINT64_FORMAT " to=%s mails=%u", d->id, d->ticket, d->to,
		   queued);
	what = queued ? g_strdup_printf ("fired: mailed %s", d->to)
		      : g_strdup_printf ("fired: %s has no address to mail", d->to);
	return mt_ticket_add_history (store, d->ticket, "mailticket-send", "alarm", NULL, what, now, error);
}

typedef struct {
	const MtConfig *config;
	gint64 now;
} Fire;

static gboolean
fire_batch (MtStore *store, gpointer data, guint *done, GError **error)
{
	Fire *f = data;
	g_autoptr (GPtrArray) due = read_due (store, f->now, error);

	if (due == NULL)
		return FALSE;
	for (guint i = 0; i < due->len; i++)
		if (!fire_one (store, f->config, g_ptr_array_index (due, i), f->now, error))
			return FALSE;
	*done = due->len;
	return TRUE;
}

gboolean
mt_alarm_fire (MtStore *store, const MtConfig *config, gint64 now, guint *fired, GError **error)
{
	Fire f = { config, now };

	return mt_store_batches (store, FIRE_BATCH, fire_batch, &f, fired, error);
}

gboolean
mt_alarm_move (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_MOVE };

	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error);
}

gboolean
mt_alarm_erase (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_ERASE };

	return mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_alarm_forget_group (MtStore *store, gint64 group, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_GROUP };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), group, 0, error);
}

gboolean
mt_alarm_forget_user (MtStore *store, gint64 user, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_USER };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), user, 0, error);
}
