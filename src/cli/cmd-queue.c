/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket queue - the support addresses and their settings
 * SYNOPSIS
 *	mailticket queue add NAME --address ADDR [--sla DURATION] [--owner LOGIN] [--group GROUP]
 *	mailticket queue set NAME [--response DURATION] [--resolution DURATION] [--hours HOURS]
 *		[--tz ZONE] [--holidays FILE] [--owner LOGIN] [--group GROUP]
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
 *
 *	Service levels (queue set): a first-response target (--response,
 *	the same as --sla) and a resolution target, counted in the queue's
 *	business hours (calendar.h) when it has them, and the due times of
 *	its open tickets computed again at once.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/calendar.h"
#include "mailticket/clock.h"
#include "mailticket/compose.h"
#include "mailticket/directory.h"
#include "mailticket/erase.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

typedef struct {
	MtQueueNew queue;
	const char *owner;
	const char *group;
} Queue;

/* The user and group called owner and group (NULL: none) as ids. */
static gboolean
find_people (MtContext *ctx, const char *owner, const char *group, gint64 *user, gint64 *grp, GError **error)
{
	if (owner && !mt_people_user_find (ctx->store, owner, user, error))
		return FALSE;
	if (owner && *user == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user named '%s'", owner);
		return FALSE;
	}
	if (group && !mt_people_group_find (ctx->store, group, grp, error))
		return FALSE;
	if (group && *grp == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no group named '%s'", group);
		return FALSE;
	}
	return TRUE;
}

static gboolean
write_queue (MtContext *ctx, gpointer data, GError **error)
{
	Queue *q = data;
	gint64 id;

	/* An existing queue that takes a new SLA: its tickets are due by it. */
	return find_people (ctx, q->owner, q->group, &q->queue.owner, &q->queue.grp, error) &&
	       mt_directory_queue_add (ctx->store, ctx->config, &q->queue, &id, error) &&
	       mt_ticket_refresh_queue_due (ctx->store, id, error);
}

/* 240 -> "4h", 4320 -> "3d", 90 -> "90m", 0 -> "-". */
static char *
minutes_text (gint64 minutes)
{
	if (minutes <= 0)
		return g_strdup ("-");
	if (minutes % 1440 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT "d", minutes / 1440);
	if (minutes % 60 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT "h", minutes / 60);
	return g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes);
}

static void
print_queue (const MtQueueRow *row, gpointer data)
{
	g_autofree char *sla = minutes_text (row->sla_minutes);
	g_autofree char *resolution = minutes_text (row->resolution_minutes);
	g_autofree char *hours = row->hours ? g_strjoin (" ", row->hours, row->tz, NULL) : g_strdup ("-");

	mt_cli_line ("%-16s %-32s %6s  %-12s %6" G_GINT64_FORMAT " %7s  %s", row->name,
		     row->address ? row->address : "-", sla, row->owner ? row->owner : "-", row->active, resolution,
		     hours);
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
	const char *resolution, *hours, *tz, *holidays;
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
	mt_cli_print ("%-16s %-32s %6s  %-12s %6s %7s  %s\n", "QUEUE", "ADDRESS", "SLA", "OWNER", "ACTIVE", "RESOLVE",
		      "HOURS");
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
	if (o->resolution || o->hours || o->tz || o->holidays)
		return mt_cli_usage ("queue add: --resolution, --hours, --tz and --holidays are for queue set");
	if (o->address == NULL || !mt_compose_address_ok (o->address))
		return mt_cli_usage ("queue add: --address ADDR, a mail address, is required");
	if (o->sla && (!mt_config_parse_duration (o->sla, &seconds) || seconds < 60))
		return mt_cli_usage ("queue add: --sla is a duration such as 30m, 4h or 2d: '%s'", o->sla);
	q = (Queue){ { name, o->address, seconds / 60, 0, mt_clock_now () }, o->owner, o->group };
	return mt_cli_write (ctx, write_queue, &q, &error) ? 0 : mt_cli_fail (error);
}

typedef struct {
	const char *name, *owner, *group;
	MtQueueSettings settings;
} QueueSet;

static gboolean
write_queue_set (MtContext *ctx, gpointer data, GError **error)
{
	QueueSet *q = data;
	gint64 id;

	return find_people (ctx, q->owner, q->group, &q->settings.owner, &q->settings.grp, error) &&
	       mt_directory_queue_named (ctx->store, ctx->config, q->name, mt_clock_now (), &id, error) &&
	       mt_directory_queue_set (ctx->store, id, &q->settings, error) &&
	       mt_ticket_refresh_queue_due (ctx->store, id, error);
}

