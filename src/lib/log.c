/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	log.c - syslog (facility mail) with a stderr mirror
 * DESCRIPTION
 *	GLib's structured log writer is replaced by one that writes each
 *	message to syslog under the program's ident, and to stderr when
 *	verbose. GMime's and GLib's own messages take the same way, so a
 *	warning from deep inside a library reaches the mail log. What goes
 *	to stderr has its control characters shown escaped (printable.h).
 */
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "mailticket/log.h"
#include "mailticket/printable.h"

static gboolean log_verbose;
static char *log_prefix;

static int
syslog_priority (GLogLevelFlags level)
{
	if (level & G_LOG_LEVEL_ERROR)
		return LOG_ERR;
	if (level & G_LOG_LEVEL_CRITICAL)
		return LOG_CRIT;
	if (level & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (level & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (level & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

static const char *
field_value (const GLogField *fields, gsize n, const char *key)
{
	for (gsize i = 0; i < n; i++)
		if (g_strcmp0 (fields[i].key, key) == 0 && fields[i].length < 0)
			return fields[i].value;
	return NULL;
}

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	const char *text = field_value (fields, n_fields, "MESSAGE");
	int priority = syslog_priority (level);

	if (text == NULL)
		return G_LOG_WRITER_UNHANDLED;
	if (priority == LOG_DEBUG && !log_verbose)
		return G_LOG_WRITER_HANDLED;
	syslog (priority, "%s%s%s", log_prefix ? log_prefix : "", log_prefix ? ": " : "", text);
	if (log_verbose || (priority <= LOG_WARNING && isatty (STDERR_FILENO))) {
		/* A message may quote the mail (an address, a server's reply). */
		g_autofree char *shown = mt_printable_escape (text, -1, MT_PRINTABLE_LINE);

		fprintf (stderr, "%s: %s%s%s\n", g_get_prgname (), log_prefix ? log_prefix : "", log_prefix ? ": " : "",
			 shown);
	}
	return G_LOG_WRITER_HANDLED;
}

void
mt_log_init (const char *ident, gboolean verbose)
{
	static gboolean done;

	log_verbose = verbose;
	if (done)
		return;
	done = TRUE;
	g_set_prgname (ident);
	openlog (ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
	g_log_set_writer_func (log_writer, NULL, NULL);
}

void
mt_log_tell (const char *text)
{
	g_autofree char *shown = mt_printable_escape (text, -1, MT_PRINTABLE_LINE);

	syslog (LOG_WARNING, "%s%s%s", log_prefix ? log_prefix : "", log_prefix ? ": " : "", text);
	fprintf (stderr, "%s: %s\n", g_get_prgname (), shown);
}

void
mt_log_tell_config (const GPtrArray *warnings)
{
	for (guint i = 0; warnings != NULL && i < warnings->len; i++) {
		g_autofree char *text = g_strdup_printf ("warning: %s", (const char *) warnings->pdata[i]);

		mt_log_tell (text);
	}
}

void
mt_log_set_prefix (const char *prefix)
{
	g_free (log_prefix);
	log_prefix = g_strdup (prefix);
}
