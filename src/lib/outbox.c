/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outbox.c - mail waiting to be sent
 * DESCRIPTION
 *	Owns the tables outbox and outbox_recipients. Queuing is an INSERT
 *	in the caller's transaction: the article and the mail it causes
 *	are committed together or not at all. The bytes go to blobs, so
 *	that an email-out article and its outbox row share one copy.
 *
 *	Sending is a claim and a settlement. A claim marks due rows
 *	sending, with the claimer's name and a time when the claim expires;
 *	it happens in the caller's BEGIN IMMEDIATE transaction, which holds
 *	the write lock, so two senders see each other's claims and never
 *	take the same row. A settlement records the attempt and lets the
 *	recipients decide the row's state, in one statement.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/outbox.h"

static const char SQL_INSERT[] =
	"INSERT INTO outbox (ticket, article, kind, message_id, blob, envelope_from, next_attempt, created)"
	" VALUES (nullif(:ticket, 0), nullif(:article, 0), :kind, :message_id, :sha256, :envelope_from, :now, :now)";
static const char SQL_RECIPIENT[] = "INSERT OR IGNORE INTO outbox_recipients (outbox, address) VALUES (:id, :address)";
static const char SQL_FIND[] = "SELECT id FROM outbox WHERE message_id = :message_id ORDER BY id LIMIT 1";
/* Only a recipient the server accepted can bounce: a row never handed
 * to a server, or a recipient still waiting, has nothing to return. */
static const char SQL_BOUNCE_RECIPIENT[] = "UPDATE outbox_recipients SET state = 'failed', reply = :reason"
					   " WHERE outbox = :id AND address = :address AND state = 'sent'";
static const char SQL_BOUNCE_ROW[] =
	"UPDATE outbox SET state = 'failed', last_reply = :reason, done = :now, claimed_by = NULL, claimed_until = NULL"
	" WHERE id = :id AND state <> 'failed'"
	" AND NOT EXISTS (SELECT 1 FROM outbox_recipients WHERE outbox = :id AND state <> 'failed')";
static const char SQL_ARTICLE_OF[] = "SELECT ifnull(article, 0) FROM outbox WHERE id = :id";
static const char SQL_SENT_TO[] =
	"SELECT lower(r.address) FROM outbox o JOIN outbox_recipients r ON r.outbox = o.id"
	" WHERE o.ticket = :ticket GROUP BY lower(r.address) ORDER BY max(o.id) DESC LIMIT :limit";
static const char SQL_COUNT_TO[] = "SELECT count(*) FROM outbox o JOIN outbox_recipients r ON r.outbox = o.id"
				   " WHERE o.kind = :kind AND r.address = :address AND o.created >= :since";

static const char SQL_CLAIM[] =
	"UPDATE outbox SET state = 'sending', claimed_by = :claimer, claimed_until = :until"
	" WHERE id IN (SELECT id FROM outbox"
	"  WHERE (state = 'queued' AND next_attempt <= :now) OR (state = 'sending' AND claimed_until <= :now)"
	"  ORDER BY next_attempt, id LIMIT :limit)"
	" RETURNING id, ifnull(ticket, 0), kind, message_id, blob, envelope_from, attempts, created";
static const char SQL_RENEW[] =
	"UPDATE outbox SET claimed_until = :until WHERE claimed_by = :claimer AND state = 'sending'";
static const char SQL_HOLDS[] =
	"SELECT count(*) FROM outbox WHERE id = :id AND state = 'sending' AND claimed_by = :claimer";
static const char SQL_PENDING[] =
	"SELECT address FROM outbox_recipients WHERE outbox = :id AND state = 'queued' ORDER BY address";
static const char SQL_SET_RECIPIENT[] =
	"UPDATE outbox_recipients SET state = :state, reply = :reply WHERE outbox = :id AND address = :address";
