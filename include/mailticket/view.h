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
} MtTicketRow;

typedef struct {
	gint64 id;
	const char *kind;
	gboolean internal;
	const char *from, *to, *cc, *subject, *message_id, *via, *text;
	gint64 date, created, size;
	gboolean has_blob;
} MtArticleRow;

typedef struct {
	gint64 position;
	const char *name, *type, *part;
	gint64 size;
} MtAttachmentRow;

typedef gboolean (*MtTicketRowFunc) (const MtTicketRow *row, gpointer data);
typedef gboolean (*MtArticleRowFunc) (const MtArticleRow *row, gpointer data);
typedef gboolean (*MtAttachmentRowFunc) (const MtAttachmentRow *row, gpointer data);

/* The tickets, most recently updated first; limit <= 0 means all. */
gboolean mt_view_list (MtStore *store, int limit, MtTicketRowFunc func, gpointer data, GError **error);
char *mt_view_list_json (MtStore *store, int limit, GError **error);

/* One ticket's fields; MT_ERROR_NOT_FOUND when there is none. */
gboolean mt_view_ticket (MtStore *store, gint64 id, MtTicketRowFunc func, gpointer data, GError **error);
gboolean mt_view_articles (MtStore *store, gint64 ticket, MtArticleRowFunc func, gpointer data, GError **error);
gboolean mt_view_attachments (MtStore *store, gint64 article, MtAttachmentRowFunc func, gpointer data,
			      GError **error);
char *mt_view_ticket_json (MtStore *store, gint64 id, GError **error);

/* The raw bytes of an article of ticket; MT_ERROR_NOT_FOUND when none. */
GBytes *mt_view_article_raw (MtStore *store, gint64 ticket, gint64 article, GError **error);

/* The history lines of a ticket: at, who, field, old, new. */
typedef gboolean (*MtHistoryRowFunc) (gint64 at, const char *who, const char *field, const char *old_value,
				      const char *new_value, gpointer data);
gboolean mt_view_history (MtStore *store, gint64 ticket, MtHistoryRowFunc func, gpointer data, GError **error);

/* The links of a ticket: kind and other ticket. */
typedef gboolean (*MtLinkRowFunc) (const char *kind, gint64 other, gpointer data);
gboolean mt_view_links (MtStore *store, gint64 ticket, MtLinkRowFunc func, gpointer data, GError **error);

const char *const *mt_view_queries (void);

#endif
