/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket-send - deliver the outbox over SMTP
 * SYNOPSIS
 *	mailticket-send [-v] [-c file] [--db path] [--once] [--now time]
 *	mailticket-send --version
 * DESCRIPTION
 *	Fires the alarms and escalations due (mt_alarm_fire, mt_escalate_due),
 *	closes resolved tickets due for it (mt_escalate_auto_close),
 *	then runs passes of mt_sender_pass() until nothing is due (one pass
 *	with --once). This file only reads the options, the configuration and
 *	the password, calls the library and maps the outcome to an exit
 *	code, with one line on stderr when there is something to say.
 * DIAGNOSTICS
 *	Exit 0: the outbox is drained, or only waits remain, also when the
 *	server could not be reached (one line says so; the mail is retried
 *	later). Exit 75 (EX_TEMPFAIL): the database is busy or failing.
 *	Exit 78 (EX_CONFIG): the configuration is wrong. Exit 1: a bad
 *	option, or anything else.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "mailticket/alarm.h"
#include "mailticket/clock.h"
#include "mailticket/config.h"
#include "mailticket/error.h"
#include "mailticket/erase.h"
#include "mailticket/escalate.h"
#include "mailticket/log.h"
#include "mailticket/printable.h"
#include "mailticket/sender.h"
#include "mailticket/store.h"

typedef struct {
	char *config;
	char *db;
	char *now;
	gboolean once;
	gboolean verbose;
	gboolean version;
} Options;

/* The one table from errors to exit codes. */
static int
exit_code (const GError *error)
{
	if (error->domain == MT_ERROR && error->code == MT_ERROR_TEMPFAIL)
		return EX_TEMPFAIL;
	if (error->domain == MT_ERROR && error->code == MT_ERROR_CONFIG)
		return EX_CONFIG;
	return 1;
}

static gboolean
parse_options (int *argc, char ***argv, Options *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config, "configuration file", "FILE" },
		{ "db", 0, 0, G_OPTION_ARG_FILENAME, &o->db, "database path", "PATH" },
		{ "once", 0, 0, G_OPTION_ARG_NONE, &o->once, "one pass, then exit", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "log to stderr too", NULL },
		{ "now", 0, 0, G_OPTION_ARG_STRING, &o->now, "take the time to be TIME (tests)", "TIME" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &o->version, "print the version and exit", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
	g_autoptr (GError) local = NULL;

	g_option_context_set_summary (ctx, "Delivers mailticket's outbox over SMTP.");
	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, argc, argv, &local) || *argc > 1) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "%s (try --help)",
			     local ? local->message : "unexpected argument");
		return FALSE;
	}
	return o->now == NULL || mt_clock_override (o->now, error);
}

/* The password, or NULL without AUTH; warns when anybody may read it. */
static gboolean
read_password (const MtConfig *config, char **password, GError **error)
{
	gboolean exposed = FALSE;

	*password = NULL;
	if (config->smtp_user == NULL)
		return TRUE;
	if (!(*password = mt_sender_read_password (config->smtp_password_file, &exposed, error)))
		return FALSE;
	if (exposed)
		fprintf (stderr, "mailticket-send: warning: %s is readable by every user; chmod o-rwx it\n",
			 config->smtp_password_file);
	return TRUE;
}

static gboolean
drain (MtSender *sender, gboolean once, GError **error)
{
	MtSenderStats stats = { 0 };
	gboolean ok;

	do {
		stats.claimed = 0;
		ok = mt_sender_pass (sender, &stats, error);
	} while (ok && !once && stats.claimed > 0 && stats.unreachable == NULL);
	/* What the server said may hold anything: shown as printable.h shows text. */
	g_autofree char *why =
		stats.unreachable ? mt_printable_escape (stats.unreachable, -1, MT_PRINTABLE_LINE) : NULL;

	if (why != NULL && stats.failed > 0)
		fprintf (stderr, "mailticket-send: %s; %u message%s deferred, %u failed\n", why, stats.deferred,
			 stats.deferred == 1 ? "" : "s", stats.failed);
	else if (why != NULL)
		fprintf (stderr, "mailticket-send: %s; %u message%s deferred\n", why, stats.deferred,
			 stats.deferred == 1 ? "" : "s");
	g_debug ("sent=%u deferred=%u failed=%u", stats.sent, stats.deferred, stats.failed);
	mt_sender_stats_clear (&stats);
	return ok;
}

/* Alarms and escalations due become queued mail, sent by this run;
 * resolved tickets past [queue NAME] auto_close_after are closed, and
 * closed tickets past [retention] purge_closed_after erased. */
static gboolean
fire_due (MtStore *store, const MtConfig *config, GError **error)
{
	gint64 now = mt_clock_now ();
	guint alarms = 0, escalations = 0;
	guint closed = 0, purged = 0;
	gboolean ok = mt_alarm_fire (store, config, now, &alarms, error) &&
		      mt_escalate_due (store, config, now, &escalations, error) &&
		      mt_escalate_auto_close (store, config, now, &closed, error) &&
		      mt_erase_purge (store, config->purge_closed_after, now, &purged, error);

	g_debug ("alarms=%u escalations=%u closed=%u purged=%u", alarms, escalations, closed, purged);
	return ok;
}

static gboolean
run (const Options *o, GError **error)
{
	g_autoptr (MtConfig) config = mt_config_load (o->config, o->db, error);
	g_autoptr (MtStore) store = NULL;
	g_autoptr (MtSender) sender = NULL;
	char *password;

	if (config != NULL)
		mt_log_tell_config (config->warnings);
	if (config == NULL ||
	    !(store = mt_store_open (config->db_path, config->busy_timeout, MT_STORE_EXISTING, error)) ||
	    !read_password (config, &password, error))
		return FALSE;
	sender = mt_sender_new (store, config, password);
	return fire_due (store, config, error) && drain (sender, o->once, error);
}

int
main (int argc, char **argv)
{
	Options o = { 0 };
	g_autoptr (GError) error = NULL;
	int code = EX_OK;

	/* A server that hangs up mid-write must not kill us. */
	signal (SIGPIPE, SIG_IGN);
	mt_log_init ("mailticket-send", FALSE);
	if (parse_options (&argc, &argv, &o, &error) && o.version)
		printf ("mailticket-send %s\n", MT_VERSION);
	else if (error == NULL) {
		mt_log_init ("mailticket-send", o.verbose);
		run (&o, &error);
	}
	if (error != NULL) {
		g_autofree char *shown = mt_printable_escape (error->message, -1, MT_PRINTABLE_LINE);

		fprintf (stderr, "mailticket-send: %s\n", shown);
		code = exit_code (error);
	}
	g_free (o.config);
	g_free (o.db);
	g_free (o.now);
	return code;
}
