/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver-agent.c - what an agent's mail does
 * DESCRIPTION
 *	A mail is an agent's when its reply token says so (proof.h). Only
 *	then do its command lines run, and its text, less the quoted
 *	history and the signature, go to the customer as a reply or to the
 *	agents as a note. In any other mail the same lines are text, and
 *	the history says so. All of it runs inside the delivery's
 *	transaction (deliver.c).
 */
#include <string.h>

#include "deliver-private.h"
#include "mailticket/change.h"
#include "mailticket/commands.h"
#include "mailticket/compose.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/quote.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"

/* Only an agent's mail (proof.h) on the ticket of its token runs
 * commands (commands.h) and answers the customer: its command lines
 * leave the text, and the quoted history and signature are cut, so that
 * the text is what the agent wrote. In any other mail the same lines
 * stay text, and the history says they were ignored. */
gboolean
mt_deliver_take_commands (Delivery *d, const MtThreadDecision *decision, GError **error)
{
	MtMessage *m = d->message;
	g_autoptr (MtCommands) commands = NULL;
	char *text;

	/* Old mail imported commands nothing, whoever wrote it. */
	if (d->automatic || d->options->import)
		return TRUE;
	commands = mt_commands_parse (m->text);
	d->agent_mail = d->proof.agent != NULL && decision->action == MT_THREAD_APPEND && decision->via == MT_VIA_TOKEN;
	if (!d->agent_mail) {
		d->commands_ignored = commands != NULL;
		return TRUE;
	}
	d->internal = d->proof.role == MT_TOKEN_COMMENT || (commands && commands->internal);
	text = mt_quote_new_text (commands ? commands->rest : m->text);
	g_free (m->text);
	m->text = text;
	d->commands = g_steal_pointer (&commands);
	return TRUE;
}

static gboolean
ignore_commands (Delivery *d, MtDeliverResult *r, GError **error)
{
	g_autofree char *who = g_strdup_printf ("mail:%s", d->message->from_addr ? d->message->from_addr : "unknown");
	g_autofree char *why = g_strdup_printf ("not authenticated: %s", d->proof.why);

	g_message ("ticket=%" G_GINT64_FORMAT " article=%" G_GINT64_FORMAT " commands ignored: %s", r->ticket,
		   r->article, why);
	return mt_ticket_add_history (d->store, r->ticket, who, "commands ignored", NULL, why, d->now, error);
}

/* What the commands changed that others hear of: the requester of a
 * resolved ticket (unless the mail is a note), a new owner. */
static gboolean
tell_changes (Delivery *d, MtDeliverResult *r, const MtTicketMail *before, GError **error)
{
	g_autoptr (MtTicketMail) after = mt_ticket_mail_facts (d->store, r->ticket, error);
	/* A note is for the agents: the requester hears nothing of it. */
	MtNotifyStatus status = { r->ticket, NULL, NULL, d->internal ? MT_NOTIFY_QUIET : MT_NOTIFY_DEFAULT, d->now };
	MtNotifyAssigned owner = {
		r->ticket, MT_ASSIGNED_OWNER, 0, d->proof.agent, d->proof.recipient, NULL, d->now,
	};
	gboolean told;

	if (after == NULL)
		return FALSE;
	status.status = after->status;
	if (strcmp (before->status, after->status) != 0 &&
	    !mt_notify_status (d->store, d->config, &status, &told, error))
		return FALSE;
	if (after->owner == NULL || g_strcmp0 (before->owner, after->owner) == 0)
		return TRUE;
	return mt_people_user_find (d->store, after->owner, &owner.user, error) &&
	       mt_notify_assigned (d->store, d->config, &owner, error);
}

