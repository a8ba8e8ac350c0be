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

/* Formats seconds since the epoch as local "YYYY-MM-DD HH:MM"; owned. */
char *mt_clock_format (gint64 when);

#endif
