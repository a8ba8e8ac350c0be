/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	directory.c - queues
 * DESCRIPTION
 *	Owns the table queues. Mail is for a queue: the one whose address
 *	is the recipient with its +extension removed. The default queue
 *	comes from [mail] queue and address, and is made the first time it
 *	is needed; every other queue is the admin's (mailticket queue add).
 *	Mail never makes a queue: a recipient that names none, or no
 *	address at all, is the default queue's, since a header of the mail
 *	or a wrong transport map must not choose the address that mail is
 *	then sent from.
 */
#include <string.h>

#include "mailticket/directory.h"
#include "mailticket/error.h"

static const char SQL_QUEUE_BY_ADDRESS[] = "SELECT id FROM queues WHERE address = :address";
static const char SQL_QUEUE_BY_NAME[] = "SELECT id FROM queues WHERE name = :name";
static const char SQL_QUEUE_INSERT[] = "INSERT INTO queues (name, address, created) VALUES (:name, :address, :now)";
static const char SQL_QUEUE_ADD[] =
	"INSERT INTO queues (name, address, sla_minutes, owner, created, grp)"
	" VALUES (:name, lower(:address), nullif(:sla, 0), nullif(:owner, 0), :now, nullif(:grp, 0))";
static const char SQL_QUEUE_UPDATE[] =
	"UPDATE queues SET address = lower(:address), sla_minutes = coalesce(nullif(:sla, 0), sla_minutes),"
	" owner = coalesce(nullif(:owner, 0), owner), grp = coalesce(nullif(:grp, 0), grp) WHERE id = :id";
static const char SQL_FORGET_GROUP[] = "UPDATE queues SET grp = NULL WHERE grp = :from";
static const char SQL_FORGET_OWNER[] = "UPDATE queues SET owner = NULL WHERE owner = :from";
static const char SQL_QUEUE_RM[] = "DELETE FROM queues WHERE id = :from";
#define QUEUE_ROWS                                                                                         \
	" SELECT q.name, q.address, q.sla_minutes, u.login AS owner,"                                      \
	" (SELECT count(*) FROM tickets t WHERE t.queue = q.id AND t.status NOT IN ('resolved', 'closed')" \
	"  AND t.merged_into IS NULL) AS active, g.name AS grp"                                            \
	" FROM queues q LEFT JOIN users u ON u.id = q.owner LEFT JOIN groups g ON g.id = q.grp ORDER BY q.name"
static const char SQL_QUEUES[] = QUEUE_ROWS;
static const char SQL_QUEUES_JSON[] =
	"SELECT coalesce(json_group_array(json_object('name', name, 'address', address, 'sla_minutes', sla_minutes,"
	" 'owner', owner, 'group', grp, 'active', active)), '[]') FROM (" QUEUE_ROWS ")";

static const char *const directory_queries[] = {
	SQL_QUEUE_BY_ADDRESS,
	SQL_QUEUE_BY_NAME,
	SQL_QUEUE_INSERT,
	SQL_QUEUE_ADD,
	SQL_QUEUE_UPDATE,
	SQL_QUEUES,
	SQL_QUEUES_JSON,
	SQL_FORGET_GROUP,
	SQL_QUEUE_RM,
	SQL_FORGET_OWNER,
	NULL,
};

const char *const *
mt_directory_queries (void)
{
	return directory_queries;
}

static gboolean
insert_queue (MtStore *store, const char *name, const char *address, gint64 now, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_QUEUE_INSERT,
		MT_BINDS (MT_TEXT (":name", name), MT_TEXT (":address", address), MT_INT (":now", now)), error);

	if (stmt == NULL)
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return TRUE;
}

/* "support+42.abc@Example.ORG" -> "support@example.org" */
static char *
base_address (const char *address, const char *delimiters)
{
	g_autofree char *lower = g_ascii_strdown (address, -1);
	char *at = strrchr (lower, '@');
	char *plus = lower + strcspn (lower, delimiters);

	if (*plus != '\0' && (at == NULL || plus < at))
		memmove (plus, at ? at : "", at ? strlen (at) + 1 : 1);
	return g_steal_pointer (&lower);
}

gboolean
mt_directory_queue_lookup (MtStore *store, const MtConfig *config, const char *recipient, gint64 *queue, GError **error)
{
	g_autofree char *address = NULL;

	*queue = 0;
	if (recipient == NULL || *recipient == '\0')
		return mt_store_get_id (store, SQL_QUEUE_BY_NAME, config->queue, queue, error);
	address = base_address (recipient, config->delimiters);
	return mt_store_get_id (store, SQL_QUEUE_BY_ADDRESS, address, queue, error);
}

