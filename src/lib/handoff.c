/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	handoff.c - hand a message to a running mailticket-deliver --serve
 * DESCRIPTION
 *	The wire format of handoff.h and the socket calls on both sides.
 *	Headers are GVariants, which are safe to read from any bytes: a
 *	malformed one reads as empty values and is then refused here.
 *	The message itself follows the header unframed, so neither side
 *	copies it to build a request.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailticket/error.h"
#include "mailticket/handoff.h"

#define PROTOCOL_VERSION 1
#define REQUEST_TYPE "(umsmsmsmsbxt)"
#define REPLY_TYPE "(iss)"
#define MAX_HEADER (64 * 1024)
#define BACKLOG 64

void
mt_handoff_request_clear (MtHandoffRequest *request)
{
	g_clear_pointer (&request->db, g_free);
	g_clear_pointer (&request->config, g_free);
	g_clear_pointer (&request->sender, g_free);
	g_clear_pointer (&request->recipient, g_free);
}

void
mt_handoff_reply_clear (MtHandoffReply *reply)
{
	g_clear_pointer (&reply->line, g_free);
	g_clear_pointer (&reply->summary, g_free);
}

static gboolean
write_all (int fd, const void *data, gsize len, GError **error)
{
	const guint8 *p = data;

	while (len > 0) {
		ssize_t n = send (fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mt_error_errno (error, errno, "handoff: write");
		p += n;
		len -= n;
	}
	return TRUE;
}

static gboolean
read_all (int fd, void *data, gsize len, GError **error)
{
	guint8 *p = data;

	while (len > 0) {
		ssize_t n = read (fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mt_error_errno (error, errno, "handoff: read");
		if (n == 0) {
			g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "handoff: the other side closed early");
			return FALSE;
		}
		p += n;
		len -= n;
	}
	return TRUE;
}

static gboolean
write_frame (int fd, GVariant *header, GError **error)
{
	g_autoptr (GVariant) owned = g_variant_ref_sink (header);
	gsize len = g_variant_get_size (owned);
	guint32 be = GUINT32_TO_BE ((guint32) len);

	return write_all (fd, &be, sizeof be, error) && write_all (fd, g_variant_get_data (owned), len, error);
}

static GVariant *
read_frame (int fd, const char *type, GError **error)
{
	guint32 be;
	gsize len;
	g_autofree guint8 *data = NULL;

	if (!read_all (fd, &be, sizeof be, error))
		return NULL;
	len = GUINT32_FROM_BE (be);
	if (len > MAX_HEADER) {
		g_set_error (error, MT_ERROR, MT_ERROR_DATA, "handoff: header of %zu bytes", len);
		return NULL;
	}
	data = g_malloc (len);
	if (!read_all (fd, data, len, error))
		return NULL;
	g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), len);
	return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE));
}

static void
set_timeout (int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static gboolean
socket_address (const char *path, struct sockaddr_un *sun, GError **error)
{
	memset (sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen (path) >= sizeof sun->sun_path) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "socket path too long: %s", path);
		return FALSE;
	}
	strcpy (sun->sun_path, path);
	return TRUE;
}

static int
connect_to (const char *path, int timeout_ms, GError **error)
{
	struct sockaddr_un sun;
	int fd;

	if (!socket_address (path, &sun, error))
		return -1;
	if ((fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		mt_error_errno (error, errno, "handoff: socket");
		return -1;
	}
	set_timeout (fd, timeout_ms);
	if (connect (fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
		int errsv = errno;
		close (fd);
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "no server at %s: %s", path, g_strerror (errsv));
		return -1;
	}
	return fd;
}

static GVariant *
request_header (const MtHandoffRequest *r)
{
	return g_variant_new (REQUEST_TYPE, PROTOCOL_VERSION, r->db, r->config, r->sender, r->recipient, r->fixed,
			      r->now, r->size);
}

static gboolean
read_reply (int fd, MtHandoffReply *reply, GError **error)
{
	g_autoptr (GVariant) v = read_frame (fd, REPLY_TYPE, error);

	if (v == NULL)
		return FALSE;
	g_variant_get (v, REPLY_TYPE, &reply->code, &reply->line, &reply->summary);
	return TRUE;
}

/* request->size is not read: the size sent is raw->len. */
gboolean
mt_handoff_send (const char *socket_path, const MtHandoffRequest *request, const GByteArray *raw, int timeout_ms,
		 MtHandoffReply *reply, GError **error)
{
	MtHandoffRequest sized = *request;
	int fd;
	gboolean ok;

	memset (reply, 0, sizeof *reply);
	sized.size = raw->len;
	if ((fd = connect_to (socket_path, timeout_ms, error)) < 0)
		return FALSE;
	ok = write_frame (fd, request_header (&sized), error) && write_all (fd, raw->data, raw->len, error) &&
	     read_reply (fd, reply, error);
	close (fd);
	if (ok && reply->code == MT_HANDOFF_DECLINED) {
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "server declined: %s", reply->line);
		ok = FALSE;
	} else if (ok && reply->code != 0 && (reply->code < 64 || reply->code > 78)) {
		/* pipe(8) would bounce a 1: only 0 and the sysexits codes pass. */
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "server answered exit code %d", reply->code);
		ok = FALSE;
	}
	if (!ok)
		mt_handoff_reply_clear (reply);
	return ok;
}

