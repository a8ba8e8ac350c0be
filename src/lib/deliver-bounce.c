/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver-bounce.c - what a bounce of our own mail does
 * DESCRIPTION
 *	A delivery status notification is filed in the ticket of the mail
 *	it returns (deliver.c); here it fails the outbox recipients it
 *	names, and the author of the reply that did not arrive hears of it.
 *	Inside the delivery's transaction.
 */
#include "mailticket/notify.h"
#include "mailticket/outbox.h"
#include "mailticket/ticket.h"

#include "deliver-private.h"

/* Fails each recipient the bounce names that the server had accepted
 * for row (outbox.h); their number in *failed, "address: reason" of
 * each in reasons. */
static gboolean
fail_recipients (Delivery *d, gint64 row, GString *reasons, guint *failed, GError **error)
{
	for (guint i = 0; i < d->bounce.failed->len; i++) {
		const MtBounceRecipient *b = g_ptr_array_index (d->bounce.failed, i);
		gboolean marked = FALSE;

		if (!mt_outbox_bounced (d->store, row, b->address, b->reason, d->now, &marked, error))
			return FALSE;
		if (!marked)
			continue;
		(*failed)++;
		g_string_append_printf (reasons, "%s%s: %s", reasons->len ? "\n" : "", b->address, b->reason);
	}
	return TRUE;
}

/* A bounce of our own mail fails the recipients it names, of the
 * outbox row it returns; a report of anything else is only filed. Only
 * a recipient it did fail is told to the reply's author. */
gboolean
mt_deliver_record_bounce (Delivery *d, MtDeliverResult *r, GError **error)
{
	g_autoptr (GString) reasons = g_string_new (NULL);
	gint64 row = 0, article = 0, author = 0;

	if (d->bounce.message_id == NULL || d->bounce.failed == NULL || d->bounce.failed->len == 0)
		return TRUE;
	if (!mt_outbox_find (d->store, d->bounce.message_id, &row, error))
		return FALSE;
	if (row == 0)
		return TRUE;
	if (!fail_recipients (d, row, reasons, &r->bounced, error))
		return FALSE;
	if (r->bounced == 0)
		return TRUE;
	/* A reply's author hears of it: the customer never got the answer. */
	return mt_outbox_article (d->store, row, &article, error) &&
	       (article == 0 || mt_ticket_article_author (d->store, article, &author, error)) &&
	       mt_notify_bounce (d->store, d->config, r->ticket, author, reasons->str, d->now, error);
}
