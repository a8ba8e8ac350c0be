/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	vfs.c - SQLite's unix VFS, without a directory sync in every process
 * SYNOPSIS
 *	const char *mt_vfs_name (void);
 * DESCRIPTION
 *	SQLite opens the WAL with SQLITE_OPEN_CREATE whether it exists or
 *	not, and its unix VFS then syncs the directory at the first sync
 *	of every connection, in case the WAL file was new. The MTA starts
 *	a process per message, so that was a second sync per message: the
 *	directory's, for a WAL file that had been there all along.
 *
 *	This VFS is the unix VFS with one change. A WAL that exists is
 *	opened without SQLITE_OPEN_CREATE, so no directory sync. A WAL that
 *	does not exist is created here, with the mode and (as root) the
 *	owner of its database, as SQLite would, and the directory synced at
 *	once: so a WAL that exists has a name that survives a crash of the
 *	machine before anyone commits into it. A process that finds the
 *	file just created by another one syncs the directory too, since it
 *	cannot know whether the creator got that far.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <sqlite3.h>

#include "mailticket/vfs.h"

#define VFS_NAME "mailticket-unix"

static sqlite3_vfs *base;

static int
sync_directory (const char *path)
{
	g_autofree char *dir = g_path_get_dirname (path);
	int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync (fd);
	close (fd);
	return rc;
}

/* The database's name is the WAL's without "-wal". */
static int
create_wal (const char *wal)
{
	g_autofree char *db = g_strndup (wal, strlen (wal) - 4);
	struct stat st;
	int fd;

	if (stat (db, &st) != 0)
		return -1;
	fd = open (wal, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0777);
	if (fd < 0 && errno != EEXIST)
		return -1;
	if (fd >= 0) {
		/* What SQLite does for a root process: the MTA's user must
		 * still be able to open the files after root touched them. */
		if (geteuid () == 0 && fchown (fd, st.st_uid, st.st_gid) != 0)
			g_debug ("%s keeps its owner: %s", wal, g_strerror (errno));
		close (fd);
	}
	return sync_directory (wal);
}

static int
open_file (sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out)
{
	gboolean wal = (flags & SQLITE_OPEN_WAL) && name != NULL && g_str_has_suffix (name, "-wal");

	/* When we cannot make it (a read-only directory), SQLite tries and
	 * says why in its own words. */
	if (wal && (access (name, F_OK) == 0 || create_wal (name) == 0))
		flags &= ~SQLITE_OPEN_CREATE;
	return base->xOpen (base, name, file, flags, out);
}

static gpointer
register_vfs (gpointer unused)
{
	static sqlite3_vfs vfs;

	/* The first call into SQLite, before it initialises: no counting of
	 * the memory it uses, which takes a global mutex around every malloc
	 * and free; a tenth of a delivery's instructions (make bench). */
	sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
	base = sqlite3_vfs_find ("unix");
	if (base == NULL)
		return NULL;
	/* Every other method is the unix VFS's, which finds what it needs
	 * in pAppData, copied along. */
	vfs = *base;
	vfs.zName = VFS_NAME;
	vfs.pNext = NULL;
	vfs.xOpen = open_file;
	if (sqlite3_vfs_register (&vfs, 0) != SQLITE_OK)
		return NULL;
	return (gpointer) VFS_NAME;
}

const char *
mt_vfs_name (void)
{
	static GOnce once = G_ONCE_INIT;

	return g_once (&once, register_vfs, NULL);
}