static const char SQL_SETTLE[] =
	"UPDATE outbox SET attempts = attempts + 1, last_reply = coalesce(:reply, last_reply), claimed_by = NULL,"
	" claimed_until = NULL,"
	" state = CASE"
	"  WHEN EXISTS (SELECT 1 FROM outbox_recipients WHERE outbox = :id AND state = 'queued') THEN 'queued'"
	"  WHEN EXISTS (SELECT 1 FROM outbox_recipients WHERE outbox = :id AND state = 'failed') THEN 'failed'"
	"  ELSE 'sent' END,"
	" next_attempt = CASE WHEN EXISTS (SELECT 1 FROM outbox_recipients WHERE outbox = :id AND state = 'queued')"
	"  THEN :next_attempt ELSE next_attempt END,"
	" done = CASE WHEN EXISTS (SELECT 1 FROM outbox_recipients WHERE outbox = :id AND state = 'queued')"
	"  THEN NULL ELSE :now END"
	" WHERE id = :id RETURNING state";
static const char SQL_RETRY_CHECK[] = "SELECT state, ifnull(claimed_until, 0) FROM outbox WHERE id = :id";
static const char SQL_RETRY_RECIPIENTS[] =
	"UPDATE outbox_recipients SET state = 'queued' WHERE outbox = :id AND state = 'failed'";
static const char SQL_RETRY_ROW[] =
	"UPDATE outbox SET state = 'queued', next_attempt = :now, done = NULL, claimed_by = NULL,"
	" claimed_until = NULL WHERE id = :id";

static const char SQL_ERASE_RECIPIENTS[] =
	"DELETE FROM outbox_recipients WHERE outbox IN (SELECT id FROM outbox WHERE ticket = :from)";
static const char SQL_ERASE[] = "DELETE FROM outbox WHERE ticket = :from";
/* Contact forget: mail that went, or was to go, to the address, whose
 * bytes name it; a row has its recipients from the moment it is queued,
 * so one without any is one whose recipients were just deleted. */
static const char SQL_FORGET_RECIPIENTS[] = "DELETE FROM outbox_recipients WHERE outbox IN"
					    " (SELECT outbox FROM outbox_recipients WHERE address = :address)";
static const char SQL_FORGET_ROWS[] = "DELETE FROM outbox WHERE id NOT IN (SELECT outbox FROM outbox_recipients)";

static const char *const outbox_queries[] = {
	SQL_INSERT,
	SQL_RECIPIENT,
	SQL_FIND,
	SQL_BOUNCE_RECIPIENT,
	SQL_BOUNCE_ROW,
	SQL_COUNT_TO,
	SQL_CLAIM,
	SQL_RENEW,
	SQL_HOLDS,
	SQL_PENDING,
	SQL_SET_RECIPIENT,
	SQL_SETTLE,
	SQL_RETRY_CHECK,
	SQL_RETRY_RECIPIENTS,
	SQL_RETRY_ROW,
	SQL_SENT_TO,
	SQL_ERASE_RECIPIENTS,
	SQL_ERASE,
	SQL_FORGET_RECIPIENTS,
	SQL_FORGET_ROWS,
	NULL,
};

static const char *const state_names[] = { "queued", "sending", "sent", "failed" };

const char *const *
mt_outbox_queries (void)
{
	return outbox_queries;
}

