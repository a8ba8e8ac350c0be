/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	reindex.h - rebuild what is derived from the stored messages
 * DESCRIPTION
 *	The message is the truth; the database is its index. mt_reindex()
 *	parses every stored message of an email-in or email-out article
 *	again and replaces what was taken from it: the article's headers,
 *	text, warnings and attachments, the participants of every ticket,
 *	and the search index. In batches of whole tickets, each in a
 *	transaction of its own, so that deliveries go on meanwhile; after a
 *	failure, what was done stays done and a second run does the rest
 *	(it only derives again). What was decided when the mail arrived (its
 *	ticket, the rule that threaded it, its envelope, whether it was
 *	automatic, times, history) stays as recorded.
 */
#ifndef MT_REINDEX_H
#define MT_REINDEX_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	guint articles;    /* re-read */
	guint unreadable;  /* stored messages that no longer parse: left as they were */
	guint attachments; /* listed now */
} MtReindexStats;

/* Called after each batch: done of total stored messages. */
typedef void (*MtReindexProgress) (guint done, guint total, gpointer data);

gboolean mt_reindex (MtStore *store, MtReindexProgress progress, gpointer data, MtReindexStats *stats, GError **error);

#endif
