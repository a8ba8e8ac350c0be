/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-calendar.c - time counted in business hours: over a weekend, a
 * holiday, a change of daylight saving time, past midnight; whole days
 * as working days; no calendar as 24x7; holiday files, plain and
 * iCalendar.
 */
#include <string.h>

#include "mailticket/calendar.h"
#include "mailticket/error.h"

#define OFFICE "Mon-Fri 08:00-17:00"

/* A wall-clock time in Berlin, as seconds since the epoch. */
static gint64
berlin (const char *iso)
{
	g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
	g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (iso, tz);

	g_assert_nonnull (dt);
	return g_date_time_to_unix (dt);
}

static MtCalendar *
calendar (const char *hours, const char *holidays)
{
	g_autoptr (GError) error = NULL;
	MtCalendar *cal = mt_calendar_new (hours, "Europe/Berlin", &error);

	g_assert_no_error (error);
	g_assert_true (mt_calendar_set_holidays (cal, holidays, &error));
	g_assert_no_error (error);
	return cal;
}

static void
assert_adds (const char *hours, const char *holidays, const char *start, gint64 seconds, const char *due)
{
	g_autoptr (MtCalendar) cal = calendar (hours, holidays);
	gint64 got = mt_calendar_add (cal, berlin (start), seconds);

	if (got != berlin (due)) {
		g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (got);
		g_autofree char *text = g_date_time_format_iso8601 (dt);
		g_error ("%s + %" G_GINT64_FORMAT " s: %s, not %s", start, seconds, text, due);
	}
}

static void
test_friday_evening_to_monday (void)
{
	/* 2026-12-04 is a Friday. */
	assert_adds (OFFICE, NULL, "2026-12-04T16:55:00", 3600, "2026-12-07T08:55:00");
	assert_adds (OFFICE, NULL, "2026-12-04T16:00:00", 3600, "2026-12-04T17:00:00");
	assert_adds (OFFICE, NULL, "2026-12-07T09:00:00", 3600, "2026-12-07T10:00:00");
}

static void
test_holiday_is_skipped (void)
{
	assert_adds (OFFICE, "2026-12-07", "2026-12-04T16:55:00", 3600, "2026-12-08T08:55:00");
	assert_adds (OFFICE, "2026-12-07 2026-12-08", "2026-12-04T16:55:00", 3600, "2026-12-09T08:55:00");
}

static void
test_daylight_saving_time (void)
{
	/* Clocks went back on Sunday 2026-10-25: Friday is CEST, Monday CET. */
	assert_adds (OFFICE, NULL, "2026-10-23T16:55:00", 3600, "2026-10-26T08:55:00");
	g_assert_cmpint (berlin ("2026-10-26T08:55:00") - berlin ("2026-10-23T16:55:00"), ==, 64 * 3600 + 3600);
	/* And forward on 2026-03-29, a day of 23 hours: 25 open hours are 25 hours... */
	assert_adds ("Mon-Sun 00:00-24:00", NULL, "2026-03-28T12:00:00", 25 * 3600, "2026-03-29T14:00:00");
	/* ... and a day is the same time on the next day. */
	assert_adds ("Mon-Sun 00:00-24:00", NULL, "2026-03-28T12:00:00", 86400, "2026-03-29T12:00:00");
}

static void
test_weekend_start (void)
{
	/* Mail on Saturday: the clock starts on Monday at 08:00. */
	assert_adds (OFFICE, NULL, "2026-12-05T10:00:00", 3600, "2026-12-07T09:00:00");
	assert_adds (OFFICE, NULL, "2026-12-06T23:59:00", 0, "2026-12-07T08:00:00");
}

static void
test_hours_spanning (void)
{
	/* Open time runs over several days, */
	assert_adds (OFFICE, NULL, "2026-12-07T16:00:00", 10 * 3600, "2026-12-08T17:00:00");
	assert_adds (OFFICE, NULL, "2026-12-04T16:00:00", 19 * 3600, "2026-12-08T17:00:00");
	/* over a lunch break, */
	assert_adds ("Mon-Fri 08:00-12:00 13:00-17:00", NULL, "2026-12-07T11:30:00", 3600, "2026-12-07T13:30:00");
	/* and past midnight in a night shift. */
	assert_adds ("Mon-Fri 22:00-06:00", NULL, "2026-12-07T05:30:00", 3600, "2026-12-07T23:00:00");
	assert_adds ("Mon-Fri 22:00-06:00", NULL, "2026-12-07T23:30:00", 3600, "2026-12-08T00:30:00");
	assert_adds ("Mon-Fri 22:00-06:00", NULL, "2026-12-05T05:30:00", 3600, "2026-12-07T22:30:00");
	/* Several items, and days alone. */
	assert_adds ("Mon-Thu 08:00-17:00; Fri 08:00-12:00", NULL, "2026-12-04T11:30:00", 3600, "2026-12-07T08:30:00");
}

