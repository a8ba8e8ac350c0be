/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	calendar.c - business hours, and time counted in them
 * DESCRIPTION
 *	Opening hours are kept per weekday as ranges of minutes since the
 *	local midnight; each range is turned into two moments with
 *	GDateTime in the calendar's GTimeZone for the date at hand, so
 *	that a change of daylight saving time, which makes a day 23 or 25
 *	hours long, moves nothing that people read on a clock. Holidays
 *	are dates (Julian day numbers of GDate). The arithmetic walks
 *	forward a day at a time, at most MAX_DAYS of them.
 *	calendar-holidays.c reads holiday files.
 */
#include <stdio.h>
#include <string.h>

#include "mailticket/calendar.h"
#include "mailticket/error.h"

#define MAX_DAYS 3660
#define DAY_MINUTES 1440

typedef struct {
	int start, end; /* minutes since the local midnight, start < end <= 1440 */
} Range;

struct _MtCalendar {
	GTimeZone *tz;
	GArray *days[7];    /* of Range, sorted; index 0 is Monday */
	GHashTable *closed; /* Julian day numbers of the holidays */
};

static const char *const day_names[] = { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };

void
mt_calendar_free (MtCalendar *cal)
{
	if (cal == NULL)
		return;
	if (cal->tz != NULL)
		g_time_zone_unref (cal->tz);
	for (int i = 0; i < 7; i++)
		if (cal->days[i] != NULL)
			g_array_unref (cal->days[i]);
	g_hash_table_unref (cal->closed);
	g_free (cal);
}

/* "Mon", "monday", "FRI": 0 to 6, or -1. */
static int
day_index (const char *word, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n >= 3 && n <= strlen (day_names[i]) && g_ascii_strncasecmp (word, day_names[i], n) == 0)
			return i;
	return -1;
}

/* "Mon-Fri" or "Sat": the first and last day. */
static gboolean
parse_days (const char *word, int *first, int *last)
{
	const char *dash = strchr (word, '-');

	*first = day_index (word, dash ? (size_t) (dash - word) : strlen (word));
	*last = dash ? day_index (dash + 1, strlen (dash + 1)) : *first;
	return *first >= 0 && *last >= 0;
}

