/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	notify-change.c - who hears of a change to a ticket
 * DESCRIPTION
 *	A new owner, a task's assignee, an approver, the author of a reply
 *	that bounced, and the requester of a ticket resolved or waiting on
 *	them: each is told as [notify] in mailticket.conf says for the
 *	ticket's queue. The mails are composed by notify.c; this file only
 *	decides who gets one.
 */
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

/* Tells one agent (a user) something about the ticket, unless the agent
 * did it. */
static gboolean
tell_agent (MtStore *store, const MtConfig *config, gint64 ticket, gint64 user, const char *label, const char *what,
	    const char *text, const char *by_address, gint64 now, GError **error)
{
	g_autofree char *address = mt_people_user_email (store, user, NULL);
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	MtNotifyAgents n = { ticket, "notification", label, what, text, to, now };
	guint queued;

	if (address == NULL || (by_address != NULL && g_ascii_strcasecmp (address, by_address) == 0))
		return TRUE;
	g_ptr_array_add (to, address);
	return mt_notify_agents (store, config, &n, &queued, error);
}

gboolean
mt_notify_assigned (MtStore *store, const MtConfig *config, const MtNotifyAssigned *a, GError **error)
{
	static const struct {
		const char *label, *what;
	} kinds[] = {
		[MT_ASSIGNED_OWNER] = { "Owner", "You are now the owner of this ticket (set by %s)." },
		[MT_ASSIGNED_TASK] = { "Task", "%s gave you a task on this ticket." },
		[MT_ASSIGNED_APPROVAL] = { "Approval", "%s asks for your approval on this ticket." },
	};
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, a->ticket, error);
	const MtNotifyPolicy *policy;
	g_autofree char *what = NULL;
	gboolean wanted;

	if (mail == NULL)
		return FALSE;
	policy = mt_config_notify (config, mail->queue);
	wanted = a->kind == MT_ASSIGNED_OWNER  ? policy->owner
		 : a->kind == MT_ASSIGNED_TASK ? policy->task
					       : policy->approval;
	if (!wanted || a->user == 0)
		return TRUE;
	what = g_strdup_printf (kinds[a->kind].what, a->by);
	return tell_agent (store, config, a->ticket, a->user, kinds[a->kind].label, what, a->text, a->by_address,
			   a->now, error);
}

/* The sentence of a requester's status mail, or NULL for none. */
static const char *
status_sentence (const MtNotifyPolicy *policy, const MtNotifyStatus *s)
{
	gboolean resolved = g_strcmp0 (s->status, "resolved") == 0 || g_strcmp0 (s->status, "closed") == 0;
	gboolean pending = g_strcmp0 (s->status, "pending") == 0;

	if (s->mode == MT_NOTIFY_QUIET)
		return NULL;
	if (resolved && (policy->requester_resolved || s->mode == MT_NOTIFY_ALWAYS))
		return "Your request has been resolved:";
	if (pending && ((policy->requester_pending && s->note != NULL) || s->mode == MT_NOTIFY_ALWAYS))
		return "We are waiting for your answer on your request:";
	if (s->mode == MT_NOTIFY_ALWAYS)
		return "Your request is now being worked on:";
	return NULL;
}

gboolean
mt_notify_status (MtStore *store, const MtConfig *config, const MtNotifyStatus *s, gboolean *queued, GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, s->ticket, error);
	const char *what;
	MtNotifyRequester n = { s->ticket, NULL, s->note, s->now };

	*queued = FALSE;
	if (mail == NULL)
		return FALSE;
	if ((what = status_sentence (mt_config_notify (config, mail->queue), s)) == NULL)
		return TRUE;
	n.what = what;
	return mt_notify_requester (store, config, &n, queued, error);
}

gboolean
mt_notify_bounce (MtStore *store, const MtConfig *config, gint64 ticket, gint64 author, const char *reason, gint64 now,
		  GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, ticket, error);

	if (mail == NULL)
		return FALSE;
	if (author == 0 || !mt_config_notify (config, mail->queue)->bounce)
		return TRUE;
	return tell_agent (store, config, ticket, author, "Bounce",
			   "Your reply on this ticket could not be delivered; the customer has not received it.",
			   reason, NULL, now, error);
}
