/*
 * test-clock.c - the times a person types: dates, ISO 8601 times,
 * seconds since the epoch.
 */
#include <stdlib.h>

#include "mailticket/clock.h"

static void
test_date_is_the_whole_day (void)
{
	gint64 start = 0, end = 0;

	g_assert_true (mt_clock_parse ("2023-01-02", &start, &end));
	g_assert_cmpint (start, ==, 1672614000);	/* midnight in Berlin, UTC+1 */
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
	g_assert_cmpint (start, ==, 1672653600);	/* local time */
	g_assert_true (mt_clock_parse ("@1672653600", &start, &end));
	g_assert_cmpint (start, ==, 1672653600);
}

static void
test_rejects_what_is_no_time (void)
{
	gint64 start = 0, end = 0;
	const char *bad[] = { "", "yesterday", "2023-02-30", "2023-13-01", "2023-01-02x", "12:00", "2023", "1672653600", "@", "@x", NULL };

	for (int i = 0; bad[i]; i++)
		g_assert_false (mt_clock_parse (bad[i], &start, &end));
	g_assert_false (mt_clock_parse (NULL, &start, &end));
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
	return g_test_run ();
}