static gboolean
add_recipients (MtStore *store, gint64 id, GPtrArray *recipients, GError **error)
{
	for (guint i = 0; i < recipients->len; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, SQL_RECIPIENT, error);

		if (stmt == NULL)
			return FALSE;
		mt_store_bind_int (stmt, ":id", id);
		mt_store_bind_text (stmt, ":address", g_ptr_array_index (recipients, i));
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_outbox_queue (MtStore *store, const MtOutboxNew *m, gint64 *id, GError **error)
{
	g_autofree char *sha256 = NULL;
	sqlite3_stmt *stmt;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (m->raw, &len);

	if (m->recipients == NULL || m->recipients->len == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL, "outbox: a message without recipients");
		return FALSE;
	}
	if (!mt_store_put_blob (store, data, len, &sha256, error) ||
	    !(stmt = mt_store_query (store, SQL_INSERT, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", m->ticket);
	mt_store_bind_int (stmt, ":article", m->article);
	mt_store_bind_text (stmt, ":kind", m->kind);
	mt_store_bind_text (stmt, ":message_id", m->message_id);
	mt_store_bind_text (stmt, ":sha256", sha256);
	mt_store_bind_text (stmt, ":envelope_from", m->envelope_from ? m->envelope_from : "");
	mt_store_bind_int (stmt, ":now", m->now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return add_recipients (store, *id, m->recipients, error);
}

gboolean
mt_outbox_find (MtStore *store, const char *message_id, gint64 *id, GError **error)
{
	return mt_store_get_ints (store, SQL_FIND, MT_BINDS (MT_TEXT (":message_id", message_id)), id, 1, error);
}

gboolean
mt_outbox_bounced (MtStore *store, gint64 id, const char *address, const char *reason, gint64 now, gboolean *failed,
		   GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_BOUNCE_RECIPIENT, error);

	*failed = FALSE;
	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":id", id);
	mt_store_bind_text (stmt, ":address", address);
	mt_store_bind_text (stmt, ":reason", reason);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (sqlite3_changes (mt_store_peek_db (store)) == 0)
		return TRUE;
	*failed = TRUE;
	if (!(stmt = mt_store_query_bound (
		      store, SQL_BOUNCE_ROW,
		      MT_BINDS (MT_INT (":id", id), MT_TEXT (":reason", reason), MT_INT (":now", now)), error)))
		return FALSE;
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_outbox_article (MtStore *store, gint64 id, gint64 *article, GError **error)
{
	return mt_store_get_ints (store, SQL_ARTICLE_OF, MT_BINDS (MT_INT (":id", id)), article, 1, error);
}

GPtrArray *
mt_outbox_sent_to (MtStore *store, gint64 ticket, int limit, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_SENT_TO, MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":limit", limit)), error);

	if (stmt == NULL)
		return NULL;
	return mt_store_get_strings (store, stmt, error);
}

gboolean
mt_outbox_count_to (MtStore *store, const char *kind, const char *address, gint64 since, gint64 *count, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_COUNT_TO,
		MT_BINDS (MT_TEXT (":kind", kind), MT_TEXT (":address", address), MT_INT (":since", since)), error);

	if (stmt == NULL)
		return FALSE;
	return mt_store_get_int (store, stmt, count, error);
}

const char *
mt_outbox_state_name (MtOutboxState state)
{
	return state_names[state];
}

gboolean
mt_outbox_state_parse (const char *name, MtOutboxState *state)
{
	for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (state_names); i++)
		if (strcmp (name, state_names[i]) == 0) {
			*state = (MtOutboxState) i;
			return TRUE;
		}
	return FALSE;
}

void
mt_outbox_item_free (MtOutboxItem *item)
{
	if (item == NULL)
		return;
	g_free (item->kind);
	g_free (item->message_id);
	g_free (item->blob);
	g_free (item->envelope_from);
	g_free (item);
}

static MtOutboxItem *
item_from_row (sqlite3_stmt *stmt)
{
	MtOutboxItem *item = g_new0 (MtOutboxItem, 1);

	item->id = sqlite3_column_int64 (stmt, 0);
	item->ticket = sqlite3_column_int64 (stmt, 1);
	item->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
	item->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
	item->blob = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
	item->envelope_from = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
	item->attempts = sqlite3_column_int64 (stmt, 6);
	item->created = sqlite3_column_int64 (stmt, 7);
	return item;
}

static gint
compare_items (gconstpointer a, gconstpointer b)
{
	const MtOutboxItem *x = *(MtOutboxItem *const *) a;
	const MtOutboxItem *y = *(MtOutboxItem *const *) b;

	return x->id < y->id ? -1 : x->id > y->id;
}

GPtrArray *
mt_outbox_claim (MtStore *store, const char *claimer, gint64 now, gint64 until, int limit, GError **error)
{
	g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_outbox_item_free);
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_CLAIM,
						   MT_BINDS (MT_TEXT (":claimer", claimer), MT_INT (":now", now),
							     MT_INT (":until", until), MT_INT (":limit", limit)),
						   error);
	int rc;

	if (stmt == NULL)
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (items, item_from_row (stmt));
	sqlite3_reset (stmt);
	if (rc < 0)
		return NULL;
	/* RETURNING gives no order; the oldest go first. */
	g_ptr_array_sort (items, compare_items);
	return g_steal_pointer (&items);
}

