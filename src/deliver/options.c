/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	options.c - the command line of both programs of mailticket-deliver,
 *	and their logging
 */
#include <string.h>

#include "filter.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/log.h"

/* An envelope address that is no UTF-8 names nobody we could answer:
 * it is left out (the sender taken from the header, the recipient
 * the default queue) rather than deferring the message for ever. */
static void
forget_unreadable (char **address, const char *what)
{
	if (*address == NULL || g_utf8_validate (*address, -1, NULL))
		return;
	g_warning ("envelope %s is not UTF-8; left out", what);
	g_clear_pointer (address, g_free);
}

gboolean
filter_options_parse (int *argc, char ***argv, FilterOptions *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, "configuration file", "FILE" },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &o->db, "database path", "PATH" },
		/* Bytes as the MTA passes them (FILENAME: no conversion from a
		 * locale): SMTPUTF8 mail has UTF-8 addresses (RFC 6531). */
		{ "sender", 'f', 0, G_OPTION_ARG_FILENAME, &o->sender, "envelope sender", "ADDR" },
		{ "recipient", 'r', 0, G_OPTION_ARG_FILENAME, &o->recipient, "envelope recipient", "ADDR" },
		{ "queue-id", 'q', 0, G_OPTION_ARG_STRING, &o->queue_id, "the MTA's queue id, to lead each log line",
		  "ID" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "log to stderr too", NULL },
		{ "now", 0, 0, G_OPTION_ARG_STRING, &o->now, "take the time to be TIME (tests)", "TIME" },
		{ "serve", 0, 0, G_OPTION_ARG_NONE, &o->serve, "serve deliveries on the [deliver] socket", NULL },
		{ "no-server", 0, 0, G_OPTION_ARG_NONE, &o->here, "deliver in this process, not by the server", NULL },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &o->version, "print the version and exit", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("< message");
	g_autoptr (GError) local = NULL;

	g_option_context_set_summary (ctx, "Files one message from the MTA into its mailticket ticket.");
	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, argc, argv, &local) || *argc > 1) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "usage: %s",
			     local ? local->message : "unexpected argument");
		return FALSE;
	}
	forget_unreadable (&o->sender, "sender");
	forget_unreadable (&o->recipient, "recipient");
	return o->now == NULL || mt_clock_override (o->now, error);
}

gboolean
filter_start (int *argc, char ***argv, FilterOptions *o, int *code)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;

	mt_log_init ("mailticket-deliver", FALSE);
	if (!filter_options_parse (argc, argv, o, &error)) {
		*code = filter_fail (error, stderr, &line);
		return FALSE;
	}
	if (o->version) {
		printf ("mailticket-deliver %s\n", MT_VERSION);
		*code = 0;
		return FALSE;
	}
	mt_log_init ("mailticket-deliver", o->verbose);
	mt_log_set_prefix (o->queue_id);
	return TRUE;
}

void
filter_options_clear (FilterOptions *o)
{
	g_free (o->config);
	g_free (o->db);
	g_free (o->sender);
	g_free (o->recipient);
	g_free (o->now);
	g_free (o->queue_id);
	memset (o, 0, sizeof *o);
}
