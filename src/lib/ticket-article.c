/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket-article.c - a ticket's articles, attachments, message ids,
 *	participants and the conversation's Cc
 * DESCRIPTION
 *	Owns the tables articles, attachments, message_ids, participants
 *	and conversation_cc: what mail brings to a ticket, the other half
 *	of the ticket module (ticket.h). Callers hold the transaction.
 */
#include "mailticket/search.h"
#include "mailticket/ticket.h"

static const char SQL_ARTICLE_INSERT[] =
	"INSERT INTO articles (ticket, kind, internal, from_addr, \"from\", \"to\", cc, reply_to, subject,"
	" date, message_id, text, blob, size, envelope_from, envelope_to, via, automatic, warnings, created,"
	" author, not_indexed)"
	" VALUES (:ticket, :kind, :internal, :from_addr, :from, :to, :cc, :reply_to, :subject, nullif(:date, 0),"
	"         :message_id, :text, :blob, :size, :envelope_from, :envelope_to, :via, :automatic, :warnings,"
	"         :created, nullif(:author, 0), :not_indexed)";
static const char SQL_ATTACHMENT_INSERT[] = "INSERT INTO attachments (article, position, name, type, size, part)"
					    " VALUES (:article, :position, :name, :type, :size, :part)";
/* A referenced id becomes a real one when its message comes or is sent;
 * never the other way round. */
static const char SQL_MSGID_INSERT[] =
	"INSERT INTO message_ids (message_id, ticket, article, referenced_only) VALUES (:message_id, :ticket, "
	"nullif(:article, 0),"
	" :referenced)"
	" ON CONFLICT (message_id) DO UPDATE SET article = coalesce(message_ids.article, excluded.article),"
	" referenced_only = message_ids.referenced_only AND excluded.referenced_only"
	" WHERE (message_ids.article IS NULL AND excluded.article IS NOT NULL)"
	" OR (message_ids.referenced_only AND NOT excluded.referenced_only)";
static const char SQL_MSGID_LOOKUP[] = "SELECT ticket, referenced_only FROM message_ids WHERE message_id = :message_id";
static const char SQL_FIND_BY_BLOB[] =
	"SELECT ticket, id FROM articles WHERE blob = :blob AND kind = 'email-in' ORDER BY id LIMIT 1";
static const char SQL_PARTICIPANT_ADD[] =
	"INSERT OR IGNORE INTO participants (ticket, address) VALUES (:ticket, :address)";
static const char SQL_PARTICIPANTS_WITHIN[] =
	"SELECT NOT EXISTS (SELECT 1 FROM participants p WHERE p.ticket = :ticket"
	" AND lower(p.address) NOT IN (SELECT lower(address) FROM participants WHERE ticket = :into))";
static const char SQL_PARTICIPANT_IS[] =
	"SELECT EXISTS (SELECT 1 FROM participants WHERE ticket = :ticket AND address = :address)"
	" OR EXISTS (SELECT 1 FROM tickets t JOIN contacts c ON c.id = t.requester"
	"            WHERE t.id = :ticket AND c.address = :address)"
	" OR EXISTS (SELECT 1 FROM users u JOIN tickets t ON t.id = :ticket"
	"            WHERE u.email = :address AND u.id IN (t.owner, t.creator))"
	" OR EXISTS (SELECT 1 FROM users u JOIN watchers w ON w.ticket = :ticket WHERE u.email = :address"
	"            AND (w.user = u.id OR w.grp IN (SELECT grp FROM group_members"
	"                                            WHERE user = u.id)))";
static const char SQL_STORED_ARTICLES[] =
	"SELECT id, ticket, kind = 'email-in', blob, commands, new_text FROM articles"
	" WHERE blob IS NOT NULL AND kind IN ('email-in', 'email-out') ORDER BY ticket, id";
static const char SQL_ARTICLE_REDERIVE[] =
	"UPDATE articles SET from_addr = :from_addr, \"from\" = :from, \"to\" = :to, cc = :cc, reply_to = :reply_to,"
	" subject = :subject, date = nullif(:date, 0), message_id = :message_id, text = :text, warnings = :warnings,"
	" not_indexed = :not_indexed WHERE id = :article";
