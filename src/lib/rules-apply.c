/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	rules-apply.c - doing what the rules said to a ticket
 * DESCRIPTION
 *	mt_rules_apply() turns an outcome of mt_rules_evaluate() into
 *	changes on the ticket the message opened or joined, each through
 *	the module that owns what it changes (change.c, people.c, ticket.c,
 *	directory.c) and each with a history line by "rule:NAME". A rule
 *	that could not be evaluated on the message is counted, and has a
 *	line of its own (field rule-error), so that whoever wonders why a
 *	rule did nothing, or filed a message as spam, can read why.
 */
#include "mailticket/change.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/rules.h"
#include "mailticket/ticket.h"

/* A name a rule gives (a queue, a user) may have gone since the rule
 * was added: the mail is filed without that change, and the log says
 * so, rather than deferred for ever. Other failures (a busy database)
 * stay failures. The changes check before they write. */
static gboolean
unless_stale (gboolean ok, GError *local, const char *rule, GError **error)
{
	if (ok)
		return TRUE;
	if (local->domain == MT_ERROR && (local->code == MT_ERROR_NOT_FOUND || local->code == MT_ERROR_USAGE)) {
		g_warning ("rule %s: %s; that change is skipped", rule, local->message);
		g_error_free (local);
		return TRUE;
	}
	g_propagate_error (error, local);
	return FALSE;
}

static gboolean
change (MtStore *store, gint64 ticket, const char *field, const MtRuleValue *v, gint64 now, GError **error)
{
	g_autofree char *who = NULL;
	GError *local = NULL;
	gboolean changed, ok;

	if (v->value == NULL)
		return TRUE;
	who = g_strdup_printf ("rule:%s", v->rule);
	ok = mt_change_field (store, ticket, field, v->value, who, now, &changed, &local);
	return unless_stale (ok, local, v->rule, error);
}

/* The queue "spam", made the first time it is needed. */
static gboolean
spam_queue (MtStore *store, const MtConfig *config, gint64 now, GError **error)
{
	MtQueueNew q = { .name = "spam", .now = now };
	gint64 id = 0;
	g_autoptr (GError) local = NULL;

	if (mt_directory_queue_named (store, config, "spam", now, &id, &local))
		return TRUE;
	if (!g_error_matches (local, MT_ERROR, MT_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	return mt_directory_queue_add (store, config, &q, &id, error);
}

static gboolean
apply_fields (MtStore *store, const MtConfig *config, const MtRuleOutcome *o, gint64 ticket, gint64 now, GError **error)
{
	MtRuleValue spam = { "spam", o->spam.rule };
	g_autofree char *who = o->personal.value ? g_strdup_printf ("rule:%s", o->personal.rule) : NULL;

	if (o->spam.value && !spam_queue (store, config, now, error))
		return FALSE;
	return change (store, ticket, "queue", o->spam.value ? &spam : &o->queue, now, error) &&
	       change (store, ticket, "owner", &o->owner, now, error) &&
	       change (store, ticket, "priority", &o->priority, now, error) &&
	       change (store, ticket, "status", &o->status, now, error) &&
	       (who == NULL || mt_ticket_set_personal (store, ticket, who, now, error));
}

static gboolean
apply_watchers (MtStore *store, const MtRuleOutcome *o, gint64 ticket, gint64 now, GError **error)
{
	for (guint i = 0; i < o->watchers->len; i++) {
		const MtRuleValue *v = &g_array_index (o->watchers, MtRuleValue, i);
		g_autofree char *who = g_strdup_printf ("rule:%s", v->rule);
		gboolean changed = FALSE;
		GError *local = NULL;
		if (!unless_stale (mt_people_watch (store, ticket, v->value, TRUE, now, &changed, &local), local,
				   v->rule, error) ||
		    (changed && !mt_ticket_add_history (store, ticket, who, "watcher", NULL, v->value, now, error)))
			return FALSE;
	}
	return TRUE;
}

static gboolean
note_errors (MtStore *store, const MtRuleOutcome *o, gint64 ticket, gint64 now, GError **error)
{
	if (!mt_rules_count_errors (store, o, now, error))
		return FALSE;
	for (guint i = 0; i < o->errors->len; i++) {
		const MtRuleError *e = g_ptr_array_index (o->errors, i);
		g_autofree char *who = g_strdup_printf ("rule:%s", e->rule->name);
		g_autofree char *what = g_strdup_printf ("pattern could not be evaluated (%s)", e->message);
		if (!mt_ticket_add_history (store, ticket, who, "rule-error", NULL, what, now, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_rules_apply (MtStore *store, const MtConfig *config, const MtRuleOutcome *o, gint64 ticket, gboolean created,
		gint64 now, GError **error)
{
	if (!note_errors (store, o, ticket, now, error) ||
	    (created && !apply_fields (store, config, o, ticket, now, error)))
		return FALSE;
	for (guint i = 0; i < o->tags->len; i++) {
		const MtRuleValue *v = &g_array_index (o->tags, MtRuleValue, i);
		g_autofree char *who = g_strdup_printf ("rule:%s", v->rule);
		gboolean changed;
		GError *local = NULL;
		if (!unless_stale (mt_change_tag (store, ticket, v->value, TRUE, who, now, &changed, &local), local,
				   v->rule, error))
			return FALSE;
	}
	return apply_watchers (store, o, ticket, now, error);
}
