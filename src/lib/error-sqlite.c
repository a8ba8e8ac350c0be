/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	error-sqlite.c - the classification of SQLite's failures
 * DESCRIPTION
 *	The one place where a SQLite result code is turned into what the
 *	caller can do about it (error.c says why it is a file of its own).
 *	A retry may help after busy, locked, full, read-only (an admin may fix
 *	permissions), I/O, out-of-memory and cannot-open: MT_ERROR_TEMPFAIL.
 */
#include "mailticket/error.h"

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
