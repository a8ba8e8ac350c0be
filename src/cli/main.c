/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket - the agents' and sysadmins' command line
 * SYNOPSIS
 *	mailticket [-c file] [--db path] [--now time] command [options] [arguments]
 * DESCRIPTION
 *	Parses the global options, then looks the command up in one table
 *	and hands it the rest of the command line. The table says how the
 *	command opens the store; common.c opens it so once the command's
 *	options are parsed, or as the command's verb table says for each
 *	verb, never more than the table allows.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <gio/gio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/compose.h"
#include "mailticket/error.h"
#include "mailticket/log.h"
#include "mailticket/message.h"

static const struct {
	const char *name;
	MtCommandFunc func;
	MtCliOpen open; /* the most it does with the store; a verb table may say less per verb */
	const char *summary;
} commands[] = {
	{ "init", mt_cmd_init, MT_CLI_OPEN_CREATE, "create the database, or bring its schema up to date" },
	{ "list", mt_cmd_list, MT_CLI_OPEN_READ, "list tickets" },
	{ "show", mt_cmd_show, MT_CLI_OPEN_READ, "show a ticket's thread, or one stored message" },
	{ "attachment", mt_cmd_attachment, MT_CLI_OPEN_READ, "save one attachment of an article" },
	{ "search", mt_cmd_search, MT_CLI_OPEN_READ, "find articles by their words" },
	{ "db", mt_cmd_db, MT_CLI_OPEN_CREATE,
	  "rebuild what is derived from the stored mail, check, back up or restore the database" },
	{ "explain", mt_cmd_explain, MT_CLI_OPEN_READ, "say which ticket a message would join, storing nothing" },
	{ "import", mt_cmd_import, MT_CLI_OPEN_WRITE, "file old mail from Maildirs and mbox files, telling nobody" },
	{ "token", mt_cmd_token, MT_CLI_OPEN_READ, "print a ticket's reply address and subject token" },
	{ "quarantine", mt_cmd_quarantine, MT_CLI_OPEN_WRITE,
	  "list, show or replay messages that could not be parsed" },
	{ "reply", mt_cmd_reply, MT_CLI_OPEN_WRITE, "answer the requester by mail" },
	{ "note", mt_cmd_note, MT_CLI_OPEN_WRITE, "add an internal note for the agents" },
	{ "new", mt_cmd_new, MT_CLI_OPEN_WRITE, "open a ticket by hand: a phone call, an internal task" },
	{ "watch", mt_cmd_watch, MT_CLI_OPEN_WRITE, "list, add or remove who hears of a ticket" },
	{ "user", mt_cmd_user, MT_CLI_OPEN_CREATE, "add or list agents" },
	{ "group", mt_cmd_group, MT_CLI_OPEN_CREATE, "add or list groups of agents, and their members" },
	{ "set", mt_cmd_set, MT_CLI_OPEN_WRITE, "change status, priority, owner, queue, project, color, subject" },
	{ "tag", mt_cmd_tag, MT_CLI_OPEN_WRITE, "add or remove a ticket's tags" },
	{ "link", mt_cmd_link, MT_CLI_OPEN_WRITE, "relate two tickets: relates, parent, child, duplicate" },
	{ "merge", mt_cmd_merge, MT_CLI_OPEN_WRITE, "fold one ticket into another" },
	{ "split", mt_cmd_split, MT_CLI_OPEN_WRITE, "move some articles of a ticket to a new linked ticket" },
	{ "unmerge", mt_cmd_unmerge, MT_CLI_OPEN_WRITE, "bring back a ticket merged into another" },
	{ "task", mt_cmd_task, MT_CLI_OPEN_WRITE, "list, add or finish a ticket's tasks" },
	{ "time", mt_cmd_time, MT_CLI_OPEN_WRITE, "book time on a ticket, or report the time booked" },
	{ "approval", mt_cmd_approval, MT_CLI_OPEN_WRITE, "request, approve or reject an approval" },
	{ "queue", mt_cmd_queue, MT_CLI_OPEN_CREATE, "add or list queues: support addresses, SLA, default owner" },
	{ "stats", mt_cmd_stats, MT_CLI_OPEN_READ, "tickets opened, resolved, backlog and response times by queue" },
	{ "outbox", mt_cmd_outbox, MT_CLI_OPEN_WRITE, "list, show or retry mail waiting to be sent" },
	{ "rule", mt_cmd_rule, MT_CLI_OPEN_CREATE, "rules on incoming mail: add, list, rm, move, test" },
	{ "contact", mt_cmd_contact, MT_CLI_OPEN_CREATE, "add or list customers' addresses, by organisation" },
	{ "org", mt_cmd_org, MT_CLI_OPEN_CREATE, "add, remove or list customer organisations and their domains" },
	{ "ticket", mt_cmd_ticket, MT_CLI_OPEN_WRITE, "erase tickets for good" },
	{ "alarm", mt_cmd_alarm, MT_CLI_OPEN_WRITE, "set, list or remove reminders about a ticket" },
	{ "template", mt_cmd_template, MT_CLI_OPEN_NONE, "list, show or check the texts of the mail" },
	{ "config", mt_cmd_config, MT_CLI_OPEN_NONE,
	  "check the configuration file, or show every value and its source" },
};

