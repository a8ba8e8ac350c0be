/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket task - a ticket's tasks
 * SYNOPSIS
 *	mailticket task ID [list] [--json]
 *	mailticket task ID add TITLE [--assignee LOGIN]
 *	mailticket task [ID] done TASK
 * DESCRIPTION
 *	Tasks split a ticket's work among agents; time can be booked on
 *	them (mailticket time --task). A task's number is its own, so done
 *	needs no ticket; given one, as the other verbs are, it must be the
 *	task's.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/people.h"
#include "mailticket/work.h"

typedef struct {
	gint64 ticket, task;
	const char *title, *assignee, *who;
	const char *who_address; /* the acting agent's, who is not told of a task they took */
	gboolean done;
} Task;

/* Done, in the ticket asked for (t->ticket) if any. */
static gboolean
finish (MtContext *ctx, Task *t, gint64 now, GError **error)
{
	gint64 asked = t->ticket;

	if (!mt_work_task_done (ctx->store, t->task, t->who, now, &t->ticket, error))
		return FALSE;
	if (asked == 0 || asked == t->ticket)
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "ticket %" G_GINT64_FORMAT " has no task %" G_GINT64_FORMAT,
		     asked, t->task);
	return FALSE;
}

static gboolean
write_task (MtContext *ctx, gpointer data, GError **error)
{
	Task *t = data;
	gint64 now = mt_clock_now (), user = 0;

	if (t->done)
		return finish (ctx, t, now, error);
	if (t->assignee && !mt_people_user_find (ctx->store, t->assignee, &user, error))
		return FALSE;
	if (t->assignee && user == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user named '%s'", t->assignee);
		return FALSE;
	}
	MtNotifyAssigned told = { t->ticket, MT_ASSIGNED_TASK, user, t->who, t->who_address, t->title, now };

	return mt_work_task_add (ctx->store, t->ticket, t->title, user, t->who, now, &t->task, error) &&
	       mt_notify_assigned (ctx->store, ctx->config, &told, error);
}

static void
print_task (const MtTaskRow *row, gpointer data)
{
	printf ("%5" G_GINT64_FORMAT "  %-5s %-12s %s\n", row->id, row->state, row->assignee ? row->assignee : "-",
		row->title);
}

typedef struct {
	char *assignee;
	gboolean json;
} Options;

static int
list_tasks (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	if (!mt_cli_ticket_exists (ctx, args->ticket, &error))
		return mt_cli_fail (error);
	if (!o->json)
		return mt_work_tasks (ctx->store, args->ticket, print_task, NULL, &error) ? 0 : mt_cli_fail (error);
	if (!(text = mt_work_tasks_json (ctx->store, args->ticket, &error)))
		return mt_cli_fail (error);
	printf ("%s\n", text);
	return 0;
}

static int
add_task (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	Task t;

	if (!mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	t = (Task){ args->ticket, 0, args->args[0], o->assignee, actor.login, actor.email, FALSE };
	if (!mt_cli_write (ctx, write_task, &t, &error))
		return mt_cli_fail (error);
	printf ("%" G_GINT64_FORMAT "\n", t.task);
	return 0;
}

static int
finish_task (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	g_auto (MtActor) actor = { 0 };
	gint64 task;
	Task t;

	if (!mt_cli_parse_id (args->args[0], "task", &task, &error) || !mt_cli_agent (ctx, &actor, &error))
		return mt_cli_fail (error);
	t = (Task){ args->ticket, task, NULL, NULL, actor.login, actor.email, TRUE };
	return mt_cli_write (ctx, write_task, &t, &error) ? 0 : mt_cli_fail (error);
}

static const MtCliVerb verbs[] = {
	{ "list", list_tasks, MT_CLI_OPEN_READ, "ID [list]" },
	{ "add", add_task, MT_CLI_OPEN_WRITE, "ID add TITLE [--assignee LOGIN]" },
	{ "done", finish_task, MT_CLI_OPEN_WRITE, "[ID] done TASK" },
	{ NULL },
};

int
mt_cmd_task (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "ID [list] | ID add TITLE | [ID] done TASK - tasks", NULL, verbs };
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "assignee", 'a', 0, G_OPTION_ARG_STRING, &o.assignee, "who does it (add)", "LOGIN" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "print JSON (list)", NULL },
		{ NULL },
	};
	int code = mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);

	g_free (o.assignee);
	return code;
}
