/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	escalate.c - tickets that waited too long
 * DESCRIPTION
 *	An escalation marks its ticket through ticket.h, which owns
 *	tickets: an overdue first response sets response_escalated, and a
 *	pending ticket whose time passed is opened again, which clears its
 *	pending_until. Work goes in batches of ESCALATE_BATCH tickets, each
 *	one transaction that selects what is overdue and not marked, then
 *	mails, writes history and marks, so that a second sender finds
 *	nothing left and a sender that dies leaves nothing half done.
 *
 *	Each escalation logs one line: escalation=response ticket=42 mails=2
 *
 *	Auto-close, in batches the same way: a resolved ticket of a queue
 *	with [queue NAME] auto_close_after, resolved that long ago, is
 *	closed with a history line that says why, and logs
 *	auto-close ticket=42 queue=support
 */
#include <string.h>

#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/escalate.h"
#include "mailticket/notify.h"
#include "mailticket/template.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

#define ESCALATE_BATCH 50
#define WHO "mailticket-send"

/* :now, and :batch the batch size. tickets.due is when the customer is
 * owed a first response, while no reply went out, else the ticket's
 * resolution, counted in the queue's business hours (ticket-due.c); it
 * is set only while the ticket is new or open, with a requester. A
 * pending ticket has its own time. */
static const char SQL_OVERDUE[] =
	"SELECT t.id, iif(t.first_response IS NULL, 'response', 'resolution'), t.due,"
	" iif(t.first_response IS NULL, q.sla_minutes, q.resolution_minutes),"
	" ifnull(t.owner, 0), ifnull(q.grp, 0), ifnull(q.owner, 0)"
	" FROM tickets t JOIN queues q ON q.id = t.queue"
	" WHERE t.due <= :now AND t.status IN ('new', 'open') AND t.merged_into IS NULL AND t.imported IS NULL"
	" AND iif(t.first_response IS NULL, t.response_escalated, t.resolution_escalated) IS NULL"
	" UNION ALL"
	" SELECT t.id, 'pending', t.pending_until, 0, ifnull(t.owner, 0), ifnull(q.grp, 0), ifnull(q.owner, 0)"
	" FROM tickets t LEFT JOIN queues q ON q.id = t.queue"
	" WHERE t.status = 'pending' AND t.pending_until <= :now"
	" LIMIT :batch";
/* Resolved tickets of a queue that have waited long enough to be closed. */
static const char SQL_RESOLVED_BEFORE[] =
	"SELECT t.id FROM tickets t JOIN queues q ON q.id = t.queue WHERE q.name = :queue AND t.status = 'resolved'"
	" AND t.merged_into IS NULL AND t.resolved <= :before ORDER BY t.id LIMIT :batch";

static const char *const escalate_queries[] = { SQL_OVERDUE, SQL_RESOLVED_BEFORE, NULL };

const char *const *
mt_escalate_queries (void)
{
	return escalate_queries;
}

typedef enum {
	OVERDUE_RESPONSE,
	OVERDUE_RESOLUTION,
	OVERDUE_PENDING,
} OverdueKind;

static const char *const kind_names[] = { "response", "resolution", "pending" };

typedef struct {
	gint64 ticket;
	OverdueKind kind;
	gint64 deadline, sla_minutes;
	gint64 owner, grp, queue_owner;
} Overdue;

static OverdueKind
kind_of (const char *name)
{
	for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
		if (g_strcmp0 (name, kind_names[k]) == 0)
			return (OverdueKind) k;
	return OVERDUE_RESPONSE;
}

static GArray *
read_overdue (MtStore *store, gint64 now, GError **error)
{
	g_autoptr (GArray) due = g_array_new (FALSE, TRUE, sizeof (Overdue));
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_OVERDUE, MT_BINDS (MT_INT (":now", now), MT_INT (":batch", ESCALATE_BATCH)), error);
	int rc;

	if (stmt == NULL)
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		Overdue o = {
			.ticket = sqlite3_column_int64 (stmt, 0),
			.kind = kind_of ((const char *) sqlite3_column_text (stmt, 1)),
			.deadline = sqlite3_column_int64 (stmt, 2),
			.sla_minutes = sqlite3_column_int64 (stmt, 3),
			.owner = sqlite3_column_int64 (stmt, 4),
			.grp = sqlite3_column_int64 (stmt, 5),
			.queue_owner = sqlite3_column_int64 (stmt, 6),
		};
		g_array_append_val (due, o);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE ? g_steal_pointer (&due) : NULL;
}

/* The owner, the queue's group, the queue's owner: the first of them
 * with an address to mail. */
static GPtrArray *
recipients (MtStore *store, const Overdue *o, GError **error)
{
	const gint64 user[] = { o->owner, 0, o->queue_owner };
	const gint64 grp[] = { 0, o->grp, 0 };

	for (gsize i = 0; i < G_N_ELEMENTS (user); i++) {
		g_autoptr (GPtrArray) to = NULL;

		if (user[i] == 0 && grp[i] == 0)
			continue;
		if (!(to = mt_people_addresses (store, user[i], grp[i], error)))
			return NULL;
		if (to->len > 0)
			return g_steal_pointer (&to);
	}
	/* Nobody in charge has an address: every agent hears of it. */
	return mt_people_addresses (store, 0, 0, error);
}

