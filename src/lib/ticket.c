/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket.c - tickets, their links and history
 * DESCRIPTION
 *	Owns the tables tickets, links and history; ticket-article.c, the
 *	other half of the ticket module (ticket.h), owns what mail brings.
 *	Others call these functions rather than write the SQL (README,
 *	Layout). Callers hold the transaction.
 */
#include <string.h>
#include <uuid/uuid.h>

#include "mailticket/error.h"
#include "mailticket/ticket.h"

/* An erased ticket's number is never given again: mail that still
 * carries it must not land in someone else's ticket. */
#define ERASED_MAX "erased_ticket_max"
static const char SQL_TICKET_INSERT[] =
	"INSERT INTO tickets (id, uuid, type, subject, queue, requester, created, updated, creator, owner)"
	" VALUES (max(ifnull((SELECT max(id) FROM tickets), 0),"
	"             ifnull((SELECT CAST(value AS INTEGER) FROM meta WHERE key = '" ERASED_MAX "'), 0)) + 1,"
	"         :uuid, :type, :subject, nullif(:queue, 0), nullif(:requester, 0), :now, :now, nullif(:creator, 0),"
	"         coalesce(nullif(:owner, 0), (SELECT owner FROM queues WHERE id = :queue)))";
static const char SQL_TICKET_TOUCH[] = "UPDATE tickets SET updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_THREAD_FACTS[] =
	"SELECT t.merged_into, t.status = 'closed', coalesce(t.closed, t.updated),"
	" coalesce(q.grace_days, 30), coalesce(q.closed_reply = 'reopen', 0),"
	" EXISTS (SELECT 1 FROM articles a WHERE a.ticket = t.id"
	" AND (a.kind IN ('email-out', 'note') OR a.author IS NOT NULL))"
	" OR EXISTS (SELECT 1 FROM history h WHERE h.ticket = t.id"
	" AND h.who NOT IN ('mail', 'mailticket-send', 'import')"
	" AND h.who NOT LIKE 'mail:%'"
	" AND h.who NOT LIKE 'rule:%'),"
	" t.status = 'closed' AND (SELECT who FROM history WHERE ticket = t.id AND field = 'status'"
	" ORDER BY id DESC LIMIT 1) = 'import'"
	" FROM tickets t LEFT JOIN queues q ON q.id = t.queue WHERE t.id = :ticket";
static const char SQL_TICKET_EXISTS[] = "SELECT count(*) FROM tickets WHERE id = :ticket";
static const char SQL_STATUS_GET[] = "SELECT status FROM tickets WHERE id = :ticket";
/* A status that waits for us after one that did not: the customer
 * waits again from now (ticket-due.c). */
#define REOPENED ":status IN ('new', 'open') AND status IN ('pending', 'resolved', 'closed')"
static const char SQL_STATUS_SET[] =
	"UPDATE tickets SET status = :status, updated = max(updated, :now), pending_until = iif(:status = 'pending', "
	"pending_until, NULL),"
	" sla_start = iif(" REOPENED ", :now, sla_start),"
	" response_escalated = iif(" REOPENED ", NULL, response_escalated),"
	" resolution_escalated = iif(" REOPENED ", NULL, resolution_escalated),"
	" resolved = CASE :status WHEN 'resolved' THEN :now WHEN 'closed' THEN coalesce(resolved, :now) END,"
	" closed = CASE :status WHEN 'closed' THEN :now END"
	" WHERE id = :ticket";
static const char SQL_RESPONDED[] = "UPDATE tickets SET first_response = coalesce(first_response, :now),"
				    " status = iif(status = 'new', 'open', status) WHERE id = :ticket";
static const char SQL_LAST_CUSTOMER[] =
	"SELECT ifnull(nullif(\"from\", ''), from_addr), created, text FROM articles"
	" WHERE ticket = :ticket AND kind = 'email-in' AND NOT internal AND author IS NULL ORDER BY id DESC LIMIT 1";
