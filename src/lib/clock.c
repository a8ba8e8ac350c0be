/*
 * NAME
 *	clock.c - the time every module agrees on
 * DESCRIPTION
 *	$MAILTICKET_NOW fixes the clock for tests: seconds since the epoch,
 *	or an ISO 8601 time (local time when it names no zone). Times that
 *	people type (list --since) are read as dates, ISO 8601 times or
 *	@seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A date alone: its local midnight and the next one (not always 24
 * hours later). */
static gboolean
parse_date (const char *text, gint64 *start, gint64 *end)
{
	int y, m, d, n = -1;

	if (sscanf (text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n < 0 || text[n] != '\0' ||
	    !g_date_valid_dmy (d, m, y))
		return FALSE;
	g_autoptr (GDateTime) day = g_date_time_new_local (y, m, d, 0, 0, 0);
	g_autoptr (GDateTime) next = day ? g_date_time_add_days (day, 1) : NULL;
	if (next == NULL)
		return FALSE;
	*start = g_date_time_to_unix (day);
	*end = g_date_time_to_unix (next);
	return TRUE;
}

/* GLib wants the seconds that people leave out: YYYY-MM-DDTHH:MM gets
 * its ":00", before any zone that follows. Owned. */
static char *
with_seconds (const char *iso)
{
	gsize len = strlen (iso);

	if (len < 16 || iso[10] != 'T' || iso[13] != ':' || iso[16] == ':')
		return g_strdup (iso);
	return g_strdup_printf ("%.16s:00%s", iso, iso + 16);
}

gboolean
mt_clock_parse (const char *text, gint64 *start, gint64 *end)
{
	g_autofree char *iso = g_strdup (text ? text : "");
	g_autofree char *full = NULL;
	char *space = strchr (iso, ' ');

	if (parse_date (iso, start, end))
		return TRUE;
	/* "2023" is more likely a year than seconds: those take an @. */
	if (iso[0] == '@' && g_ascii_isdigit (iso[1]) && parse_fixed (iso + 1, start)) {
		*end = *start + 1;
		return TRUE;
	}
	if (g_ascii_isdigit (iso[0]) && strspn (iso, "0123456789") == strlen (iso))
		return FALSE;
	if (space != NULL)
		*space = 'T';
	full = with_seconds (iso);
	if (!parse_fixed (full, start))
		return FALSE;
	*end = *start + 1;
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
