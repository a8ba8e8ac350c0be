/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outbox-view.h - the outbox as admins and scripts see it
 * DESCRIPTION
 *	The read side of outbox.h, for `mailticket outbox`: rows with
 *	their recipients, as JSON built by SQLite's json functions or row
 *	by row through a callback, and the exact bytes of a message.
 */
#ifndef MT_OUTBOX_VIEW_H
#define MT_OUTBOX_VIEW_H

#include <glib.h>
#include "mailticket/store.h"

typedef struct {
	gint64 id, ticket, article; /* ticket and article 0 when none */
	const char *state, *kind, *message_id, *envelope_from;
	const char *recipients;                                            /* "a@x, b@y" */
	gint64 attempts, next_attempt, created, done, claimed_until, size; /* 0 when none */
	const char *claimed_by, *last_reply;                               /* or NULL */
} MtOutboxRow;

typedef gboolean (*MtOutboxRowFunc) (const MtOutboxRow *row, gpointer data);
typedef gboolean (*MtOutboxRecipientFunc) (const char *address, const char *state, const char *reply, gpointer data);

/* The rows in state (all when NULL), or row id alone when id > 0
 * (MT_ERROR_NOT_FOUND when there is none), oldest first. */
gboolean mt_outbox_view_list (MtStore *store, const char *state, gint64 id, MtOutboxRowFunc func, gpointer data,
			      GError **error);
char *mt_outbox_view_list_json (MtStore *store, const char *state, GError **error);

/* One row as a JSON object, with its recipients; owned. */
char *mt_outbox_view_json (MtStore *store, gint64 id, GError **error);
gboolean mt_outbox_view_recipients (MtStore *store, gint64 id, MtOutboxRecipientFunc func, gpointer data,
				    GError **error);

/* The message of row id, byte for byte; owned. */
GBytes *mt_outbox_view_raw (MtStore *store, gint64 id, GError **error);

const char *const *mt_outbox_view_queries (void);

#endif
