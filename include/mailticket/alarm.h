/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	alarm.h - reminders about a ticket that fall due
 * DESCRIPTION
 *	An alarm is set on a ticket for a time and a recipient: a user, a
 *	group (each of its members) or a plain address. mailticket-send
 *	calls mt_alarm_fire() every minute: each alarm due and not fired
 *	becomes a mail to its recipient (outbox kind "alarm") and a history
 *	line on the ticket, and is stamped fired, all in one BEGIN
 *	IMMEDIATE transaction that selects only alarms not fired yet. So
 *	two senders running at once, or one that dies anywhere, never
 *	queue an alarm twice; the outbox's claims then send each message
 *	at most once per attempt.
 */
#ifndef MT_ALARM_H
#define MT_ALARM_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

typedef struct {
	gint64 ticket;
	gint64 due;
	const char *to;   /* a login, a group name or an address */
	const char *note; /* or NULL */
	const char *who;  /* the login that sets it */
	gint64 now;
} MtAlarmNew;

/* Sets an alarm, with a history line. MT_ERROR_NOT_FOUND for an
 * unknown ticket, MT_ERROR_USAGE when to is no user, group or address. */
gboolean mt_alarm_add (MtStore *store, const MtAlarmNew *alarm, gint64 *id, GError **error);

/* Removes an alarm, fired or not, with a history line.
 * MT_ERROR_NOT_FOUND when there is no such alarm. */
/* A merge: the alarms of from not yet fired are into's. */
gboolean mt_alarm_move (MtStore *store, gint64 from, gint64 into, GError **error);
/* Deletes a ticket's alarms, fired or not (erase.h). */
gboolean mt_alarm_erase (MtStore *store, gint64 ticket, GError **error);
/* Deletes the alarms to a group that is removed (erase.h). */
gboolean mt_alarm_forget_group (MtStore *store, gint64 group, GError **error);
gboolean mt_alarm_forget_user (MtStore *store, gint64 user, GError **error);
gboolean mt_alarm_remove (MtStore *store, gint64 id, const char *who, gint64 now, GError **error);

typedef struct {
	gint64 ticket;  /* or 0: every ticket */
	gboolean fired; /* those fired too */
	gboolean due;   /* only those due at now and not fired */
	gboolean mine;  /* only those for user: to them, a group of theirs, their address */
	gint64 user;    /* with mine; 0 matches nothing */
	gint64 now;
} MtAlarmFilter;

typedef struct {
	gint64 id, ticket, due;
	gint64 fired;     /* 0: not yet */
	const char *to;   /* login, group name or address */
	const char *note; /* or NULL */
	const char *created_by;
	const char *subject; /* the ticket's */
} MtAlarmRow;
typedef void (*MtAlarmFunc) (const MtAlarmRow *row, gpointer data);

/* The alarms filter lets through, soonest first. */
gboolean mt_alarm_list (MtStore *store, const MtAlarmFilter *filter, MtAlarmFunc func, gpointer data, GError **error);
/* The same as a JSON array built by SQLite (times ISO 8601 UTC); owned. */
char *mt_alarm_list_json (MtStore *store, const MtAlarmFilter *filter, GError **error);

/* Queues the mail of every alarm due at now and not fired, records it
 * on its ticket and stamps it fired, in transactions of its own (the
 * caller holds none); *fired counts the alarms fired and committed. */
gboolean mt_alarm_fire (MtStore *store, const MtConfig *config, gint64 now, guint *fired, GError **error);

const char *const *mt_alarm_queries (void);

#endif