static const char SQL_ATTACHMENTS_CLEAR[] = "DELETE FROM attachments WHERE article = :article";
static const char SQL_PARTICIPANTS_CLEAR[] = "DELETE FROM participants WHERE ticket = :ticket";
static const char SQL_MARK_COMMANDS[] = "UPDATE articles SET commands = 1 WHERE id = :article";
static const char SQL_MARK_NEW_TEXT[] = "UPDATE articles SET new_text = 1 WHERE id = :article";
static const char SQL_AUTHOR[] = "SELECT ifnull(author, 0) FROM articles WHERE id = :article";
static const char SQL_CC_ADD[] =
	"INSERT INTO conversation_cc (ticket, address, source, article, created) VALUES (:ticket, lower(:address), "
	":source,"
	" nullif(:article, 0), :now)"
	" ON CONFLICT (ticket, address) DO UPDATE SET source = excluded.source, article = excluded.article"
	" WHERE conversation_cc.source = 'proposed' AND excluded.source <> 'proposed'";
static const char SQL_CC_LIST[] = "SELECT address FROM conversation_cc WHERE ticket = :ticket"
				  " AND (source = 'proposed') = :proposed ORDER BY created, address";

static const char SQL_MOVE_ARTICLES[] = "UPDATE articles SET ticket = :into WHERE ticket = :from";
static const char SQL_MOVE_IDS[] = "UPDATE message_ids SET ticket = :into WHERE ticket = :from";
static const char SQL_MOVE_PARTICIPANTS[] = "INSERT OR IGNORE INTO participants (ticket, address) SELECT :into, "
					    "address FROM participants WHERE ticket = :from";
static const char SQL_MOVE_CC[] =
	"INSERT OR IGNORE INTO conversation_cc (ticket, address, source, article, created)"
	" SELECT :into, address, source, article, created FROM conversation_cc WHERE ticket = :from";
static const char SQL_MOVE_CC_RM[] = "DELETE FROM conversation_cc WHERE ticket = :from AND :into IS NOT NULL";
/* Erasure (mt_ticket_erase_articles): the rows that point at an article first. */
static const char SQL_ERASE_ATTACHMENTS[] =
	"DELETE FROM attachments WHERE article IN (SELECT id FROM articles WHERE ticket = :from)";
static const char SQL_ERASE_IDS[] = "DELETE FROM message_ids WHERE ticket = :from";
static const char SQL_ERASE_PARTICIPANTS[] = "DELETE FROM participants WHERE ticket = :from";
static const char SQL_ERASE_CC[] = "DELETE FROM conversation_cc WHERE ticket = :from";
static const char SQL_ERASE_ARTICLES[] = "DELETE FROM articles WHERE ticket = :from";
static const char SQL_FORGET_AUTHOR[] = "UPDATE articles SET author = NULL WHERE author = :from";

static const char *const article_queries[] = {
	SQL_ARTICLE_INSERT,
	SQL_ATTACHMENT_INSERT,
	SQL_MSGID_INSERT,
	SQL_MSGID_LOOKUP,
	SQL_FIND_BY_BLOB,
	SQL_PARTICIPANT_ADD,
	SQL_PARTICIPANT_IS,
	SQL_PARTICIPANTS_WITHIN,
	SQL_STORED_ARTICLES,
	SQL_ARTICLE_REDERIVE,
	SQL_ATTACHMENTS_CLEAR,
	SQL_PARTICIPANTS_CLEAR,
	SQL_MARK_COMMANDS,
	SQL_MARK_NEW_TEXT,
	SQL_AUTHOR,
	SQL_CC_ADD,
	SQL_CC_LIST,
	SQL_MOVE_ARTICLES,
	SQL_MOVE_IDS,
	SQL_MOVE_PARTICIPANTS,
	SQL_MOVE_CC,
	SQL_MOVE_CC_RM,
	SQL_ERASE_ATTACHMENTS,
	SQL_ERASE_IDS,
	SQL_ERASE_PARTICIPANTS,
	SQL_ERASE_CC,
	SQL_ERASE_ARTICLES,
	SQL_FORGET_AUTHOR,
	NULL,
};

const char *const *
mt_ticket_article_queries (void)
{
	return article_queries;
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *) sqlite3_column_text (stmt, i);

	return text ? g_strdup (text) : NULL;
}

