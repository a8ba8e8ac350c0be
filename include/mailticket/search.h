/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	search.h - full-text search over the articles
 * DESCRIPTION
 *	An FTS5 index over each article's subject, text and sender, and
 *	each attachment's name (sql/0004-search.sql), kept in step by
 *	triggers in the transactions that store articles. A query is FTS5's
 *	query language: words (all must match), "a phrase", OR, NOT,
 *	prefix*, column:word (subject, text, sender, attachments). It
 *	matches an article's own words, or the name of one of its
 *	attachments, not both at once. Hits are articles, best first (bm25,
 *	the subject weighing most), each with a snippet of what matched
 *	whose matches are marked **so**.
 */
#ifndef MT_SEARCH_H
#define MT_SEARCH_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 ticket, article;
	const char *kind;
	gboolean internal;
	const char *status;
	const char *subject; /* the ticket's */
	const char *from;    /* the article's sender, or NULL */
	gint64 date;         /* the article's date, else when it was stored */
	const char *snippet; /* on one line */
	double rank;         /* bm25: lower is better */
	gint64 attachment;   /* the attachment whose name matched (from 1), or 0 */
} MtSearchRow;

typedef gboolean (*MtSearchRowFunc) (const MtSearchRow *row, gpointer data);

/* At most limit hits (<= 0: all). MT_ERROR_USAGE, with FTS5's words,
 * when the query cannot be read. The articles pending when it starts
 * (not indexed yet: see mt_search_index_now()) are found too, through
 * a temporary index that the search fills anew each time: a search
 * writes nothing to the database, and waits for no writer. They rank by
 * the figures of that small index, so not quite as they will once
 * indexed. */
gboolean mt_search (MtStore *store, const char *query, int limit, MtSearchRowFunc func, gpointer data, GError **error);
/* The same as a JSON array of objects; owned. */
char *mt_search_json (MtStore *store, const char *query, int limit, GError **error);

/* Merges about pages pages of the index's segments, on levels that
 * hold four or more, in a transaction of its own that waits for no lock
 * (mt_store_upkeep). *more is TRUE when there was something to merge,
 * so that another call may find more. */
gboolean mt_search_merge (MtStore *store, int pages, gboolean *more, GError **error);

/* A new article is pending until it is indexed (sql/0010).
 * mt_search_index_now() indexes every pending article, in the caller's
 * transaction, unless this process indexes later: the delivery server,
 * which answers the MTA first and then calls mt_search_index_pending():
 * the first limit ones, in a transaction of its own that waits for no
 * lock (mt_store_upkeep); *left how many are pending after it.
 * Indexing later is the program's choice, not a connection's: made once,
 * with mt_search_set_index_later(), before any thread stores an
 * article; every program indexes now unless it says otherwise. */
void mt_search_set_index_later (gboolean later);
gboolean mt_search_index_now (MtStore *store, GError **error);
/* Rewrites the index as one segment, so that the words of deleted
 * articles are nowhere in it any more (erase.h). */
gboolean mt_search_optimize (MtStore *store, GError **error);
gboolean mt_search_index_pending (MtStore *store, int limit, gint64 *left, GError **error);
/* Indexes every pending article, if there is one, in transactions of
 * their own (mt_store_batches): what a check does first. */
gboolean mt_search_index_all (MtStore *store, GError **error);
/* Empties the index and lists every article as pending, in the
 * caller's transaction: mt_search_index_all() then builds it again,
 * batch by batch, while searches find the pending articles too. */
gboolean mt_search_forget_all (MtStore *store, GError **error);
/* MT_ERROR_INTERNAL when the index does not match the articles, after
 * mt_search_index_all(). */
gboolean mt_search_check (MtStore *store, GError **error);

/* The SQL this module prepares, for the unit tests; those of a search
 * read its temporary index too, which the connection's first search
 * makes. */
const char *const *mt_search_queries (void);

#endif
