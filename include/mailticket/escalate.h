/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	escalate.h - tickets that waited too long
 * DESCRIPTION
 *	mailticket-send calls mt_escalate_due() every minute. A ticket is
 *	escalated, once, when
 *
 *	- it is new or open and its due time (ticket.h: the first
 *	  response owed while no reply went out, else the resolution,
 *	  counted in the queue's business hours) has passed; stamped
 *	  response_escalated or resolution_escalated. A ticket that
 *	  automatic mail opened (loop.h) starts that clock only with its
 *	  first article that is not automatic, and without one is never
 *	  escalated for it;
 *	- it is pending and the time it was pending until has passed: it
 *	  is open again (which forgets the time).
 *
 *	Escalating mails the owner; without one, each member of the
 *	queue's group; without that, the queue's default owner; without
 *	that, every agent (user with an address). The mail (outbox kind
 *	"escalation"), a history line and the mark are written in one
 *	BEGIN IMMEDIATE transaction that selects only tickets not yet
 *	marked, so two senders never escalate a ticket twice.
 */
#ifndef MT_ESCALATE_H
#define MT_ESCALATE_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

/* Escalates every ticket due at now, in transactions of its own (the
 * caller holds none); *escalated counts them. */
gboolean mt_escalate_due (MtStore *store, const MtConfig *config, gint64 now, guint *escalated, GError **error);

/* Closes the resolved tickets of each queue with [queue NAME]
 * auto_close_after that were resolved that long before now, in
 * transactions of their own; *closed counts them. */
gboolean mt_escalate_auto_close (MtStore *store, const MtConfig *config, gint64 now, guint *closed, GError **error);

const char *const *mt_escalate_queries (void);

#endif
