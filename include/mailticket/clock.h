/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	clock.h - the time every module agrees on
 * DESCRIPTION
 *	mt_clock_now() is the wall clock in seconds, unless a program's
 *	--now fixed it (mt_clock_override) or $MAILTICKET_NOW holds a time
 *	(seconds since the epoch or ISO 8601), so that tests never wait for
 *	the clock.
 */
#ifndef MT_CLOCK_H
#define MT_CLOCK_H

#include <glib.h>

gint64 mt_clock_now (void);

/* Parses a date (YYYY-MM-DD: that whole day, local time), an ISO 8601
 * time (local when it names no zone; a space may stand for the T; the
 * seconds may be left out) or @ and seconds since the epoch. *start is its first second, *end the first
 * second after it: the next midnight for a date, *start + 1 for a time. */
gboolean mt_clock_parse (const char *text, gint64 *start, gint64 *end);

/* Parses a point in time as people give one for an alarm, in local
 * time and relative to mt_clock_now(): "now"; "+30m", "+2h", "+3d",
 * "+1w" from now; "HH:MM" (its next occurrence: today, else tomorrow);
 * "today HH:MM", "tomorrow HH:MM", a weekday ("monday HH:MM": the next
 * Monday after today); "tomorrow" or a weekday alone keeps the time of
 * day; and whatever mt_clock_parse() takes (a date: its midnight). */
gboolean mt_clock_parse_when (const char *text, gint64 *when);
/* The same, relative to now rather than the clock: what a request to
 * the delivery server means by +3d is its own time's. */
gboolean mt_clock_parse_when_at (const char *text, gint64 now, gint64 *when);

/* Fixes mt_clock_now() at text, in any form mt_clock_parse_when()
 * takes or seconds since the epoch, for the rest of the process: the
 * programs' --now.
 * MT_ERROR_USAGE when text is no time. */
gboolean mt_clock_override (const char *text, GError **error);

/* Whether the clock is fixed (--now or $MAILTICKET_NOW), and at what
 * time: what a client hands to mailticket-deliver --serve, which passes
 * it to that delivery alone (MtDeliverOptions.now) and never sets its
 * own clock per request. */
gboolean mt_clock_fixed (gint64 *when);

/* Formats seconds since the epoch as local "YYYY-MM-DD HH:MM"; owned. */
char *mt_clock_format (gint64 when);

#endif
