/*
 * NAME
 *	clock.c - the time every module agrees on
 * DESCRIPTION
 *	$MAILTICKET_NOW fixes the clock for tests: seconds since the epoch,
 *	or an ISO 8601 time (local time when it names no zone).
 */
#include <stdlib.h>

#include "mailticket/clock.h"

static gboolean
parse_fixed (const char *text, gint64 *when)
{
	char *end = NULL;
	gint64 seconds = g_ascii_strtoll (text, &end, 10);

	if (end != text && *end == '\0') {
		*when = seconds;
		return TRUE;
	}
	g_autoptr (GTimeZone) local = g_time_zone_new_local ();
	g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (text, local);
	if (dt == NULL)
		return FALSE;
	*when = g_date_time_to_unix (dt);
	return TRUE;
}

gint64
mt_clock_now (void)
{
	const char *fixed = g_getenv ("MAILTICKET_NOW");
	gint64 when;

	if (fixed != NULL && *fixed != '\0' && parse_fixed (fixed, &when))
		return when;
	return g_get_real_time () / G_USEC_PER_SEC;
}

char *
mt_clock_format (gint64 when)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (when);

	if (dt == NULL)
		return g_strdup ("-");
	return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}
