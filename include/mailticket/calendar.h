/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	calendar.h - business hours, and time counted in them
 * DESCRIPTION
 *	A calendar is a queue's opening hours in a time zone, with the
 *	dates it is closed on (holidays). Service levels count in it: a
 *	first response due an hour after a mail that came on Friday at
 *	16:55, with Mon-Fri 08:00-17:00, is due on Monday at 08:55. A
 *	queue without a calendar counts every hour of every day (24x7),
 *	and a NULL calendar does so here.
 *
 *	Opening hours are written as "Mon-Fri 08:00-17:00": a day or a
 *	range of days (Mon Tue Wed Thu Fri Sat Sun, in English, any case),
 *	one or more ranges of time; several such items separated by commas
 *	or semicolons ("Mon-Thu 08:00-12:00 13:00-17:00, Fri 08:00-14:00").
 *	A range whose end is not after its start runs past midnight into
 *	the next day ("Mon-Fri 22:00-06:00"); 24:00 is the end of a day.
 *	The times are wall-clock times in the calendar's zone, so that
 *	08:00 stays 08:00 across a change of daylight saving time.
 *
 *	Pure: no database, no clock; seconds since the epoch in and out.
 */
#ifndef MT_CALENDAR_H
#define MT_CALENDAR_H

#include <glib.h>

typedef struct _MtCalendar MtCalendar;

/* A calendar of the opening hours hours in the zone tz (an IANA name
 * such as Europe/Berlin; NULL or empty: the local zone); owned.
 * MT_ERROR_USAGE, saying what is wrong, for hours or a zone that
 * cannot be read. */
MtCalendar *mt_calendar_new (const char *hours, const char *tz, GError **error);
void mt_calendar_free (MtCalendar *calendar);
/* Whether tz names a time zone; MT_ERROR_USAGE if not. */
gboolean mt_calendar_zone_ok (const char *tz, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtCalendar, mt_calendar_free)

/* Closes the calendar on each date of dates, a list of YYYY-MM-DD
 * separated by white space (as mt_calendar_read_holidays() returns
 * it); MT_ERROR_USAGE for a word that is no date. */
gboolean mt_calendar_set_holidays (MtCalendar *calendar, const char *dates, GError **error);

/* The moment when seconds of open time have passed since start: with
 * a NULL calendar, start + seconds. A whole number of days (a multiple
 * of 86400 seconds) counts open days instead: the same time of day on
 * the Nth open day after the first open moment from start (the day's
 * opening or closing time when that time is outside its hours), so
 * that "3d" is three working days, not 72 open hours. 0 when the
 * calendar never opens again within ten years. */
gint64 mt_calendar_add (const MtCalendar *calendar, gint64 start, gint64 seconds);

/* A holiday file's dates, sorted, without repeats, separated by
 * spaces; owned. The text is either a plain list (one YYYY-MM-DD a
 * line; blank lines and lines starting with # ignored) or an iCalendar
 * file (RFC 5545, read with libical): each VEVENT whose DTSTART is a
 * date closes the days from DTSTART to before DTEND, repeated as its
 * RRULE says (at most 200 times). MT_ERROR_DATA, naming the line, for
 * what is neither. */
char *mt_calendar_read_holidays (const char *text, GError **error);

#endif