static const char SQL_SET_LANG[] = "UPDATE tickets SET lang = :lang WHERE id = :ticket";
static const char SQL_FLAG[] = "UPDATE tickets SET flagged = 1 WHERE id = :ticket";
static const char SQL_PERSONAL[] = "UPDATE tickets SET personal = 1 WHERE id = :ticket AND personal = 0";
static const char SQL_LINK_ADD[] =
	"INSERT OR IGNORE INTO links (ticket, kind, other, created) VALUES (:ticket, :kind, :other, :now)";
static const char SQL_IDENTITY[] = "SELECT t.uuid, c.address FROM tickets t LEFT JOIN contacts c ON c.id = t.requester"
				   " WHERE t.id = :ticket";
static const char SQL_HISTORY_ADD[] =
	"INSERT INTO history (ticket, at, who, field, old, new) VALUES (:ticket, :now, :who, :field, :old, :new)";
static const char SQL_SET_PRIORITY[] =
	"UPDATE tickets SET priority = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_OWNER[] =
	"UPDATE tickets SET owner = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_QUEUE[] =
	"UPDATE tickets SET queue = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_PROJECT[] =
	"UPDATE tickets SET project = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_COLOR[] =
	"UPDATE tickets SET color = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_SUBJECT[] =
	"UPDATE tickets SET subject = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_REQUESTER[] =
	"UPDATE tickets SET requester = :value, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_SET_UNTIL[] =
	"UPDATE tickets SET pending_until = nullif(:value, 0), updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_CLOSE_MERGED[] =
	"UPDATE tickets SET merged_into = :into, status = 'closed', closed = :now, resolved = coalesce(resolved, :now),"
	" due = NULL, updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_IMPORTED[] =
	"UPDATE tickets SET imported = coalesce(imported, :at), due = NULL, closed = iif(status = 'closed', "
	"max(closed, :now), "
	"closed),"
	" resolved = iif(status = 'closed', max(resolved, :now), resolved) WHERE id = :ticket";
static const char SQL_RESPONSE_ESCALATED[] =
	"UPDATE tickets SET response_escalated = :now WHERE id = :ticket AND response_escalated IS NULL";
static const char SQL_RESOLUTION_ESCALATED[] =
	"UPDATE tickets SET resolution_escalated = :now WHERE id = :ticket AND resolution_escalated IS NULL";
static const char SQL_START_CLOCK[] = "UPDATE tickets SET sla_start = :now WHERE id = :ticket AND sla_start IS NULL";
static const char SQL_SET_DUE[] = "UPDATE tickets SET due = nullif(:now, 0) WHERE id = :ticket";

/* Erasure: the tickets merged into one, then its own rows. */
static const char SQL_MERGED_FROM[] = "SELECT id FROM tickets WHERE merged_into = :ticket ORDER BY id";
static const char SQL_CLOSED_BEFORE[] = "SELECT id FROM tickets WHERE status = 'closed' AND merged_into IS NULL"
					" AND coalesce(closed, updated) < :ticket ORDER BY id LIMIT 100";
static const char SQL_QUEUE_COUNT[] = "SELECT count(*) FROM tickets WHERE queue = :ticket";
static const char SQL_QUEUE_ACTIVE[] = "SELECT id FROM tickets WHERE queue = :ticket AND status IN ('new', 'open')"
				       " AND merged_into IS NULL ORDER BY id";
static const char SQL_QUEUE_MOVE[] = "UPDATE tickets SET queue = :into WHERE queue = :from";
static const char SQL_FORGET_OWNER[] = "UPDATE tickets SET owner = NULL WHERE owner = :from";
static const char SQL_FORGET_CREATOR[] = "UPDATE tickets SET creator = NULL WHERE creator = :from";
static const char SQL_ERASE_LINKS[] = "DELETE FROM links WHERE :from IN (ticket, other)";
static const char SQL_ERASE_HISTORY[] = "DELETE FROM history WHERE ticket = :from";
static const char SQL_ERASE_TICKET[] = "DELETE FROM tickets WHERE id = :from";

/* Indexed by MtTicketField: the field chooses the statement, it is never
 * pasted into one. */
static const char *const set_field[] = {
	SQL_SET_PRIORITY, SQL_SET_OWNER,   SQL_SET_QUEUE, SQL_SET_PROJECT,
	SQL_SET_COLOR,    SQL_SET_SUBJECT, SQL_SET_UNTIL, SQL_SET_REQUESTER,
};

