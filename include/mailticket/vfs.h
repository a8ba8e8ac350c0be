/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	vfs.h - the SQLite VFS every database of ours is opened with
 * DESCRIPTION
 *	mt_vfs_name() registers, once per process, the unix VFS changed
 *	so that a delivery syncs the WAL alone, not its directory as well,
 *	and returns its name for sqlite3_open_v2(); NULL when SQLite has
 *	no unix VFS, and then SQLite's default serves. See vfs.c.
 */
#ifndef MT_VFS_H
#define MT_VFS_H

const char *mt_vfs_name (void);

#endif
