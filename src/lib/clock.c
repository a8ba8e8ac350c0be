/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	clock.c - the time every module agrees on
 * DESCRIPTION
 *	$MAILTICKET_NOW fixes the clock for tests: seconds since the epoch,
 *	or an ISO 8601 time (local time when it names no zone). Times that
 *	people type (list --since) are read as dates, ISO 8601 times or
 *	@seconds; the times of alarms and of --now also as "+2h", "tomorrow
 *	09:00", "friday" and the like, in local time. --now overrides
 *	$MAILTICKET_NOW, so that a test can fix each run's clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailticket/clock.h"
#include "mailticket/error.h"

/* Set by mt_clock_override(). */
static gboolean overridden;
static gint64 override_now;

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
	/* Nor is "+2" or "-5" a time, though strtoll reads them. */
	if (!g_ascii_isdigit (iso[0]) || strspn (iso, "0123456789") == strlen (iso))
		return FALSE;
	if (space != NULL)
		*space = 'T';
	full = with_seconds (iso);
	if (!parse_fixed (full, start))
		return FALSE;
	*end = *start + 1;
	return TRUE;
}

gboolean
mt_clock_fixed (gint64 *when)
{
	const char *fixed = g_getenv ("MAILTICKET_NOW");

	*when = override_now;
	return overridden || (fixed != NULL && *fixed != '\0' && parse_fixed (fixed, when));
}

gint64
mt_clock_now (void)
{
	gint64 when;

	return mt_clock_fixed (&when) ? when : g_get_real_time () / G_USEC_PER_SEC;
}

/* "+N" and a unit: minutes, hours, days or weeks from now. */
static gboolean
parse_relative (const char *text, gint64 now, gint64 *when)
{
	g_autoptr (GRegex) re = g_regex_new ("^\\+\\s*([0-9]{1,6})\\s*([mhdw])$", G_REGEX_CASELESS, 0, NULL);
	g_autoptr (GMatchInfo) match = NULL;
	g_autofree char *count = NULL, *unit = NULL;
	static const char units[] = "mhdw";
	static const gint64 seconds[] = { 60, 3600, 86400, 7 * 86400 };

	if (!g_regex_match (re, text, 0, &match))
		return FALSE;
	count = g_match_info_fetch (match, 1);
	unit = g_match_info_fetch (match, 2);
	*when = now + g_ascii_strtoll (count, NULL, 10) * seconds[strchr (units, g_ascii_tolower (*unit)) - units];
	return TRUE;
}

/* Days from today to the day named ("" for none), or -1. A weekday is
 * the next one after today. */
static int
days_ahead (const char *day, GDateTime *today)
{
	static const char *const weekdays[] = {
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	};

	if (*day == '\0' || g_ascii_strcasecmp (day, "today") == 0)
		return 0;
	if (g_ascii_strcasecmp (day, "tomorrow") == 0)
		return 1;
	for (int i = 0; i < 7; i++)
		if (g_ascii_strncasecmp (day, weekdays[i], 3) == 0 &&
		    g_ascii_strncasecmp (day, weekdays[i], strlen (day)) == 0)
			return (i + 1 - g_date_time_get_day_of_week (today) + 6) % 7 + 1;
	return -1;
}

/* A local time of day on the day that is ahead days from now. */
static gboolean
at_time_of_day (GDateTime *now, int ahead, int hour, int minute, gint64 *when)
{
	g_autoptr (GDateTime) day = g_date_time_add_days (now, ahead);
	g_autoptr (GDateTime) t = NULL;

	if (day == NULL || hour > 23 || minute > 59)
		return FALSE;
	t = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
				   g_date_time_get_day_of_month (day), hour, minute, 0);
	if (t == NULL)
		return FALSE;
	*when = g_date_time_to_unix (t);
	return TRUE;
}

/* [today|tomorrow|WEEKDAY] [HH:MM], one of them at least. */
static gboolean
parse_day_time (const char *text, gint64 now, gint64 *when)
{
	g_autoptr (GRegex) re = g_regex_new ("^([a-z]*)\\s*(?:([0-9]{1,2}):([0-9]{2}))?$", G_REGEX_CASELESS, 0, NULL);
	g_autoptr (GMatchInfo) match = NULL;
	g_autoptr (GDateTime) local = g_date_time_new_from_unix_local (now);
	g_autofree char *day = NULL, *hour = NULL, *minute = NULL;
	int ahead;

	if (*text == '\0' || local == NULL || !g_regex_match (re, text, 0, &match))
		return FALSE;
	day = g_match_info_fetch (match, 1);
	hour = g_match_info_fetch (match, 2);
	minute = g_match_info_fetch (match, 3);
	if ((ahead = days_ahead (day, local)) < 0)
		return FALSE;
	if (hour == NULL || *hour == '\0') {
		g_autoptr (GDateTime) later = g_date_time_add_days (local, ahead);
		if (later == NULL)
			return FALSE;
		*when = g_date_time_to_unix (later);
		return TRUE;
	}
	if (!at_time_of_day (local, ahead, atoi (hour), atoi (minute), when))
		return FALSE;
	/* A bare time that has passed today is meant for tomorrow. */
	if (*day == '\0' && *when <= now)
		return at_time_of_day (local, 1, atoi (hour), atoi (minute), when);
	return TRUE;
}

gboolean
mt_clock_parse_when (const char *text, gint64 *when)
{
	return mt_clock_parse_when_at (text, mt_clock_now (), when);
}

gboolean
mt_clock_parse_when_at (const char *text, gint64 now, gint64 *when)
{
	g_autofree char *trimmed = g_strstrip (g_strdup (text ? text : ""));
	gint64 end;

	if (g_ascii_strcasecmp (trimmed, "now") == 0) {
		*when = now;
		return TRUE;
	}
	return parse_relative (trimmed, now, when) || parse_day_time (trimmed, now, when) ||
	       mt_clock_parse (trimmed, when, &end);
}

gboolean
mt_clock_override (const char *text, GError **error)
{
	gint64 when;
	/* Plain seconds too, as $MAILTICKET_NOW takes them. */
	gboolean seconds = text && g_ascii_isdigit (*text) && strspn (text, "0123456789") == strlen (text);

	if (!(seconds ? parse_fixed (text, &when) : mt_clock_parse_when (text, &when))) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "--now: not a time (YYYY-MM-DD HH:MM, ISO 8601, @SECONDS, +2h, tomorrow 09:00 ...): '%s'",
			     text ? text : "");
		return FALSE;
	}
	override_now = when;
	overridden = TRUE;
	return TRUE;
}

char *
mt_clock_format (gint64 when)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (when);

	if (dt == NULL)
		return g_strdup ("-");
	return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}