static void
bind_message (sqlite3_stmt *stmt, MtMessage *m)
{
	mt_store_bind_text (stmt, ":from_addr", m->from_addr);
	mt_store_bind_text (stmt, ":from", m->from);
	mt_store_bind_text (stmt, ":to", m->to);
	mt_store_bind_text (stmt, ":cc", m->cc);
	mt_store_bind_text (stmt, ":reply_to", m->reply_to);
	mt_store_bind_text (stmt, ":subject", m->subject);
	mt_store_bind_int (stmt, ":date", m->date);
	mt_store_bind_text (stmt, ":message_id", m->message_id);
	mt_store_bind_text (stmt, ":text", m->text);
	mt_store_bind_int (stmt, ":warnings", m->warnings);
	mt_store_bind_text (stmt, ":not_indexed", m->not_indexed);
}

static gboolean
add_attachments (MtStore *store, gint64 article, GPtrArray *attachments, GError **error)
{
	for (guint i = 0; attachments && i < attachments->len; i++) {
		MtAttachment *a = g_ptr_array_index (attachments, i);

		if (!mt_store_run (store, SQL_ATTACHMENT_INSERT,
				   MT_BINDS (MT_INT (":article", article), MT_INT (":position", i + 1),
					     MT_TEXT (":name", a->name), MT_TEXT (":type", a->type),
					     MT_INT (":size", a->size), MT_TEXT (":part", a->part)),
				   error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_ticket_add_article (MtStore *store, gint64 ticket, const MtArticleNew *a, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_ARTICLE_INSERT,
		MT_BINDS (MT_INT (":ticket", ticket), MT_TEXT (":kind", a->kind), MT_INT (":internal", a->internal),
			  MT_TEXT (":blob", a->blob), MT_INT (":size", a->size),
			  MT_TEXT (":envelope_from", a->envelope_from), MT_TEXT (":envelope_to", a->envelope_to),
			  MT_TEXT (":via", a->via), MT_INT (":automatic", a->automatic), MT_INT (":created", a->now),
			  MT_INT (":author", a->author)),
		error);

	if (stmt == NULL)
		return FALSE;
	if (a->message != NULL) {
		bind_message (stmt, a->message);
	} else {
		mt_store_bind_text (stmt, ":text", a->text ? a->text : "");
		mt_store_bind_int (stmt, ":warnings", 0);
	}
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	/* Before the attachments: those of an indexed article are indexed as they come. */
	if (!mt_search_index_now (store, error))
		return FALSE;
	if (a->message != NULL && !add_attachments (store, *id, a->message->attachments, error))
		return FALSE;
	return mt_ticket_touch (store, ticket, a->now, error);
}

static gboolean
note_id (MtStore *store, const char *message_id, gint64 ticket, gint64 article, gboolean referenced, GError **error)
{
	return mt_store_run (store, SQL_MSGID_INSERT,
			     MT_BINDS (MT_TEXT (":message_id", message_id), MT_INT (":ticket", ticket),
				       MT_INT (":article", article), MT_INT (":referenced", referenced)),
			     error);
}

gboolean
mt_ticket_note_message_id (MtStore *store, const char *message_id, gint64 ticket, gint64 article, GError **error)
{
	return note_id (store, message_id, ticket, article, FALSE, error);
}

gboolean
mt_ticket_note_reference (MtStore *store, const char *message_id, gint64 ticket, GError **error)
{
	return note_id (store, message_id, ticket, 0, TRUE, error);
}

gboolean
mt_ticket_lookup_message_id (MtStore *store, const char *message_id, gint64 *ticket, gboolean *referenced,
			     GError **error)
{
	gint64 row[2];

	if (!mt_store_get_ints (store, SQL_MSGID_LOOKUP, MT_BINDS (MT_TEXT (":message_id", message_id)), row, 2, error))
		return FALSE;
	*ticket = row[0];
	*referenced = row[1] != 0;
	return TRUE;
}

gboolean
mt_ticket_find_by_blob (MtStore *store, const char *sha256, gint64 *ticket, gint64 *article, GError **error)
{
	gint64 row[2];

	if (!mt_store_get_ints (store, SQL_FIND_BY_BLOB, MT_BINDS (MT_TEXT (":blob", sha256)), row, 2, error))
		return FALSE;
	*ticket = row[0];
	*article = row[1];
	return TRUE;
}

gboolean
mt_ticket_add_participants (MtStore *store, gint64 ticket, GPtrArray *addresses, GError **error)
{
	for (guint i = 0; addresses && i < addresses->len; i++)
		if (!mt_store_run (store, SQL_PARTICIPANT_ADD,
				   MT_BINDS (MT_INT (":ticket", ticket),
					     MT_TEXT (":address", g_ptr_array_index (addresses, i))),
				   error))
			return FALSE;
	return TRUE;
}

gboolean
mt_ticket_is_participant (MtStore *store, gint64 ticket, const char *address, gboolean *yes, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_PARTICIPANT_IS, MT_BINDS (MT_INT (":ticket", ticket), MT_TEXT (":address", address)), error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	if (!mt_store_get_int (store, stmt, &n, error))
		return FALSE;
	*yes = n != 0;
	return TRUE;
}

gboolean
mt_ticket_participants_within (MtStore *store, gint64 ticket, gint64 into, gboolean *yes, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_PARTICIPANTS_WITHIN, MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":into", into)), error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	if (!mt_store_get_int (store, stmt, &n, error))
		return FALSE;
	*yes = n != 0;
	return TRUE;
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
	return mt_store_run (store, SQL_ATTACHMENTS_CLEAR, MT_BINDS (MT_INT (":article", article)), error);
}

gboolean
mt_ticket_rederive_article (MtStore *store, gint64 article, MtMessage *message, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_ARTICLE_REDERIVE, MT_BINDS (MT_INT (":article", article)), error);

	if (stmt == NULL)
		return FALSE;
	bind_message (stmt, message);
	return mt_store_exec_stmt (store, stmt, error) && clear_attachments (store, article, error) &&
	       add_attachments (store, article, message->attachments, error);
}