/* What happened, for the history. */
static char *
overdue_text (const Overdue *o)
{
	g_autofree char *when = mt_clock_format (o->deadline);

	if (o->kind == OVERDUE_PENDING)
		return g_strdup_printf ("Pending until %s, which has passed", when);
	if (o->kind == OVERDUE_RESOLUTION)
		return g_strdup_printf ("Not resolved within %" G_GINT64_FORMAT " minutes", o->sla_minutes);
	return g_strdup_printf ("No first response within %" G_GINT64_FORMAT " minutes", o->sla_minutes);
}

/* What happened, for the template (mailticket-templates(5)). */
static GHashTable *
overdue_vars (const Overdue *o)
{
	GHashTable *vars = mt_template_vars_new ();
	g_autofree char *due = g_strdup_printf ("%" G_GINT64_FORMAT, o->deadline);
	g_autofree char *minutes = g_strdup_printf ("%" G_GINT64_FORMAT, o->sla_minutes);

	mt_template_set (vars, "escalation.pending", o->kind == OVERDUE_PENDING ? "yes" : "");
	mt_template_set (vars, "escalation.response", o->kind == OVERDUE_RESPONSE ? "yes" : "");
	mt_template_set (vars, "escalation.resolution", o->kind == OVERDUE_RESOLUTION ? "yes" : "");
	mt_template_set (vars, "escalation.due", due);
	mt_template_set (vars, "escalation.minutes", minutes);
	return vars;
}

static gboolean
mark (MtStore *store, const Overdue *o, gint64 now, GError **error)
{
	if (o->kind == OVERDUE_PENDING)
		return mt_ticket_set_status (store, o->ticket, "open", WHO, now, error);
	if (o->kind == OVERDUE_RESOLUTION)
		return mt_ticket_mark_resolution_escalated (store, o->ticket, now, error);
	return mt_ticket_mark_response_escalated (store, o->ticket, now, error);
}

static gboolean
escalate_one (MtStore *store, const MtConfig *config, const Overdue *o, gint64 now, GError **error)
{
	g_autoptr (GPtrArray) to = recipients (store, o, error);
	g_autofree char *what = overdue_text (o);
	g_autoptr (GHashTable) vars = overdue_vars (o);
	MtNotifyAgents n = {
		.ticket = o->ticket, .kind = "escalation", .template = "escalation", .vars = vars, .to = to, .now = now
	};
	guint queued = 0;

	if (to == NULL || !mt_notify_agents (store, config, &n, &queued, error) ||
	    !mt_ticket_add_history (store, o->ticket, WHO, "escalation", NULL, what, now, error) ||
	    !mark (store, o, now, error))
		return FALSE;
	g_message ("escalation=%s ticket=%" G_GINT64_FORMAT " mails=%u", kind_names[o->kind], o->ticket, queued);
	return TRUE;
}

typedef struct {
	const MtConfig *config;
	gint64 now;
} Escalate;

static gboolean
escalate_batch (MtStore *store, gpointer data, guint *done, GError **error)
{
	Escalate *e = data;
	g_autoptr (GArray) due = read_overdue (store, e->now, error);

	if (due == NULL)
		return FALSE;
	for (guint i = 0; i < due->len; i++)
		if (!escalate_one (store, e->config, &g_array_index (due, Overdue, i), e->now, error))
			return FALSE;
	*done = due->len;
	return TRUE;
}

gboolean
mt_escalate_due (MtStore *store, const MtConfig *config, gint64 now, guint *escalated, GError **error)
{
	Escalate e = { config, now };

	return mt_store_batches (store, ESCALATE_BATCH, escalate_batch, &e, escalated, error);
}

typedef struct {
	const char *queue;
	gint64 after, now;
} AutoClose;

static GArray *
read_resolved (MtStore *store, const AutoClose *a, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_RESOLVED_BEFORE,
				      MT_BINDS (MT_TEXT (":queue", a->queue), MT_INT (":before", a->now - a->after),
						MT_INT (":batch", ESCALATE_BATCH)),
				      error);

	return mt_store_get_ids (store, stmt, error);
}

static gboolean
close_batch (MtStore *store, gpointer data, guint *done, GError **error)
{
	const AutoClose *a = data;
	g_autoptr (GArray) ids = read_resolved (store, a, error);
	g_autofree char *why = NULL;

	if (ids == NULL)
		return FALSE;
	why = g_strdup_printf ("Resolved for %" G_GINT64_FORMAT " %s: closed ([queue %s] auto_close_after)",
			       a->after % 86400 ? a->after / 60 : a->after / 86400,
			       a->after % 86400 ? "minutes" : "days", a->queue);
	for (guint i = 0; i < ids->len; i++) {
		gint64 id = g_array_index (ids, gint64, i);

		if (!mt_ticket_add_history (store, id, WHO, "auto-close", NULL, why, a->now, error) ||
		    !mt_ticket_set_status (store, id, "closed", WHO, a->now, error))
			return FALSE;
		g_message ("auto-close ticket=%" G_GINT64_FORMAT " queue=%s", id, a->queue);
	}
	*done = ids->len;
	return TRUE;
}

gboolean
mt_escalate_auto_close (MtStore *store, const MtConfig *config, gint64 now, guint *closed, GError **error)
{
	g_autoptr (GList) queues = g_hash_table_get_keys (config->queue_auto_close);

	*closed = 0;
	for (GList *q = queues; q; q = q->next) {
		AutoClose a = { q->data, mt_config_auto_close_after (config, q->data), now };
		guint n = 0;

		if (!mt_store_batches (store, ESCALATE_BATCH, close_batch, &a, &n, error))
			return FALSE;
		*closed += n;
	}
	return TRUE;
}
