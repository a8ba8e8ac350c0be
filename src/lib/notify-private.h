/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	notify-private.h - what notify.c and notify-text.c share
 * DESCRIPTION
 *	notify.c decides who gets which mail; notify-text.c writes it from
 *	its template, in the recipient's language.
 */
#ifndef MT_NOTIFY_PRIVATE_H
#define MT_NOTIFY_PRIVATE_H

#include "mailticket/people.h"
#include "mailticket/template.h"
#include "mailticket/ticket.h"

/* The variables every template about the ticket has, in lang, with
 * extra's on top (a name ending in ".due" holds a unix time, written
 * as a date of lang); owned. from is the queue's address. */
GHashTable *mt_notify_vars (const MtConfig *config, const MtTicketMail *mail, const char *from, const char *lang,
			    GHashTable *extra, gint64 now);

/* The language of mail to a customer's address: the contact's own,
 * else the ticket's, else the queue's, else [mail] lang; owned. */
char *mt_notify_customer_lang (const MtConfig *config, const MtTicketMail *mail, const char *address);

/* The language of mail to an agent (profile, or NULL for an address
 * that is nobody's): the agent's own, else the queue's; owned. */
char *mt_notify_agent_lang (const MtConfig *config, const MtTicketMail *mail, const MtPeopleProfile *profile);

/* The text of a reply: the agent's words (text, then the canned
 * answer answers/ANSWER when not NULL) in the reply template, with the
 * quote (or NULL) and the agent's signature, else the queue's signature
 * template. */
MtTemplateText *mt_notify_reply_text (const MtConfig *config, const MtTicketMail *mail, const char *from,
				      const MtPeopleProfile *agent, const char *text, const char *answer,
				      const char *quote, gint64 now, GError **error);

/* The quote under a reply of text (mt_notify_reply()): the customer's
 * last mail, or "" when text quotes already or quoted says so. Owned. */
char *mt_notify_reply_quote (MtStore *store, const MtConfig *config, const MtTicketMail *mail, const char *text,
			     gboolean quoted, GError **error);

#endif
