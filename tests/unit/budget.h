/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * budget.h - how long a test of a large input may take
 *
 * Generous limits, so that only a slowdown of another order fails (a
 * loop that went quadratic: minutes instead of a fraction of a second).
 * Sanitizer builds get five times as long, and $MAILTICKET_TIME_FACTOR
 * multiplies the limit further (make valgrind sets it); and three times
 * the memory.
 */
#ifndef MT_TEST_BUDGET_H
#define MT_TEST_BUDGET_H

#include <glib.h>

static inline double
budget_seconds (double seconds)
{
	const char *factor = g_getenv ("MAILTICKET_TIME_FACTOR");
	double f = factor ? g_ascii_strtod (factor, NULL) : 1;

#if defined(__SANITIZE_ADDRESS__)
	seconds *= 5;
#endif
	return seconds * (f >= 1 ? f : 1);
}

/* Memory: AddressSanitizer keeps freed memory in quarantine, and the
 * peak grows by three times as much. */
static inline long
budget_mb (long mb)
{
#if defined(__SANITIZE_ADDRESS__)
	mb *= 3;
#endif
	return mb;
}

/* Fails the test when timer (started by the caller) ran past seconds. */
#define assert_within_budget(timer, seconds) \
	g_assert_cmpfloat (g_timer_elapsed ((timer), NULL), <, budget_seconds (seconds))

#endif
