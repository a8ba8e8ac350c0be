/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	bounce.h - delivery status notifications (RFC 3464) of our own mail
 * DESCRIPTION
 *	A bounce is a multipart/report; report-type=delivery-status. It
 *	names the message it returns (in a message/rfc822 or
 *	text/rfc822-headers part) and, per recipient, an Action and a
 *	Status. mailticket files a bounce in the ticket of the message it
 *	returns and marks that outbox row failed.
 */
#ifndef MT_BOUNCE_H
#define MT_BOUNCE_H

#include <glib.h>
#include "mailticket/message.h"

typedef struct {
	char *message_id; /* of the returned message, or NULL */
	gboolean failed;  /* some recipient's Action is failed */
	char *reason;     /* "5.1.1 smtp; 550 ..." for the log and the outbox, or NULL */
} MtBounce;

/* TRUE when message is a delivery status notification; fills bounce. */
gboolean mt_bounce_parse (MtMessage *message, MtBounce *bounce);
void mt_bounce_clear (MtBounce *bounce);

#endif