/* A target: a duration of a minute or more, or "none" (0); -1 when not given. */
static gboolean
parse_target (const char *text, const char *option, gint64 *minutes, GError **error)
{
	gint64 seconds = 0;

	*minutes = -1;
	if (text == NULL)
		return TRUE;
	if (g_ascii_strcasecmp (text, "none") == 0 || strcmp (text, "0") == 0) {
		*minutes = 0;
		return TRUE;
	}
	if (!mt_config_parse_duration (text, &seconds) || seconds < 60)
		return mt_error_usage (error, "queue set: %s is a duration such as 30m, 4h or 3d, or none: '%s'",
				       option, text);
	*minutes = seconds / 60;
	return TRUE;
}

/* --hours and --tz as they are stored ("" clears), checked as calendar.h reads them. */
static gboolean
parse_calendar (const Options *o, MtQueueSettings *s, GError **error)
{
	g_autoptr (MtCalendar) cal = NULL;

	s->hours = o->hours && g_ascii_strcasecmp (o->hours, "24x7") == 0 ? "" : o->hours;
	s->tz = o->tz;
	if (s->hours && *s->hours && !(cal = mt_calendar_new (s->hours, o->tz, error)))
		return FALSE;
	return s->tz == NULL || *s->tz == '\0' || mt_calendar_zone_ok (s->tz, error);
}

/* --holidays FILE as the dates it holds ("" clears); owned. */
static gboolean
read_holidays (const char *file, char **dates, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr (GError) local = NULL;

	*dates = NULL;
	if (file == NULL || *file == '\0') {
		*dates = file ? g_strdup ("") : NULL;
		return TRUE;
	}
	if (!g_file_get_contents (file, &text, NULL, &local))
		return mt_error_usage (error, "queue set: --holidays: %s", local->message);
	if (!(*dates = mt_calendar_read_holidays (text, &local)))
		return mt_error_usage (error, "queue set: --holidays %s: %s", file, local->message);
	return TRUE;
}

/* queue set NAME [--response D] [--resolution D] [--hours H] [--tz Z] [--holidays FILE] ... */
static int
set_queue (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *holidays = NULL;
	QueueSet q = { args->args[0], o->owner, o->group, { 0 } };

	if (!parse_target (o->sla, "--response", &q.settings.response_minutes, &error) ||
	    !parse_target (o->resolution, "--resolution", &q.settings.resolution_minutes, &error) ||
	    !parse_calendar (o, &q.settings, &error) || !read_holidays (o->holidays, &holidays, &error))
		return mt_cli_fail (error);
	q.settings.holidays = holidays;
	return mt_cli_write (ctx, write_queue_set, &q, &error) ? 0 : mt_cli_fail (error);
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
	{ "set", set_queue, MT_CLI_OPEN_WRITE,
	  "set NAME [--response D] [--resolution D] [--hours H] [--tz ZONE] [--holidays FILE] [--owner LOGIN] "
	  "[--group GROUP]" },
	{ "rm", remove_queue, MT_CLI_OPEN_WRITE, "rm NAME [--move-to QUEUE]" },
	{ "list", list_queues, MT_CLI_OPEN_READ, "[list]" },
	{ NULL },
};

int
mt_cmd_queue (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *address = NULL, *sla = NULL, *owner = NULL, *group = NULL, *move_to = NULL;
	g_autofree char *resolution = NULL, *hours = NULL, *tz = NULL, *holidays = NULL;
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "address", 'a', 0, G_OPTION_ARG_STRING, &address, "its support address (add)", "ADDR" },
		{ "sla", 0, 0, G_OPTION_ARG_STRING, &sla, "first response within, such as 4h or 1d (add, set)",
		  "DURATION" },
		{ "response", 0, 0, G_OPTION_ARG_STRING, &sla, "the same as --sla (add, set; none: no target)",
		  "DURATION" },
		{ "resolution", 0, 0, G_OPTION_ARG_STRING, &resolution,
		  "resolved within, such as 3d: working days with --hours (set; none: no target)", "DURATION" },
		{ "hours", 0, 0, G_OPTION_ARG_STRING, &hours,
		  "business hours, such as 'Mon-Fri 08:00-17:00' (set; 24x7: every hour)", "HOURS" },
		{ "tz", 0, 0, G_OPTION_ARG_STRING, &tz, "the time zone of the hours, such as Europe/Berlin (set)",
		  "ZONE" },
		{ "holidays", 0, 0, G_OPTION_ARG_FILENAME, &holidays,
		  "closed on these dates: YYYY-MM-DD lines or an iCalendar file (set; '': none)", "FILE" },
		{ "owner", 'o', 0, G_OPTION_ARG_STRING, &owner, "the owner of its new tickets (add, set)", "LOGIN" },
		{ "group", 'g', 0, G_OPTION_ARG_STRING, &group, "told of escalated tickets without owner (add, set)",
		  "GROUP" },
		{ "move-to", 0, 0, G_OPTION_ARG_STRING, &move_to, "the queue its tickets move to (rm)", "QUEUE" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new (
		"add NAME --address ADDR | set NAME ... | rm NAME [--move-to QUEUE] | list - queues");
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (
		ctx, verbs, argv,
		&(Options){ address, sla, owner, group, move_to, json, resolution, hours, tz, holidays });
}
