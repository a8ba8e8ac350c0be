/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fail.c - what the MTA is told when a delivery fails
 * DESCRIPTION
 *	The one table from errors to sysexits codes and DSN status lines,
 *	for both programs of mailticket-deliver.
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

#include "filter.h"
#include "mailticket/error.h"
#include "mailticket/rules.h"

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

/* The line goes to stderr before the log's mirror of it, so that it is the first the MTA reads. */
static void
tell (FILE *echo, char **line)
{
	if (echo == NULL)
		return;
	fprintf (echo, "%s\n", *line);
	g_clear_pointer (line, g_free);
}

int
filter_fail (const GError *error, FILE *echo, char **line)
{
	const char *status;
	int code;

	/* A rule's refusal: its own code, and its line as the customer reads it. */
	if (error->domain == MT_RULES_REFUSAL) {
		*line = g_strdup (error->message);
		tell (echo, line);
		g_warning ("status=%.5s %s", error->message, error->message + MIN (strlen (error->message), 6));
		return error->code;
	}
	code = exit_code (error, &status);
	*line = g_strdup_printf ("%s mailticket-deliver: %s", status, error->message);
	tell (echo, line);
	g_warning ("status=%s %s", status, error->message);
	return code;
}
