/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	calendar-holidays.c - a holiday file's dates
 * DESCRIPTION
 *	Holiday calendars come as iCalendar files (an admin exports the
 *	company's, or takes a country's): libical reads them, as RFC 5545
 *	has more to it (folded lines, escapes, DURATION, RRULE) than a
 *	grep for DTSTART would get right. A plain list of dates serves who
 *	has none. Only mailticket queue set reads a file (the dates are
 *	kept with the queue), so only the CLI links libical.
 */
#include <stdio.h>
#include <string.h>

#include <libical/ical.h>

#include "mailticket/calendar.h"
#include "mailticket/error.h"

#define MAX_REPEATS 200
#define MAX_SPAN 366

static gint
julian_order (gconstpointer a, gconstpointer b)
{
	guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

	return x < y ? -1 : x > y;
}

/* The set of Julian day numbers as "YYYY-MM-DD ...", in order. */
static char *
dates_text (GHashTable *days)
{
	g_autoptr (GArray) sorted = g_array_new (FALSE, FALSE, sizeof (guint32));
	GString *text = g_string_new (NULL);
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init (&iter, days);
	while (g_hash_table_iter_next (&iter, &key, NULL)) {
		guint32 j = GPOINTER_TO_UINT (key);
		g_array_append_val (sorted, j);
	}
	g_array_sort (sorted, julian_order);
	for (guint i = 0; i < sorted->len; i++) {
		GDate date;
		char buf[16];

		g_date_clear (&date, 1);
		g_date_set_julian (&date, g_array_index (sorted, guint32, i));
		g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &date);
		g_string_append_printf (text, "%s%s", i ? " " : "", buf);
	}
	return g_string_free (text, FALSE);
}

static gboolean
add_plain_date (GHashTable *days, const char *line)
{
	int y, m, d, n = -1;
	GDate date;

	if (sscanf (line, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || line[n] != '\0' ||
	    !g_date_valid_dmy (d, m, y))
		return FALSE;
	g_date_clear (&date, 1);
	g_date_set_dmy (&date, d, m, y);
	g_hash_table_add (days, GUINT_TO_POINTER (g_date_get_julian (&date)));
	return TRUE;
}

static gboolean
read_plain (GHashTable *days, const char *text, GError **error)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	for (int i = 0; lines[i]; i++) {
		char *line = g_strstrip (lines[i]);

		if (*line == '\0' || *line == '#')
			continue;
		if (!add_plain_date (days, line)) {
			g_set_error (error, MT_ERROR, MT_ERROR_DATA,
				     "line %d: '%s' is no date (YYYY-MM-DD) and the file no iCalendar file", i + 1,
				     line);
			return FALSE;
		}
	}
	return TRUE;
}

/* n days from the date start. */
static void
add_days (GHashTable *days, struct icaltimetype start, int n)
{
	GDate date;

	if (!g_date_valid_dmy (start.day, start.month, start.year))
		return;
	g_date_clear (&date, 1);
	g_date_set_dmy (&date, start.day, start.month, start.year);
	for (int i = 0; i < CLAMP (n, 1, MAX_SPAN); i++, g_date_add_days (&date, 1))
		g_hash_table_add (days, GUINT_TO_POINTER (g_date_get_julian (&date)));
}

/* One all-day VEVENT, each of its repeats. Timed events close no day. */
static void
add_event (GHashTable *days, icalcomponent *event)
{
	struct icaltimetype start = icalcomponent_get_dtstart (event);
	struct icaltimetype end = icalcomponent_get_dtend (event);
	icalproperty *rrule = icalcomponent_get_first_property (event, ICAL_RRULE_PROPERTY);
	/* DTEND is the day after the last; a date and no DTEND is one day. */
	int span =
		icaltime_is_null_time (end) ? 1 : (int) ((icaltime_as_timet (end) - icaltime_as_timet (start)) / 86400);
	icalrecur_iterator *it;
	struct icaltimetype next;

	if (icaltime_is_null_time (start) || !start.is_date)
		return;
	if (rrule == NULL) {
		add_days (days, start, span);
		return;
	}
	if (!(it = icalrecur_iterator_new (icalproperty_get_rrule (rrule), start)))
		return;
	for (int n = 0; n < MAX_REPEATS && !icaltime_is_null_time (next = icalrecur_iterator_next (it)); n++)
		add_days (days, next, span);
	icalrecur_iterator_free (it);
}

static gboolean
read_ical (GHashTable *days, const char *text, GError **error)
{
	icalcomponent *cal;

	icalerror_set_errors_are_fatal (0);
	cal = icalparser_parse_string (text);
	if (cal == NULL || icalcomponent_isa (cal) != ICAL_VCALENDAR_COMPONENT) {
		if (cal != NULL)
			icalcomponent_free (cal);
		g_set_error (error, MT_ERROR, MT_ERROR_DATA, "not an iCalendar file libical can read");
		return FALSE;
	}
	for (icalcomponent *e = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT); e;
	     e = icalcomponent_get_next_component (cal, ICAL_VEVENT_COMPONENT))
		add_event (days, e);
	icalcomponent_free (cal);
	return TRUE;
}

char *
mt_calendar_read_holidays (const char *text, GError **error)
{
	g_autoptr (GHashTable) days = g_hash_table_new (g_direct_hash, g_direct_equal);
	const char *start = text;

	if (g_str_has_prefix (start, "\xef\xbb\xbf"))
		start += 3;
	while (g_ascii_isspace (*start))
		start++;
	if (g_ascii_strncasecmp (start, "BEGIN:VCALENDAR", 15) == 0 ? !read_ical (days, start, error)
								    : !read_plain (days, start, error))
		return NULL;
	return dates_text (days);
}