/* "08:00": minutes since midnight, 0 to 1440. */
static gboolean
parse_minute (const char *text, int *minute)
{
	int h, m, n = -1;

	if (sscanf (text, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || text[n] != '\0' || h < 0 || m < 0 || m > 59 ||
	    h * 60 + m > DAY_MINUTES)
		return FALSE;
	*minute = h * 60 + m;
	return TRUE;
}

static void
add_range (MtCalendar *cal, int day, int start, int end)
{
	Range r = { start, end };

	if (start < end)
		g_array_append_val (cal->days[day % 7], r);
}

/* "08:00-17:00" on the days first to last; past midnight into the next day. */
static gboolean
parse_range (MtCalendar *cal, const char *word, int first, int last)
{
	g_auto (GStrv) ends = g_strsplit (word, "-", 3);
	int start, end;

	if (g_strv_length (ends) != 2 || !parse_minute (ends[0], &start) || !parse_minute (ends[1], &end) ||
	    start == DAY_MINUTES)
		return FALSE;
	for (int d = first;; d = (d + 1) % 7) {
		add_range (cal, d, start, end > start ? end : DAY_MINUTES);
		if (end <= start)
			add_range (cal, d + 1, 0, end);
		if (d == last)
			break;
	}
	return TRUE;
}

/* One item: "Mon-Fri 08:00-12:00 13:00-17:00". */
static gboolean
parse_item (MtCalendar *cal, const char *item, GError **error)
{
	g_auto (GStrv) words = g_strsplit_set (g_strstrip ((char *) item), " \t", -1);
	int first, last, ranges = 0;

	if (!parse_days (words[0] ? words[0] : "", &first, &last))
		return mt_error_usage (error, "opening hours: '%s' is no day or range of days such as Mon-Fri",
				       words[0] ? words[0] : "");
	for (int i = 1; words[i]; i++) {
		if (*words[i] == '\0')
			continue;
		if (!parse_range (cal, words[i], first, last))
			return mt_error_usage (error, "opening hours: '%s' is no range of time such as 08:00-17:00",
					       words[i]);
		ranges++;
	}
	if (ranges == 0)
		return mt_error_usage (error, "opening hours: '%s' names no hours, such as 08:00-17:00", item);
	return TRUE;
}

static gint
range_order (gconstpointer a, gconstpointer b)
{
	return ((const Range *) a)->start - ((const Range *) b)->start;
}

static GTimeZone *
time_zone (const char *tz, GError **error)
{
	GTimeZone *zone;

	if (tz == NULL || *tz == '\0')
		return g_time_zone_new_local ();
	/* GLib reads "UTC" and offsets too; a name must be one of tzdata's. */
	if ((zone = g_time_zone_new_identifier (tz)) == NULL)
		mt_error_usage (error, "'%s' is no time zone (an IANA name such as Europe/Berlin)", tz);
	return zone;
}

gboolean
mt_calendar_zone_ok (const char *tz, GError **error)
{
	GTimeZone *zone = time_zone (tz, error);

	if (zone != NULL)
		g_time_zone_unref (zone);
	return zone != NULL;
}

MtCalendar *
mt_calendar_new (const char *hours, const char *tz, GError **error)
{
	g_autoptr (MtCalendar) cal = g_new0 (MtCalendar, 1);
	g_auto (GStrv) items = g_strsplit_set (hours ? hours : "", ",;", -1);
	gboolean open = FALSE;

	cal->closed = g_hash_table_new (g_direct_hash, g_direct_equal);
	for (int i = 0; i < 7; i++)
		cal->days[i] = g_array_new (FALSE, FALSE, sizeof (Range));
	if (!(cal->tz = time_zone (tz, error)))
		return NULL;
	for (int i = 0; items[i]; i++)
		if (!parse_item (cal, items[i], error))
			return NULL;
	for (int i = 0; i < 7; i++) {
		g_array_sort (cal->days[i], range_order);
		open = open || cal->days[i]->len > 0;
	}
	if (!open) {
		mt_error_usage (error, "opening hours: none given, such as 'Mon-Fri 08:00-17:00'");
		return NULL;
	}
	return g_steal_pointer (&cal);
}

static gboolean
parse_date (const char *text, GDate *date)
{
	int y, m, d, n = -1;

	if (sscanf (text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || text[n] != '\0' ||
	    !g_date_valid_dmy (d, m, y))
		return FALSE;
	g_date_set_dmy (date, d, m, y);
	return TRUE;
}

gboolean
mt_calendar_set_holidays (MtCalendar *cal, const char *dates, GError **error)
{
	g_auto (GStrv) words = g_strsplit_set (dates ? dates : "", " \t\n", -1);

	for (int i = 0; words[i]; i++) {
		GDate date;

		g_date_clear (&date, 1);
		if (*words[i] == '\0')
			continue;
		if (!parse_date (words[i], &date))
			return mt_error_usage (error, "holidays: '%s' is no date (YYYY-MM-DD)", words[i]);
		g_hash_table_add (cal->closed, GUINT_TO_POINTER (g_date_get_julian (&date)));
	}
	return TRUE;
}

/* The opening hours of date: none on a holiday. */
static const GArray *
hours_of (const MtCalendar *cal, const GDate *date)
{
	static const GArray none;

	if (g_hash_table_contains (cal->closed, GUINT_TO_POINTER (g_date_get_julian (date))))
		return &none;
	return cal->days[g_date_get_weekday (date) - G_DATE_MONDAY];
}

/* minute (0 to 1440) of date, in the calendar's zone, as seconds since the epoch. */
static gint64
moment (const MtCalendar *cal, const GDate *date, int minute)
{
	GDate day = *date;

	if (minute == DAY_MINUTES) {
		g_date_add_days (&day, 1);
		minute = 0;
	}
	g_autoptr (GDateTime) dt = g_date_time_new (cal->tz, g_date_get_year (&day), g_date_get_month (&day),
						    g_date_get_day (&day), minute / 60, minute % 60, 0);
	return dt ? g_date_time_to_unix (dt) : 0;
}

/* The date of when in the calendar's zone, and the seconds since its midnight in *clock. */
static void
local_date (const MtCalendar *cal, gint64 when, GDate *date, int *clock)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (when);
	g_autoptr (GDateTime) dt = g_date_time_to_timezone (utc, cal->tz);

	g_date_clear (date, 1);
	g_date_set_dmy (date, g_date_time_get_day_of_month (dt), g_date_time_get_month (dt), g_date_time_get_year (dt));
	if (clock != NULL)
		*clock = g_date_time_get_hour (dt) * 3600 + g_date_time_get_minute (dt) * 60 +
			 g_date_time_get_second (dt);
}

/* start plus seconds of open time. A range that starts the day after a
 * range of the day before ends (22:00-24:00, 00:00-06:00) is one
 * stretch: the sum runs on through midnight. */
static gint64
add_open (const MtCalendar *cal, gint64 start, gint64 seconds)
{
	GDate date;
	gint64 cursor = start, left = seconds;

	local_date (cal, start, &date, NULL);
	g_date_subtract_days (&date, 1); /* a range of yesterday's may run past midnight */
	for (int n = 0; n < MAX_DAYS; n++, g_date_add_days (&date, 1)) {
		const GArray *ranges = hours_of (cal, &date);

		for (guint i = 0; i < ranges->len; i++) {
			const Range *r = &g_array_index (ranges, Range, i);
			gint64 open = moment (cal, &date, r->start), close = moment (cal, &date, r->end);

			if (close <= cursor)
				continue;
			cursor = MAX (cursor, open);
			if (cursor + left <= close)
				return cursor + left;
			left -= close - cursor;
			cursor = close;
		}
	}
	return 0;
}

/* The next date after *date with opening hours; FALSE when none within MAX_DAYS. */
static gboolean
next_open_date (const MtCalendar *cal, GDate *date)
{
	for (int n = 0; n < MAX_DAYS; n++) {
		g_date_add_days (date, 1);
		if (hours_of (cal, date)->len > 0)
			return TRUE;
	}
	return FALSE;
}

/* The Nth open day after the first open moment from start, at its time of day. */
static gint64
add_days (const MtCalendar *cal, gint64 start, gint64 days)
{
	gint64 first = add_open (cal, start, 0);
	const GArray *ranges;
	GDate date;
	int clock, minute;

	if (first == 0)
		return 0;
	local_date (cal, first, &date, &clock);
	for (gint64 n = 0; n < days; n++)
		if (!next_open_date (cal, &date))
			return 0;
	ranges = hours_of (cal, &date);
	minute = clock / 60;
	if (minute < g_array_index (ranges, Range, 0).start)
		return moment (cal, &date, g_array_index (ranges, Range, 0).start);
	if (minute >= g_array_index (ranges, Range, ranges->len - 1).end)
		return moment (cal, &date, g_array_index (ranges, Range, ranges->len - 1).end);
	return moment (cal, &date, minute) + clock % 60;
}

gint64
mt_calendar_add (const MtCalendar *cal, gint64 start, gint64 seconds)
{
	if (cal == NULL)
		return start + seconds;
	if (seconds > 0 && seconds % 86400 == 0)
		return add_days (cal, start, seconds / 86400);
	return add_open (cal, start, seconds);
}