static gboolean
default_queue (MtStore *store, const MtConfig *config, gint64 now, gint64 *queue, GError **error)
{
	g_autofree char *address = g_ascii_strdown (config->address, -1);

	if (!mt_store_get_id (store, SQL_QUEUE_BY_NAME, config->queue, queue, error))
		return FALSE;
	if (*queue == 0 && !mt_store_get_id (store, SQL_QUEUE_BY_ADDRESS, address, queue, error))
		return FALSE;
	if (*queue != 0)
		return TRUE;
	return insert_queue (store, config->queue, address, now, queue, error);
}

gboolean
mt_directory_is_ours (MtStore *store, const MtConfig *config, const char *address, gboolean *ours, GError **error)
{
	g_autofree char *base = base_address (address, config->delimiters);
	gint64 queue = 0;

	*ours = g_ascii_strcasecmp (base, config->address) == 0;
	if (*ours || *base == '\0')
		return TRUE;
	if (!mt_store_get_id (store, SQL_QUEUE_BY_ADDRESS, base, &queue, error))
		return FALSE;
	*ours = queue != 0;
	return TRUE;
}

gboolean
mt_directory_queue_for (MtStore *store, const MtConfig *config, const char *recipient, gint64 now, gint64 *queue,
			GError **error)
{
	*queue = 0;
	if (recipient != NULL && *recipient != '\0' &&
	    !mt_directory_queue_lookup (store, config, recipient, queue, error))
		return FALSE;
	if (*queue != 0)
		return TRUE;
	return default_queue (store, config, now, queue, error);
}

gboolean
mt_directory_queue_named (MtStore *store, const MtConfig *config, const char *name, gint64 now, gint64 *queue,
			  GError **error)
{
	if (name == NULL || strcmp (name, config->queue) == 0)
		return mt_directory_queue_for (store, config, NULL, now, queue, error);
	if (!mt_store_get_id (store, SQL_QUEUE_BY_NAME, name, queue, error))
		return FALSE;
	if (*queue == 0)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no queue named '%s'", name);
	return *queue != 0;
}

gboolean
mt_directory_queue_add (MtStore *store, const MtConfig *config, const MtQueueNew *q, gint64 *id, GError **error)
{
	sqlite3_stmt *stmt;

	if (!mt_store_get_id (store, SQL_QUEUE_BY_NAME, q->name, id, error))
		return FALSE;
	if (*id == 0 && !mt_store_get_id (store, SQL_QUEUE_BY_ADDRESS, q->address, id, error))
		return FALSE;
	if (!(stmt = mt_store_query (store, *id ? SQL_QUEUE_UPDATE : SQL_QUEUE_ADD, error)))
		return FALSE;
	mt_store_bind_text (stmt, ":address", q->address);
	mt_store_bind_int (stmt, ":sla", q->sla_minutes);
	mt_store_bind_int (stmt, ":owner", q->owner);
	mt_store_bind_int (stmt, ":grp", q->grp);
	if (*id) {
		/* An existing queue (the default one, made on first use, say) takes the settings. */
		mt_store_bind_int (stmt, ":id", *id);
		return mt_store_exec_stmt (store, stmt, error);
	}
	mt_store_bind_text (stmt, ":name", q->name);
	mt_store_bind_int (stmt, ":now", q->now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id = mt_store_last_id (store);
	return TRUE;
}

gboolean
mt_directory_queues (MtStore *store, MtQueueFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_QUEUES, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtQueueRow row = {
			(const char *) sqlite3_column_text (stmt, 0),
			(const char *) sqlite3_column_text (stmt, 1),
			sqlite3_column_int64 (stmt, 2),
			(const char *) sqlite3_column_text (stmt, 3),
			sqlite3_column_int64 (stmt, 4),
			(const char *) sqlite3_column_text (stmt, 5),
		};
		func (&row, data);
	}
	return rc != -1;
}

char *
mt_directory_queues_json (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_QUEUES_JSON, error);

	if (stmt == NULL || mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
mt_directory_forget_group (MtStore *store, gint64 group, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_GROUP };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), group, 0, error);
}

gboolean
mt_directory_queue_remove (MtStore *store, gint64 queue, GError **error)
{
	static const char *const rm[] = { SQL_QUEUE_RM };

	return mt_store_move (store, rm, G_N_ELEMENTS (rm), queue, 0, error);
}

gboolean
mt_directory_forget_owner (MtStore *store, gint64 user, GError **error)
{
	static const char *const forget[] = { SQL_FORGET_OWNER };

	return mt_store_move (store, forget, G_N_ELEMENTS (forget), user, 0, error);
}
