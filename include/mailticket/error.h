/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	error.h - the project's error domain
 * DESCRIPTION
 *	Every library call that can fail returns gboolean and fills a
 *	GError in MT_ERROR. The code says what the caller can do about it;
 *	only a program's main() turns it into an exit code.
 *
 *	mt_error_sqlite() and mt_error_errno() are the one place each where
 *	SQLite result codes and errno values are classified.
 */
#ifndef MT_ERROR_H
#define MT_ERROR_H

#include <glib.h>
#include <sqlite3.h>

#define MT_ERROR (mt_error_quark ())

typedef enum {
	MT_ERROR_TEMPFAIL,  /* may work later: busy, locked, disk full, I/O, memory */
	MT_ERROR_CONFIG,    /* configuration unreadable or wrong: an admin must act */
	MT_ERROR_TOO_BIG,   /* permanent: the message is over max_message_size */
	MT_ERROR_USAGE,     /* a person gave a bad argument */
	MT_ERROR_NOT_FOUND, /* no such ticket, article, attachment ... */
	MT_ERROR_DATA,      /* input that cannot be read as what it should be */
	MT_ERROR_INTERNAL,  /* a bug or a corrupt database */
} MtErrorCode;

GQuark mt_error_quark (void);

/* A refusal of the message by a rule (rules.h): the code is the
 * sysexits exit code the MTA must see, the message the line for it,
 * starting with an enhanced status code ("5.7.1 Go away"). Declared
 * here, at the bottom, so that what tells the MTA about an error needs
 * nothing of the rules. */
#define MT_RULES_REFUSAL (mt_rules_refusal_quark ())
GQuark mt_rules_refusal_quark (void);

/* Sets error from SQLite's state after rc; always returns FALSE. */
gboolean mt_error_sqlite (GError **error, sqlite3 *db, int rc, const char *what);

/* Sets error from an errno value; always returns FALSE. */
gboolean mt_error_errno (GError **error, int errsv, const char *what);

/* Sets error, of code, for a path this process may not open (EACCES):
 * "cannot open PATH: permission denied (not in group G?)", G the group
 * of the file, else of its directory, when the process is not in it:
 * an agent outside the group mailticket is told so, not that the
 * database or the configuration is missing. Always returns FALSE. */
gboolean mt_error_permission (GError **error, MtErrorCode code, const char *path);

/* Sets a MT_ERROR_USAGE error, unless one is set already: the first
 * thing wrong with an argument is the one to tell; always returns FALSE. */
gboolean mt_error_usage (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

#endif
