/*
 * NAME
 *	ticket.c - tickets, articles, message ids, participants, links, history
 * DESCRIPTION
 *	The write side of a ticket. This module owns these tables; others
 *	call its functions rather than write their SQL. Callers hold the
 *	transaction.
 */
#include <string.h>
#include <uuid/uuid.h>

#include "mailticket/error.h"
#include "mailticket/search.h"
#include "mailticket/ticket.h"

static const char SQL_TICKET_INSERT[] =
	"INSERT INTO tickets (uuid, type, subject, queue, requester, created, updated, creator, owner)"
	" VALUES (?1, ?2, ?3, nullif(?4, 0), nullif(?5, 0), ?6, ?6, nullif(?7, 0),"
	"         coalesce(nullif(?8, 0), (SELECT owner FROM queues WHERE id = ?4)))";
static const char SQL_ARTICLE_INSERT[] =
	"INSERT INTO articles (ticket, kind, internal, from_addr, \"from\", \"to\", cc, reply_to, subject,"
	" date, message_id, text, blob, size, envelope_from, envelope_to, via, automatic, warnings, created,"
	" author)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, nullif(?10, 0), ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
	"         nullif(?21, 0))";
static const char SQL_ATTACHMENT_INSERT[] =
	"INSERT INTO attachments (article, position, name, type, size, part) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_TICKET_TOUCH[] = "UPDATE tickets SET updated = max(updated, ?2) WHERE id = ?1";
static const char SQL_MSGID_INSERT[] =
	"INSERT INTO message_ids (message_id, ticket, article) VALUES (?1, ?2, nullif(?3, 0))"
	" ON CONFLICT (message_id) DO UPDATE SET article = excluded.article"
	" WHERE message_ids.article IS NULL AND excluded.article IS NOT NULL";
static const char SQL_MSGID_LOOKUP[] = "SELECT ticket FROM message_ids WHERE message_id = ?";
static const char SQL_FIND_BY_BLOB[] =
	"SELECT ticket, id FROM articles WHERE blob = ? AND kind = 'email-in' ORDER BY id LIMIT 1";
static const char SQL_THREAD_FACTS[] = "SELECT t.merged_into, t.status = 'closed', coalesce(t.closed, t.updated),"
				       " coalesce(q.grace_days, 30), coalesce(q.closed_reply = 'reopen', 0)"
				       " FROM tickets t LEFT JOIN queues q ON q.id = t.queue WHERE t.id = ?";
static const char SQL_TICKET_EXISTS[] = "SELECT count(*) FROM tickets WHERE id = ?";
static const char SQL_PARTICIPANT_ADD[] = "INSERT OR IGNORE INTO participants (ticket, address) VALUES (?, ?)";
static const char SQL_PARTICIPANT_IS[] =
	"SELECT EXISTS (SELECT 1 FROM participants WHERE ticket = ?1 AND address = ?2)"
	" OR EXISTS (SELECT 1 FROM tickets t JOIN contacts c ON c.id = t.requester"
	"            WHERE t.id = ?1 AND c.address = ?2)"
	" OR EXISTS (SELECT 1 FROM users u JOIN tickets t ON t.id = ?1"
	"            WHERE u.email = ?2 AND u.id IN (t.owner, t.creator))"
	" OR EXISTS (SELECT 1 FROM users u JOIN watchers w ON w.ticket = ?1 WHERE u.email = ?2"
	"            AND (w.user = u.id OR w.grp IN (SELECT grp FROM group_members"
	"                                            WHERE user = u.id)))";
static const char SQL_STATUS_GET[] = "SELECT status FROM tickets WHERE id = ?";
static const char SQL_STATUS_SET[] =
	"UPDATE tickets SET status = ?2, updated = max(updated, ?3), pending_until = iif(?2 = 'pending', "
	"pending_until, NULL),"
	" resolved = CASE ?2 WHEN 'resolved' THEN ?3 WHEN 'closed' THEN coalesce(resolved, ?3) END,"
	" closed = CASE ?2 WHEN 'closed' THEN ?3 END"
	" WHERE id = ?1";
static const char SQL_RESPONDED[] = "UPDATE tickets SET first_response = coalesce(first_response, ?2),"
				    " status = iif(status = 'new', 'open', status) WHERE id = ?1";
static const char SQL_MAIL_FACTS[] =
	"SELECT t.type, t.subject, t.status, t.priority, q.name, q.address, c.address, q.sla_minutes, u.login,"
	" t.uuid, ifnull(q.grp, 0) FROM tickets t LEFT JOIN queues q ON q.id = t.queue LEFT JOIN contacts c ON c.id = "
	"t.requester"
	" LEFT JOIN users u ON u.id = t.owner WHERE t.id = ?";
