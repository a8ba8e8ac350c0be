/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	gmime-no-gio.c - keep GIO out of mailticket-deliver and mailticket-send
 * DESCRIPTION
 *	g_mime_init() registers the type of GMime's GIO stream, and with it
 *	a static link takes all of GIO: 1.4 MB of code, libmount, libselinux
 *	and libblkid as shared libraries, and their loading and relocation
 *	in every delivery (make bench). Neither program uses that stream, so
 *	the Makefile links this definition of the one function g_mime_init()
 *	calls into them, ahead of GMime's archive, and the linker never takes
 *	GMime's stream, nor GIO. Should GMime ever use the stream itself, its
 *	other symbols pull the archive member in and the link fails on the
 *	duplicate: loudly, at build time. The CLI links GMime whole.
 */
#include <glib-object.h>

GType g_mime_stream_gio_get_type (void);

GType
g_mime_stream_gio_get_type (void)
{
	return G_TYPE_INVALID;
}
