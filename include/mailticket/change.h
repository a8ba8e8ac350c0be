/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	change.h - what an agent changes on a ticket: fields, tags, merges
 * DESCRIPTION
 *	Every change is checked first and then written with a history line
 *	naming who made it; callers hold one transaction around a group of
 *	changes so that a command changes all it was asked to or nothing.
 *
 *	Fields: status (new, open, pending, resolved, closed; resolving or
 *	closing stamps the time, and is refused while an approval is
 *	pending), priority 1-9, owner (a login or "none"), queue (a name),
 *	project, color, subject (text; "" clears project and color), until
 *	(the time a pending ticket waits until, then it is escalated and
 *	open again; a time as mt_clock_parse_when() reads it, or none),
 *	requester (an address: its contact, made when there is none, is
 *	whom the ticket's correspondence goes to from then on).
 */
#ifndef MT_CHANGE_H
#define MT_CHANGE_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

/* Sets field to value. MT_ERROR_USAGE for an unknown field or a value
 * it cannot take, MT_ERROR_NOT_FOUND for an unknown owner or queue.
 * *changed is FALSE when the value was already so. */
gboolean mt_change_field (MtStore *store, gint64 ticket, const char *field, const char *value, const char *who,
			  gint64 now, gboolean *changed, GError **error);

/* TRUE when field is one mt_change_field() knows. */
gboolean mt_change_is_field (const char *field);

/* Adds or removes a tag (a word without white space or commas). */
gboolean mt_change_tag (MtStore *store, gint64 ticket, const char *tag, gboolean add, const char *who, gint64 now,
			gboolean *changed, GError **error);

/* Merges ticket from into into: articles, message ids, participants,
 * watchers, tags, tasks, time and approvals move; from is closed and
 * forwards to into, so later mail to it lands in into. */
gboolean mt_change_merge (MtStore *store, gint64 from, gint64 into, const char *who, gint64 now, GError **error);
/* Deletes a ticket's tags (erase.h). */
gboolean mt_change_erase_tags (MtStore *store, gint64 ticket, GError **error);

const char *const *mt_change_queries (void);

/* An agent answered or noted on ticket: with [notify] reply_takes, the
 * agent becomes its owner when it has none, else a watcher. */
gboolean mt_change_took_part (MtStore *store, const MtConfig *config, gint64 ticket, const char *login, gint64 now,
			      GError **error);

#endif
