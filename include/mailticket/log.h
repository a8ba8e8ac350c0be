/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	log.h - syslog (facility mail) with a stderr mirror
 * DESCRIPTION
 *	mt_log_init() routes GLib's and GMime's log messages to syslog under
 *	ident, and mirrors them on stderr when verbose (or for warnings and
 *	worse when stderr is a terminal). Library code logs with g_message()
 *	and g_warning(); it never prints.
 */
#ifndef MT_LOG_H
#define MT_LOG_H

#include <glib.h>

/* A second call only changes verbose. */
void mt_log_init (const char *ident, gboolean verbose);
/* A warning to syslog and, whatever verbose says, on stderr once: what
 * whoever ran the program must see, such as a mistake in the config. */
void mt_log_tell (const char *text);
/* mt_log_tell of each of a config's warnings ("FILE:LINE: unknown key ..."). */
void mt_log_tell_config (const GPtrArray *warnings);
/* Leads every later line, "PREFIX: ...": Postfix's queue id of the
 * delivery (mailticket-deliver -q), so that one grep finds the message
 * in both logs. NULL: none. */
void mt_log_set_prefix (const char *prefix);

#endif
