/*
 * NAME
 *	loop.h - recognising automatic mail
 * DESCRIPTION
 *	A message is automatic when it says so (Auto-Submitted other than
 *	"no", Precedence bulk, junk or list, List-Id, X-Loop naming us), has
 *	an empty return path, or comes from MAILER-DAEMON, postmaster or a
 *	noreply address. Automatic mail never reopens a ticket and is never
 *	answered automatically.
 */
#ifndef MT_LOOP_H
#define MT_LOOP_H

#include <glib.h>
#include "mailticket/message.h"

/* envelope_sender is -f, or NULL when unknown ("" is the null sender);
 * our_address is the X-Loop value we send. */
gboolean mt_loop_is_automatic (MtMessage *message, const char *envelope_sender, const char *our_address);

#endif