static void
test_days_are_working_days (void)
{
	assert_adds (OFFICE, NULL, "2026-12-04T16:55:00", 3 * 86400, "2026-12-09T16:55:00");
	assert_adds (OFFICE, "2026-12-08", "2026-12-04T16:55:00", 3 * 86400, "2026-12-10T16:55:00");
	/* From a weekend: from Monday's opening. */
	assert_adds (OFFICE, NULL, "2026-12-05T10:00:00", 86400, "2026-12-08T08:00:00");
	/* Past the next day's hours: at its closing. */
	assert_adds ("Mon-Thu 08:00-17:00, Fri 08:00-12:00", NULL, "2026-12-03T16:00:00", 86400, "2026-12-04T12:00:00");
}

static void
test_no_calendar_is_24x7 (void)
{
	g_assert_cmpint (mt_calendar_add (NULL, 1000, 3600), ==, 4600);
	g_assert_cmpint (mt_calendar_add (NULL, 1000, 3 * 86400), ==, 1000 + 3 * 86400);
}

static void
test_rejects_what_is_no_calendar (void)
{
	const char *bad[] = { "",
			      "Mon",
			      "Funday 08:00-17:00",
			      "Mon-Fri 8-17",
			      "Mon-Fri 08:00",
			      "Mon-Fri 25:00-26:00",
			      "Mon-Fri 08:00-17:00, ",
			      "Mon-Fri 08:00-17:60",
			      NULL };

	for (int i = 0; bad[i]; i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (MtCalendar) cal = mt_calendar_new (bad[i], "Europe/Berlin", &error);

		g_assert_null (cal);
		g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
	}
	g_autoptr (GError) error = NULL;
	g_autoptr (MtCalendar) cal = mt_calendar_new (OFFICE, "Mars/Olympus_Mons", &error);
	g_assert_null (cal);
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
	g_clear_error (&error);
	cal = mt_calendar_new (OFFICE, NULL, &error);
	g_assert_nonnull (cal);
	g_assert_false (mt_calendar_set_holidays (cal, "2026-02-30", &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
}

static void
test_holidays_plain_list (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dates =
		mt_calendar_read_holidays ("# Berlin\n2026-12-25\n\n2026-12-24\r\n  2026-12-25 \n", &error);

	g_assert_no_error (error);
	g_assert_cmpstr (dates, ==, "2026-12-24 2026-12-25");
	g_assert_null (mt_calendar_read_holidays ("2026-12-24\nChristmas\n", &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_DATA);
	g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_holidays_icalendar (void)
{
	static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
				  "BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261224\r\n"
				  "DTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\n"
				  "BEGIN:VEVENT\r\nUID:2\r\nDTSTART;VALUE=DATE:20260501\r\n"
				  "RRULE:FREQ=YEARLY;COUNT=2\r\nSUMMARY:Labour Day\r\nEND:VEVENT\r\n"
				  "BEGIN:VEVENT\r\nUID:3\r\nDTSTART:20261201T100000Z\r\n"
				  "DTEND:20261201T110000Z\r\nSUMMARY:A meeting\r\nEND:VEVENT\r\n"
				  "END:VCALENDAR\r\n";
	g_autoptr (GError) error = NULL;
	g_autofree char *dates = mt_calendar_read_holidays (ics, &error);

	g_assert_no_error (error);
	g_assert_cmpstr (dates, ==, "2026-05-01 2026-12-24 2026-12-25 2026-12-26 2027-05-01");
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "UTC", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/calendar/open-time/friday-evening-to-monday", test_friday_evening_to_monday);
	g_test_add_func ("/calendar/open-time/holiday-is-skipped", test_holiday_is_skipped);
	g_test_add_func ("/calendar/open-time/daylight-saving-time", test_daylight_saving_time);
	g_test_add_func ("/calendar/open-time/weekend-start", test_weekend_start);
	g_test_add_func ("/calendar/open-time/hours-spanning", test_hours_spanning);
	g_test_add_func ("/calendar/days/are-working-days", test_days_are_working_days);
	g_test_add_func ("/calendar/none/is-24x7", test_no_calendar_is_24x7);
	g_test_add_func ("/calendar/parse/rejects-what-is-no-calendar", test_rejects_what_is_no_calendar);
	g_test_add_func ("/calendar/holidays/plain-list", test_holidays_plain_list);
	g_test_add_func ("/calendar/holidays/icalendar", test_holidays_icalendar);
	return g_test_run ();
}