/* In their order on the way to closed; the CHECK on tickets.status
 * names the same. */
static const char *const statuses[] = { "new", "open", "pending", "resolved", "closed", NULL };

static const char *const ticket_queries[] = {
	SQL_TICKET_INSERT,
	SQL_TICKET_TOUCH,
	SQL_THREAD_FACTS,
	SQL_TICKET_EXISTS,
	SQL_STATUS_GET,
	SQL_STATUS_SET,
	SQL_RESPONDED,
	SQL_SET_LANG,
	SQL_LAST_CUSTOMER,
	SQL_FLAG,
	SQL_PERSONAL,
	SQL_LINK_ADD,
	SQL_IDENTITY,
	SQL_HISTORY_ADD,
	SQL_SET_PRIORITY,
	SQL_SET_OWNER,
	SQL_SET_QUEUE,
	SQL_SET_PROJECT,
	SQL_SET_COLOR,
	SQL_SET_SUBJECT,
	SQL_SET_UNTIL,
	SQL_SET_REQUESTER,
	SQL_CLOSE_MERGED,
	SQL_RESPONSE_ESCALATED,
	SQL_RESOLUTION_ESCALATED,
	SQL_START_CLOCK,
	SQL_SET_DUE,
	SQL_MERGED_FROM,
	SQL_CLOSED_BEFORE,
	SQL_QUEUE_COUNT,
	SQL_QUEUE_ACTIVE,
	SQL_QUEUE_MOVE,
	SQL_FORGET_OWNER,
	SQL_FORGET_CREATOR,
	SQL_ERASE_LINKS,
	SQL_ERASE_HISTORY,
	SQL_ERASE_TICKET,
	SQL_IMPORTED,
	NULL,
};

const char *const *
mt_ticket_queries (void)
{
	return ticket_queries;
}

const char *const *
mt_ticket_statuses (void)
{
	return statuses;
}

gboolean
mt_ticket_status_known (const char *status)
{
	return status != NULL && g_strv_contains (statuses, status);
}

gboolean
mt_ticket_create (MtStore *store, const MtTicketNew *t, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TICKET_INSERT, error);
	char uuid[37];
	uuid_t bin;

	if (stmt == NULL)
		return FALSE;
	uuid_generate (bin);
	uuid_unparse_lower (bin, uuid);
	mt_store_bind_text (stmt, ":uuid", uuid);
	mt_store_bind_text (stmt, ":type", t->type ? t->type : "mail");
	mt_store_bind_text (stmt, ":subject", t->subject ? t->subject : "");
	mt_store_bind_int (stmt, ":queue", t->queue);
	mt_store_bind_int (stmt, ":requester", t->requester);
	mt_store_bind_int (stmt, ":now", t->now);
	mt_store_bind_int (stmt, ":creator", t->creator);
	mt_store_bind_int (stmt, ":owner", t->owner);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return TRUE;
}

gboolean
mt_ticket_touch (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	return mt_store_run (store, SQL_TICKET_TOUCH, MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":now", now)),
			     error);
}

gboolean
mt_ticket_get_thread_facts (MtStore *store, gint64 id, gboolean *found, MtThreadTicket *facts, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_THREAD_FACTS, MT_BINDS (MT_INT (":ticket", id)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return FALSE;
	*found = rc == SQLITE_ROW;
	if (*found) {
		facts->merged_into = sqlite3_column_int64 (stmt, 0);
		facts->closed = sqlite3_column_int (stmt, 1);
		facts->closed_at = sqlite3_column_int64 (stmt, 2);
		facts->grace_days = sqlite3_column_int (stmt, 3);
		facts->reopen_closed = sqlite3_column_int (stmt, 4);
		facts->worked = sqlite3_column_int (stmt, 5);
		facts->closed_by_import = sqlite3_column_int (stmt, 6);
	}
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
mt_ticket_exists (MtStore *store, gint64 id, gboolean *found, GError **error)
{
	gint64 n;

	if (!mt_store_get_ints (store, SQL_TICKET_EXISTS, MT_BINDS (MT_INT (":ticket", id)), &n, 1, error))
		return FALSE;
	*found = n > 0;
	return TRUE;
}

char *
mt_ticket_get_status (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_STATUS_GET, MT_BINDS (MT_INT (":ticket", ticket)), error);
	char *status;
	int rc;

	if (stmt == NULL)
		return NULL;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return NULL;
	if (rc == SQLITE_DONE) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, ticket);
		return NULL;
	}
	status = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	sqlite3_reset (stmt);
	return status;
}

