/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket-mail.c - what composing mail about a ticket needs to know
 * DESCRIPTION
 *	The read half of ticket.h's MtTicketMail: the ticket, its queue,
 *	requester and owner, and the ids of its thread, in one read.
 */
#include "mailticket/error.h"
#include "mailticket/ticket.h"

static const char SQL_MAIL_FACTS[] =
	"SELECT t.type, t.subject, t.status, t.priority, q.name, q.address, c.address, q.sla_minutes, u.login,"
	" t.uuid, ifnull(q.grp, 0), t.lang, c.name, c.lang, ifnull(t.due, 0),"
	" t.due IS NOT NULL AND t.first_response IS NULL AND q.sla_minutes > 0 AND q.hours IS NOT NULL, q.tz"
	" FROM tickets t LEFT JOIN queues q ON q.id = t.queue LEFT JOIN contacts c ON c.id = t.requester"
	" LEFT JOIN users u ON u.id = t.owner WHERE t.id = :ticket";
static const char SQL_THREAD_IDS[] =
	"SELECT message_id FROM articles WHERE ticket = :ticket AND message_id IS NOT NULL ORDER BY id";

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *) sqlite3_column_text (stmt, i);

	return text ? g_strdup (text) : NULL;
}

static gboolean
read_thread_ids (MtStore *store, MtTicketMail *mail, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_THREAD_IDS, MT_BINDS (MT_INT (":ticket", mail->id)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	mail->thread_ids = g_ptr_array_new_with_free_func (g_free);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (mail->thread_ids, column_dup (stmt, 0));
	return rc != -1;
}

MtTicketMail *
mt_ticket_mail_facts (MtStore *store, gint64 id, GError **error)
{
	g_autoptr (MtTicketMail) mail = g_new0 (MtTicketMail, 1);
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_MAIL_FACTS, MT_BINDS (MT_INT (":ticket", id)), error);
	int rc;

	if (stmt == NULL)
		return NULL;
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
	mail->due = sqlite3_column_int64 (stmt, 14);
	mail->response_due = sqlite3_column_int (stmt, 15);
	mail->tz = column_dup (stmt, 16);
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
	g_free (mail->tz);
	if (mail->thread_ids)
		g_ptr_array_unref (mail->thread_ids);
	g_free (mail);
}

static const char *const mail_queries[] = { SQL_MAIL_FACTS, SQL_THREAD_IDS, NULL };

const char *const *
mt_ticket_mail_queries (void)
{
	return mail_queries;
}
