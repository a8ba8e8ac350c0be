/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	erase.h - deleting tickets for good: by hand, and by age
 * DESCRIPTION
 *	An erasure asks every module that owns a row of the ticket to
 *	delete it (articles, attachments, message ids, participants, Cc,
 *	tags, watchers, tasks, time, approvals, alarms, outgoing mail,
 *	links, history), then drops the raw messages nothing uses any more
 *	and rewrites the search index, all in one transaction with SQLite's
 *	secure_delete on, so that the freed pages are zeros. Once committed,
 *	mt_erase_scrub() empties the write-ahead log, which still held the
 *	old pages. What is left is a line in the log that an erasure took
 *	place, never what it erased.
 */
#ifndef MT_ERASE_H
#define MT_ERASE_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

/* Erases each ticket of ids (an array of gint64) with the tickets merged
 * into it, in the caller's transaction (begun after
 * mt_erase_prepare()). Without force a ticket that is not closed is
 * refused (MT_ERROR_USAGE); an unknown one is MT_ERROR_NOT_FOUND. */
gboolean mt_erase_tickets (MtStore *store, GArray *ids, gboolean force, GError **error);

/* Retention: erases the tickets closed longer ago than keep seconds
 * before now, in transactions of 100 tickets, and scrubs the WAL once;
 * *purged counts them. keep 0 erases nothing. */
gboolean mt_erase_purge (MtStore *store, gint64 keep, gint64 now, guint *purged, GError **error);

/* Removes a group: its members, its watching, its alarms; queues that
 * escalated to it no longer do. MT_ERROR_NOT_FOUND for no such group. */
gboolean mt_erase_group (MtStore *store, const char *name, GError **error);

/* Removes an agent: their tickets, tasks and queues lose their owner,
 * their articles their author (the text stays), their memberships,
 * watching and alarms go. Refused (MT_ERROR_USAGE) while an approval
 * names them; MT_ERROR_NOT_FOUND for no such login. */
gboolean mt_erase_user (MtStore *store, const char *login, GError **error);

/* Removes a queue; its tickets move to the queue move_to, and without
 * move_to a queue with tickets is refused (MT_ERROR_USAGE). */
gboolean mt_erase_queue (MtStore *store, const MtConfig *config, const char *name, const char *move_to, GError **error);

/* Contact forget: what address sent and where it stood. The tickets
 * whose every article address sent are erased whole (refused,
 * MT_ERROR_USAGE, for one not closed without force); in the others
 * their articles go, and ticket.h's mt_ticket_forget_sender() puts
 * "(erased)" for the address; their watching, Cc, outgoing mail,
 * quarantined mail and contact row go too. Each ticket touched keeps a
 * history line by who, without the address. MT_ERROR_NOT_FOUND when
 * address is nowhere. In the caller's transaction, begun after
 * mt_erase_prepare(). */
typedef struct {
	guint tickets;  /* erased whole */
	guint articles; /* erased from the others */
} MtErased;
gboolean mt_erase_contact (MtStore *store, const char *address, gboolean force, const char *who, gint64 now,
			   MtErased *erased, GError **error);

/* Before the transaction: secure_delete on this connection. */
gboolean mt_erase_prepare (MtStore *store, GError **error);

/* After the commit: the WAL copied back and emptied. */
gboolean mt_erase_scrub (MtStore *store, GError **error);

#endif
