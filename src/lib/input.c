/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	input.c - the message from the MTA, read whole
 * DESCRIPTION
 *	Apart from deliver.c so that the process the MTA starts can read a
 *	message and hand it over without linking the rest of a delivery.
 */
#include <errno.h>
#include <unistd.h>

#include "mailticket/deliver.h"
#include "mailticket/error.h"

#define READ_CHUNK 65536

gboolean
mt_deliver_refuse_size (GError **error, guint64 size, guint64 limit)
{
	g_set_error (error, MT_ERROR, MT_ERROR_TOO_BIG,
		     "message size %" G_GUINT64_FORMAT " exceeds the limit of %" G_GUINT64_FORMAT " bytes", size,
		     limit);
	return FALSE;
}

gboolean
mt_deliver_read (int fd, guint64 limit, GByteArray **raw, GError **error)
{
	g_autoptr (GByteArray) buf = g_byte_array_new ();
	guint8 chunk[READ_CHUNK];
	guint64 total = 0;
	gssize n;

	for (;;) {
		n = read (fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mt_error_errno (error, errno, "reading the message");
		if (n == 0)
			break;
		total += (guint64) n;
		/* Past the limit, keep reading so the MTA is not cut off mid-write. */
		if (total <= limit)
			g_byte_array_append (buf, chunk, (guint) n);
	}
	if (total > limit)
		return mt_deliver_refuse_size (error, total, limit);
	*raw = g_steal_pointer (&buf);
	return TRUE;
}
