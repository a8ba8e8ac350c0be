/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	split.h - a ticket taken apart: some of its articles moved to a new
 *	ticket, or a merge undone
 * DESCRIPTION
 *	A split moves articles, with their message ids, to a new ticket in
 *	the same queue, whose requester is the sender of the first article
 *	moved; the two are linked split-from/split-into. An unmerge moves
 *	back what a merge moved (ticket.h keeps a record of each merge) and
 *	links the two unmerged. Either way a reply to a moved article lands
 *	where the article is now, even when it refers to the other ticket
 *	too: two tickets taken apart are never bridged again (thread.h).
 *	Both have a history line on each ticket. Callers hold the
 *	transaction.
 */
#ifndef MT_SPLIT_H
#define MT_SPLIT_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 ticket;
	GArray *articles;    /* gint64 ids of articles of ticket */
	const char *subject; /* or NULL: the first article's */
	const char *tag;     /* the subject tag, taken off with Re: (config.h) */
	const char *who;     /* the agent, for the history */
	gint64 creator;      /* the agent's user id, or 0 */
	gint64 now;
} MtSplit;

/* Moves split->articles to a new ticket, *id. Refused (MT_ERROR_USAGE)
 * for an article of another ticket, the ticket's first article, all of
 * its articles, or a ticket merged into another. */
gboolean mt_split_articles (MtStore *store, const MtSplit *split, gint64 *id, GError **error);

/* Undoes the merge of ticket into the one it was merged into, *into:
 * the articles, message ids, Cc and watchers it had come back to it
 * with its status; what came to *into after the merge stays there, as
 * do tags, tasks, time and alarms. Refused (MT_ERROR_USAGE) for a ticket
 * not merged, one merged into a ticket merged in turn, and a merge made
 * before merges were recorded. */
gboolean mt_split_unmerge (MtStore *store, gint64 ticket, const char *who, gint64 now, gint64 *into, GError **error);

#endif
