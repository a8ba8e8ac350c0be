/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	error.c - the project's error domain and the classification of
 *	errno failures
 * DESCRIPTION
 *	The one place where an errno value is turned into what the caller
 *	can do about it, as Postfix's mbox_dsn() does; error-sqlite.c does
 *	the same for SQLite's result codes, apart, so that a program that
 *	uses no database (mailticket-deliver, the front) links no SQLite.
 *	A path this process may not open is told as such, with the group
 *	it is not in, wherever it is met (the database, the config).
 */
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailticket/error.h"

/* The macro makes a string of its first argument as written. */
/* clang-format off */
G_DEFINE_QUARK (mt-error-quark, mt_error)
G_DEFINE_QUARK (mt-rules-refusal-quark, mt_rules_refusal)
/* clang-format on */

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

/* Whether this process has group gid. */
static gboolean
in_group (gid_t gid)
{
	int n = getgroups (0, NULL);
	g_autofree gid_t *groups = g_new (gid_t, MAX (n, 1));

	if (getegid () == gid)
		return TRUE;
	n = getgroups (n, groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return TRUE;
	return FALSE;
}

gboolean
mt_error_permission (GError **error, MtErrorCode code, const char *path)
{
	g_autofree char *dir = g_path_get_dirname (path);
	struct stat st;
	struct group *group = NULL;
	g_autofree char *hint = NULL;

	if (stat (path, &st) == 0 || stat (dir, &st) == 0)
		group = in_group (st.st_gid) ? NULL : getgrgid (st.st_gid);
	if (group != NULL)
		hint = g_strdup_printf (" (not in group %s?)", group->gr_name);
	g_set_error (error, MT_ERROR, code, "cannot open %s: permission denied%s", path, hint ? hint : "");
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