gboolean
mt_deliver_apply_commands (Delivery *d, MtDeliverResult *r, GError **error)
{
	MtCommandContext context = { d->proof.agent, r->ticket, d->now };
	g_autofree char *refused = NULL;
	g_autoptr (MtTicketMail) before = NULL;

	if (d->commands_ignored)
		return ignore_commands (d, r, error);
	if (d->commands == NULL)
		return TRUE;
	if (!(before = mt_ticket_mail_facts (d->store, r->ticket, error)) ||
	    !mt_ticket_mark_commands (d->store, r->article, error) ||
	    !mt_commands_apply (d->store, &context, d->commands, &refused, error) ||
	    !tell_changes (d, r, before, error))
		return FALSE;
	g_message ("ticket=%" G_GINT64_FORMAT " article=%" G_GINT64_FORMAT " commands=%u agent=%s%s", r->ticket,
		   r->article, d->commands->commands->len, d->proof.agent, d->internal ? " internal" : "");
	if (refused != NULL)
		g_warning ("ticket=%" G_GINT64_FORMAT " article=%" G_GINT64_FORMAT " refused commands: %s", r->ticket,
			   r->article, refused);
	return TRUE;
}

static void
part_free (gpointer data)
{
	MtComposePart *p = data;

	g_bytes_unref (p->data);
	g_free (p);
}

/* The agent's attachments, passed on to the customer as they came. */
static GPtrArray *
agent_parts (Delivery *d)
{
	GPtrArray *parts = g_ptr_array_new_with_free_func (part_free);
	GPtrArray *attachments = d->message->attachments;

	for (guint i = 0; i < attachments->len; i++) {
		MtAttachment *a = g_ptr_array_index (attachments, i);
		GBytes *data = NULL;
		MtComposePart *p;

		/* An attached mail is most often the notification itself, with
		 * the agent's reply address in it: it stays with the agents. */
		if (g_str_has_prefix (a->type, "message/") ||
		    (data = mt_message_part_content (d->message, a->part, NULL)) == NULL)
			continue;
		p = g_new0 (MtComposePart, 1);
		p->name = a->name;
		p->type = a->type;
		p->data = data;
		g_ptr_array_add (parts, p);
	}
	return parts;
}

/* A reply the helpdesk cannot send (no requester, too many recipients)
 * leaves the agent's mail filed and says why in the history. */
static gboolean
answer_customer (Delivery *d, MtDeliverResult *r, GError **error)
{
	g_autoptr (GPtrArray) parts = agent_parts (d);
	g_autoptr (GError) refused = NULL;
	g_autofree char *text = mt_token_redact (d->message->text, d->config->delimiters);
	MtNotifyReply reply = {
		.ticket = r->ticket,
		.text = text,
		.parts = parts,
		.author = d->proof.agent_user,
		.author_address = d->proof.recipient,
		.who = d->proof.agent,
		.now = d->now,
	};
	gint64 article = 0;

	if (*text == '\0' && parts->len == 0)
		return TRUE;
	if (mt_notify_reply (d->store, d->config, &reply, &article, &refused))
		return TRUE;
	if (refused->domain != MT_ERROR || refused->code != MT_ERROR_USAGE) {
		g_propagate_error (error, g_steal_pointer (&refused));
		return FALSE;
	}
	g_warning ("ticket=%" G_GINT64_FORMAT " article=%" G_GINT64_FORMAT " reply not sent: %s", r->ticket, r->article,
		   refused->message);
	return mt_ticket_add_history (d->store, r->ticket, d->proof.agent, "reply not sent", NULL, refused->message,
				      d->now, error);
}

/* An agent's mail answers the customer, or is a note the other agents
 * hear of; either way the agent takes the ticket as a reply does. */
gboolean
mt_deliver_agent_answer (Delivery *d, MtDeliverResult *r, GError **error)
{
	MtNotifyEvent e = { .ticket = r->ticket,
			    .article = r->article,
			    .who = d->proof.agent,
			    .text = d->message->text,
			    .author = d->proof.recipient,
			    .internal = TRUE,
			    .now = d->now };

	if (!mt_change_took_part (d->store, d->config, r->ticket, d->proof.agent, d->now, error))
		return FALSE;
	if (!d->internal)
		return answer_customer (d, r, error);
	return mt_notify_watchers (d->store, d->config, &e, &r->notified, error);
}
