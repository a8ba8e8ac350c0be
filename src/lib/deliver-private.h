/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver-private.h - what the files of the deliver module share
 * DESCRIPTION
 *	One delivery's state, and the calls deliver.c makes into
 *	deliver-agent.c. Not for other modules.
 */
#ifndef MT_DELIVER_PRIVATE_H
#define MT_DELIVER_PRIVATE_H

#include "mailticket/bounce.h"
#include "mailticket/commands.h"
#include "mailticket/deliver.h"
#include "mailticket/proof.h"

typedef struct {
	MtStore *store;
	const MtConfig *config;
	const MtDeliverOptions *options;
	GByteArray *raw;
	MtMessage *message; /* the input's */
	char *secret;
	const char *sha256;      /* the input's */
	const char *parse_error; /* the input's: why message is NULL */
	char *recipient;         /* whom the mail is for (find_recipient()), or NULL */
	gint64 now;
	gboolean automatic;
	MtBounce bounce;           /* when the message is a bounce */
	MtProof proof;             /* what its reply token proves */
	gboolean agent_mail;       /* the proof makes it an agent's, on the token's ticket */
	gboolean internal;         /* an agent's note: to the comment address, or #note */
	MtCommands *commands;      /* the agent's, taken out of the text; or NULL */
	gboolean commands_ignored; /* command lines in a mail that may not run them */
} Delivery;

/* Whom the mail is for, into d->recipient (deliver-examine.c). */
gboolean mt_deliver_find_recipient (Delivery *d, GError **error);
/* Whether the message is automatic, a bounce, and the rules' verdict,
 * before the transaction (deliver-examine.c): a refusal sets
 * r->action to MT_DELIVER_REFUSED. */
gboolean mt_deliver_examine (Delivery *d, MtDeliverResult *r, GError **error);
/* A refused message: the rule's error, unless the message is stored
 * already (a duplicate); a dry run only says so. */
gboolean mt_deliver_refuse (Delivery *d, MtDeliverResult *r, GError **error);
/* Takes an agent's command lines and new text out of the message. */
gboolean mt_deliver_take_commands (Delivery *d, const MtThreadDecision *decision, GError **error);
/* Runs the agent's commands, or says in the history why none ran. */
gboolean mt_deliver_apply_commands (Delivery *d, MtDeliverResult *r, GError **error);
/* An agent's mail answers the customer, or is a note to the agents. */
gboolean mt_deliver_agent_answer (Delivery *d, MtDeliverResult *r, GError **error);

/* A bounce of our own mail fails the recipients it names
 * (deliver-bounce.c). */
gboolean mt_deliver_record_bounce (Delivery *d, MtDeliverResult *r, GError **error);
/* An import's message whose Message-ID a stored message has already,
 * whatever its bytes, is a duplicate (deliver-import.c): sets r. */
gboolean mt_deliver_import_known (Delivery *d, MtDeliverResult *r, GError **error);
/* What an import does instead of telling anybody: the ticket it opened
 * marked imported, and closed unless keep_status; a ticket that an
 * import closed closed as late as its mail. */
gboolean mt_deliver_import_settle (Delivery *d, MtDeliverResult *r, GError **error);

#endif