/* Held for the server's life: a second server on the same socket fails here. */
static int
take_lock (const char *socket_path, GError **error)
{
	g_autofree char *lock = g_strconcat (socket_path, ".lock", NULL);
	int fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0660);

	if (fd < 0) {
		mt_error_errno (error, errno, lock);
		return -1;
	}
	if (flock (fd, LOCK_EX | LOCK_NB) < 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "another server holds %s", lock);
		close (fd);
		return -1;
	}
	return fd;
}

static int
bind_socket (const char *socket_path, const struct sockaddr_un *sun, GError **error)
{
	int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && bind (fd, (const struct sockaddr *) sun, sizeof *sun) == 0 && chmod (socket_path, 0660) == 0 &&
	    listen (fd, BACKLOG) == 0)
		return fd;
	mt_error_errno (error, errno, socket_path);
	if (fd >= 0)
		close (fd);
	return -1;
}

/*
 * Returns the listening socket, and in *lock_fd the lock that keeps a
 * second server away; the caller keeps both open while it serves. A
 * socket file left by a dead server is replaced.
 */
int
mt_handoff_listen (const char *socket_path, int *lock_fd, GError **error)
{
	struct sockaddr_un sun;
	int fd;

	if (!socket_address (socket_path, &sun, error) || (*lock_fd = take_lock (socket_path, error)) < 0)
		return -1;
	if (unlink (socket_path) < 0 && errno != ENOENT)
		mt_error_errno (error, errno, socket_path);
	else if ((fd = bind_socket (socket_path, &sun, error)) >= 0)
		return fd;
	close (*lock_fd);
	*lock_fd = -1;
	return -1;
}

/* The next client, its reads and writes bounded by timeout_ms; -1 and
 * errno as accept(2) sets it when there is none. */
int
mt_handoff_accept (int listener, int timeout_ms)
{
	int fd = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0)
		set_timeout (fd, timeout_ms);
	return fd;
}

static gboolean
check_request (const MtHandoffRequest *r, guint32 version, guint64 limit, GError **error)
{
	if (version != PROTOCOL_VERSION || r->db == NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_DATA, "handoff: not a request of version %d", PROTOCOL_VERSION);
		return FALSE;
	}
	if (r->size > limit) {
		g_set_error (error, MT_ERROR, MT_ERROR_DATA, "handoff: %" G_GUINT64_FORMAT " bytes announced", r->size);
		return FALSE;
	}
	return TRUE;
}

/*
 * Reads one request and its message. limit bounds the message the
 * server will hold; the client checked max_message_size already.
 */
gboolean
mt_handoff_read_request (int fd, guint64 limit, MtHandoffRequest *request, GByteArray **raw, GError **error)
{
	g_autoptr (GVariant) v = read_frame (fd, REQUEST_TYPE, error);
	guint32 version = 0;

	memset (request, 0, sizeof *request);
	if (v == NULL)
		return FALSE;
	g_variant_get (v, REQUEST_TYPE, &version, &request->db, &request->config, &request->sender, &request->recipient,
		       &request->fixed, &request->now, &request->size);
	if (!check_request (request, version, limit, error)) {
		mt_handoff_request_clear (request);
		return FALSE;
	}
	*raw = g_byte_array_sized_new (request->size);
	g_byte_array_set_size (*raw, request->size);
	if (!read_all (fd, (*raw)->data, request->size, error)) {
		g_clear_pointer (raw, g_byte_array_unref);
		mt_handoff_request_clear (request);
		return FALSE;
	}
	return TRUE;
}

gboolean
mt_handoff_write_reply (int fd, const MtHandoffReply *reply, GError **error)
{
	return write_frame (fd,
			    g_variant_new (REPLY_TYPE, reply->code, reply->line ? reply->line : "",
					   reply->summary ? reply->summary : ""),
			    error);
}
