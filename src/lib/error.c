/*
 * NAME
 *	error.c - the project's error domain and the classification of
 *	SQLite and errno failures
 * DESCRIPTION
 *	The one place where a SQLite result code or an errno value is turned
 *	into what the caller can do about it, as Postfix's mbox_dsn() does.
 *	A retry may help after busy, locked, full, read-only (an admin may fix
 *	permissions), I/O, out-of-memory and cannot-open: MT_ERROR_TEMPFAIL.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/rules.h"

/* The macro makes a string of its first argument as written. A rule's
 * refusal (rules.h) has its domain here too, so that what tells the MTA
 * about an error needs nothing of the rules. */
/* clang-format off */
G_DEFINE_QUARK (mt-error-quark, mt_error)
G_DEFINE_QUARK (mt-rules-refusal-quark, mt_rules_refusal)
/* clang-format on */

static MtErrorCode
classify_sqlite (int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_PERM:
		return MT_ERROR_TEMPFAIL;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
	case SQLITE_ERROR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	default:
		return MT_ERROR_INTERNAL;
	}
}

gboolean
mt_error_sqlite (GError **error, sqlite3 *db, int rc, const char *what)
{
	const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

	g_set_error (error, MT_ERROR, classify_sqlite (rc), "%s: %s", what, detail);
	return FALSE;
}

gboolean
mt_error_errno (GError **error, int errsv, const char *what)
{
	MtErrorCode code;

	switch (errsv) {
	case ENOENT:
	case ENOTDIR:
		code = MT_ERROR_NOT_FOUND;
		break;
	case EINVAL:
		code = MT_ERROR_INTERNAL;
		break;
	default: /* ENOSPC, EIO, ENOMEM, EACCES, EROFS, EINTR ... */
		code = MT_ERROR_TEMPFAIL;
		break;
	}
	g_set_error (error, MT_ERROR, code, "%s: %s", what, g_strerror (errsv));
	return FALSE;
}

gboolean
mt_error_usage (GError **error, const char *format, ...)
{
	va_list args;

	va_start (args, format);
	if (error != NULL && *error == NULL)
		*error = g_error_new_valist (MT_ERROR, MT_ERROR_USAGE, format, args);
	va_end (args);
	return FALSE;
}
