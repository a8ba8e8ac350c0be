/*
 * NAME
 *	mailticket alarm - reminders about a ticket
 * SYNOPSIS
 *	mailticket alarm ID add --at TIME [--to LOGIN|GROUP|ADDR] [--note TEXT]
 *	mailticket alarm [ID] list [--due] [--mine] [--all] [--json]
 *	mailticket alarm rm ALARM
 * DESCRIPTION
 *	An alarm mails its recipient (the agent who sets it, unless --to
 *	names a user, a group or an address) about the ticket at TIME:
 *	mailticket-send fires it on its next run. TIME is local: "+2h",
 *	"tomorrow 09:00", "friday", "14:30", "2026-12-01 09:00" and the
 *	like (mt_clock_parse_when). list shows the alarms not fired yet,
 *	soonest first; --all those fired too, --due only those due now,
 *	--mine only those for the agent running it (directly, through a
 *	group, or to their address).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/alarm.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"

typedef struct {
	MtAlarmNew alarm;
	gint64 id; /* the new alarm, or the one to remove */
	gboolean remove;
} Alarm;

static gboolean
write_alarm (MtContext *ctx, gpointer data, GError **error)
{
	Alarm *a = data;

	if (a->remove)
		return mt_alarm_remove (ctx->store, a->id, a->alarm.who, a->alarm.now, error);
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

static int
list_alarms (MtContext *ctx, const MtAlarmFilter *filter, gboolean json)
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

/* The verb and the ticket or alarm number it needs: "ID add", "ID
 * [list]", "list", "rm ALARM". */
static gboolean
parse_words (int argc, char **argv, const char **verb, gint64 *id, GError **error)
{
	*id = 0;
	*verb = "list";
	if (argc == 1 || (argc == 2 && strcmp (argv[1], "list") == 0))
		return TRUE;
	if (argc == 3 && strcmp (argv[1], "rm") == 0) {
		*verb = "rm";
		return mt_cli_parse_id (argv[2], "alarm", id, error);
	}
	if (argc == 2 || (argc == 3 && (strcmp (argv[2], "add") == 0 || strcmp (argv[2], "list") == 0))) {
		*verb = argc == 3 ? argv[2] : "list";
		return mt_cli_parse_id (argv[1], "ticket", id, error);
	}
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
		     "alarm: usage: mailticket alarm ID add --at TIME [--to WHO] [--note TEXT]"
		     " | [ID] list [--due] [--mine] [--all] | rm ALARM");
	return FALSE;
}

static int
add_alarm (MtContext *ctx, Alarm *a, const char *at, const MtActor *actor)
{
	g_autoptr (GError) error = NULL;

	if (at == NULL || !mt_clock_parse_when (at, &a->alarm.due))
		return mt_cli_usage ("alarm add: --at TIME is a time such as +2h, tomorrow 09:00, friday 14:00,"
				     " 2026-12-01 09:00: '%s'",
				     at ? at : "");
	if (a->alarm.to == NULL)
		a->alarm.to = actor->login;
	if (!mt_cli_write (ctx, write_alarm, a, &error))
		return mt_cli_fail (error);
	printf ("%" G_GINT64_FORMAT "\n", a->id);
	return 0;
}

int
mt_cmd_alarm (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *at = NULL, *to = NULL, *note = NULL;
	MtAlarmFilter filter = { 0 };
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "at", 0, 0, G_OPTION_ARG_STRING, &at, "when it falls due (add)", "TIME" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &to, "whom it reminds, else yourself (add)", "LOGIN|GROUP|ADDR" },
		{ "note", 'm', 0, G_OPTION_ARG_STRING, &note, "what to remember (add)", "TEXT" },
		{ "due", 0, 0, G_OPTION_ARG_NONE, &filter.due, "only those due now (list)", NULL },
		{ "mine", 0, 0, G_OPTION_ARG_NONE, &filter.mine, "only those for you (list)", NULL },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &filter.fired, "those fired too (list)", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print JSON (list)", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID add --at TIME | [ID] list | rm ALARM - alarms");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Alarm a = { 0 };
	const char *verb;
	gint64 id;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (!parse_words (argc, argv, &verb, &id, &error) || !mt_cli_open (ctx, MT_STORE_EXISTING, &error))
		return mt_cli_fail (error);
	if (strcmp (verb, "list") == 0) {
		if (filter.mine && !mt_cli_actor (ctx, &actor, &error))
			return mt_cli_fail (error);
		filter = (MtAlarmFilter){ id, filter.fired, filter.due, filter.mine, actor.user, mt_clock_now () };
		return list_alarms (ctx, &filter, json);
	}
	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	a.id = id;
	a.remove = strcmp (verb, "rm") == 0;
	a.alarm = (MtAlarmNew){
		.ticket = a.remove ? 0 : id, .to = to, .note = note, .who = actor.login, .now = mt_clock_now ()
	};
	if (a.remove)
		return mt_cli_write (ctx, write_alarm, &a, &error) ? 0 : mt_cli_fail (error);
	return add_alarm (ctx, &a, at, &actor);
}