gboolean
mt_ticket_set_status (MtStore *store, gint64 ticket, const char *status, const char *who, gint64 now, GError **error)
{
	g_autofree char *old = mt_ticket_get_status (store, ticket, error);
	sqlite3_stmt *stmt;

	if (old == NULL)
		return FALSE;
	if (strcmp (old, status) == 0)
		return TRUE;
	if (!(stmt = mt_store_query_bound (
		      store, SQL_STATUS_SET,
		      MT_BINDS (MT_INT (":ticket", ticket), MT_TEXT (":status", status), MT_INT (":now", now)), error)))
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error) || !mt_ticket_refresh_due (store, ticket, error))
		return FALSE;
	return mt_ticket_add_history (store, ticket, who, "status", old, status, now, error);
}

gboolean
mt_ticket_set_field (MtStore *store, gint64 ticket, MtTicketField field, GVariant *value, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, set_field[field], error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	if (value && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
		mt_store_bind_int (stmt, ":value", g_variant_get_int64 (value));
	else if (value)
		mt_store_bind_text (stmt, ":value", g_variant_get_string (value, NULL));
	mt_store_bind_int (stmt, ":now", now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	return field != MT_TICKET_QUEUE || mt_ticket_refresh_due (store, ticket, error);
}

gboolean
mt_ticket_close_merged (MtStore *store, gint64 from, gint64 into, gint64 now, GError **error)
{
	return mt_store_run (store, SQL_CLOSE_MERGED,
			     MT_BINDS (MT_INT (":ticket", from), MT_INT (":into", into), MT_INT (":now", now)), error);
}

/* Runs sql, an UPDATE of ticket with the time :now. */
static gboolean
stamp (MtStore *store, const char *sql, gint64 ticket, gint64 now, GError **error)
{
	return mt_store_run (store, sql, MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":now", now)), error);
}

gboolean
mt_ticket_imported (MtStore *store, gint64 ticket, gint64 at, gint64 now, GError **error)
{
	return mt_store_run (store, SQL_IMPORTED,
			     MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":at", at), MT_INT (":now", now)), error);
}

gboolean
mt_ticket_mark_response_escalated (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	return stamp (store, SQL_RESPONSE_ESCALATED, ticket, now, error);
}

gboolean
mt_ticket_mark_resolution_escalated (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	return stamp (store, SQL_RESOLUTION_ESCALATED, ticket, now, error);
}

static const char *
reverse_kind (const char *kind)
{
	if (strcmp (kind, "parent") == 0)
		return "child";
	if (strcmp (kind, "child") == 0)
		return "parent";
	if (strcmp (kind, "split-from") == 0)
		return "split-into";
	if (strcmp (kind, "split-into") == 0)
		return "split-from";
	return kind;
}

static gboolean
link_one (MtStore *store, gint64 a, const char *kind, gint64 b, gint64 now, GError **error)
{
	return mt_store_run (
		store, SQL_LINK_ADD,
		MT_BINDS (MT_INT (":ticket", a), MT_TEXT (":kind", kind), MT_INT (":other", b), MT_INT (":now", now)),
		error);
}

gboolean
mt_ticket_link (MtStore *store, gint64 a, const char *kind, gint64 b, gint64 now, GError **error)
{
	return link_one (store, a, kind, b, now, error) && link_one (store, b, reverse_kind (kind), a, now, error);
}

gboolean
mt_ticket_add_history (MtStore *store, gint64 ticket, const char *who, const char *field, const char *old_value,
		       const char *new_value, gint64 now, GError **error)
{
	return mt_store_run (store, SQL_HISTORY_ADD,
			     MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":now", now), MT_TEXT (":who", who),
				       MT_TEXT (":field", field), MT_TEXT (":old", old_value),
				       MT_TEXT (":new", new_value)),
			     error);
}

