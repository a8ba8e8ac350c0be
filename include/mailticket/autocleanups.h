/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	autocleanups.h - g_autoptr support for the C libraries we use
 * DESCRIPTION
 *	GMime 3 and SQLite ship no autoptr cleanups; these let every module
 *	write g_autoptr (GMimeMessage) and g_autoptr (sqlite3_stmt).
 */
#ifndef MT_AUTOCLEANUPS_H
#define MT_AUTOCLEANUPS_H

#include <glib.h>
#include <gmime/gmime.h>
#include <sqlite3.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParserOptions, g_mime_parser_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeReferences, g_mime_references_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#endif
