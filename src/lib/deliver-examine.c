/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver-examine.c - what the message alone decides, before the
 *	delivery's transaction
 * DESCRIPTION
 *	Whom a message is for, whether it is automatic, a bounce, and what
 *	the rules make of it are worked out from the message and reads of
 *	the queues and rules, before deliver.c opens its transaction: the
 *	write lock is held for the writes only, however long a bounce takes
 *	to read or a rule to match.
 */
#include "mailticket/bounce.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/loop.h"
#include "mailticket/rules.h"
#include "mailticket/ticket.h"

#include "deliver-private.h"

/* The rules' verdict on the message, before threading. A refusal is an
 * error, so that nothing is stored; a dry run reports it. An import
 * may leave the rules out: they say nothing then. */
static gboolean
check_rules (Delivery *d, MtDeliverResult *r, GError **error)
{
	g_autoptr (GPtrArray) rules = NULL;
	MtRuleInput input = { d->message, d->options->sender, d->recipient };

	r->rules = mt_rule_outcome_new ();
	if (d->options->no_rules)
		return TRUE;
	if (!(rules = mt_rules_load (d->store, error)))
		return FALSE;
	mt_rules_evaluate (rules, &input, r->rules);
	if (r->rules->refuse_code == 0)
		return TRUE;
	r->action = MT_DELIVER_REFUSED;
	return TRUE;
}

/* A refusal, unless the message is stored already: the MTA delivers
 * again after a timeout, and what it delivered is not refused after. */
gboolean
mt_deliver_refuse (Delivery *d, MtDeliverResult *r, GError **error)
{
	if (!mt_ticket_find_by_blob (d->store, d->sha256, &r->ticket, &r->article, error))
		return FALSE;
	if (r->article != 0) {
		r->action = MT_DELIVER_DUPLICATE;
		return TRUE;
	}
	if (d->options->dry_run)
		return TRUE;
	g_message ("action=refused rule=%s message-id=<%s>", r->rules->refuse_rule, r->message_id ? r->message_id : "");
	g_set_error_literal (error, MT_RULES_REFUSAL, r->rules->refuse_code, r->rules->refuse_line);
	return FALSE;
}

/* Whatever the message alone decides, before the transaction so that
 * the write lock is held only for the writes: whether it is automatic,
 * a bounce, what the rules make of it. */
gboolean
mt_deliver_examine (Delivery *d, MtDeliverResult *r, GError **error)
{
	if (d->message == NULL)
		return TRUE;
	r->message_id = g_strdup (d->message->message_id);
	d->automatic = mt_loop_is_automatic (d->message, d->options->sender, d->config->address);
	r->bounce = mt_bounce_parse (d->message, &d->bounce);
	return check_rules (d, r, error);
}

/* Whom the mail is for: the envelope recipient (-r) as the MTA gives
 * it, or else the first of the headers an MTA adds that names one of
 * our addresses. Anyone can write those headers into a mail: one that
 * names another address chooses nothing. Mail for an address that is
 * no queue's goes to the default queue (directory.h), and is logged:
 * the transport map routes an address that no queue has. */
gboolean
mt_deliver_find_recipient (Delivery *d, GError **error)
{
	static const char *const headers[] = { "X-Original-To", "Delivered-To" };
	gboolean ours = FALSE;

	if (d->options->recipient != NULL && *d->options->recipient != '\0') {
		d->recipient = g_strdup (d->options->recipient);
		if (!mt_directory_is_ours (d->store, d->config, d->recipient, &ours, error))
			return FALSE;
		if (!ours)
			g_message ("recipient=<%s> is no queue's address: the default queue takes the mail",
				   d->recipient);
		return TRUE;
	}
	for (guint i = 0; d->message != NULL && i < G_N_ELEMENTS (headers) && !ours; i++) {
		const char *value = mt_message_header (d->message, headers[i]);
		g_autofree char *address = g_strstrip (g_strdup (value ? value : ""));

		if (*address != '\0' && !mt_directory_is_ours (d->store, d->config, address, &ours, error))
			return FALSE;
		if (ours)
			d->recipient = g_steal_pointer (&address);
	}
	return TRUE;
}
