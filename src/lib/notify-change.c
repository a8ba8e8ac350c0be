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
#include "mailticket/template.h"
#include "mailticket/ticket.h"

/* Tells one agent (a user) something about the ticket, unless the agent
 * did it. */
static gboolean
tell_agent (MtStore *store, const MtConfig *config, gint64 ticket, gint64 user, const char *template, GHashTable *vars,
	    const char *by_address, gint64 now, GError **error)
{
	g_autofree char *address = mt_people_user_email (store, user, NULL);
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	MtNotifyAgents n = { ticket, "notification", template, vars, to, now };
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
		const char *template, *text;
	} kinds[] = {
		[MT_ASSIGNED_OWNER] = { "notify-owner", "text" },
		[MT_ASSIGNED_TASK] = { "notify-task", "task" },
		[MT_ASSIGNED_APPROVAL] = { "notify-approval", "note" },
	};
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, a->ticket, error);
	g_autoptr (GHashTable) vars = mt_template_vars_new ();
	const MtNotifyPolicy *policy;
	gboolean wanted;

	if (mail == NULL)
		return FALSE;
	policy = mt_config_notify (config, mail->queue);
	wanted = a->kind == MT_ASSIGNED_OWNER  ? policy->owner
		 : a->kind == MT_ASSIGNED_TASK ? policy->task
					       : policy->approval;
	if (!wanted || a->user == 0)
		return TRUE;
	mt_template_set (vars, "by", a->by);
	mt_template_set (vars, kinds[a->kind].text, a->text);
	return tell_agent (store, config, a->ticket, a->user, kinds[a->kind].template, vars, a->by_address, a->now,
			   error);
}

/* Whether the requester hears of the new status. */
static gboolean
status_told (const MtNotifyPolicy *policy, const MtNotifyStatus *s)
{
	gboolean resolved = g_strcmp0 (s->status, "resolved") == 0 || g_strcmp0 (s->status, "closed") == 0;
	gboolean pending = g_strcmp0 (s->status, "pending") == 0;

	if (s->mode == MT_NOTIFY_QUIET)
		return FALSE;
	if (s->mode == MT_NOTIFY_ALWAYS)
		return TRUE;
	return (resolved && policy->requester_resolved) || (pending && policy->requester_pending && s->note != NULL);
}

gboolean
mt_notify_status (MtStore *store, const MtConfig *config, const MtNotifyStatus *s, gboolean *queued, GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, s->ticket, error);
	MtNotifyRequester n = { s->ticket, s->status, s->note, s->now };

	*queued = FALSE;
	if (mail == NULL)
		return FALSE;
	if (!status_told (mt_config_notify (config, mail->queue), s))
		return TRUE;
	return mt_notify_requester (store, config, &n, queued, error);
}

gboolean
mt_notify_bounce (MtStore *store, const MtConfig *config, gint64 ticket, gint64 author, const char *reason, gint64 now,
		  GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, ticket, error);
	g_autoptr (GHashTable) vars = mt_template_vars_new ();

	if (mail == NULL)
		return FALSE;
	if (author == 0 || !mt_config_notify (config, mail->queue)->bounce)
		return TRUE;
	mt_template_set (vars, "reason", reason);
	return tell_agent (store, config, ticket, author, "notify-bounce", vars, NULL, now, error);
}
