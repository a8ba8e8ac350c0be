/*
 * NAME
 *	mailticket set - change a ticket's fields
 * SYNOPSIS
 *	mailticket set ID FIELD=VALUE...
 * DESCRIPTION
 *	Fields: status, priority (1-9), owner (a login or none), queue,
 *	project, color, subject, and until (a time: a pending ticket is
 *	escalated then, and open again; written after the status, which
 *	must end up pending). Every value is checked before anything is
 *	written, and all of them are written in one transaction: an unknown
 *	status, owner or queue changes nothing. Each change is recorded in
 *	the history with who made it; a new status is told to the watchers.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/change.h"
#include "mailticket/clock.h"
#include "mailticket/notify.h"
#include "mailticket/ticket.h"

typedef struct {
	gint64 ticket;
	char **assignments;
	MtActor *actor;
} Set;

static gboolean
tell_status (MtContext *ctx, Set *s, const char *old, const char *status, gint64 now, GError **error)
{
	g_autofree char *what = g_strdup_printf ("Status changed from %s to %s by %s", old, status, s->actor->login);
	MtNotifyEvent e = { .ticket = s->ticket, .what = what, .author = s->actor->email, .now = now };
	guint queued;

	return mt_notify_watchers (ctx->store, ctx->config, &e, &queued, error);
}

static gboolean
set_one (MtContext *ctx, Set *s, const char *assignment, gint64 now, GError **error)
{
	g_auto (GStrv) kv = g_strsplit (assignment, "=", 2);
	g_autofree char *old =
		strcmp (kv[0], "status") == 0 ? mt_ticket_get_status (ctx->store, s->ticket, error) : g_strdup ("");
	gboolean changed;

	if (old == NULL ||
	    !mt_change_field (ctx->store, s->ticket, kv[0], kv[1], s->actor->login, now, &changed, error))
		return FALSE;
	return !changed || strcmp (kv[0], "status") != 0 || tell_status (ctx, s, old, kv[1], now, error);
}

static gboolean
write_set (MtContext *ctx, gpointer data, GError **error)
{
	Set *s = data;
	gint64 now = mt_clock_now ();

	if (!mt_cli_ticket_exists (ctx, s->ticket, error))
		return FALSE;
	/* until= last: it wants the ticket pending, which status= may make it. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; s->assignments[i]; i++)
			if (g_str_has_prefix (s->assignments[i], "until=") == pass &&
			    !set_one (ctx, s, s->assignments[i], now, error))
				return FALSE;
	return TRUE;
}

int
mt_cmd_set (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID FIELD=VALUE... - change a ticket's fields");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Set s = { 0 };
	int code;

	g_option_context_set_description (octx,
					  "Fields: status (new, open, pending, resolved, closed), priority (1-9),\n"
					  "owner (a login, or none), queue, project, color, subject,\n"
					  "until (a pending ticket's time: +3d, monday 09:00, 2026-12-01, none).");
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (argc < 3)
		return mt_cli_usage ("set: usage: mailticket set ID FIELD=VALUE...");
	for (int i = 2; i < argc; i++) {
		const char *eq = strchr (argv[i], '=');
		g_autofree char *field = eq ? g_strndup (argv[i], eq - argv[i]) : NULL;

		if (field == NULL || !mt_change_is_field (field))
			return mt_cli_usage ("set: '%s' is not FIELD=VALUE with a known field "
					     "(status, priority, owner, queue, project, color, subject, until)",
					     argv[i]);
	}
	if (!mt_cli_parse_id (argv[1], "ticket", &s.ticket, &error) || !mt_cli_open (ctx, MT_STORE_EXISTING, &error) ||
	    !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	s.assignments = argv + 2;
	s.actor = &actor;
	return mt_cli_write (ctx, write_set, &s, &error) ? 0 : mt_cli_fail (error);
}
