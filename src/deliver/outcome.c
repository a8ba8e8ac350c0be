/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	outcome.c - what the MTA is told about one delivery
 * DESCRIPTION
 *	One delivery, its exit code (through fail.c when it failed) and the
 *	one log line per delivery, which the caller logs once the delivery
 *	is on disk (serve.c commits several together).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "filter.h"
#include "mailticket/error.h"
#include "mailticket/rules.h"

static char *
summary (const MtDeliverResult *r)
{
	g_autofree char *rules = r->rules && r->rules->matched->len ? mt_rule_outcome_names (r->rules) : NULL;
	g_autofree char *bounced = r->bounced ? g_strdup_printf (" bounced=%u", r->bounced) : NULL;
	g_autofree char *errors = r->rules && r->rules->errors->len ? mt_rule_outcome_error_names (r->rules) : NULL;

	if (r->action == MT_DELIVER_QUARANTINE)
		return g_strdup_printf ("quarantine=%" G_GINT64_FORMAT " action=quarantine size=%zu reason=%s",
					r->quarantine, r->size, r->reason);
	return g_strdup_printf (
		"ticket=%" G_GINT64_FORMAT " article=%" G_GINT64_FORMAT " action=%s via=%s message-id=<%s> size=%zu"
		"%s%s%s%s notified=%u%s%s%s%s",
		r->ticket, r->article, mt_deliver_action_name (r->action),
		r->action == MT_DELIVER_DUPLICATE ? "-" : mt_thread_via_name (r->decision.via),
		r->message_id ? r->message_id : "", r->size, r->reopened ? " reopened=yes" : "",
		r->bounce ? " bounce=yes" : "", bounced ? bounced : "", r->acknowledged ? " ack=yes" : "", r->notified,
		rules ? " rules=" : "", rules ? rules : "", errors ? " rule-errors=" : "", errors ? errors : "");
}

int
filter_deliver (MtStore *store, const MtConfig *config, MtDeliverInput *input, const MtDeliverOptions *options,
		FILE *echo, char **line, char **log_line)
{
	g_autoptr (GError) error = NULL;
	MtDeliverResult result;

	*line = *log_line = NULL;
	/* mt_deliver_prepared() clears the result itself when it fails. */
	if (!mt_deliver_prepared (store, config, input, options, &result, &error))
		return filter_fail (error, echo, line);
	*log_line = summary (&result);
	mt_deliver_result_clear (&result);
	return EX_OK;
}
