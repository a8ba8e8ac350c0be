/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket alarm - reminders about a ticket
 * SYNOPSIS
 *	mailticket alarm ID add --at TIME [--to LOGIN|GROUP|ADDR] [--note TEXT]
 *	mailticket alarm [ID] list [--due] [--mine] [--all] [--json]
 *	mailticket alarm [ID] rm ALARM
 * DESCRIPTION
 *	An alarm mails its recipient (the agent who sets it, unless --to
 *	names a user, a group or an address) about the ticket at TIME:
 *	mailticket-send fires it on its next run. TIME is local: "+2h",
 *	"tomorrow 09:00", "friday", "14:30", "2026-12-01 09:00" and the
 *	like (mt_clock_parse_when). list shows the alarms not fired yet,
 *	soonest first; --all those fired too, --due only those due now,
 *	--mine only those for the agent running it (directly, through a
 *	group, or to their address). An alarm's number is its own, so rm
 *	needs no ticket; given one, as add and list take it, it must be
 *	the alarm's.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/alarm.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"

typedef struct {
	MtAlarmNew alarm; /* alarm.ticket: to remove, the ticket asked for, or 0 */
	gint64 id;        /* the new alarm, or the one to remove */
	gboolean remove, found;
} Alarm;

static void
find_alarm (const MtAlarmRow *row, gpointer data)
{
	Alarm *a = data;

	a->found |= row->id == a->id;
}

/* The alarm to remove is one of the ticket asked for, if any. */
static gboolean
alarm_of_ticket (MtContext *ctx, Alarm *a, GError **error)
{
	MtAlarmFilter all = { .ticket = a->alarm.ticket, .fired = TRUE, .now = a->alarm.now };

	if (a->alarm.ticket == 0)
		return TRUE;
	if (!mt_alarm_list (ctx->store, &all, find_alarm, a, error))
		return FALSE;
	if (!a->found)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "ticket %" G_GINT64_FORMAT " has no alarm %" G_GINT64_FORMAT, a->alarm.ticket, a->id);
	return a->found;
}

static gboolean
write_alarm (MtContext *ctx, gpointer data, GError **error)
{
	Alarm *a = data;

	if (a->remove)
		return alarm_of_ticket (ctx, a, error) &&
		       mt_alarm_remove (ctx->store, a->id, a->alarm.who, a->alarm.now, error);
	return mt_alarm_add (ctx->store, &a->alarm, &a->id, error);
}

static void
print_alarm (const MtAlarmRow *row, gpointer data)
{
	g_autofree char *due = mt_clock_format (row->due);
	g_autofree char *to = mt_cli_fit (row->to, 12);
	g_autofree char *note = mt_cli_printable (row->note ? row->note : row->subject, FALSE);

	printf ("%5" G_GINT64_FORMAT " %6" G_GINT64_FORMAT "  %s %-5s %s %s\n", row->id, row->ticket, due,
		row->fired ? "fired" : "", to, note);
}

typedef struct {
	char *at, *to, *note;
	gboolean due, mine, all, json;
} Options;

static int
print_alarms (MtContext *ctx, const MtAlarmFilter *filter, gboolean json)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (filter->ticket && !mt_cli_ticket_exists (ctx, filter->ticket, &error))
		return mt_cli_fail (error);
	if (json) {
		if (!(text = mt_alarm_list_json (ctx->store, filter, &error)))
			return mt_cli_fail (error);
		printf ("%s\n", text);
		return 0;
	}
	printf ("%5s %6s  %-16s %-5s %-12s %s\n", "ALARM", "TICKET", "DUE", "", "TO", "NOTE");
	return mt_alarm_list (ctx->store, filter, print_alarm, NULL, &error) ? 0 : mt_cli_fail (error);
}

static int
list_alarms (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	MtAlarmFilter filter;

	if (o->mine && !mt_cli_actor (ctx, &actor, &error))
		return mt_cli_fail (error);
	filter = (MtAlarmFilter){ args->ticket, o->all, o->due, o->mine, actor.user, mt_clock_now () };
	return print_alarms (ctx, &filter, o->json);
}

static int
add_alarm (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Alarm a = { 0 };

	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	a.alarm = (MtAlarmNew){ .ticket = args->ticket,
				.to = o->to ? o->to : actor.login,
				.note = o->note,
				.who = actor.login,
				.now = mt_clock_now () };
	if (o->at == NULL || !mt_clock_parse_when (o->at, &a.alarm.due))
		return mt_cli_usage ("alarm add: --at TIME is a time such as +2h, tomorrow 09:00, friday 14:00,"
				     " 2026-12-01 09:00: '%s'",
				     o->at ? o->at : "");
	if (!mt_cli_write (ctx, write_alarm, &a, &error))
		return mt_cli_fail (error);
	printf ("%" G_GINT64_FORMAT "\n", a.id);
	return 0;
}

static int
remove_alarm (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Alarm a = { .remove = TRUE };

	if (!mt_cli_parse_id (args->args[0], "alarm", &a.id, &error) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	a.alarm = (MtAlarmNew){ .ticket = args->ticket, .who = actor.login, .now = mt_clock_now () };
	return mt_cli_write (ctx, write_alarm, &a, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "add", add_alarm, MT_CLI_OPEN_WRITE, "ID add --at TIME [--to WHO] [--note TEXT]" },
	{ "list", list_alarms, MT_CLI_OPEN_READ, "[ID] [list] [--due] [--mine] [--all]" },
	{ "rm", remove_alarm, MT_CLI_OPEN_WRITE, "[ID] rm ALARM" },
	{ NULL },
};

int
mt_cmd_alarm (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "ID add --at TIME | [ID] list | [ID] rm ALARM - alarms", NULL, verbs };
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "at", 0, 0, G_OPTION_ARG_STRING, &o.at, "when it falls due (add)", "TIME" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &o.to, "whom it reminds, else yourself (add)", "LOGIN|GROUP|ADDR" },
		{ "note", 'm', 0, G_OPTION_ARG_STRING, &o.note, "what to remember (add)", "TEXT" },
		{ "due", 0, 0, G_OPTION_ARG_NONE, &o.due, "only those due now (list)", NULL },
		{ "mine", 0, 0, G_OPTION_ARG_NONE, &o.mine, "only those for you (list)", NULL },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &o.all, "those fired too (list)", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print JSON (list)", NULL },
		{ NULL },
	};
	int code = mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);

	g_free (o.at);
	g_free (o.to);
	g_free (o.note);
	return code;
}
