/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	proof.h - what an incoming mail proves about who wrote it
 * DESCRIPTION
 *	Every header of a mail can be forged; a reply token (token.h) can
 *	not. mt_proof_examine() finds the first verified token among the
 *	envelope recipient, X-Original-To, Delivered-To, To and Cc, and
 *	works out whom it was issued to: a token proves exactly that the
 *	writer holds a mail that went to that recipient.
 *
 *	The mail is an agent's when its token was issued to an agent (role
 *	agent or comment) and that agent's address is the envelope sender or
 *	the From: only such a mail answers the customer, adds notes or runs
 *	commands. With [mail] trust_authserv_id set, it also needs an
 *	Authentication-Results header of that authserv-id with dmarc=pass
 *	(header.from) or dkim=pass (header.d) for the agent's domain;
 *	headers of that name from other hosts are ignored. A token leaked
 *	to a customer, quoted in a mail, say, is then no key on its own.
 *
 *	At most the first three tokens of a mail are tried.
 */
#ifndef MT_PROOF_H
#define MT_PROOF_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/message.h"
#include "mailticket/store.h"
#include "mailticket/token.h"

typedef struct {
	const char *secret;
	MtMessage *message;
	const char *envelope_sender;    /* or NULL */
	const char *envelope_recipient; /* or NULL */
} MtProofInput;

typedef struct {
	gint64 ticket;           /* the ticket of the verified token, or 0: no token */
	MtTokenRole role;        /* of that token */
	char *recipient;         /* whom it was issued to, lower case; NULL for a legacy token */
	gboolean from_recipient; /* the envelope sender or the From is that recipient */
	gboolean requester_own;  /* a customer token of the ticket's requester, from the requester */
	char *agent;             /* the agent's login when the mail is the agent's, or NULL */
	gint64 agent_user;       /* and the agent's user id */
	const char *why;         /* why the mail is not the agent's; static */
} MtProof;

gboolean mt_proof_examine (MtStore *store, const MtConfig *config, const MtProofInput *input, MtProof *proof,
			   GError **error);
void mt_proof_clear (MtProof *proof);

/* TRUE when one of message's Authentication-Results headers from
 * authserv_id says dmarc=pass for header.from domain or dkim=pass for
 * header.d domain. */
gboolean mt_proof_authenticated (MtMessage *message, const char *authserv_id, const char *domain);

#endif
