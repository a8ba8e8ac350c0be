/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	view.h - the read side: tickets and articles as people and scripts see them
 * DESCRIPTION
 *	JSON is built by SQLite's json functions. Readable output walks the
 *	same queries row by row through a callback.
 */
#ifndef MT_VIEW_H
#define MT_VIEW_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 id;
	const char *subject, *status, *queue, *owner, *requester;
	gint64 priority, created, updated, articles;
	const char *project, *color;
	const char *tags; /* "a, b", in order; NULL when none */
	gint64 due;       /* 0 when none */
	const char *org;  /* the requester's organisation, or NULL */
} MtTicketRow;

typedef struct {
	gint64 id;
	const char *kind;
	gboolean internal;
	const char *from, *to, *cc, *subject, *message_id, *via, *text;
	gint64 date, created, size;
	gboolean has_blob;
	const char *author;      /* the agent's login, or NULL */
	const char *not_indexed; /* what of its message the article leaves out, or NULL */
} MtArticleRow;

typedef struct {
	gint64 position;
	const char *name, *type, *part;
	gint64 size;
} MtAttachmentRow;

typedef gboolean (*MtTicketRowFunc) (const MtTicketRow *row, gpointer data);
typedef gboolean (*MtArticleRowFunc) (const MtArticleRow *row, gpointer data);
typedef gboolean (*MtAttachmentRowFunc) (const MtAttachmentRow *row, gpointer data);

/* The status bits of MtViewFilter: bit i is status i of
 * mt_ticket_statuses (), in workflow order. */
enum {
	MT_VIEW_STATUS_NEW = 1 << 0,
	MT_VIEW_STATUS_OPEN = 1 << 1,
	MT_VIEW_STATUS_PENDING = 1 << 2,
	MT_VIEW_STATUS_RESOLVED = 1 << 3,
	MT_VIEW_STATUS_CLOSED = 1 << 4,
	MT_VIEW_STATUS_ACTIVE = MT_VIEW_STATUS_NEW | MT_VIEW_STATUS_OPEN | MT_VIEW_STATUS_PENDING,
};

typedef enum {
	MT_VIEW_SORT_UPDATED,  /* most recently updated first */
	MT_VIEW_SORT_CREATED,  /* most recently created first */
	MT_VIEW_SORT_PRIORITY, /* highest priority first, then as UPDATED */
	MT_VIEW_SORT_ID,       /* highest number first */
	MT_VIEW_SORT_DUE,      /* soonest due first, then those due at no time */
} MtViewSort;

/* Personal tickets (a rule marked them): listed with the others, left
 * out, or listed alone. */
typedef enum {
	MT_VIEW_PERSONAL_ANY,
	MT_VIEW_PERSONAL_HIDE,
	MT_VIEW_PERSONAL_ONLY,
} MtViewPersonal;

/* Which tickets a list shows, and in what order. Every filter given
 * must hold; a zero field (NULL, 0, FALSE) filters nothing. Strings
 * compare as the columns do: addresses and tags without case. */
typedef struct {
	guint statuses;        /* MT_VIEW_STATUS_* bits */
	const char *queue;     /* the queue's name */
	const char *owner;     /* the owner's login */
	gboolean unowned;      /* only tickets that nobody owns */
	const char *requester; /* the requester's address */
	const char *org;       /* the requester's organisation's name */
	const char *tag;
	const char *project;
	int priority_min;  /* priority >= priority_min (9 is the highest) */
	gint64 since;      /* created >= since */
	gint64 until;      /* created < until */
	gboolean overdue;  /* due before now, and neither resolved nor closed */
	gint64 due_before; /* due before this time */
	gint64 now;
	MtViewPersonal personal;
	MtViewSort sort;
	int limit; /* at most this many; <= 0 means all */
} MtViewFilter;

/* Adds the statuses named in text ("open", "new,pending", or "active"
 * for new, open and pending) to *statuses; MT_ERROR_USAGE for a name
 * that is none of these. */
gboolean mt_view_parse_statuses (const char *text, guint *statuses, GError **error);
/* "updated", "created", "priority", "id" or "due"; MT_ERROR_USAGE otherwise. */
gboolean mt_view_parse_sort (const char *text, MtViewSort *sort, GError **error);

/* The tickets that pass filter (NULL: all of them, most recently
 * updated first). The JSON array has the members of the rows plus
 * tags as an array; times in ISO 8601 UTC. */
gboolean mt_view_list (MtStore *store, const MtViewFilter *filter, MtTicketRowFunc func, gpointer data, GError **error);
char *mt_view_list_json (MtStore *store, const MtViewFilter *filter, GError **error);

/* One ticket's fields; MT_ERROR_NOT_FOUND when there is none. */
gboolean mt_view_ticket (MtStore *store, gint64 id, MtTicketRowFunc func, gpointer data, GError **error);
gboolean mt_view_articles (MtStore *store, gint64 ticket, MtArticleRowFunc func, gpointer data, GError **error);
gboolean mt_view_attachments (MtStore *store, gint64 article, MtAttachmentRowFunc func, gpointer data, GError **error);
char *mt_view_ticket_json (MtStore *store, gint64 id, GError **error);

/* The raw bytes of an article of ticket; MT_ERROR_NOT_FOUND when none. */
GBytes *mt_view_article_raw (MtStore *store, gint64 ticket, gint64 article, GError **error);

/* The MIME part path of attachment n (from 1, as listed) of an article
 * of ticket; owned. MT_ERROR_NOT_FOUND, saying what there is, when the
 * ticket has no such article or the article no such attachment. */
char *mt_view_attachment_part (MtStore *store, gint64 ticket, gint64 article, gint64 n, GError **error);

/* The history lines of a ticket: at, who, field, old, new. */
typedef gboolean (*MtHistoryRowFunc) (gint64 at, const char *who, const char *field, const char *old_value,
				      const char *new_value, gpointer data);
gboolean mt_view_history (MtStore *store, gint64 ticket, MtHistoryRowFunc func, gpointer data, GError **error);

/* The links of a ticket: kind and other ticket. */
typedef gboolean (*MtLinkRowFunc) (const char *kind, gint64 other, gpointer data);
gboolean mt_view_links (MtStore *store, gint64 ticket, MtLinkRowFunc func, gpointer data, GError **error);

const char *const *mt_view_queries (void);

#endif
