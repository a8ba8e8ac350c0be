/*
 * NAME
 *	mailticket-deliver - file one message from the MTA into its ticket
 * SYNOPSIS
 *	mailticket-deliver [-v] [-c file] [--db path] [-f sender] [-r recipient] [--now time]
 * DESCRIPTION
 *	Reads one message on stdin and hands it to mt_deliver(). This file
 *	only reads, calls the library, logs one line and maps the outcome to
 *	the exit code the MTA acts on.
 * DIAGNOSTICS
 *	Exit 0: stored, duplicate or quarantined. Exit 75 (EX_TEMPFAIL) with
 *	a 4.x.x line: Postfix defers and retries. Exit 69 (EX_UNAVAILABLE)
 *	with a 5.x.x line: Postfix bounces. A rule's refusal exits with the
 *	rule's code (77 EX_NOPERM, 67 EX_NOUSER ...) and its 5.x.x line.
 *	Never 1, 2 or 111, which pipe(8) would bounce.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "mailticket/clock.h"
#include "mailticket/config.h"
#include "mailticket/deliver.h"
#include "mailticket/error.h"
#include "mailticket/log.h"
#include "mailticket/message.h"
#include "mailticket/rules.h"
#include "mailticket/store.h"

typedef struct {
	char *config;
	char *db;
	char *sender;
	char *recipient;
	char *now;
	gboolean verbose;
} Options;

/* The one table from errors to what the MTA is told. */
static int
exit_code (const GError *error, const char **status)
{
	if (error->domain == MT_ERROR && error->code == MT_ERROR_TOO_BIG) {
		*status = "5.2.3";
		return EX_UNAVAILABLE;
	}
	if (error->domain == MT_ERROR && (error->code == MT_ERROR_CONFIG || error->code == MT_ERROR_USAGE)) {
		*status = "4.3.5";
		return EX_TEMPFAIL;
	}
	/* Busy, full, I/O, and our own bugs: the message must stay queued. */
	*status = "4.3.0";
	return EX_TEMPFAIL;
}

static int
fail (const GError *error)
{
	const char *status;
	int code;

	/* A rule's refusal: its own code, and its line as the customer reads it. */
	if (error->domain == MT_RULES_REFUSAL) {
		fprintf (stderr, "%s\n", error->message);
		g_warning ("status=%.5s %s", error->message, error->message + MIN (strlen (error->message), 6));
		return error->code;
	}
	code = exit_code (error, &status);
	fprintf (stderr, "%s mailticket-deliver: %s\n", status, error->message);
	g_warning ("status=%s %s", status, error->message);
	return code;
}

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

static void
log_result (const MtDeliverResult *r)
{
	g_autofree char *rules = r->rules && r->rules->matched->len ? mt_rule_outcome_names (r->rules) : NULL;

	if (r->action == MT_DELIVER_QUARANTINE) {
		g_message ("quarantine=%" G_GINT64_FORMAT " action=quarantine size=%zu reason=%s", r->quarantine,
			   r->size, r->reason);
		return;
	}
	g_message ("ticket=%" G_GINT64_FORMAT " article=%" G_GINT64_FORMAT " action=%s via=%s message-id=<%s> size=%zu"
		   "%s%s%s notified=%u%s%s",
		   r->ticket, r->article, mt_deliver_action_name (r->action),
		   r->action == MT_DELIVER_DUPLICATE ? "-" : mt_thread_via_name (r->decision.via),
		   r->message_id ? r->message_id : "", r->size, r->reopened ? " reopened=yes" : "",
		   r->bounce ? " bounce=yes" : "", r->acknowledged ? " ack=yes" : "", r->notified,
		   rules ? " rules=" : "", rules ? rules : "");
}

static gboolean
run (const Options *o, GError **error)
{
	g_autoptr (MtConfig) config = mt_config_load (o->config, o->db, error);
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (MtStore) store = NULL;
	MtDeliverResult result;
	MtDeliverOptions options = { o->sender, o->recipient, FALSE };

	if (config == NULL || !mt_deliver_read (STDIN_FILENO, config->max_message_size, &raw, error))
		return FALSE;
	if (!(store = mt_store_open (config->db_path, config->busy_timeout, MT_STORE_CREATE, error)))
		return FALSE;
	/* mt_deliver() clears the result itself when it fails. */
	if (!mt_deliver (store, config, raw, &options, &result, error))
		return FALSE;
	log_result (&result);
	mt_deliver_result_clear (&result);
	return TRUE;
}

int
main (int argc, char **argv)
{
	Options o = { 0 };
	g_autoptr (GError) error = NULL;
	int code = EX_OK;

	mt_log_init ("mailticket-deliver", FALSE);
	if (parse_options (&argc, &argv, &o, &error)) {
		mt_log_init ("mailticket-deliver", o.verbose);
		run (&o, &error);
	}
	if (error != NULL)
		code = fail (error);
	g_free (o.config);
	g_free (o.db);
	g_free (o.sender);
	g_free (o.recipient);
	g_free (o.now);
	return code;
}
