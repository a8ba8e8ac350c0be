/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	lmtp-client.c - mailticket-deliver hands its message to the server over LMTP
 * DESCRIPTION
 *	One transaction on the server's Unix socket, its commands
 *	pipelined: LHLO, MAIL FROM with the XMAILTICKET parameters (the
 *	database and config file this process would deliver into, the
 *	queue id, a fixed clock), RCPT TO, DATA, the message. The reply
 *	to DATA is the answer, its private first line the exit code.
 *	Anything else, a reply that is not 2xx or 354 before the message
 *	included, is the caller's to deliver itself.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailticket/error.h"
#include "mailticket/lmtp.h"

typedef struct {
	int fd;
	char buf[MT_LMTP_MAX_LINE];
	gsize len;
} Conn;

static gboolean
write_all (int fd, const void *data, gsize len, GError **error)
{
	const guint8 *p = data;

	while (len > 0) {
		ssize_t n = send (fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mt_error_errno (error, errno, "lmtp: write");
		p += n;
		len -= n;
	}
	return TRUE;
}

/* The next line of the server's, without its CRLF; owned. */
static char *
read_line (Conn *c, GError **error)
{
	for (;;) {
		char *lf = memchr (c->buf, '\n', c->len);
		ssize_t n;

		if (lf != NULL) {
			gsize used = lf - c->buf + 1;
			char *line = g_strndup (c->buf, used - (used >= 2 && lf[-1] == '\r' ? 2 : 1));

			memmove (c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return line;
		}
		if (c->len == sizeof c->buf) {
			g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "lmtp: a reply line too long");
			return NULL;
		}
		n = read (c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				mt_error_errno (error, errno, "lmtp: read");
			else
				g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "lmtp: the server hung up");
			return NULL;
		}
		c->len += n;
	}
}

/* One reply, its lines in lines (the code and separator dropped); its code. -1 on failure. */
static int
read_reply (Conn *c, GPtrArray *lines, GError **error)
{
	for (;;) {
		g_autofree char *line = read_line (c, error);

		if (line == NULL)
			return -1;
		if (strlen (line) < 3 || !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1]) ||
		    !g_ascii_isdigit (line[2]) || (line[3] != '\0' && line[3] != ' ' && line[3] != '-')) {
			g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "lmtp: not a reply: %.80s", line);
			return -1;
		}
		g_ptr_array_add (lines, g_strdup (line[3] ? line + 4 : ""));
		if (line[3] != '-')
			return atoi (line);
	}
}

/* A reply that must have code; FALSE with what it said otherwise. */
static gboolean
expect (Conn *c, int code, const char *what, GError **error)
{
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	int got = read_reply (c, lines, error);

	if (got < 0)
		return FALSE;
	if (got == code)
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "the server answered %s with %d %s", what, got,
		     lines->len ? (char *) lines->pdata[lines->len - 1] : "");
	return FALSE;
}

static void
set_timeout (int fd, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };

	setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

gboolean
mt_lmtp_unix_address (const char *path, struct sockaddr_un *sun, GError **error)
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

/* The mail goes only to a server of this user's, or root's: not to
 * whoever else put a socket at the path. */
static gboolean
server_trusted (int fd, const char *path, GError **error)
{
	struct ucred peer;
	socklen_t len = sizeof peer;

	if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0)
		return mt_error_errno (error, errno, path);
	if (peer.uid != 0 && peer.uid != geteuid ()) {
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL,
			     "the server at %s runs as user id %u, not as this user", path, (unsigned) peer.uid);
		return FALSE;
	}
	return TRUE;
}

static int
connect_to (const char *path, int timeout_ms, GError **error)
{
	struct sockaddr_un sun;
	int fd;

	if (!mt_lmtp_unix_address (path, &sun, error))
		return -1;
	if ((fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		mt_error_errno (error, errno, "lmtp: socket");
		return -1;
	}
	set_timeout (fd, timeout_ms);
	if (connect (fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
		int errsv = errno;
		close (fd);
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "no server at %s: %s", path, g_strerror (errsv));
		return -1;
	}
	if (!server_trusted (fd, path, error)) {
		close (fd);
		return -1;
	}
	return fd;
}

/* The commands up to DATA, pipelined. */
static char *
commands (const MtLmtpEnvelope *e)
{
	GString *s = g_string_new ("LHLO localhost\r\nMAIL FROM:<");
	g_autofree char *db = mt_lmtp_xtext_encode (e->db);

	g_string_append_printf (s, "%s> XDB=%s", e->sender ? e->sender : "", db);
	if (e->sender == NULL)
		g_string_append (s, " XNOSENDER=YES");
	if (e->config != NULL) {
		g_autofree char *config = mt_lmtp_xtext_encode (e->config);

		g_string_append_printf (s, " XCONFIG=%s", config);
	}
	if (e->queue_id != NULL && *e->queue_id != '\0') {
		g_autofree char *id = mt_lmtp_xtext_encode (e->queue_id);

		g_string_append_printf (s, " XQUEUEID=%s", id);
	}
	if (e->fixed)
		g_string_append_printf (s, " XNOW=%" G_GINT64_FORMAT, e->now);
	g_string_append_printf (s, "\r\nRCPT TO:<%s>\r\nDATA\r\n", e->recipient ? e->recipient : "");
	return g_string_free (s, FALSE);
}

/* The answer to DATA: "exit=N" and the reply line. */
static gboolean
read_answer (Conn *c, MtLmtpAnswer *answer, GError **error)
{
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	int code = read_reply (c, lines, error);
	gint64 exit_code = 0;
	const char *text;

	if (code < 0)
		return FALSE;
	if (lines->len != 2 || !g_str_has_prefix (lines->pdata[0], "exit=") ||
	    !g_ascii_string_to_signed ((char *) lines->pdata[0] + 5, 10, -1, 255, &exit_code, NULL)) {
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "the server answered %d %s", code,
			     (char *) lines->pdata[lines->len - 1]);
		return FALSE;
	}
	text = lines->pdata[1];
	if (exit_code == MT_LMTP_DECLINED || (exit_code != 0 && (exit_code < 64 || exit_code > 78))) {
		/* pipe(8) would bounce a 1: only 0 and the sysexits codes pass. */
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "server declined: %s", text);
		return FALSE;
	}
	answer->code = (int) exit_code;
	/* A success's text is its log line, after "2.0.0 "; a failure's its line for stderr. */
	answer->line = g_strdup (exit_code == 0 && strlen (text) > 6 ? text + 6 : text);
	return TRUE;
}

gboolean
mt_lmtp_send (const char *socket_path, const MtLmtpEnvelope *envelope, const GByteArray *raw, int timeout_ms,
	      MtLmtpAnswer *answer, GError **error)
{
	Conn c = { -1 };
	g_autofree char *start = commands (envelope);
	g_autoptr (GByteArray) data = NULL;
	gboolean ok;

	memset (answer, 0, sizeof *answer);
	if ((c.fd = connect_to (socket_path, timeout_ms, error)) < 0)
		return FALSE;
	data = mt_lmtp_data_encode (raw);
	ok = expect (&c, 220, "the connection", error) && write_all (c.fd, start, strlen (start), error) &&
	     expect (&c, 250, "LHLO", error) && expect (&c, 250, "MAIL FROM", error) &&
	     expect (&c, 250, "RCPT TO", error) && expect (&c, 354, "DATA", error) &&
	     write_all (c.fd, data->data, data->len, error) && read_answer (&c, answer, error);
	if (ok)
		write_all (c.fd, "QUIT\r\n", 6, NULL);
	close (c.fd);
	return ok;
}
