/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	token.h - reply-address and subject tokens
 * DESCRIPTION
 *	A reply token is local+<ticket>.<role><mac>@domain. role is one
 *	letter: c for the customer side, a for an agent, n for an agent's
 *	comment address. mac is the first MT_TOKEN_MAC_LEN hex digits of
 *	HMAC-SHA256 under the site secret over the ticket's uuid, the role
 *	and the address the mail carrying the token was sent to (lower
 *	case). So a token proves only that whoever uses it holds a mail
 *	that went to that recipient, and about that ticket: a rebuilt
 *	database, whose ticket 42 has another uuid, takes no old token for
 *	its own 42.
 *
 *	Tokens of the first form, local+<ticket>.<10 hex digits> with the
 *	mac over the ticket number alone, are still read (mail sent before
 *	is answered for years) as MT_TOKEN_LEGACY: they thread, and prove
 *	nothing of a recipient.
 *
 *	A subject token is [<tag>#<ticket>], found anywhere in the subject,
 *	case and spacing tolerant.
 */
#ifndef MT_TOKEN_H
#define MT_TOKEN_H

#include <glib.h>

#define MT_TOKEN_MAC_LEN 16
#define MT_TOKEN_LEGACY_MAC_LEN 10

typedef enum {
	MT_TOKEN_LEGACY,   /* the first form: no role, no recipient */
	MT_TOKEN_CUSTOMER, /* sent to the requester or another customer-side address */
	MT_TOKEN_AGENT,    /* sent to an agent: answers go to the customer */
	MT_TOKEN_COMMENT,  /* an agent's comment address: answers are internal notes */
} MtTokenRole;

/* A token as read from an address, not yet verified. */
typedef struct {
	gint64 ticket;
	MtTokenRole role;
	char mac[MT_TOKEN_MAC_LEN + 1];
} MtToken;

/* The role's letter in the address; 0 for MT_TOKEN_LEGACY. */
char mt_token_role_letter (MtTokenRole role);
/* "legacy", "customer", "agent", "comment" */
const char *mt_token_role_name (MtTokenRole role);

/* address with a token for ticket (of uuid), role and recipient in its
 * local part; owned. */
char *mt_token_reply_address (const char *secret, const char *address, char delimiter, gint64 ticket, const char *uuid,
			      MtTokenRole role, const char *recipient);

/* TRUE and *token when address has the form of a token after the first
 * of the delimiters in its local part; says nothing of its mac. */
gboolean mt_token_parse (const char *address, const char *delimiters, MtToken *token);

/* TRUE when token's mac is the one issued for ticket uuid to recipient
 * (compared in constant time). A legacy token verifies without uuid and
 * recipient. */
gboolean mt_token_verify (const char *secret, const MtToken *token, const char *uuid, const char *recipient);

/* text with every agent's and comment reply address replaced by
 * "[address removed]": what an agent writes to a customer must not hand
 * on the agent's own token (a quoted notification names both). Owned. */
char *mt_token_redact (const char *text, const char *delimiters);

/* "[<tag>#<ticket>]"; owned. */
char *mt_token_subject (const char *tag, gint64 ticket);

/* TRUE and *ticket when subject holds a token of tag. */
gboolean mt_token_find_subject (const char *tag, const char *subject, gint64 *ticket);

#endif
