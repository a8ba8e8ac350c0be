/*
 * NAME
 *	clock.h - the time every module agrees on
 * DESCRIPTION
 *	mt_clock_now() is the wall clock in seconds, unless $MAILTICKET_NOW
 *	holds a time (seconds since the epoch or ISO 8601), so that tests
 *	never wait for the clock.
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

/* Formats seconds since the epoch as local "YYYY-MM-DD HH:MM"; owned. */
char *mt_clock_format (gint64 when);

#endif
