/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket queue - the support addresses and their settings
 * SYNOPSIS
 *	mailticket queue add NAME --address ADDR [--sla DURATION] [--owner LOGIN] [--group GROUP]
 *	mailticket queue list [--json]
 * DESCRIPTION
 *	A queue is a support address: mail to it (its +extension aside)
 *	opens tickets in it. The SLA is the first-response time it promises
 *	(acknowledgements say so unless mailticket.conf words it, and a
 *	ticket without a reply by then is escalated); the owner gets its
 *	new tickets; the group hears of escalated tickets that have no
 *	owner. Queues are made only here (and the default one, from the
 *	configuration, when first needed): never by mail. The default queue
 *	takes the settings when given its name or address.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/compose.h"
#include "mailticket/directory.h"
#include "mailticket/erase.h"
#include "mailticket/error.h"
#include "mailticket/people.h"

typedef struct {
	MtQueueNew queue;
	const char *owner;
	const char *group;
} Queue;

static gboolean
write_queue (MtContext *ctx, gpointer data, GError **error)
{
	Queue *q = data;
	gint64 id;

	if (q->owner && !mt_people_user_find (ctx->store, q->owner, &q->queue.owner, error))
		return FALSE;
	if (q->owner && q->queue.owner == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user named '%s'", q->owner);
		return FALSE;
	}
	if (q->group && !mt_people_group_find (ctx->store, q->group, &q->queue.grp, error))
		return FALSE;
	if (q->group && q->queue.grp == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no group named '%s'", q->group);
		return FALSE;
	}
	return mt_directory_queue_add (ctx->store, ctx->config, &q->queue, &id, error);
}

static void
print_queue (const MtQueueRow *row, gpointer data)
{
	g_autofree char *sla =
		row->sla_minutes ? g_strdup_printf ("%" G_GINT64_FORMAT "m", row->sla_minutes) : g_strdup ("-");

	printf ("%-16s %-32s %6s  %-12s %6" G_GINT64_FORMAT "\n", row->name, row->address ? row->address : "-", sla,
		row->owner ? row->owner : "-", row->active);
}

static gboolean
name_ok (const char *name)
{
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && !strchr ("._-", *p))
			return FALSE;
	return *name != '\0';
}

typedef struct {
	const char *address, *sla, *owner, *group, *move_to;
	gboolean json;
} Options;

static int
list_queues (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (o->json) {
		if (!(text = mt_directory_queues_json (ctx->store, &error)))
			return mt_cli_fail (error);
		printf ("%s\n", text);
		return 0;
	}
	printf ("%-16s %-32s %6s  %-12s %6s\n", "QUEUE", "ADDRESS", "SLA", "OWNER", "ACTIVE");
	return mt_directory_queues (ctx->store, print_queue, NULL, &error) ? 0 : mt_cli_fail (error);
}

static int
add_queue (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	const char *name = args->args[0];
	g_autoptr (GError) error = NULL;
	gint64 seconds = 0;
	Queue q;

	if (!name_ok (name))
		return mt_cli_usage ("queue add: not a queue name (letters, digits, . _ -): '%s'", name);
	if (o->address == NULL || !mt_compose_address_ok (o->address))
		return mt_cli_usage ("queue add: --address ADDR, a mail address, is required");
	if (o->sla && (!mt_config_parse_duration (o->sla, &seconds) || seconds < 60))
		return mt_cli_usage ("queue add: --sla is a duration such as 30m, 4h or 2d: '%s'", o->sla);
	q = (Queue){ { name, o->address, seconds / 60, 0, mt_clock_now () }, o->owner, o->group };
	return mt_cli_write (ctx, write_queue, &q, &error) ? 0 : mt_cli_fail (error);
}

static gboolean
write_queue_rm (MtContext *ctx, gpointer data, GError **error)
{
	const char *const *names = data;

	return mt_erase_queue (ctx->store, ctx->config, names[0], names[1], error);
}

/* queue rm NAME [--move-to QUEUE] */
static int
remove_queue (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	const char *names[] = { args->args[0], o->move_to };
	g_autoptr (GError) error = NULL;

	return mt_cli_write (ctx, write_queue_rm, names, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "add", add_queue, MT_CLI_OPEN_CREATE, "add NAME --address ADDR [--sla D] [--owner LOGIN] [--group GROUP]" },
	{ "rm", remove_queue, MT_CLI_OPEN_WRITE, "rm NAME [--move-to QUEUE]" },
	{ "list", list_queues, MT_CLI_OPEN_READ, "[list]" },
	{ NULL },
};

int
mt_cmd_queue (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *address = NULL, *sla = NULL, *owner = NULL, *group = NULL, *move_to = NULL;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "address", 'a', 0, G_OPTION_ARG_STRING, &address, "its support address (add)", "ADDR" },
		{ "sla", 0, 0, G_OPTION_ARG_STRING, &sla, "first response within, such as 4h or 1d (add)", "DURATION" },
		{ "owner", 'o', 0, G_OPTION_ARG_STRING, &owner, "the owner of its new tickets (add)", "LOGIN" },
		{ "group", 'g', 0, G_OPTION_ARG_STRING, &group, "told of escalated tickets without owner (add)",
		  "GROUP" },
		{ "move-to", 0, 0, G_OPTION_ARG_STRING, &move_to, "the queue its tickets move to (rm)", "QUEUE" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx =
		g_option_context_new ("add NAME --address ADDR | rm NAME [--move-to QUEUE] | list - queues");
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, verbs, argv, &(Options){ address, sla, owner, group, move_to, json });
}
