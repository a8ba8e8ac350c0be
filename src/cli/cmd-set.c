/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket set - change the fields of one ticket or several
 * SYNOPSIS
 *	mailticket set ID... [-m TEXT] [--notify | --quiet] FIELD=VALUE...
 * DESCRIPTION
 *	Fields: status, priority (1-9), owner (a login or none), queue,
 *	project, color, subject, requester (an address: the replies go
 *	there from then on), and until (a time: a pending ticket is
 *	escalated then, and open again; written after the status, which
 *	must end up pending). The leading numbers are the tickets. Every
 *	value is checked before anything is written, and all of them, on
 *	every ticket, are written in one transaction: an unknown ticket,
 *	status, owner or queue, or a change one ticket refuses (a pending
 *	approval), changes nothing on any, and the error names the ticket.
 *	Each change is recorded in the history with who made it. Then, for
 *	each ticket as it is now, a new status is told to the watchers,
 *	and to the requester when it is resolved or set pending with -m
 *	(as [notify] says; --notify always, --quiet never); a new owner is
 *	told. reply --status does the same after its reply (mt_cli_set).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/change.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/template.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"

/* One ticket's changes, and what they changed. */
typedef struct {
	gint64 ticket;
	char *const *assignments;
	const MtActor *actor;
	const char *note;
	MtNotifyMode mode;
	char *old_status, *new_status; /* when the status changed */
	gboolean new_owner;
} Set;

static void
set_clear (Set *s)
{
	g_free (s->old_status);
	g_free (s->new_status);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Set, set_clear)

/* Told once every field is written, so that the mails show the ticket
 * as it is now. */
static gboolean
tell_status (MtContext *ctx, Set *s, gint64 now, GError **error)
{
	g_autoptr (GHashTable) vars = mt_template_vars_new ();
	MtNotifyEvent e = { .ticket = s->ticket,
			    .template = "notify-status",
			    .who = s->actor->login,
			    .vars = vars,
			    .author = s->actor->email,
			    .now = now };
	MtNotifyStatus status = { s->ticket, s->new_status, s->note, s->mode, now };
	guint queued;
	gboolean told;

	mt_template_set (vars, "status.old", s->old_status);
	mt_template_set (vars, "status", s->new_status);
	return mt_notify_watchers (ctx->store, ctx->config, &e, &queued, error) &&
	       mt_notify_status (ctx->store, ctx->config, &status, &told, error);
}

static gboolean
tell_owner (MtContext *ctx, Set *s, gint64 now, GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (ctx->store, s->ticket, error);
	MtNotifyAssigned a = { s->ticket, MT_ASSIGNED_OWNER, 0, s->actor->login, s->actor->email, NULL, now };

	if (mail == NULL || (mail->owner && !mt_people_user_find (ctx->store, mail->owner, &a.user, error)))
		return FALSE;
	return mt_notify_assigned (ctx->store, ctx->config, &a, error);
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
	if (changed && strcmp (kv[0], "status") == 0) {
		if (s->old_status == NULL)
			s->old_status = g_steal_pointer (&old);
		g_free (s->new_status);
		s->new_status = g_strdup (kv[1]);
	}
	s->new_owner |= changed && strcmp (kv[0], "owner") == 0;
	return TRUE;
}

gboolean
mt_cli_set (MtContext *ctx, const MtCliSet *set, gint64 ticket, GError **error)
{
	g_auto (Set) s = { ticket, set->assignments, set->actor, set->note, set->mode };
	gint64 now = mt_clock_now ();

	if (!mt_cli_ticket_exists (ctx, ticket, error))
		return FALSE;
	/* until= last: it wants the ticket pending, which status= may make it. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; s.assignments[i]; i++)
			if (g_str_has_prefix (s.assignments[i], "until=") == pass &&
			    !set_one (ctx, &s, s.assignments[i], now, error))
				return FALSE;
	return (s.new_status == NULL || tell_status (ctx, &s, now, error)) &&
	       (!s.new_owner || tell_owner (ctx, &s, now, error));
}

typedef struct {
	GArray *tickets; /* gint64 */
	MtCliSet set;
} Bulk;

