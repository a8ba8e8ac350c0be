/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket approval - approvals on a ticket
 * SYNOPSIS
 *	mailticket approval ID [list] [--json]
 *	mailticket approval ID request LOGIN [--note TEXT]
 *	mailticket approval ID approve|reject [--note TEXT]
 * DESCRIPTION
 *	An approval is asked of one user, who approves or rejects it as
 *	themselves (mt_cli_agent: their login). While one is pending the
 *	ticket cannot be resolved or closed.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/work.h"

typedef struct {
	gint64 ticket;
	const char *verb, *login, *note;
	MtActor *actor;
} Approval;

static gboolean
write_approval (MtContext *ctx, gpointer data, GError **error)
{
	Approval *a = data;
	gint64 now = mt_clock_now (), approver = 0, id;

	if (strcmp (a->verb, "request") != 0)
		return mt_work_approval_decide (ctx->store, a->ticket, a->actor->user, strcmp (a->verb, "approve") == 0,
						a->actor->login, a->note, now, error);
	if (!mt_people_user_find (ctx->store, a->login, &approver, error))
		return FALSE;
	if (approver == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user named '%s'", a->login);
		return FALSE;
	}
	MtNotifyAssigned told = { a->ticket, MT_ASSIGNED_APPROVAL, approver, a->actor->login, a->actor->email, a->note,
				  now };

	return mt_work_approval_request (ctx->store, a->ticket, approver, a->actor->login, a->note, now, &id, error) &&
	       mt_notify_assigned (ctx->store, ctx->config, &told, error);
}

static void
print_approval (const MtApprovalRow *row, gpointer data)
{
	printf ("%5" G_GINT64_FORMAT "  %-9s %-12s asked by %s%s%s\n", row->id, row->state, row->approver,
		row->requested_by, row->note ? ": " : "", row->note ? row->note : "");
}

typedef struct {
	char *note;
	gboolean json;
} Options;

static int
list_approvals (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!mt_cli_ticket_exists (ctx, args->ticket, &error))
		return mt_cli_fail (error);
	if (!o->json)
		return mt_work_approvals (ctx->store, args->ticket, print_approval, NULL, &error) ? 0
												  : mt_cli_fail (error);
	if (!(text = mt_work_approvals_json (ctx->store, args->ticket, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

/* approval ID request LOGIN, approval ID approve|reject */
static int
change_approval (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Approval a;

	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	a = (Approval){ args->ticket, args->verb, args->args[0], o->note, &actor };
	return mt_cli_write (ctx, write_approval, &a, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "list", list_approvals, MT_CLI_OPEN_READ, "ID [list]" },
	{ "request", change_approval, MT_CLI_OPEN_WRITE, "ID request LOGIN" },
	{ "approve", change_approval, MT_CLI_OPEN_WRITE, "ID approve|reject" },
	{ "reject", change_approval, MT_CLI_OPEN_WRITE, "ID approve|reject" },
	{ NULL },
};

int
mt_cmd_approval (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "ID [list] | ID request LOGIN | ID approve|reject", NULL, verbs };
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "note", 'n', 0, G_OPTION_ARG_STRING, &o.note, "why", "TEXT" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print JSON (list)", NULL },
		{ NULL },
	};
	int code = mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);

	g_free (o.note);
	return code;
}
