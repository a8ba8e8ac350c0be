/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver-import.c - old mail filed as delivery files it, telling nobody
 * DESCRIPTION
 *	mailticket import (import.c) delivers each message of a mailbox
 *	through deliver.c with MtDeliverOptions.import. What differs from a
 *	delivery is here: the same message met again under other bytes (a
 *	mail client adds Status: to an mbox, an export rewrites line ends)
 *	is known by its Message-ID, and what a delivery tells people an
 *	import settles in the ticket: opened, marked imported and, unless
 *	asked to keep its status, closed at the date of its mail; a ticket
 *	that an import closed stays closed, as late as its latest mail.
 *	Inside the delivery's transaction.
 */
#include "mailticket/clock.h"
#include "mailticket/ticket.h"

#include "deliver-private.h"

gboolean
mt_deliver_import_known (Delivery *d, MtDeliverResult *r, GError **error)
{
	gint64 ticket = 0;
	gboolean referenced = FALSE;

	if (d->message->message_id == NULL)
		return TRUE;
	if (!mt_ticket_lookup_message_id (d->store, d->message->message_id, &ticket, &referenced, error))
		return FALSE;
	/* Only referenced so far: the message itself is not here yet. */
	if (ticket != 0 && !referenced) {
		r->action = MT_DELIVER_DUPLICATE;
		r->ticket = ticket;
	}
	return TRUE;
}

gboolean
mt_deliver_import_settle (Delivery *d, MtDeliverResult *r, GError **error)
{
	MtThreadTicket facts = { 0 };
	gboolean found = FALSE;

	if (r->action == MT_DELIVER_NEW)
		return (d->options->keep_status ||
			mt_ticket_set_status (d->store, r->ticket, "closed", "import", d->now, error)) &&
		       mt_ticket_imported (d->store, r->ticket, mt_clock_now (), d->now, error);
	/* Only a ticket that an import opened and closed: never a live one. */
	if (!mt_ticket_get_thread_facts (d->store, r->ticket, &found, &facts, error))
		return FALSE;
	return !found || !facts.closed_by_import ||
	       mt_ticket_imported (d->store, r->ticket, mt_clock_now (), d->now, error);
}
