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
static const char SQL_STATUS_SET[] =
	"UPDATE tickets SET status = :status, updated = max(updated, :now), pending_until = iif(:status = 'pending', "
	"pending_until, NULL),"
	" resolved = CASE :status WHEN 'resolved' THEN :now WHEN 'closed' THEN coalesce(resolved, :now) END,"
	" closed = CASE :status WHEN 'closed' THEN :now END"
	" WHERE id = :ticket";
static const char SQL_RESPONDED[] = "UPDATE tickets SET first_response = coalesce(first_response, :now),"
				    " status = iif(status = 'new', 'open', status) WHERE id = :ticket";
static const char SQL_MAIL_FACTS[] =
	"SELECT t.type, t.subject, t.status, t.priority, q.name, q.address, c.address, q.sla_minutes, u.login,"
	" t.uuid, ifnull(q.grp, 0), t.lang, c.name, c.lang FROM tickets t LEFT JOIN queues q ON q.id = t.queue LEFT "
	"JOIN contacts c ON c.id = "
	"t.requester"
	" LEFT JOIN users u ON u.id = t.owner WHERE t.id = :ticket";
static const char SQL_THREAD_IDS[] =
	"SELECT message_id FROM articles WHERE ticket = :ticket AND message_id IS NOT NULL ORDER BY id";
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
static const char SQL_SET_UNTIL[] =
	"UPDATE tickets SET pending_until = nullif(:value, 0), updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_CLOSE_MERGED[] =
	"UPDATE tickets SET merged_into = :into, status = 'closed', closed = :now, resolved = coalesce(resolved, :now),"
	" updated = max(updated, :now) WHERE id = :ticket";
static const char SQL_IMPORTED[] =
	"UPDATE tickets SET imported = coalesce(imported, :at), closed = iif(status = 'closed', max(closed, :now), "
	"closed),"
	" resolved = iif(status = 'closed', max(resolved, :now), resolved) WHERE id = :ticket";
static const char SQL_RESPONSE_ESCALATED[] =
	"UPDATE tickets SET response_escalated = :now WHERE id = :ticket AND response_escalated IS NULL";

/* Erasure: the tickets merged into one, then its own rows. */
static const char SQL_MERGED_FROM[] = "SELECT id FROM tickets WHERE merged_into = :ticket ORDER BY id";
static const char SQL_CLOSED_BEFORE[] = "SELECT id FROM tickets WHERE status = 'closed' AND merged_into IS NULL"
					" AND coalesce(closed, updated) < :ticket ORDER BY id LIMIT 100";
static const char SQL_QUEUE_COUNT[] = "SELECT count(*) FROM tickets WHERE queue = :ticket";
static const char SQL_QUEUE_MOVE[] = "UPDATE tickets SET queue = :into WHERE queue = :from";
static const char SQL_FORGET_OWNER[] = "UPDATE tickets SET owner = NULL WHERE owner = :from";
static const char SQL_FORGET_CREATOR[] = "UPDATE tickets SET creator = NULL WHERE creator = :from";
static const char SQL_ERASE_LINKS[] = "DELETE FROM links WHERE :from IN (ticket, other)";
static const char SQL_ERASE_HISTORY[] = "DELETE FROM history WHERE ticket = :from";
static const char SQL_ERASE_TICKET[] = "DELETE FROM tickets WHERE id = :from";

/* Indexed by MtTicketField: the field chooses the statement, it is never
 * pasted into one. */
static const char *const set_field[] = {
	SQL_SET_PRIORITY, SQL_SET_OWNER, SQL_SET_QUEUE, SQL_SET_PROJECT, SQL_SET_COLOR, SQL_SET_SUBJECT, SQL_SET_UNTIL,
};

/* In their order on the way to closed; the CHECK on tickets.status
 * names the same. */
static const char *const statuses[] = { "new", "open", "pending", "resolved", "closed", NULL };

