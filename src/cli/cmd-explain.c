/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket explain - which ticket would a message join, and why
 * DESCRIPTION
 *	Runs a message file through the same code as mailticket-deliver in
 *	a dry run: nothing is stored. Prints action, ticket, via and reason,
 *	one per line. The rules on incoming mail take part, as in a
 *	delivery: `mailticket rule test` prints what they say first.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/deliver.h"
#include "mailticket/thread.h"

static const char *
action_name (const MtDeliverResult *r)
{
	if (r->action != MT_DELIVER_NEW)
		return mt_deliver_action_name (r->action);
	return r->decision.action == MT_THREAD_NEW_LINKED ? "new-linked" : "new";
}

void
mt_cli_print_delivery (const MtDeliverResult *r)
{
	g_autofree char *reason = mt_thread_describe (&r->decision);

	printf ("action: %s\n", action_name (r));
	if (r->action == MT_DELIVER_REFUSED) {
		printf ("reason: rule %s refuses it: exit %d, %s\n", r->rules->refuse_rule, r->rules->refuse_code,
			r->rules->refuse_line);
		return;
	}
	if (r->action == MT_DELIVER_DUPLICATE) {
		printf ("ticket: %" G_GINT64_FORMAT "\narticle: %" G_GINT64_FORMAT "\n", r->ticket, r->article);
		printf ("reason: these exact bytes are stored already\n");
		return;
	}
	if (r->action == MT_DELIVER_QUARANTINE) {
		printf ("reason: %s\n", r->reason);
		return;
	}
	if (r->rules && r->rules->spam.value)
		printf ("reason: rule %s files it as spam, in a ticket of its own\n", r->rules->spam.rule);
	if (r->rules && r->rules->spam.value)
		return;
	if (r->decision.ticket != 0)
		printf ("ticket: %" G_GINT64_FORMAT "\n", r->decision.ticket);
	printf ("via: %s\n", mt_thread_via_name (r->decision.via));
	printf ("reason: %s\n", reason);
}

int
mt_cmd_explain (MtContext *ctx, int argc, char **argv)
{
	MtDeliverOptions options = { NULL, NULL, TRUE };
	GOptionEntry entries[] = {
		{ "sender", 'f', 0, G_OPTION_ARG_STRING, &options.sender, "envelope sender", "ADDR" },
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING, &options.recipient, "envelope recipient", "ADDR" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("FILE - say which ticket a message would join");
	g_autoptr (GError) error = NULL;
	g_autofree char *contents = NULL;
	g_autoptr (GByteArray) raw = NULL;
	MtDeliverResult result;
	gsize len;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 2)
		return mt_cli_usage ("explain: one message file expected");
	if (!g_file_get_contents (argv[1], &contents, &len, &error))
		return mt_cli_fail (error);
	raw = g_byte_array_new_take ((guint8 *) g_steal_pointer (&contents), len);
	if (!mt_deliver (ctx->store, ctx->config, raw, &options, &result, &error))
		return mt_cli_fail (error);
	mt_cli_print_delivery (&result);
	mt_deliver_result_clear (&result);
	g_free ((char *) options.sender);
	g_free ((char *) options.recipient);
	return 0;
}