gboolean
mt_ticket_clear_participants (MtStore *store, gint64 ticket, GError **error)
{
	return mt_store_run (store, SQL_PARTICIPANTS_CLEAR, MT_BINDS (MT_INT (":ticket", ticket)), error);
}

gboolean
mt_ticket_mark_commands (MtStore *store, gint64 article, GError **error)
{
	return mt_store_run (store, SQL_MARK_COMMANDS, MT_BINDS (MT_INT (":article", article)), error);
}

gboolean
mt_ticket_mark_new_text (MtStore *store, gint64 article, GError **error)
{
	return mt_store_run (store, SQL_MARK_NEW_TEXT, MT_BINDS (MT_INT (":article", article)), error);
}

gboolean
mt_ticket_add_cc (MtStore *store, gint64 ticket, const char *address, MtCcSource source, gint64 article, gint64 now,
		  GError **error)
{
	static const char *const sources[] = { "requester", "agent", "proposed" };
	return mt_store_run (store, SQL_CC_ADD,
			     MT_BINDS (MT_INT (":ticket", ticket), MT_TEXT (":address", address),
				       MT_TEXT (":source", sources[source]), MT_INT (":article", article),
				       MT_INT (":now", now)),
			     error);
}

GPtrArray *
mt_ticket_cc (MtStore *store, gint64 ticket, gboolean proposed, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_CC_LIST, MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":proposed", proposed)), error);

	if (stmt == NULL)
		return NULL;
	return mt_store_get_strings (store, stmt, error);
}

gboolean
mt_ticket_article_author (MtStore *store, gint64 article, gint64 *user, GError **error)
{
	return mt_store_get_ints (store, SQL_AUTHOR, MT_BINDS (MT_INT (":article", article)), user, 1, error);
}

gboolean
mt_ticket_move_articles (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_MOVE_ARTICLES, SQL_MOVE_IDS, SQL_MOVE_PARTICIPANTS, SQL_MOVE_CC,
					     SQL_MOVE_CC_RM };

	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error);
}

gboolean
mt_ticket_erase_articles (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_ERASE_ATTACHMENTS, SQL_ERASE_IDS, SQL_ERASE_PARTICIPANTS, SQL_ERASE_CC,
					     SQL_ERASE_ARTICLES };

	return mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_ticket_forget_author (MtStore *store, gint64 user, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_AUTHOR };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), user, 0, error);
}
