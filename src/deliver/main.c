/*
 * NAME
 *	mailticket-deliver - file one message from the MTA into its ticket
 * SYNOPSIS
 *	mailticket-deliver [-v] [-c file] [--db path] [-f sender] [-r recipient] [--now time]
 *	mailticket-deliver --serve [-v] [-c file] [--db path]
 * DESCRIPTION
 *	Reads one message on stdin. When the config names a [deliver]
 *	socket and a server listens there, the server delivers it (see
 *	handoff.h); otherwise, or when the server cannot answer, this
 *	process does, through the same code. Either way the exit code and
 *	the line on stderr come from outcome.c.
 *
 *	With --serve it is that server.
 */
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "filter.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/handoff.h"
#include "mailticket/log.h"

/* How long a client waits for the server beyond the database's own lock wait. */
#define SERVER_GRACE_MS 30000

typedef struct {
	char *config;
	char *db;
	char *sender;
	char *recipient;
	char *now;
	gboolean verbose;
	gboolean serve;
	gboolean here;
} Options;

static gboolean
parse_options (int *argc, char ***argv, Options *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, "configuration file", "FILE" },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &o->db, "database path", "PATH" },
		{ "sender", 'f', 0, G_OPTION_ARG_STRING, &o->sender, "envelope sender", "ADDR" },
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING, &o->recipient, "envelope recipient", "ADDR" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "log to stderr too", NULL },
		{ "now", 0, 0, G_OPTION_ARG_STRING, &o->now, "take the time to be TIME (tests)", "TIME" },
		{ "serve", 0, 0, G_OPTION_ARG_NONE, &o->serve, "serve deliveries on the [deliver] socket", NULL },
		{ "no-server", 0, 0, G_OPTION_ARG_NONE, &o->here, "deliver in this process, not by the server", NULL },
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
	return o->now == NULL || mt_clock_override (o->now, error);
}

/* TRUE when the server delivered raw (or refused it): its line is on stderr, *code its exit code. */
static gboolean
hand_over (const Options *o, const MtConfig *config, const GByteArray *raw, int *code)
{
	g_autofree char *db = g_canonicalize_filename (config->db_path, NULL);
	g_autofree char *file = config->file ? g_canonicalize_filename (config->file, NULL) : NULL;
	MtHandoffRequest request = { db, file, o->sender, o->recipient };
	MtHandoffReply reply;
	g_autoptr (GError) error = NULL;

	request.fixed = mt_clock_fixed (&request.now);
	if (!mt_handoff_send (config->deliver_socket, &request, raw, config->busy_timeout + SERVER_GRACE_MS, &reply,
			      &error)) {
		g_message ("delivering in this process: %s", error->message);
		return FALSE;
	}
	if (*reply.line)
		fprintf (stderr, "%s\n", reply.line);
	g_debug ("by the server: %s", reply.summary);
	*code = reply.code;
	mt_handoff_reply_clear (&reply);
	return TRUE;
}

static int
run (const Options *o)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autoptr (MtConfig) config = mt_config_load (o->config, o->db, &error);
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (MtStore) store = NULL;
	g_autofree char *log_line = NULL;
	MtDeliverOptions options = { o->sender, o->recipient, FALSE };
	MtDeliverInput input;
	int code;

	if (config == NULL || !mt_deliver_read (STDIN_FILENO, config->max_message_size, &raw, &error))
		return filter_fail (error, stderr, &line);
	if (config->deliver_socket != NULL && !o->here && hand_over (o, config, raw, &code))
		return code;
	if (!(store = mt_store_open (config->db_path, config->busy_timeout, MT_STORE_CREATE, &error)))
		return filter_fail (error, stderr, &line);
	mt_deliver_prepare (&input, raw, config->max_message_size);
	code = filter_deliver (store, config, &input, &options, stderr, &line, &log_line);
	mt_deliver_input_clear (&input);
	return code;
}

int
main (int argc, char **argv)
{
	Options o = { 0 };
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	int code;

	mt_log_init ("mailticket-deliver", FALSE);
	if (!parse_options (&argc, &argv, &o, &error))
		code = filter_fail (error, stderr, &line);
	else {
		mt_log_init ("mailticket-deliver", o.verbose);
		code = o.serve ? filter_serve (o.config, o.db) : run (&o);
	}
	g_free (o.config);
	g_free (o.db);
	g_free (o.sender);
	g_free (o.recipient);
	g_free (o.now);
	return code;
}
