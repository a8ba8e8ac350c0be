/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	directory.h - queues: who mail is for
 * DESCRIPTION
 *	A queue is found by the address mail was sent to (its +extension
 *	ignored). The default queue is created from [mail] queue and
 *	address on first use; every other queue is made by the admin
 *	(mailticket queue add), never by mail: mail to an address that no
 *	queue has goes to the default queue. Contacts, who mail is from,
 *	are customer.h's.
 */
#ifndef MT_DIRECTORY_H
#define MT_DIRECTORY_H

#include <glib.h>
#include "mailticket/store.h"
#include "mailticket/config.h"

/* The queue for a recipient address: the default queue when it names
 * none, or is NULL or empty. Makes no queue but the default one. */
gboolean mt_directory_queue_for (MtStore *store, const MtConfig *config, const char *recipient, gint64 now,
				 gint64 *queue, GError **error);

/* Finds the queue for a recipient without creating one: 0 when none. */
gboolean mt_directory_queue_lookup (MtStore *store, const MtConfig *config, const char *recipient, gint64 *queue,
				    GError **error);

/* Whether address, its +extension aside, is [mail] address or a
 * queue's: one of ours, which mail must never be sent to. */
gboolean mt_directory_is_ours (MtStore *store, const MtConfig *config, const char *address, gboolean *ours,
			       GError **error);

/* The queue called name (NULL: the default queue, created if need be);
 * MT_ERROR_NOT_FOUND when there is none. */
gboolean mt_directory_queue_named (MtStore *store, const MtConfig *config, const char *name, gint64 now, gint64 *queue,
				   GError **error);

typedef struct {
	const char *name;
	const char *address; /* the support address mail for it arrives at */
	gint64 sla_minutes;  /* expected first response, or 0 */
	gint64 owner;        /* default owner of its new tickets, or 0 */
	gint64 now;
	gint64 grp; /* the group told of its escalations, or 0 */
} MtQueueNew;

/* Erasure (erase.h): a removed group no longer gets a queue's
 * escalations; a queue without tickets is deleted. */
gboolean mt_directory_forget_group (MtStore *store, gint64 group, GError **error);
gboolean mt_directory_queue_remove (MtStore *store, gint64 queue, GError **error);
/* A removed user is no queue's default owner any more. */
gboolean mt_directory_forget_owner (MtStore *store, gint64 user, GError **error);

/* Adds a queue, or gives an existing one of that name or address these
 * settings. */
gboolean mt_directory_queue_add (MtStore *store, const MtConfig *config, const MtQueueNew *queue, gint64 *id,
				 GError **error);

/* What queue set changes: a NULL text, a negative number, a 0 id
 * leaves the setting as it is; an empty text or 0 minutes clears it. */
typedef struct {
	const char *hours;       /* opening hours (calendar.h); empty: every hour */
	const char *tz;          /* their time zone; empty: the host's */
	const char *holidays;    /* "YYYY-MM-DD ..." (mt_calendar_read_holidays) */
	gint64 response_minutes; /* the first-response target (sla_minutes) */
	gint64 resolution_minutes;
	gint64 owner, grp;
} MtQueueSettings;

/* Changes the settings of queue that q gives. The caller refreshes the
 * due times of its tickets (ticket.h). */
gboolean mt_directory_queue_set (MtStore *store, gint64 queue, const MtQueueSettings *q, GError **error);

typedef struct {
	const char *name, *address;
	gint64 sla_minutes;
	const char *owner;
	gint64 active;     /* tickets not resolved or closed */
	const char *group; /* told of escalations, or NULL */
	gint64 resolution_minutes;
	const char *hours, *tz; /* or NULL */
} MtQueueRow;
typedef void (*MtQueueFunc) (const MtQueueRow *row, gpointer data);
gboolean mt_directory_queues (MtStore *store, MtQueueFunc func, gpointer data, GError **error);
char *mt_directory_queues_json (MtStore *store, GError **error);

const char *const *mt_directory_queries (void);

#endif