static const char SQL_THREAD_IDS[] =
	"SELECT message_id FROM articles WHERE ticket = ? AND message_id IS NOT NULL ORDER BY id";
static const char SQL_FLAG[] = "UPDATE tickets SET flagged = 1 WHERE id = ?";
static const char SQL_PERSONAL[] = "UPDATE tickets SET personal = 1 WHERE id = ? AND personal = 0";
static const char SQL_LINK_ADD[] = "INSERT OR IGNORE INTO links (ticket, kind, other, created) VALUES (?, ?, ?, ?)";
static const char SQL_STORED_ARTICLES[] =
	"SELECT id, ticket, kind = 'email-in', blob, commands, new_text FROM articles"
	" WHERE blob IS NOT NULL AND kind IN ('email-in', 'email-out') ORDER BY ticket, id";
static const char SQL_ARTICLE_REDERIVE[] =
	"UPDATE articles SET from_addr = ?4, \"from\" = ?5, \"to\" = ?6, cc = ?7, reply_to = ?8, subject = ?9,"
	" date = nullif(?10, 0), message_id = ?11, text = ?12, warnings = ?19 WHERE id = ?1";
static const char SQL_ATTACHMENTS_CLEAR[] = "DELETE FROM attachments WHERE article = ?";
static const char SQL_PARTICIPANTS_CLEAR[] = "DELETE FROM participants WHERE ticket = ?";
static const char SQL_MARK_COMMANDS[] = "UPDATE articles SET commands = 1 WHERE id = ?";
static const char SQL_MARK_NEW_TEXT[] = "UPDATE articles SET new_text = 1 WHERE id = ?";
static const char SQL_AUTHOR[] = "SELECT ifnull(author, 0) FROM articles WHERE id = ?";
static const char SQL_IDENTITY[] = "SELECT t.uuid, c.address FROM tickets t LEFT JOIN contacts c ON c.id = t.requester"
				   " WHERE t.id = ?";
static const char SQL_CC_ADD[] =
	"INSERT INTO conversation_cc (ticket, address, source, article, created) VALUES (?1, lower(?2), ?3, nullif(?4, "
	"0), ?5)"
	" ON CONFLICT (ticket, address) DO UPDATE SET source = excluded.source, article = excluded.article"
	" WHERE conversation_cc.source = 'proposed' AND excluded.source <> 'proposed'";
static const char SQL_CC_LIST[] = "SELECT address FROM conversation_cc WHERE ticket = ?1"
				  " AND (source = 'proposed') = ?2 ORDER BY created, address";
static const char SQL_HISTORY_ADD[] =
	"INSERT INTO history (ticket, at, who, field, old, new) VALUES (?, ?, ?, ?, ?, ?)";

static const char *const ticket_queries[] = {
	SQL_TICKET_INSERT,
	SQL_ARTICLE_INSERT,
	SQL_ATTACHMENT_INSERT,
	SQL_TICKET_TOUCH,
	SQL_MSGID_INSERT,
	SQL_MSGID_LOOKUP,
	SQL_FIND_BY_BLOB,
	SQL_THREAD_FACTS,
	SQL_TICKET_EXISTS,
	SQL_PARTICIPANT_ADD,
	SQL_PARTICIPANT_IS,
	SQL_STATUS_GET,
	SQL_STATUS_SET,
	SQL_FLAG,
	SQL_LINK_ADD,
	SQL_HISTORY_ADD,
	SQL_RESPONDED,
	SQL_MAIL_FACTS,
	SQL_THREAD_IDS,
	SQL_STORED_ARTICLES,
	SQL_ARTICLE_REDERIVE,
	SQL_ATTACHMENTS_CLEAR,
	SQL_PARTICIPANTS_CLEAR,
	SQL_PERSONAL,
	SQL_MARK_COMMANDS,
	SQL_MARK_NEW_TEXT,
	SQL_IDENTITY,
	SQL_AUTHOR,
	SQL_CC_ADD,
	SQL_CC_LIST,
	NULL,
};

const char *const *
mt_ticket_queries (void)
{
	return ticket_queries;
}

static void
bind_text (sqlite3_stmt *stmt, int i, const char *text)
{
	sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
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
	bind_text (stmt, 1, uuid);
	bind_text (stmt, 2, t->type ? t->type : "mail");
	bind_text (stmt, 3, t->subject ? t->subject : "");
	sqlite3_bind_int64 (stmt, 4, t->queue);
	sqlite3_bind_int64 (stmt, 5, t->requester);
	sqlite3_bind_int64 (stmt, 6, t->now);
	sqlite3_bind_int64 (stmt, 7, t->creator);
	sqlite3_bind_int64 (stmt, 8, t->owner);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return TRUE;
}