/* Every ticket in the one transaction: the first that refuses ends it,
 * and its number leads the error when there are several. */
static gboolean
write_set (MtContext *ctx, gpointer data, GError **error)
{
	Bulk *b = data;

	for (guint i = 0; i < b->tickets->len; i++) {
		gint64 ticket = g_array_index (b->tickets, gint64, i);

		if (!mt_cli_ticket_exists (ctx, ticket, error))
			return FALSE;
		if (!mt_cli_set (ctx, &b->set, ticket, error)) {
			if (b->tickets->len > 1)
				g_prefix_error (error, "ticket %" G_GINT64_FORMAT ": ", ticket);
			return FALSE;
		}
	}
	return TRUE;
}

/* The leading numbers of args: the tickets; *rest the first word after
 * them. */
GArray *
mt_cli_ticket_list (char **args, char ***rest, GError **error)
{
	g_autoptr (GArray) tickets = g_array_new (FALSE, FALSE, sizeof (gint64));
	int i;

	for (i = 0; args[i] && g_ascii_isdigit (args[i][0]); i++) {
		gint64 id;

		if (!mt_cli_parse_id (args[i], "ticket", &id, error))
			return NULL;
		g_array_append_val (tickets, id);
	}
	if (tickets->len == 0) {
		mt_cli_parse_id (args[0], "ticket", &(gint64){ 0 }, error);
		return NULL;
	}
	*rest = args + i;
	return g_steal_pointer (&tickets);
}

static gboolean
check_assignments (char **assignments, GError **error)
{
	if (*assignments == NULL)
		return mt_error_usage (error, "set: usage: mailticket set ID... FIELD=VALUE...");
	for (int i = 0; assignments[i]; i++) {
		const char *eq = strchr (assignments[i], '=');
		g_autofree char *field = eq ? g_strndup (assignments[i], eq - assignments[i]) : NULL;

		if (field == NULL || !mt_change_is_field (field))
			return mt_error_usage (error,
					       "set: '%s' is not FIELD=VALUE with a known field "
					       "(status, priority, owner, queue, project, color, subject, until, "
					       "requester)",
					       assignments[i]);
	}
	return TRUE;
}

int
mt_cmd_set (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID... FIELD=VALUE... - change tickets' fields");
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	g_autofree char *note = NULL;
	gboolean notify = FALSE, quiet = FALSE;
	GOptionEntry entries[] = {
		{ "message", 'm', 0, G_OPTION_ARG_STRING, &note, "words to the requester in the status mail", "TEXT" },
		{ "notify", 0, 0, G_OPTION_ARG_NONE, &notify, "mail the requester of the new status", NULL },
		{ "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet, "mail the requester nothing", NULL },
		{ NULL },
	};
	g_autoptr (GArray) tickets = NULL;
	char **assignments = NULL;
	Bulk b;
	int code;

	g_option_context_set_description (octx,
					  "Fields: status (new, open, pending, resolved, closed), priority (1-9),\n"
					  "owner (a login, or none), queue, project, color, subject,\n"
					  "requester (an address: replies go there from then on),\n"
					  "until (a pending ticket's time: +3d, monday 09:00, 2026-12-01, none).\n"
					  "Several tickets (set 1 2 3 status=closed) change in one transaction:\n"
					  "all of them, or none when one refuses.");
	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (notify && quiet)
		return mt_cli_usage ("set: --notify or --quiet, not both");
	if (argc < 3)
		return mt_cli_usage ("set: usage: mailticket set ID... FIELD=VALUE...");
	if (!(tickets = mt_cli_ticket_list (argv + 1, &assignments, &error)) ||
	    !check_assignments (assignments, &error) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	b = (Bulk){ tickets,
		    { assignments, &actor, note && *note ? note : NULL,
		      notify  ? MT_NOTIFY_ALWAYS
		      : quiet ? MT_NOTIFY_QUIET
			      : MT_NOTIFY_DEFAULT } };
	return mt_cli_write (ctx, write_set, &b, &error) ? 0 : mt_cli_fail (error);
}
