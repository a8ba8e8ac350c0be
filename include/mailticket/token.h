/*
 * NAME
 *	token.h - reply-address and subject tokens
 * DESCRIPTION
 *	A reply token is local+<ticket>.<mac>@domain, where mac is the first
 *	MT_TOKEN_MAC_LEN hex digits of HMAC-SHA256(secret, "<ticket>"). A
 *	wrong mac never matches. A subject token is [<tag>#<ticket>], found
 *	anywhere in the subject, case and spacing tolerant.
 */
#ifndef MT_TOKEN_H
#define MT_TOKEN_H

#include <glib.h>

#define MT_TOKEN_MAC_LEN 10

/* The mac of a ticket id; owned. */
char *mt_token_mac (const char *secret, gint64 ticket);

/* address with the token of ticket added to its local part; owned. */
char *mt_token_reply_address (const char *secret, const char *address, char delimiter, gint64 ticket);

/* TRUE and *ticket when address carries a token whose mac verifies. */
gboolean mt_token_parse_reply (const char *secret, const char *address, char delimiter, gint64 *ticket);

/* "[<tag>#<ticket>]"; owned. */
char *mt_token_subject (const char *tag, gint64 ticket);

/* TRUE and *ticket when subject holds a token of tag. */
gboolean mt_token_find_subject (const char *tag, const char *subject, gint64 *ticket);

#endif