static char *
command_summary (void)
{
	GString *s = g_string_new ("Commands:\n");

	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		g_string_append_printf (s, "  %-11s %s\n", commands[i].name, commands[i].summary);
	g_string_append (s, "\n'mailticket COMMAND --help' tells more.");
	return g_string_free (s, FALSE);
}

static gssize
find_command (const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		if (strcmp (commands[i].name, name) == 0)
			return i;
	return -1;
}

/* GOption takes string arguments in the locale's charset. In the C
 * locale (cron's, an MTA's, a bare ssh session's) that is ASCII, and
 * every 'Müller' or 'Büro' on the command line would be refused; take C
 * as C.UTF-8 then, as Python does. Only LC_CTYPE: output stays the same
 * whatever the locale. */
static void
init_locale (void)
{
	const char *charset = NULL;

	setlocale (LC_CTYPE, "");
	if (!g_get_charset (&charset) && g_strcmp0 (charset, "ANSI_X3.4-1968") == 0)
		setlocale (LC_CTYPE, "C.UTF-8");
}

/* An attachment's type for mt_compose(), from its name and content:
 * GIO's shared-mime-info guess. Only the CLI attaches files, and only
 * it links GIO. */
static char *
guess_type (const char *name, const guchar *data, gsize len)
{
	g_autofree char *guess = g_content_type_guess (name, data, len, NULL);

	return guess ? g_content_type_get_mime_type (guess) : NULL;
}

int
main (int argc, char **argv)
{
	MtContext ctx = { 0 };
	g_autofree char *now = NULL;
	gboolean version = FALSE;
	g_autoptr (GError) error = NULL;
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &ctx.config_path, "configuration file", "FILE" },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &ctx.db_path, "database path", "PATH" },
		{ "now", 0, 0, G_OPTION_ARG_STRING, &now, "take the time to be TIME (tests)", "TIME" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version and exit", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("COMMAND [ARGS...]");
	g_autofree char *summary = command_summary ();
	gssize command;
	int code;

	init_locale ();
	mt_log_init ("mailticket", FALSE);
	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (octx, summary);
	/* Options after the command belong to the command. */
	g_option_context_set_strict_posix (octx, TRUE);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (version) {
		printf ("mailticket %s\n", MT_VERSION);
		return 0;
	}
	if (now != NULL && !mt_clock_override (now, &error))
		return mt_cli_fail (error);
	if (argc < 2)
		return mt_cli_usage ("no command given; try 'mailticket --help'");
	if ((command = find_command (argv[1])) < 0)
		return mt_cli_usage ("unknown command '%s'; try 'mailticket --help'", argv[1]);
	mt_message_init ();
	mt_compose_set_type_guess (guess_type);
	ctx.open = commands[command].open;
	code = commands[command].func (&ctx, argc - 1, argv + 1);
	g_clear_pointer (&ctx.store, mt_store_close);
	g_clear_pointer (&ctx.config, mt_config_free);
	g_free ((char *) ctx.config_path);
	g_free ((char *) ctx.db_path);
	return code;
}
