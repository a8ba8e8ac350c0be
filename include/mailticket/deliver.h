/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver.h - one message from the MTA into its ticket
 * DESCRIPTION
 *	mt_deliver_read() reads a message from a file descriptor, refusing
 *	(MT_ERROR_TOO_BIG) one over the limit after draining the rest, so
 *	that the MTA sees a clean refusal and not a broken pipe.
 *
 *	mt_deliver() stores the raw bytes, parses them, threads the message
 *	and stores the article, its attachments and message ids, all in one
 *	transaction: on any error nothing is committed. The same bytes
 *	delivered again change nothing. A message that cannot be parsed at
 *	all goes to the quarantine. With dry_run nothing is written and the
 *	result says what would have happened (mailticket explain).
 *
 *	mt_deliver_prepare() does what needs the bytes alone, their sha256
 *	and their parse, and mt_deliver_prepared() the rest, in the store;
 *	mt_deliver() is the two together. A delivery server prepares one
 *	message while it stores another.
 *
 *	With import (mailticket import, import.h) the message is historic
 *	mail, dated options->now: nobody is told of it (no acknowledgement,
 *	notification, bounce processing or agent commands), it reopens no
 *	ticket, a Message-ID stored already makes it a duplicate whatever
 *	its bytes, a ticket that an import closed takes its thread's later
 *	mail as if open, and the tickets it opens are closed (unless
 *	keep_status) and marked imported, which keeps them off the SLA clock.
 *
 *	The rules (rules.h) are checked after the duplicate check and
 *	before threading. A rule's refusal fails the delivery with an error
 *	in MT_RULES_REFUSAL, storing nothing; spam opens a ticket of its own
 *	and tells nobody; no-ack keeps the acknowledgement back.
 */
#ifndef MT_DELIVER_H
#define MT_DELIVER_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/message.h"
#include "mailticket/rules.h"
#include "mailticket/store.h"
#include "mailticket/thread.h"

typedef struct {
	const char *sender;    /* envelope sender (-f), or NULL */
	const char *recipient; /* envelope recipient (-r), or NULL */
	gboolean dry_run;
	gboolean batched; /* one write of the caller's batch (mt_store_batch_begin()), not a transaction of its own */
	gint64 now;       /* the time of the delivery, or 0: mt_clock_now() */
	gboolean import;  /* historic mail (above) */
	gboolean keep_status; /* import: the tickets it opens keep the status delivery gives, not closed */
	gboolean no_thread;   /* import: every message opens a ticket of its own */
	gboolean no_rules;    /* import: the rules on incoming mail are not asked */
	gint64 queue;         /* import: the queue of the tickets it opens, or 0: the recipient's */
} MtDeliverOptions;

typedef enum {
	MT_DELIVER_NEW,
	MT_DELIVER_APPEND,
	MT_DELIVER_DUPLICATE,
	MT_DELIVER_QUARANTINE,
	MT_DELIVER_REFUSED, /* by a rule; only a dry run reports it, a delivery fails */
} MtDeliverAction;

typedef struct {
	MtDeliverAction action;
	gint64 ticket; /* the ticket stored into (0 for quarantine, or dry-run new) */
	gint64 article;
	gint64 quarantine;
	MtThreadDecision decision;
	char *message_id; /* owned, or NULL */
	gsize size;
	gboolean reopened;
	gboolean bounce;       /* a delivery status notification */
	guint bounced;         /* outbox recipients it marked failed */
	gboolean acknowledged; /* an acknowledgement was queued */
	guint notified;        /* notifications queued */
	char *reason;          /* why quarantined; owned */
	MtRuleOutcome *rules;  /* what the rules said, or NULL (duplicate, quarantine); owned */
} MtDeliverResult;

gboolean mt_deliver_read (int fd, guint64 limit, GByteArray **raw, GError **error);
/* Sets MT_ERROR_TOO_BIG for a message of size over limit; FALSE. */
gboolean mt_deliver_refuse_size (GError **error, guint64 size, guint64 limit);

/* What a delivery works out of the bytes before it touches the store. */
typedef struct {
	GByteArray *raw;     /* borrowed */
	char *sha256;        /* NULL when raw is over the limit */
	MtMessage *message;  /* NULL when raw is over the limit, or cannot be parsed: */
	GError *parse_error; /* why it cannot */
} MtDeliverInput;

/* A message over limit is neither summed nor parsed: it will be refused. */
void mt_deliver_prepare (MtDeliverInput *input, GByteArray *raw, guint64 limit);
void mt_deliver_input_clear (MtDeliverInput *input);

/* Fills result, which the caller clears after success; after a failure
 * it holds nothing. */
gboolean mt_deliver (MtStore *store, const MtConfig *config, GByteArray *raw, const MtDeliverOptions *options,
		     MtDeliverResult *result, GError **error);
gboolean mt_deliver_prepared (MtStore *store, const MtConfig *config, MtDeliverInput *input,
			      const MtDeliverOptions *options, MtDeliverResult *result, GError **error);
void mt_deliver_result_clear (MtDeliverResult *result);

/* "new", "append", "duplicate", "quarantine", "refused" */
const char *mt_deliver_action_name (MtDeliverAction action);

#endif
