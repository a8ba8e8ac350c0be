/*
 * NAME
 *	quarantine.h - messages kept whole because they could not be parsed
 */
#ifndef MT_QUARANTINE_H
#define MT_QUARANTINE_H

#include <glib.h>
#include "mailticket/store.h"

gboolean mt_quarantine_add (MtStore *store, const char *sha256, gint64 size, const char *sender,
			    const char *recipient, const char *reason, gint64 now, gint64 *id,
			    GError **error);

const char *const *mt_quarantine_queries (void);

#endif
