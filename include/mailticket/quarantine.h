/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	quarantine.h - messages kept whole because they could not be parsed
 */
#ifndef MT_QUARANTINE_H
#define MT_QUARANTINE_H

#include <glib.h>
#include "mailticket/store.h"

/* Keeps a message; the same bytes a second time keep their first entry. */
gboolean mt_quarantine_add (MtStore *store, const char *sha256, gint64 size, const char *sender, const char *recipient,
			    const char *reason, gint64 now, gint64 *id, GError **error);

typedef struct {
	gint64 id;
	gint64 received;
	gint64 size;
	const char *sender, *recipient, *reason, *sha256;
	gint64 replayed; /* article it became, or 0 */
} MtQuarantineRow;

typedef gboolean (*MtQuarantineRowFunc) (const MtQuarantineRow *row, gpointer data);

/* Every quarantined message, oldest first; or only entry id when id > 0
 * (MT_ERROR_NOT_FOUND when there is none). */
gboolean mt_quarantine_list (MtStore *store, gint64 id, MtQuarantineRowFunc func, gpointer data, GError **error);

/* Records that entry id was delivered again as article. */
gboolean mt_quarantine_mark_replayed (MtStore *store, gint64 id, gint64 article, GError **error);

/* Contact forget (erase.h): the messages sender's envelope brought. */
gboolean mt_quarantine_forget_sender (MtStore *store, const char *sender, GError **error);

const char *const *mt_quarantine_queries (void);

#endif
