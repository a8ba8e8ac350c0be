/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	proof.c - what an incoming mail proves about who wrote it
 * DESCRIPTION
 *	A token's mac covers the ticket's uuid, the role and the recipient
 *	(token.h); the mail does not say which recipient, so the candidates
 *	are tried: the writer's own addresses first (the usual case), then
 *	the requester and the addresses mail about the ticket went to. The
 *	candidates are ours, never the mail's, beyond its two senders: a
 *	mail with 100,000 addresses costs two macs more than one with none.
 *
 *	Authentication-Results (RFC 8601) is read only when the admin names
 *	the authserv-id of the host that writes it; the MTA there removes
 *	headers that claim its name, and headers from elsewhere count for
 *	nothing.
 */
#include <string.h>

#include "mailticket/outbox.h"
#include "mailticket/people.h"
#include "mailticket/proof.h"
#include "mailticket/ticket.h"

/* Addresses of the ticket's mail tried for a token: the latest first. */
#define MAX_CANDIDATES 1000
/* Tokens tried in one mail: each costs look-ups and up to MAX_CANDIDATES
 * macs, and a mail may hold 100,000 addresses of the right form. */
#define MAX_TOKENS 3
/* Authentication-Results headers read, at most. */
#define MAX_AUTHRES 20

void
mt_proof_clear (MtProof *proof)
{
	g_free (proof->recipient);
	g_free (proof->agent);
	memset (proof, 0, sizeof *proof);
}

static gboolean
verifies_for (const MtProofInput *in, const MtToken *token, const char *uuid, const char *recipient)
{
	return recipient != NULL && *recipient != '\0' && mt_token_verify (in->secret, token, uuid, recipient);
}