static void
bind_message (sqlite3_stmt *stmt, MtMessage *m)
{
	bind_text (stmt, 4, m->from_addr);
	bind_text (stmt, 5, m->from);
	bind_text (stmt, 6, m->to);
	bind_text (stmt, 7, m->cc);
	bind_text (stmt, 8, m->reply_to);
	bind_text (stmt, 9, m->subject);
	sqlite3_bind_int64 (stmt, 10, m->date);
	bind_text (stmt, 11, m->message_id);
	bind_text (stmt, 12, m->text);
	sqlite3_bind_int (stmt, 19, (int) MIN (m->warnings, G_MAXINT));
}

static gboolean
add_attachments (MtStore *store, gint64 article, GPtrArray *attachments, GError **error)
{
	for (guint i = 0; attachments && i < attachments->len; i++) {
		MtAttachment *a = g_ptr_array_index (attachments, i);
		sqlite3_stmt *stmt = mt_store_query (store, SQL_ATTACHMENT_INSERT, error);

		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_int64 (stmt, 1, article);
		sqlite3_bind_int (stmt, 2, (int) i + 1);
		bind_text (stmt, 3, a->name);
		bind_text (stmt, 4, a->type);
		sqlite3_bind_int64 (stmt, 5, a->size);
		bind_text (stmt, 6, a->part);
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
touch (MtStore *store, gint64 ticket, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_TICKET_TOUCH, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	sqlite3_bind_int64 (stmt, 2, now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_add_article (MtStore *store, gint64 ticket, const MtArticleNew *a, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ARTICLE_INSERT, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	bind_text (stmt, 2, a->kind);
	sqlite3_bind_int (stmt, 3, a->internal);
	if (a->message != NULL) {
		bind_message (stmt, a->message);
	} else {
		bind_text (stmt, 12, a->text ? a->text : "");
		sqlite3_bind_int (stmt, 19, 0);
	}
	bind_text (stmt, 13, a->blob);
	sqlite3_bind_int64 (stmt, 14, a->size);
	bind_text (stmt, 15, a->envelope_from);
	bind_text (stmt, 16, a->envelope_to);
	bind_text (stmt, 17, a->via);
	sqlite3_bind_int (stmt, 18, a->automatic);
	sqlite3_bind_int64 (stmt, 20, a->now);
	sqlite3_bind_int64 (stmt, 21, a->author);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	/* Before the attachments: those of an indexed article are indexed as they come. */
	if (!mt_search_index_now (store, error))
		return FALSE;
	if (a->message != NULL && !add_attachments (store, *id, a->message->attachments, error))
		return FALSE;
	return touch (store, ticket, a->now, error);
}

gboolean
mt_ticket_note_message_id (MtStore *store, const char *message_id, gint64 ticket, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_MSGID_INSERT, error);

	if (stmt == NULL)
		return FALSE;
	bind_text (stmt, 1, message_id);
	sqlite3_bind_int64 (stmt, 2, ticket);
	sqlite3_bind_int64 (stmt, 3, article);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_lookup_message_id (MtStore *store, const char *message_id, gint64 *ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_MSGID_LOOKUP, error);

	if (stmt == NULL)
		return FALSE;
	bind_text (stmt, 1, message_id);
	return mt_store_get_int (store, stmt, ticket, error);
}

gboolean
mt_ticket_find_by_blob (MtStore *store, const char *sha256, gint64 *ticket, gint64 *article, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_FIND_BY_BLOB, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	bind_text (stmt, 1, sha256);
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return FALSE;
	*ticket = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
	*article = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
mt_ticket_get_thread_facts (MtStore *store, gint64 id, gboolean *found, MtThreadTicket *facts, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_THREAD_FACTS, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, id);
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return FALSE;
	*found = rc == SQLITE_ROW;
	if (*found) {
		facts->merged_into = sqlite3_column_int64 (stmt, 0);
		facts->closed = sqlite3_column_int (stmt, 1);
		facts->closed_at = sqlite3_column_int64 (stmt, 2);
		facts->grace_days = sqlite3_column_int (stmt, 3);
		facts->reopen_closed = sqlite3_column_int (stmt, 4);
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
	sqlite3_bind_int64 (stmt, 1, id);
	if (!mt_store_get_int (store, stmt, &n, error))
		return FALSE;
	*found = n > 0;
	return TRUE;
}

gboolean
mt_ticket_add_participants (MtStore *store, gint64 ticket, GPtrArray *addresses, GError **error)
{
	for (guint i = 0; addresses && i < addresses->len; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, SQL_PARTICIPANT_ADD, error);

		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_int64 (stmt, 1, ticket);
		bind_text (stmt, 2, g_ptr_array_index (addresses, i));
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_ticket_is_participant (MtStore *store, gint64 ticket, const char *address, gboolean *yes, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_PARTICIPANT_IS, error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	bind_text (stmt, 2, address);
	if (!mt_store_get_int (store, stmt, &n, error))
		return FALSE;
	*yes = n != 0;
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
	sqlite3_bind_int64 (stmt, 1, ticket);
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
	sqlite3_bind_int64 (stmt, 1, ticket);
	bind_text (stmt, 2, status);
	sqlite3_bind_int64 (stmt, 3, now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	return mt_ticket_add_history (store, ticket, who, "status", old, status, now, error);
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
	sqlite3_bind_int64 (stmt, 1, a);
	bind_text (stmt, 2, kind);
	sqlite3_bind_int64 (stmt, 3, b);
	sqlite3_bind_int64 (stmt, 4, now);
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
	sqlite3_bind_int64 (stmt, 1, ticket);
	sqlite3_bind_int64 (stmt, 2, now);
	bind_text (stmt, 3, who);
	bind_text (stmt, 4, field);
	bind_text (stmt, 5, old_value);
	bind_text (stmt, 6, new_value);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_flag (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_FLAG, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_set_personal (MtStore *store, gint64 ticket, const char *who, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_PERSONAL, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
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
	sqlite3_bind_int64 (stmt, 1, ticket);
	sqlite3_bind_int64 (stmt, 2, now);
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
	sqlite3_bind_int64 (stmt, 1, mail->id);
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
	sqlite3_bind_int64 (stmt, 1, id);
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
	if (mail->thread_ids)
		g_ptr_array_unref (mail->thread_ids);
	g_free (mail);
}

static void
stored_article_clear (gpointer data)
{
	MtStoredArticle *a = data;

	g_free (a->blob);
}

GArray *
mt_ticket_stored_articles (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_STORED_ARTICLES, error);
	g_autoptr (GArray) list = g_array_new (FALSE, FALSE, sizeof (MtStoredArticle));
	int rc;

	if (stmt == NULL)
		return NULL;
	g_array_set_clear_func (list, stored_article_clear);
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtStoredArticle a = {
			sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), sqlite3_column_int (stmt, 2),
			column_dup (stmt, 3),           sqlite3_column_int (stmt, 4),   sqlite3_column_int (stmt, 5),
		};
		g_array_append_val (list, a);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE ? g_steal_pointer (&list) : NULL;
}

static gboolean
clear_attachments (MtStore *store, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ATTACHMENTS_CLEAR, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, article);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_rederive_article (MtStore *store, gint64 article, MtMessage *message, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ARTICLE_REDERIVE, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, article);
	bind_message (stmt, message);
	return mt_store_exec_stmt (store, stmt, error) && clear_attachments (store, article, error) &&
	       add_attachments (store, article, message->attachments, error);
}

gboolean
mt_ticket_clear_participants (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_PARTICIPANTS_CLEAR, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_mark_commands (MtStore *store, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_MARK_COMMANDS, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, article);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_mark_new_text (MtStore *store, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_MARK_NEW_TEXT, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, article);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_identity (MtStore *store, gint64 id, char **uuid, char **requester, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_IDENTITY, error);
	int rc;

	*uuid = *requester = NULL;
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, id);
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		*uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
		*requester = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
	}
	sqlite3_reset (stmt);
	return rc != -1;
}

gboolean
mt_ticket_add_cc (MtStore *store, gint64 ticket, const char *address, MtCcSource source, gint64 article, gint64 now,
		  GError **error)
{
	static const char *const sources[] = { "requester", "agent", "proposed" };
	sqlite3_stmt *stmt = mt_store_query (store, SQL_CC_ADD, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, ticket);
	bind_text (stmt, 2, address);
	sqlite3_bind_text (stmt, 3, sources[source], -1, SQLITE_STATIC);
	sqlite3_bind_int64 (stmt, 4, article);
	sqlite3_bind_int64 (stmt, 5, now);
	return mt_store_exec_stmt (store, stmt, error);
}

GPtrArray *
mt_ticket_cc (MtStore *store, gint64 ticket, gboolean proposed, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_CC_LIST, error);

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 1, ticket);
	sqlite3_bind_int (stmt, 2, proposed);
	return mt_store_get_strings (store, stmt, error);
}

gboolean
mt_ticket_article_author (MtStore *store, gint64 article, gint64 *user, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_AUTHOR, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, article);
	return mt_store_get_int (store, stmt, user, error);
}
