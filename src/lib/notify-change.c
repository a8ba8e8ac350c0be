/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	notify-change.c - who hears of a change to a ticket
 * DESCRIPTION
 *	A new owner, a task's assignee, an approver, the author of a reply
 *	that bounced, and the requester of a ticket resolved or waiting on
 *	them: each is told as [notify] in mailticket.conf says for the
 *	ticket's queue. Two tickets that mail bridged and that were linked,
 *	not merged, are told to whoever looks after each. The mails are
 *	composed by notify.c; this file only decides who gets one.
 */
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/template.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"

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

/* Who looks after a ticket: its owner, else the queue's group, as a new
 * ticket is told ([notify] new_ticket). Adds their addresses to to. */
static gboolean
keepers (MtStore *store, const MtConfig *config, const MtTicketMail *mail, GPtrArray *to, GError **error)
{
	g_autoptr (GPtrArray) members = NULL;
	gint64 user = 0;
	char *address;

	if (mail->owner != NULL) {
		if (!mt_people_user_find (store, mail->owner, &user, error))
			return FALSE;
		if ((address = mt_people_user_email (store, user, NULL)) != NULL)
			g_ptr_array_add (to, address);
		return TRUE;
	}
	if (!mt_config_notify (config, mail->queue)->new_ticket || mail->queue_group == 0)
		return TRUE;
	if (!(members = mt_people_addresses (store, 0, mail->queue_group, error)))
		return FALSE;
	for (guint i = 0; i < members->len; i++)
		g_ptr_array_add (to, g_strdup (g_ptr_array_index (members, i)));
	return TRUE;
}

static gboolean
same_address (gconstpointer a, gconstpointer b)
{
	return g_ascii_strcasecmp (a, b) == 0;
}

/* The mail about mail's ticket, linked to other, to those who look
 * after it and are not in told yet (who heard of the link already);
 * adds them to told. */
static gboolean
tell_link (MtStore *store, const MtConfig *config, const MtNotifyLink *l, const MtTicketMail *mail,
	   const MtTicketMail *other, GPtrArray *told, GError **error)
{
	g_autoptr (GPtrArray) keeping = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	g_autoptr (GHashTable) vars = mt_template_vars_new ();
	g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, other->id);
	g_autofree char *token = mt_token_subject (config->tag, other->id);
	g_autofree char *command = g_strdup_printf ("mailticket merge %" G_GINT64_FORMAT " into %" G_GINT64_FORMAT,
						    MAX (mail->id, other->id), MIN (mail->id, other->id));
	MtNotifyAgents n = { mail->id, "notification", "notify-link", vars, to, l->now };
	guint queued;

	if (!keepers (store, config, mail, keeping, error))
		return FALSE;
	for (guint i = 0; i < keeping->len; i++)
		if (!g_ptr_array_find_with_equal_func (told, g_ptr_array_index (keeping, i), same_address, NULL)) {
			g_ptr_array_add (to, g_ptr_array_index (keeping, i));
			g_ptr_array_add (told, g_strdup (g_ptr_array_index (keeping, i)));
		}
	mt_template_set (vars, "linked.id", id);
	mt_template_set (vars, "linked.subject", other->subject);
	mt_template_set (vars, "linked.token", token);
	mt_template_set (vars, "bridge.from", l->from ? l->from : "-");
	mt_template_set (vars, "bridge.subject", l->subject ? l->subject : "-");
	mt_template_set (vars, "bridge.message_id", l->message_id ? l->message_id : "-");
	mt_template_set (vars, "merge.command", command);
	return to->len == 0 || mt_notify_agents (store, config, &n, &queued, error);
}

gboolean
mt_notify_link (MtStore *store, const MtConfig *config, const MtNotifyLink *l, GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, l->ticket, error);
	g_autoptr (MtTicketMail) linked = mail ? mt_ticket_mail_facts (store, l->linked, error) : NULL;
	g_autoptr (GPtrArray) told = g_ptr_array_new_with_free_func (g_free);

	return linked != NULL && tell_link (store, config, l, mail, linked, told, error) &&
	       tell_link (store, config, l, linked, mail, told, error);
}
