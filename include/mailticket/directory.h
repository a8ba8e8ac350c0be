/*
 * NAME
 *	directory.h - queues and contacts: who mail is for and from
 * DESCRIPTION
 *	A queue is found by the address mail was sent to (its +extension
 *	ignored). The default queue is created from [mail] address on first
 *	use; mail to an address no queue has yet opens a queue named after
 *	its local part, so that each support address Postfix hands us is a
 *	queue of its own. A contact is found or created by address.
 */
#ifndef MT_DIRECTORY_H
#define MT_DIRECTORY_H

#include <glib.h>
#include "mailticket/store.h"
#include "mailticket/config.h"

/* The queue for a recipient address (NULL: the default queue). */
gboolean mt_directory_queue_for (MtStore *store, const MtConfig *config, const char *recipient,
				 gint64 now, gint64 *queue, GError **error);

/* Finds the queue for a recipient without creating one: 0 when none. */
gboolean mt_directory_queue_lookup (MtStore *store, const MtConfig *config, const char *recipient,
				    gint64 *queue, GError **error);

/* The queue called name (NULL: the default queue, created if need be);
 * MT_ERROR_NOT_FOUND when there is none. */
gboolean mt_directory_queue_named (MtStore *store, const MtConfig *config, const char *name, gint64 now,
				   gint64 *queue, GError **error);

/* Finds or creates the contact for address; name may be NULL. */
gboolean mt_directory_contact_ensure (MtStore *store, const char *address, const char *name,
				      gint64 now, gint64 *contact, GError **error);

/* TRUE when address is a user's (an agent's) address. */
gboolean mt_directory_is_agent (MtStore *store, const char *address, gboolean *yes, GError **error);

const char *const *mt_directory_queries (void);

#endif
