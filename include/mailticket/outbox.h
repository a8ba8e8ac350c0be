/*
 * NAME
 *	outbox.h - mail waiting to be sent
 * DESCRIPTION
 *	Whatever mailticket sends is composed when it is queued and stored
 *	whole, as it goes on the wire (CRLF line ends), in the same
 *	transaction as the article or event that caused it. mailticket-send
 *	only transports: it claims due rows, hands them to the SMTP server,
 *	and records each recipient's outcome.
 *
 *	States: queued -> sending (claimed by one sender until its claim
 *	expires) -> sent | failed; a temporary failure puts the row back to
 *	queued with a later next_attempt. Recipients carry their own state,
 *	so that a retry goes only to those not yet accepted.
 */
#ifndef MT_OUTBOX_H
#define MT_OUTBOX_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 ticket;			/* or 0 */
	gint64 article;			/* the email-out article with these bytes, or 0 */
	const char *kind;		/* "ack", "reply", "notification", "alarm", "escalation" */
	const char *message_id;		/* without angle brackets */
	const char *envelope_from;	/* "" for the null sender */
	GPtrArray *recipients;		/* envelope recipients (char *), at least one */
	GBytes *raw;			/* the message, CRLF line ends */
	gint64 now;
} MtOutboxNew;

/* Queues a message: its bytes as a blob, a row, one row per recipient
 * (duplicates ignored). The caller holds the transaction. */
gboolean mt_outbox_queue (MtStore *store, const MtOutboxNew *message, gint64 *id, GError **error);

/* The outbox row that sent message_id, or 0. */
gboolean mt_outbox_find (MtStore *store, const char *message_id, gint64 *id, GError **error);

/* Marks every recipient still queued or sent of row id failed, and the
 * row failed, with reason; for a bounce that came back. */
gboolean mt_outbox_bounced (MtStore *store, gint64 id, const char *reason, gint64 now, GError **error);

/* Automatic mail of kind sent to address since a time: the rate limit
 * of acknowledgements. */
gboolean mt_outbox_count_to (MtStore *store, const char *kind, const char *address, gint64 since,
			     gint64 *count, GError **error);

const char *const *mt_outbox_queries (void);

#endif