gboolean
mt_ticket_flag (MtStore *store, gint64 ticket, GError **error)
{
	return mt_store_run (store, SQL_FLAG, MT_BINDS (MT_INT (":ticket", ticket)), error);
}

gboolean
mt_ticket_set_lang (MtStore *store, gint64 ticket, const char *lang, GError **error)
{
	return mt_store_run (store, SQL_SET_LANG, MT_BINDS (MT_INT (":ticket", ticket), MT_TEXT (":lang", lang)),
			     error);
}

gboolean
mt_ticket_set_personal (MtStore *store, gint64 ticket, const char *who, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_PERSONAL, MT_BINDS (MT_INT (":ticket", ticket)), error);

	if (stmt == NULL)
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (sqlite3_changes (mt_store_peek_db (store)) == 0)
		return TRUE;
	return mt_ticket_add_history (store, ticket, who, "personal", NULL, "yes", now, error);
}

gboolean
mt_ticket_responded (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	return stamp (store, SQL_RESPONDED, ticket, now, error) && mt_ticket_refresh_due (store, ticket, error);
}

gboolean
mt_ticket_start_clock (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	if (!stamp (store, SQL_START_CLOCK, ticket, now, error))
		return FALSE;
	return sqlite3_changes (mt_store_peek_db (store)) == 0 || mt_ticket_refresh_due (store, ticket, error);
}

gboolean
mt_ticket_set_due (MtStore *store, gint64 ticket, gint64 due, GError **error)
{
	return stamp (store, SQL_SET_DUE, ticket, due, error);
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *) sqlite3_column_text (stmt, i);

	return text ? g_strdup (text) : NULL;
}

gboolean
mt_ticket_identity (MtStore *store, gint64 id, char **uuid, char **requester, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_IDENTITY, error);
	int rc;

	*uuid = *requester = NULL;
	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", id);
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		*uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
		*requester = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
	}
	sqlite3_reset (stmt);
	return rc != -1;
}

gboolean
mt_ticket_last_customer_text (MtStore *store, gint64 ticket, char **from, gint64 *when, char **text, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_LAST_CUSTOMER, error);
	int rc;

	*from = *text = NULL;
	*when = 0;
	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		*from = column_dup (stmt, 0);
		*when = sqlite3_column_int64 (stmt, 1);
		*text = column_dup (stmt, 2);
	}
	sqlite3_reset (stmt);
	return rc != -1;
}

static GArray *
ticket_ids (MtStore *store, const char *sql, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql, MT_BINDS (MT_INT (":ticket", ticket)), error);

	return mt_store_get_ids (store, stmt, error);
}

GArray *
mt_ticket_merged_from (MtStore *store, gint64 ticket, GError **error)
{
	return ticket_ids (store, SQL_MERGED_FROM, ticket, error);
}

GArray *
mt_ticket_closed_before (MtStore *store, gint64 before, GError **error)
{
	return ticket_ids (store, SQL_CLOSED_BEFORE, before, error);
}

gboolean
mt_ticket_erase (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_ERASE_LINKS, SQL_ERASE_HISTORY, SQL_ERASE_TICKET };

	return mt_store_meta_raise (store, ERASED_MAX, ticket, error) &&
	       mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_ticket_count_in_queue (MtStore *store, gint64 queue, gint64 *count, GError **error)
{
	return mt_store_get_ints (store, SQL_QUEUE_COUNT, MT_BINDS (MT_INT (":ticket", queue)), count, 1, error);
}

gboolean
mt_ticket_refresh_queue_due (MtStore *store, gint64 queue, GError **error)
{
	g_autoptr (GArray) ids = ticket_ids (store, SQL_QUEUE_ACTIVE, queue, error);

	for (guint i = 0; ids != NULL && i < ids->len; i++)
		if (!mt_ticket_refresh_due (store, g_array_index (ids, gint64, i), error))
			return FALSE;
	return ids != NULL;
}

gboolean
mt_ticket_move_queue (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_QUEUE_MOVE };

	/* Their due times are the new queue's. */
	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error) &&
	       mt_ticket_refresh_queue_due (store, into, error);
}

gboolean
mt_ticket_forget_user (MtStore *store, gint64 user, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_OWNER, SQL_FORGET_CREATOR };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), user, 0, error);
}
