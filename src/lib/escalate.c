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

/* :now, and :batch the batch size. A first response is owed only to a requester,
 * and only while the ticket is new or open: pending means the agent
 * waits for something, and has its own time. It is owed from the
 * ticket's opening; for a ticket that automatic mail opened (an
 * auto-reply, a bounce, a newsletter: loop.h), from the first article
 * that is not automatic, as until a person writes nobody waits. */
static const char SQL_OVERDUE[] =
	"SELECT * FROM (SELECT t.id, 'response',"
	"  iif((SELECT automatic FROM articles WHERE ticket = t.id ORDER BY id LIMIT 1),"
	"      (SELECT min(created) FROM articles WHERE ticket = t.id AND NOT automatic), t.created)"
	"  + q.sla_minutes * 60 AS deadline, q.sla_minutes,"
	" ifnull(t.owner, 0), ifnull(q.grp, 0), ifnull(q.owner, 0)"
	" FROM tickets t JOIN queues q ON q.id = t.queue"
	" WHERE q.sla_minutes > 0 AND t.first_response IS NULL AND t.response_escalated IS NULL"
	" AND t.requester IS NOT NULL AND t.merged_into IS NULL AND t.imported IS NULL AND t.status IN ('new', 'open'))"
	" WHERE deadline <= :now"
	" UNION ALL"
	" SELECT t.id, 'pending', t.pending_until, 0, ifnull(t.owner, 0), ifnull(q.grp, 0), ifnull(q.owner, 0)"
	" FROM tickets t LEFT JOIN queues q ON q.id = t.queue"
	" WHERE t.status = 'pending' AND t.pending_until <= :now"
	" LIMIT :batch";

static const char *const escalate_queries[] = { SQL_OVERDUE, NULL };

const char *const *
mt_escalate_queries (void)
{
	return escalate_queries;
}

typedef struct {
	gint64 ticket;
	gboolean pending; /* else a first response overdue */
	gint64 deadline, sla_minutes;
	gint64 owner, grp, queue_owner;
} Overdue;

static GArray *
read_overdue (MtStore *store, gint64 now, GError **error)
{
	g_autoptr (GArray) due = g_array_new (FALSE, TRUE, sizeof (Overdue));
	sqlite3_stmt *stmt = mt_store_query (store, SQL_OVERDUE, error);
	int rc;

	if (stmt == NULL)
		return NULL;
	mt_store_bind_int (stmt, ":now", now);
	mt_store_bind_int (stmt, ":batch", ESCALATE_BATCH);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		Overdue o = {
			.ticket = sqlite3_column_int64 (stmt, 0),
			.pending = strcmp ((const char *) sqlite3_column_text (stmt, 1), "pending") == 0,
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

	if (o->pending)
		return g_strdup_printf ("Pending until %s, which has passed", when);
	return g_strdup_printf ("No first response within %" G_GINT64_FORMAT " minutes", o->sla_minutes);
}

/* What happened, for the template (mailticket-templates(5)). */
static GHashTable *
overdue_vars (const Overdue *o)
{
	GHashTable *vars = mt_template_vars_new ();
	g_autofree char *due = g_strdup_printf ("%" G_GINT64_FORMAT, o->deadline);
	g_autofree char *minutes = g_strdup_printf ("%" G_GINT64_FORMAT, o->sla_minutes);

	mt_template_set (vars, "escalation.pending", o->pending ? "yes" : "");
	mt_template_set (vars, "escalation.due", due);
	mt_template_set (vars, "escalation.minutes", minutes);
	return vars;
}

static gboolean
mark (MtStore *store, const Overdue *o, gint64 now, GError **error)
{
	if (o->pending)
		return mt_ticket_set_status (store, o->ticket, "open", WHO, now, error);
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
	g_message ("escalation=%s ticket=%" G_GINT64_FORMAT " mails=%u", o->pending ? "pending" : "response", o->ticket,
		   queued);
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