static const char *const ticket_queries[] = {
	SQL_TICKET_INSERT,      SQL_TICKET_TOUCH,  SQL_THREAD_FACTS,   SQL_TICKET_EXISTS,
	SQL_STATUS_GET,         SQL_STATUS_SET,    SQL_RESPONDED,      SQL_MAIL_FACTS,
	SQL_SET_LANG,           SQL_LAST_CUSTOMER, SQL_THREAD_IDS,     SQL_FLAG,
	SQL_PERSONAL,           SQL_LINK_ADD,      SQL_IDENTITY,       SQL_HISTORY_ADD,
	SQL_SET_PRIORITY,       SQL_SET_OWNER,     SQL_SET_QUEUE,      SQL_SET_PROJECT,
	SQL_SET_COLOR,          SQL_SET_SUBJECT,   SQL_SET_UNTIL,      SQL_CLOSE_MERGED,
	SQL_RESPONSE_ESCALATED, SQL_MERGED_FROM,   SQL_CLOSED_BEFORE,  SQL_QUEUE_COUNT,
	SQL_QUEUE_MOVE,         SQL_FORGET_OWNER,  SQL_FORGET_CREATOR, SQL_ERASE_LINKS,
	SQL_ERASE_HISTORY,      SQL_ERASE_TICKET,  SQL_IMPORTED,       NULL,
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

/* Runs stmt, one of ticket's with :now. */
static gboolean
update_at (MtStore *store, const char *sql, gint64 ticket, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_touch (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	return update_at (store, SQL_TICKET_TOUCH, ticket, now, error);
}

gboolean
mt_ticket_get_thread_facts (MtStore *store, gint64 id, gboolean *found, MtThreadTicket *facts, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_THREAD_FACTS, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", id);
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
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TICKET_EXISTS, error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", id);
	if (!mt_store_get_int (store, stmt, &n, error))
		return FALSE;
	*found = n > 0;
	return TRUE;
}

char *
mt_ticket_get_status (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_STATUS_GET, error);
	char *status;
	int rc;

	if (stmt == NULL)
		return NULL;
	mt_store_bind_int (stmt, ":ticket", ticket);
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
	if (!(stmt = mt_store_query (store, SQL_STATUS_SET, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_text (stmt, ":status", status);
	mt_store_bind_int (stmt, ":now", now);
	if (!mt_store_exec_stmt (store, stmt, error))
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
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_close_merged (MtStore *store, gint64 from, gint64 into, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_CLOSE_MERGED, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", from);
	mt_store_bind_int (stmt, ":into", into);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_imported (MtStore *store, gint64 ticket, gint64 at, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_IMPORTED, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":at", at);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_mark_response_escalated (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	return update_at (store, SQL_RESPONSE_ESCALATED, ticket, now, error);
}

static const char *
reverse_kind (const char *kind)
{
	if (strcmp (kind, "parent") == 0)
		return "child";
	if (strcmp (kind, "child") == 0)
		return "parent";
	return kind;
}

static gboolean
link_one (MtStore *store, gint64 a, const char *kind, gint64 b, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_LINK_ADD, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", a);
	mt_store_bind_text (stmt, ":kind", kind);
	mt_store_bind_int (stmt, ":other", b);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
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
	sqlite3_stmt *stmt = mt_store_query (store, SQL_HISTORY_ADD, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":now", now);
	mt_store_bind_text (stmt, ":who", who);
	mt_store_bind_text (stmt, ":field", field);
	mt_store_bind_text (stmt, ":old", old_value);
	mt_store_bind_text (stmt, ":new", new_value);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_flag (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_FLAG, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_set_lang (MtStore *store, gint64 ticket, const char *lang, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_SET_LANG, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_text (stmt, ":lang", lang);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_set_personal (MtStore *store, gint64 ticket, const char *who, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_PERSONAL, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (sqlite3_changes (mt_store_peek_db (store)) == 0)
		return TRUE;
	return mt_ticket_add_history (store, ticket, who, "personal", NULL, "yes", now, error);
}

gboolean
mt_ticket_responded (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_RESPONDED, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *) sqlite3_column_text (stmt, i);

	return text ? g_strdup (text) : NULL;
}

static gboolean
read_thread_ids (MtStore *store, MtTicketMail *mail, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_THREAD_IDS, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", mail->id);
	mail->thread_ids = g_ptr_array_new_with_free_func (g_free);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (mail->thread_ids, column_dup (stmt, 0));
	return rc != -1;
}

MtTicketMail *
mt_ticket_mail_facts (MtStore *store, gint64 id, GError **error)
{
	g_autoptr (MtTicketMail) mail = g_new0 (MtTicketMail, 1);
	sqlite3_stmt *stmt = mt_store_query (store, SQL_MAIL_FACTS, error);
	int rc;

	if (stmt == NULL)
		return NULL;
	mt_store_bind_int (stmt, ":ticket", id);
	if ((rc = mt_store_step (store, stmt, error)) != SQLITE_ROW) {
		if (rc != -1)
			g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, id);
		return NULL;
	}
	mail->id = id;
	mail->type = column_dup (stmt, 0);
	mail->subject = column_dup (stmt, 1);
	mail->status = column_dup (stmt, 2);
	mail->priority = sqlite3_column_int (stmt, 3);
	mail->queue = column_dup (stmt, 4);
	mail->queue_address = column_dup (stmt, 5);
	mail->requester = column_dup (stmt, 6);
	mail->sla_minutes = sqlite3_column_int64 (stmt, 7);
	mail->owner = column_dup (stmt, 8);
	mail->uuid = column_dup (stmt, 9);
	mail->queue_group = sqlite3_column_int64 (stmt, 10);
	mail->lang = column_dup (stmt, 11);
	mail->requester_name = column_dup (stmt, 12);
	mail->requester_lang = column_dup (stmt, 13);
	if (!read_thread_ids (store, mail, error))
		return NULL;
	return g_steal_pointer (&mail);
}

void
mt_ticket_mail_free (MtTicketMail *mail)
{
	if (mail == NULL)
		return;
	g_free (mail->uuid);
	g_free (mail->type);
	g_free (mail->subject);
	g_free (mail->status);
	g_free (mail->queue);
	g_free (mail->queue_address);
	g_free (mail->requester);
	g_free (mail->owner);
	g_free (mail->lang);
	g_free (mail->requester_name);
	g_free (mail->requester_lang);
	if (mail->thread_ids)
		g_ptr_array_unref (mail->thread_ids);
	g_free (mail);
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
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	int rc;

	if (stmt == NULL)
		return NULL;
	mt_store_bind_int (stmt, ":ticket", ticket);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		g_array_append_val (ids, id);
	}
	return rc == SQLITE_DONE ? g_steal_pointer (&ids) : NULL;
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
	sqlite3_stmt *stmt = mt_store_query (store, SQL_QUEUE_COUNT, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", queue);
	return mt_store_get_int (store, stmt, count, error);
}

gboolean
mt_ticket_move_queue (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_QUEUE_MOVE };

	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error);
}

gboolean
mt_ticket_forget_user (MtStore *store, gint64 user, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_OWNER, SQL_FORGET_CREATOR };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), user, 0, error);
}
