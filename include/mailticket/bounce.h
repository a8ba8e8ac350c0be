/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	bounce.h - delivery status notifications (RFC 3464) of our own mail
 * DESCRIPTION
 *	A bounce is a multipart/report; report-type=delivery-status. It
 *	names the message it returns (in a message/rfc822 or
 *	text/rfc822-headers part) and, per recipient, a Final-Recipient,
 *	an Action and a Status.
 *
 *	Anyone can send one, so what it claims is only read here: the
 *	deliver module lets it fail an outbox recipient only when the
 *	returned Message-ID is of a row that was handed to a server and
 *	that recipient was accepted there (outbox.h). mailticket-send's
 *	envelope sender is the ticket's reply address for that recipient,
 *	the same for every mail of the ticket, so it names no one send:
 *	the Message-ID does.
 *
 *	Parsing is linear in the report and bounded: at most
 *	MT_BOUNCE_MAX_STATUS bytes of the delivery-status part and
 *	MT_BOUNCE_MAX_BLOCKS blocks of fields in it are read, and at most
 *	MT_BOUNCE_MAX_HEADERS bytes of returned headers; what lies beyond
 *	is filed with the mail and not acted on.
 */
#ifndef MT_BOUNCE_H
#define MT_BOUNCE_H

#include <glib.h>
#include "mailticket/message.h"

#define MT_BOUNCE_MAX_STATUS (1024 * 1024)
#define MT_BOUNCE_MAX_BLOCKS 1000
#define MT_BOUNCE_MAX_HEADERS (256 * 1024)

typedef struct {
	char *address; /* the Final-Recipient, lower case */
	char *reason;  /* "5.1.1 smtp; 550 ..." from Status and Diagnostic-Code */
} MtBounceRecipient;

typedef struct {
	char *message_id;  /* of the returned message, or NULL */
	GPtrArray *failed; /* MtBounceRecipient: each Final-Recipient whose Action
			    * is failed, in report order; NULL only before
			    * mt_bounce_parse() */
} MtBounce;

/* TRUE when message is a delivery status notification; fills bounce
 * (cleared first) in any case. */
gboolean mt_bounce_parse (MtMessage *message, MtBounce *bounce);
void mt_bounce_clear (MtBounce *bounce);

#endif
