/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sender.h - drain the outbox over SMTP
 * DESCRIPTION
 *	mt_sender_pass() claims the rows due now, at most MT_SENDER_BATCH,
 *	in one short BEGIN IMMEDIATE transaction, offers them to the
 *	[smtp] server over one session, and records each message's outcome
 *	as soon as the server has given it, in a transaction of its own:
 *
 *	- a recipient the server took (2xx) is sent, one it refused (5xx)
 *	  failed, any other is still queued;
 *	- a row is sent when all its recipients are, failed when none is
 *	  queued and one failed, else queued again with one more attempt
 *	  and next_attempt after mt_sender_backoff();
 *	- a row whose attempt failed temporarily after [smtp] max_age since
 *	  it was queued gives up: its queued recipients fail;
 *	- a recipient that failed for good is noted on the row's ticket as
 *	  an internal system article and a history line.
 *
 *	A claim lasts MT_SENDER_CLAIM seconds and is renewed after every
 *	message; the rows of a sender that died are claimed again when
 *	their claim has expired. Times come from mt_clock_now().
 */
#ifndef MT_SENDER_H
#define MT_SENDER_H

#include <glib.h>

#include "mailticket/config.h"
#include "mailticket/outbox.h"
#include "mailticket/smtp.h"
#include "mailticket/store.h"

#define MT_SENDER_BATCH 100
#define MT_SENDER_CLAIM 1800

typedef struct {
	guint claimed;                /* rows claimed */
	guint sent, deferred, failed; /* rows, by the state they were left in */
	char *unreachable;            /* why no message reached the server, or NULL */
} MtSenderStats;

void mt_sender_stats_clear (MtSenderStats *stats);

typedef struct _MtSender MtSender;

/* A sender on store, as config says; password is taken over (and wiped
 * when freed), NULL without AUTH. The claimer's name is host:pid. */
MtSender *mt_sender_new (MtStore *store, const MtConfig *config, char *password);
void mt_sender_free (MtSender *sender);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtSender, mt_sender_free)

/* Names the claimer differently (tests run two in one process). */
void mt_sender_set_claimer (MtSender *sender, const char *claimer);

/* One pass; stats add up over passes. FALSE only for a database error:
 * an unreachable server is stats->unreachable. */
gboolean mt_sender_pass (MtSender *sender, MtSenderStats *stats, GError **error);

/* The steps of a pass. claim: the due rows (MtOutboxItem), in their
 * own transaction. record: message's outcome (its data is the item)
 * into the outbox and the ticket; *state is the row's new state, or
 * MT_OUTBOX_SENDING when another sender took the row meanwhile. */
GPtrArray *mt_sender_claim (MtSender *sender, GError **error);
gboolean mt_sender_record (MtSender *sender, MtSmtpMessage *message, MtOutboxState *state, GError **error);

/* Seconds to wait after the nth failed attempt: 60 doubling, at most 4 h. */
gint64 mt_sender_backoff (gint64 attempts);

/* The password in file: its first line; owned. *exposed when every
 * user may read the file. */
char *mt_sender_read_password (const char *file, gboolean *exposed, GError **error);

#endif
