/* SPDX-License-Identifier: GPL-3.0-or-later */
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
 *
 *	The sending side: mt_outbox_claim() hands due rows to one sender
 *	(the caller holds a BEGIN IMMEDIATE transaction, so two senders never
 *	claim the same row); mt_outbox_set_recipient() records what the
 *	server said to each recipient; mt_outbox_settle() ends the claim and
 *	derives the row's state from its recipients'. A sender that dies
 *	leaves claims that expire, and its rows are claimed again.
 */
#ifndef MT_OUTBOX_H
#define MT_OUTBOX_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 ticket;             /* or 0 */
	gint64 article;            /* the email-out article with these bytes, or 0 */
	const char *kind;          /* "ack", "reply", "notification", "alarm", "escalation" */
	const char *message_id;    /* without angle brackets */
	const char *envelope_from; /* "" for the null sender */
	GPtrArray *recipients;     /* envelope recipients (char *), at least one */
	GBytes *raw;               /* the message, CRLF line ends */
	gint64 now;
} MtOutboxNew;

/* Queues a message: its bytes as a blob, a row, one row per recipient
 * (duplicates ignored). The caller holds the transaction. */
gboolean mt_outbox_queue (MtStore *store, const MtOutboxNew *message, gint64 *id, GError **error);

/* The outbox row that sent message_id, or 0. */
gboolean mt_outbox_find (MtStore *store, const char *message_id, gint64 *id, GError **error);

/* A bounce of row id for address: the recipient is marked failed with
 * reason (*failed TRUE) only when the server had accepted it (state
 * sent); one never sent, still queued, already failed or not a
 * recipient of the row is left as it is. The row turns failed (done =
 * now, last_reply = reason) only once every recipient has failed; while
 * one was delivered it keeps its state, and the failed recipient shows
 * in `outbox show` and the list. */
gboolean mt_outbox_bounced (MtStore *store, gint64 id, const char *address, const char *reason, gint64 now,
			    gboolean *failed, GError **error);

/* Automatic mail of kind sent to address since a time: the rate limit
 * of acknowledgements. */
/* The article a queued message is (a reply), or 0. */
gboolean mt_outbox_article (MtStore *store, gint64 id, gint64 *article, GError **error);
/* The addresses (lower case, owned) that mail about ticket went to, the
 * latest first, at most limit of them. */
GPtrArray *mt_outbox_sent_to (MtStore *store, gint64 ticket, int limit, GError **error);
gboolean mt_outbox_count_to (MtStore *store, const char *kind, const char *address, gint64 since, gint64 *count,
			     GError **error);

typedef enum {
	MT_OUTBOX_QUEUED,
	MT_OUTBOX_SENDING,
	MT_OUTBOX_SENT,
	MT_OUTBOX_FAILED,
} MtOutboxState;

/* "queued", "sending", "sent", "failed"; and back (FALSE if none). */
const char *mt_outbox_state_name (MtOutboxState state);
gboolean mt_outbox_state_parse (const char *name, MtOutboxState *state);

/* A claimed row: what the sender needs to send it. */
typedef struct {
	gint64 id;
	gint64 ticket; /* or 0 */
	char *kind;
	char *message_id;
	char *blob;          /* sha256 of the message */
	char *envelope_from; /* "" for the null sender */
	gint64 attempts;     /* made before this claim */
	gint64 created;
} MtOutboxItem;

void mt_outbox_item_free (MtOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtOutboxItem, mt_outbox_item_free)

/* Claims for claimer, until the time until, at most limit rows due at
 * now: queued with next_attempt <= now, or sending under a claim that
 * has expired. Returns the rows (MtOutboxItem), oldest first; owned.
 * The caller holds the transaction. */
GPtrArray *mt_outbox_claim (MtStore *store, const char *claimer, gint64 now, gint64 until, int limit, GError **error);

/* Extends claimer's claims on the rows it is still sending. */
gboolean mt_outbox_renew (MtStore *store, const char *claimer, gint64 until, GError **error);

/* Whether claimer still holds the claim on row id. */
gboolean mt_outbox_holds (MtStore *store, gint64 id, const char *claimer, gboolean *held, GError **error);

/* The addresses (char *) of row id still queued, in order; owned. */
GPtrArray *mt_outbox_pending (MtStore *store, gint64 id, GError **error);

/* Records one recipient's outcome: sent, failed, or queued (deferred),
 * with the server's reply. */
gboolean mt_outbox_set_recipient (MtStore *store, gint64 id, const char *address, MtOutboxState state,
				  const char *reply, GError **error);

/* Ends the claim on row id after an attempt: one more attempt, and
 * last_reply. The row is sent when every recipient was sent, failed
 * when none is queued and one failed (done = now), else queued again
 * until next_attempt. Its new state in *state. */
gboolean mt_outbox_settle (MtStore *store, gint64 id, const char *last_reply, gint64 now, gint64 next_attempt,
			   MtOutboxState *state, GError **error);

/* Puts a failed or waiting row, and its failed recipients, back to
 * queued, due at now. MT_ERROR_NOT_FOUND when there is no such row;
 * MT_ERROR_USAGE when it was sent or a sender holds it. */
gboolean mt_outbox_retry (MtStore *store, gint64 id, gint64 now, GError **error);

const char *const *mt_outbox_queries (void);
/* Deletes a ticket's outgoing mail and its recipients, sent or not (erase.h). */
gboolean mt_outbox_erase (MtStore *store, gint64 ticket, GError **error);
/* Deletes the outgoing mail to address, sent or not, with its other
 * recipients: its bytes name address (erase.h, contact forget). */
gboolean mt_outbox_forget_address (MtStore *store, const char *address, GError **error);

#endif
