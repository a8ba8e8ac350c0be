/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	erase.c - deleting tickets for good
 * DESCRIPTION
 *	See erase.h. The order of the deletes follows the foreign keys:
 *	what points at an article (outgoing mail, message ids,
 *	attachments, Cc) before the articles, everything before the
 *	ticket's row. A ticket merged into the one erased is a closed shell
 *	of it and goes with it.
 */
#include "mailticket/alarm.h"
#include "mailticket/change.h"
#include "mailticket/customer.h"
#include "mailticket/directory.h"
#include "mailticket/erase.h"
#include "mailticket/error.h"
#include "mailticket/outbox.h"
#include "mailticket/people.h"
#include "mailticket/quarantine.h"
#include "mailticket/search.h"
#include "mailticket/ticket.h"
#include "mailticket/work.h"

static gboolean
erase_one (MtStore *store, gint64 ticket, GError **error)
{
	g_autoptr (GArray) merged = mt_ticket_merged_from (store, ticket, error);

	if (merged == NULL)
		return FALSE;
	for (guint i = 0; i < merged->len; i++)
		if (!erase_one (store, g_array_index (merged, gint64, i), error))
			return FALSE;
	return mt_outbox_erase (store, ticket, error) && mt_work_erase (store, ticket, error) &&
	       mt_alarm_erase (store, ticket, error) && mt_people_erase_watchers (store, ticket, error) &&
	       mt_change_erase_tags (store, ticket, error) && mt_ticket_erase_articles (store, ticket, error) &&
	       mt_ticket_erase_merges (store, ticket, error) && mt_ticket_erase (store, ticket, error);
}

static gboolean
may_erase (MtStore *store, gint64 ticket, gboolean force, GError **error)
{
	g_autofree char *status = mt_ticket_get_status (store, ticket, error);

	if (status == NULL)
		return FALSE;
	if (force || g_strcmp0 (status, "closed") == 0)
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
		     "ticket %" G_GINT64_FORMAT " is %s, not closed: --force erases it", ticket, status);
	return FALSE;
}

gboolean
mt_erase_tickets (MtStore *store, GArray *ids, gboolean force, GError **error)
{
	for (guint i = 0; i < ids->len; i++)
		if (!may_erase (store, g_array_index (ids, gint64, i), force, error))
			return FALSE;
	for (guint i = 0; i < ids->len; i++)
		if (!erase_one (store, g_array_index (ids, gint64, i), error))
			return FALSE;
	return mt_store_drop_unused_blobs (store, error) && mt_search_optimize (store, error);
}

gboolean
mt_erase_prepare (MtStore *store, GError **error)
{
	return mt_store_secure_delete (store, error);
}

gboolean
mt_erase_scrub (MtStore *store, GError **error)
{
	return mt_store_scrub_wal (store, error);
}

typedef struct {
	gint64 before;
	guint erased; /* in this transaction */
} Purge;

static gboolean
purge_batch (MtStore *store, gpointer data, GError **error)
{
	Purge *p = data;
	g_autoptr (GArray) ids = mt_ticket_closed_before (store, p->before, error);

	if (ids == NULL)
		return FALSE;
	p->erased = ids->len;
	return ids->len == 0 || mt_erase_tickets (store, ids, TRUE, error);
}

gboolean
mt_erase_purge (MtStore *store, gint64 keep, gint64 now, guint *purged, GError **error)
{
	Purge p = { now - keep, 0 };

	*purged = 0;
	if (keep <= 0)
		return TRUE;
	if (!mt_erase_prepare (store, error))
		return FALSE;
	do {
		if (!mt_store_transaction (store, purge_batch, &p, error))
			return FALSE;
		*purged += p.erased;
	} while (p.erased > 0);
	if (*purged > 0)
		g_message ("retention: erased tickets=%u closed before=%" G_GINT64_FORMAT, *purged, p.before);
	return *purged == 0 || mt_erase_scrub (store, error);
}

gboolean
mt_erase_group (MtStore *store, const char *name, GError **error)
{
	gint64 id = 0;

	if (!mt_people_group_find (store, name, &id, error))
		return FALSE;
	if (id == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no group named '%s'", name);
		return FALSE;
	}
	return mt_alarm_forget_group (store, id, error) && mt_directory_forget_group (store, id, error) &&
	       mt_people_group_remove (store, id, error);
}

gboolean
mt_erase_queue (MtStore *store, const MtConfig *config, const char *name, const char *move_to, GError **error)
{
	gint64 id = 0, into = 0, count = 0;

	if (!mt_directory_queue_named (store, config, name, 0, &id, error) ||
	    (move_to != NULL && !mt_directory_queue_named (store, config, move_to, 0, &into, error)) ||
	    !mt_ticket_count_in_queue (store, id, &count, error))
		return FALSE;
	if (into == id) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "queue rm: --move-to names the queue removed");
		return FALSE;
	}
	if (count > 0 && into == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "queue %s has %" G_GINT64_FORMAT " tickets: --move-to QUEUE moves them first", name,
			     count);
		return FALSE;
	}
	return (count == 0 || mt_ticket_move_queue (store, id, into, error)) &&
	       mt_directory_queue_remove (store, id, error);
}

gboolean
mt_erase_user (MtStore *store, const char *login, GError **error)
{
	gint64 id = 0, approvals = 0;

	if (!mt_people_user_find (store, login, &id, error))
		return FALSE;
	if (id == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user named '%s'", login);
		return FALSE;
	}
	if (!mt_work_forget_user (store, id, &approvals, error))
		return FALSE;
	if (approvals > 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "user %s is the approver of %" G_GINT64_FORMAT " approvals", login, approvals);
		return FALSE;
	}
	return mt_ticket_forget_user (store, id, error) && mt_ticket_forget_author (store, id, error) &&
	       mt_directory_forget_owner (store, id, error) && mt_alarm_forget_user (store, id, error) &&
	       mt_people_user_remove (store, id, error);
}

gboolean
mt_erase_contact (MtStore *store, const char *address, gboolean force, const char *who, gint64 now, MtErased *erased,
		  GError **error)
{
	g_autoptr (GArray) whole = NULL;
	gboolean known = FALSE;

	if (!mt_ticket_forget_known (store, address, &known, error))
		return FALSE;
	if (!known) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no contact, mail or ticket names %s", address);
		return FALSE;
	}
	if ((whole = mt_ticket_forget_whole (store, address, error)) == NULL ||
	    (whole->len > 0 && !mt_erase_tickets (store, whole, force, error)))
		return FALSE;
	erased->tickets = whole->len;
	return mt_ticket_forget_sender (store, address, who, now, &erased->articles, error) &&
	       mt_people_forget_address (store, address, error) && mt_outbox_forget_address (store, address, error) &&
	       mt_quarantine_forget_sender (store, address, error) &&
	       mt_customer_contact_forget (store, address, error) && mt_store_drop_unused_blobs (store, error) &&
	       mt_search_optimize (store, error);
}
