/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	loop.h - recognising automatic mail
 * DESCRIPTION
 *	A message is automatic when it says so: Auto-Submitted, X-Autoreply
 *	or X-Autorespond other than "no" (or "false" for the two X-
 *	headers); X-Auto-Response-Suppress with any of All, OOF, AutoReply,
 *	DR, NDR, RN, NRN; Precedence or X-Precedence bulk, junk, list or
 *	auto_reply; List-Id, List-Unsubscribe or Feedback-Type; a top-level
 *	multipart/report with report-type=feedback-report; X-Loop naming
 *	us. Or when its sender, envelope or From, is no person: an empty
 *	return path, MAILER-DAEMON, postmaster, or a local part that begins
 *	with noreply, no-reply, no_reply, donotreply, do-not-reply or
 *	do_not_reply, or ends with one after "-", "_" or ".". An empty header
 *	says nothing. Automatic mail never reopens a ticket, is never
 *	answered automatically, and starts no first-response clock
 *	(escalate.h).
 */
#ifndef MT_LOOP_H
#define MT_LOOP_H

#include <glib.h>
#include "mailticket/message.h"

/* envelope_sender is -f, or NULL when unknown ("" is the null sender);
 * our_address is the X-Loop value we send. */
gboolean mt_loop_is_automatic (MtMessage *message, const char *envelope_sender, const char *our_address);

#endif
