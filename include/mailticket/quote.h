/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	quote.h - what an agent typed, without the quote and the signature
 * DESCRIPTION
 *	An agent who answers a notification from their own mail client
 *	sends the notification back, quoted, and their signature with it.
 *	Only what they typed may go to the customer. quote.c says what is
 *	taken for a quote and what is kept.
 */
#ifndef MT_QUOTE_H
#define MT_QUOTE_H

#include <glib.h>

/* The new text of a reply: text with the quoted history its mail client
 * put under or above it, and the writer's signature, cut. Owned; never NULL
 * for non-NULL text. */
char *mt_quote_new_text (const char *text);

#endif