gboolean
mt_outbox_renew (MtStore *store, const char *claimer, gint64 until, GError **error)
{
	return mt_store_run (store, SQL_RENEW, MT_BINDS (MT_TEXT (":claimer", claimer), MT_INT (":until", until)),
			     error);
}

gboolean
mt_outbox_holds (MtStore *store, gint64 id, const char *claimer, gboolean *held, GError **error)
{
	gint64 n;

	if (!mt_store_get_ints (store, SQL_HOLDS, MT_BINDS (MT_INT (":id", id), MT_TEXT (":claimer", claimer)), &n, 1,
				error))
		return FALSE;
	*held = n > 0;
	return TRUE;
}

GPtrArray *
mt_outbox_pending (MtStore *store, gint64 id, GError **error)
{
	g_autoptr (GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_PENDING, MT_BINDS (MT_INT (":id", id)), error);
	int rc;

	if (stmt == NULL)
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (addresses, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
	sqlite3_reset (stmt);
	if (rc < 0)
		return NULL;
	return g_steal_pointer (&addresses);
}

gboolean
mt_outbox_set_recipient (MtStore *store, gint64 id, const char *address, MtOutboxState state, const char *reply,
			 GError **error)
{
	return mt_store_run (store, SQL_SET_RECIPIENT,
			     MT_BINDS (MT_INT (":id", id), MT_TEXT (":address", address),
				       MT_TEXT (":state", mt_outbox_state_name (state)), MT_TEXT (":reply", reply)),
			     error);
}

gboolean
mt_outbox_settle (MtStore *store, gint64 id, const char *last_reply, gint64 now, gint64 next_attempt,
		  MtOutboxState *state, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_SETTLE,
				      MT_BINDS (MT_INT (":id", id), MT_TEXT (":reply", last_reply),
						MT_INT (":now", now), MT_INT (":next_attempt", next_attempt)),
				      error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return FALSE;
	if (rc == SQLITE_DONE || !mt_outbox_state_parse ((const char *) sqlite3_column_text (stmt, 0), state)) {
		sqlite3_reset (stmt);
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no outbox row %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	sqlite3_reset (stmt);
	return TRUE;
}

/* Whether row id may be retried: MT_ERROR_NOT_FOUND or USAGE if not. */
static gboolean
check_retry (MtStore *store, gint64 id, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_RETRY_CHECK, MT_BINDS (MT_INT (":id", id)), error);
	MtOutboxState state = MT_OUTBOX_QUEUED;
	gint64 claimed_until;
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) < 0)
		return FALSE;
	if (rc == SQLITE_DONE) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no outbox message %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	mt_outbox_state_parse ((const char *) sqlite3_column_text (stmt, 0), &state);
	claimed_until = sqlite3_column_int64 (stmt, 1);
	sqlite3_reset (stmt);
	if (state == MT_OUTBOX_SENT) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "outbox message %" G_GINT64_FORMAT " was sent", id);
		return FALSE;
	}
	if (state == MT_OUTBOX_SENDING && claimed_until > now) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "outbox message %" G_GINT64_FORMAT " is being sent; try again later", id);
		return FALSE;
	}
	return TRUE;
}

gboolean
mt_outbox_retry (MtStore *store, gint64 id, gint64 now, GError **error)
{
	sqlite3_stmt *stmt;

	if (!check_retry (store, id, now, error) || !(stmt = mt_store_query (store, SQL_RETRY_RECIPIENTS, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":id", id);
	if (!mt_store_exec_stmt (store, stmt, error) || !(stmt = mt_store_query (store, SQL_RETRY_ROW, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":id", id);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_outbox_erase (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_ERASE_RECIPIENTS, SQL_ERASE };

	return mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_outbox_forget_address (MtStore *store, const char *address, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_RECIPIENTS, SQL_FORGET_ROWS };

	for (gsize i = 0; i < G_N_ELEMENTS (forget); i++) {
		sqlite3_stmt *stmt = mt_store_query (store, forget[i], error);

		if (stmt == NULL)
			return FALSE;
		if (sqlite3_bind_parameter_index (stmt, ":address") > 0)
			mt_store_bind_text (stmt, ":address", address);
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}