static gboolean
same_address (const char *a, const char *b)
{
	return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

/* Tries the candidates for whom token was issued; sets proof when one
 * verifies. */
static gboolean
verify (MtStore *store, const MtProofInput *in, const MtToken *token, MtProof *proof, GError **error)
{
	g_autofree char *uuid = NULL, *requester = NULL;
	g_autoptr (GPtrArray) sent = NULL;
	const char *first[3] = { in->message->from_addr, in->envelope_sender, NULL };
	const char *found = NULL;

	if (!mt_ticket_identity (store, token->ticket, &uuid, &requester, error))
		return FALSE;
	if (uuid == NULL)
		return TRUE;
	if (token->role == MT_TOKEN_LEGACY) {
		if (mt_token_verify (in->secret, token, NULL, NULL))
			proof->ticket = token->ticket;
		return TRUE;
	}
	first[2] = requester;
	for (int i = 0; i < 3 && !found; i++)
		if (verifies_for (in, token, uuid, first[i]))
			found = first[i];
	if (!found && !(sent = mt_outbox_sent_to (store, token->ticket, MAX_CANDIDATES, error)))
		return FALSE;
	for (guint i = 0; !found && sent && i < sent->len; i++)
		if (verifies_for (in, token, uuid, g_ptr_array_index (sent, i)))
			found = g_ptr_array_index (sent, i);
	if (found) {
		proof->ticket = token->ticket;
		proof->recipient = g_ascii_strdown (found, -1);
		proof->from_recipient =
			same_address (found, in->message->from_addr) || same_address (found, in->envelope_sender);
		proof->requester_own =
			token->role == MT_TOKEN_CUSTOMER && proof->from_recipient && same_address (found, requester);
	}
	return TRUE;
}

/* The addresses a token may be in, in the order they are tried. */
static GPtrArray *
token_places (const MtProofInput *in)
{
	static const char *const headers[] = { "X-Original-To", "Delivered-To" };
	GPtrArray *places = g_ptr_array_new ();
	GPtrArray *rcpts = in->message->recipients;

	if (in->envelope_recipient != NULL)
		g_ptr_array_add (places, (gpointer) in->envelope_recipient);
	for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
		if (mt_message_header (in->message, headers[i]) != NULL)
			g_ptr_array_add (places, (gpointer) mt_message_header (in->message, headers[i]));
	for (guint i = 0; i < rcpts->len; i++)
		g_ptr_array_add (places, g_ptr_array_index (rcpts, i));
	return places;
}

/* Whether the verified token makes the mail an agent's. */
static gboolean
check_agent (MtStore *store, const MtConfig *config, const MtProofInput *in, MtProof *proof, GError **error)
{
	g_autofree char *login = NULL;
	const char *at;

	if (proof->role != MT_TOKEN_AGENT && proof->role != MT_TOKEN_COMMENT) {
		proof->why = proof->role == MT_TOKEN_LEGACY ? "an old reply address" : "a customer's reply address";
		return TRUE;
	}
	if (!proof->from_recipient) {
		proof->why = "another sender than the agent the reply address is for";
		return TRUE;
	}
	if (!mt_people_user_by_email (store, proof->recipient, &login, error) ||
	    (login != NULL && !mt_people_user_find (store, login, &proof->agent_user, error)))
		return FALSE;
	if (login == NULL) {
		proof->why = "the reply address is for no agent now";
		return TRUE;
	}
	at = strrchr (proof->recipient, '@');
	if (config->trust_authserv_id != NULL &&
	    (at == NULL || !mt_proof_authenticated (in->message, config->trust_authserv_id, at + 1))) {
		proof->why = "no Authentication-Results of the trusted host vouch for the agent's domain";
		return TRUE;
	}
	proof->agent = g_steal_pointer (&login);
	return TRUE;
}

gboolean
mt_proof_examine (MtStore *store, const MtConfig *config, const MtProofInput *in, MtProof *proof, GError **error)
{
	g_autoptr (GPtrArray) places = token_places (in);
	MtToken token;
	int tried = 0;

	memset (proof, 0, sizeof *proof);
	proof->why = "no reply address of an agent";
	for (guint i = 0; i < places->len && proof->ticket == 0 && tried < MAX_TOKENS; i++) {
		if (!mt_token_parse (g_ptr_array_index (places, i), config->delimiters, &token))
			continue;
		tried++;
		if (!verify (store, in, &token, proof, error))
			return FALSE;
		if (proof->ticket != 0)
			proof->role = token.role;
	}
	if (proof->ticket == 0)
		return TRUE;
	return check_agent (store, config, in, proof, error);
}

/* The value without RFC 5322 comments, which may hold anything. */
static char *
without_comments (const char *value)
{
	GString *out = g_string_sized_new (strlen (value));
	int depth = 0;

	for (const char *p = value; *p; p++) {
		if (*p == '\\' && p[1] != '\0' && depth > 0)
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (depth == 0)
			g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

/* One resinfo: "dkim=pass header.d=example.org header.i=@example.org". */
static gboolean
resinfo_passes (const char *resinfo, const char *domain)
{
	g_auto (GStrv) words = g_strsplit_set (resinfo, " \t\r\n", -1);
	const char *method = NULL, *property = NULL;

	for (int i = 0; words[i]; i++) {
		if (*words[i] == '\0')
			continue;
		if (method == NULL) {
			method = words[i];
			property = g_ascii_strcasecmp (method, "dmarc=pass") == 0  ? "header.from="
				   : g_ascii_strcasecmp (method, "dkim=pass") == 0 ? "header.d="
										   : NULL;
			if (property == NULL)
				return FALSE;
		} else if (g_ascii_strncasecmp (words[i], property, strlen (property)) == 0 &&
			   g_ascii_strcasecmp (words[i] + strlen (property), domain) == 0) {
			return TRUE;
		}
	}
	return FALSE;
}

static gboolean
authres_passes (const char *value, const char *authserv_id, const char *domain)
{
	g_autofree char *plain = without_comments (value);
	g_auto (GStrv) parts = g_strsplit (plain, ";", 64);
	g_auto (GStrv) id = NULL;

	if (parts[0] == NULL)
		return FALSE;
	id = g_strsplit_set (g_strstrip (parts[0]), " \t", 2);
	if (id[0] == NULL || g_ascii_strcasecmp (id[0], authserv_id) != 0)
		return FALSE;
	for (int i = 1; parts[i]; i++)
		if (resinfo_passes (parts[i], domain))
			return TRUE;
	return FALSE;
}

gboolean
mt_proof_authenticated (MtMessage *message, const char *authserv_id, const char *domain)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message->mime));
	int n = g_mime_header_list_get_count (headers), seen = 0;

	for (int i = 0; i < n && seen < MAX_AUTHRES; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
		const char *value;

		if (g_ascii_strcasecmp (g_mime_header_get_name (h), "Authentication-Results") != 0)
			continue;
		seen++;
		if ((value = g_mime_header_get_value (h)) != NULL && authres_passes (value, authserv_id, domain))
			return TRUE;
	}
	return FALSE;
}
