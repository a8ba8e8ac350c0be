/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-clock.c - the times a person types: dates, ISO 8601 times,
 * seconds since the epoch; the relative times of alarms, and --now.
 */
#include <stdlib.h>

#include "mailticket/clock.h"

static void
test_date_is_the_whole_day (void)
{
	gint64 start = 0, end = 0;

	g_assert_true (mt_clock_parse ("2023-01-02", &start, &end));
	g_assert_cmpint (start, ==, 1672614000); /* midnight in Berlin, UTC+1 */
	g_assert_cmpint (end, ==, start + 86400);
}

static void
test_date_follows_daylight_saving (void)
{
	gint64 start = 0, end = 0;

	/* Clocks went forward on 26 March 2023: a day of 23 hours. */
	g_assert_true (mt_clock_parse ("2023-03-26", &start, &end));
	g_assert_cmpint (end - start, ==, 23 * 3600);
}

static void
test_time_is_one_second (void)
{
	gint64 start = 0, end = 0;

	g_assert_true (mt_clock_parse ("2023-01-02T10:00:00Z", &start, &end));
	g_assert_cmpint (start, ==, 1672653600);
	g_assert_cmpint (end, ==, start + 1);
	g_assert_true (mt_clock_parse ("2023-01-02 11:00", &start, &end));
	g_assert_cmpint (start, ==, 1672653600); /* local time */
	g_assert_true (mt_clock_parse ("@1672653600", &start, &end));
	g_assert_cmpint (start, ==, 1672653600);
}

static void
test_rejects_what_is_no_time (void)
{
	gint64 start = 0, end = 0;
	const char *bad[] = { "",     "yesterday",  "2023-02-30", "2023-13-01", "2023-01-02x", "12:00",
			      "2023", "1672653600", "@",          "@x",         NULL };

	for (int i = 0; bad[i]; i++)
		g_assert_false (mt_clock_parse (bad[i], &start, &end));
	g_assert_false (mt_clock_parse (NULL, &start, &end));
}

/* Wednesday 2023-01-04 10:30:15 in Berlin (UTC+1). */
#define WEDNESDAY 1672824615

static gint64
when (const char *text)
{
	gint64 t = -1;

	g_assert_true (mt_clock_override ("@1672824615", NULL));
	if (!mt_clock_parse_when (text, &t))
		g_error ("'%s' is no time", text);
	return t;
}

static void
test_when_relative (void)
{
	g_assert_cmpint (when ("now"), ==, WEDNESDAY);
	g_assert_cmpint (when ("+30m"), ==, WEDNESDAY + 1800);
	g_assert_cmpint (when ("+2h"), ==, WEDNESDAY + 7200);
	g_assert_cmpint (when ("+ 3d"), ==, WEDNESDAY + 3 * 86400);
	g_assert_cmpint (when ("+1w"), ==, WEDNESDAY + 7 * 86400);
}

static void
test_when_time_of_day (void)
{
	g_assert_cmpint (when ("11:00"), ==, 1672826400);         /* later today */
	g_assert_cmpint (when ("09:00"), ==, 1672819200 + 86400); /* passed: tomorrow */
	g_assert_cmpint (when ("today 09:00"), ==, 1672819200);   /* as said, even past */
	g_assert_cmpint (when ("tomorrow 09:00"), ==, 1672819200 + 86400);
	g_assert_cmpint (when ("Tomorrow"), ==, WEDNESDAY + 86400);
}

static void
test_when_weekday (void)
{
	g_assert_cmpint (when ("friday 09:00"), ==, 1672819200 + 2 * 86400);
	g_assert_cmpint (when ("mon 08:00"), ==, 1672815600 + 5 * 86400);
	g_assert_cmpint (when ("wednesday"), ==, WEDNESDAY + 7 * 86400); /* the next one */
}

static void
test_when_follows_daylight_saving (void)
{
	gint64 t = 0;

	/* Saturday 25 March 2023 12:00 CET; the clocks go forward that night. */
	g_assert_true (mt_clock_override ("2023-03-25 12:00", NULL));
	g_assert_true (mt_clock_parse_when ("tomorrow 12:00", &t));
	g_assert_cmpint (t, ==, 1679742000 + 23 * 3600);
	g_assert_true (mt_clock_parse_when ("tomorrow", &t));
	g_assert_cmpint (t, ==, 1679742000 + 23 * 3600);
}

static void
test_when_absolute (void)
{
	g_assert_cmpint (when ("2023-01-02"), ==, 1672614000);
	g_assert_cmpint (when ("2023-01-02 11:00"), ==, 1672653600);
	g_assert_cmpint (when ("@1672653600"), ==, 1672653600);
}

static void
test_when_rejects_what_is_no_time (void)
{
	const char *bad[] = { "",      "soon",     "+2",         "+2y",     "-2h",  "25:00",
			      "12:60", "tu 10:00", "tomorrow 9", "mondays", "2023", NULL };
	g_autoptr (GError) error = NULL;
	gint64 t;

	for (int i = 0; bad[i]; i++)
		if (mt_clock_parse_when (bad[i], &t))
			g_error ("'%s' taken as a time", bad[i]);
	g_assert_false (mt_clock_parse_when (NULL, &t));
	g_assert_false (mt_clock_override ("soon", &error));
	g_assert_nonnull (error);
}

static void
test_override_beats_environment (void)
{
	g_setenv ("MAILTICKET_NOW", "1000", TRUE);
	g_assert_true (mt_clock_override ("@2000", NULL));
	g_assert_cmpint (mt_clock_now (), ==, 2000);
	g_assert_true (mt_clock_override ("3000", NULL)); /* as $MAILTICKET_NOW takes it */
	g_assert_cmpint (mt_clock_now (), ==, 3000);
	g_assert_true (mt_clock_override ("@2000", NULL));
	g_assert_true (mt_clock_override ("+1h", NULL)); /* from the clock in force */
	g_assert_cmpint (mt_clock_now (), ==, 2000 + 3600);
	g_unsetenv ("MAILTICKET_NOW");
}

int
main (int argc, char **argv)
{
	/* Before GLib reads the local zone for the first time. */
	g_setenv ("TZ", "Europe/Berlin", TRUE);
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/clock/parse/date-is-the-whole-day", test_date_is_the_whole_day);
	g_test_add_func ("/clock/parse/date-follows-daylight-saving", test_date_follows_daylight_saving);
	g_test_add_func ("/clock/parse/time-is-one-second", test_time_is_one_second);
	g_test_add_func ("/clock/parse/rejects-what-is-no-time", test_rejects_what_is_no_time);
	g_test_add_func ("/clock/when/relative", test_when_relative);
	g_test_add_func ("/clock/when/time-of-day", test_when_time_of_day);
	g_test_add_func ("/clock/when/weekday", test_when_weekday);
	g_test_add_func ("/clock/when/follows-daylight-saving", test_when_follows_daylight_saving);
	g_test_add_func ("/clock/when/absolute", test_when_absolute);
	g_test_add_func ("/clock/when/rejects-what-is-no-time", test_when_rejects_what_is_no_time);
	g_test_add_func ("/clock/override/beats-environment", test_override_beats_environment);
	return g_test_run ();
}
