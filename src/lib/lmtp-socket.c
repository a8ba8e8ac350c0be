/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	lmtp-socket.c - the delivery server's sockets: listen, accept, who may talk
 * DESCRIPTION
 *	The Unix socket of [deliver] socket, kept from others by its
 *	directory and its lock; the TCP socket of [deliver] listen; and the
 *	addresses and networks of [deliver] allow, the only TCP peers
 *	served. Nothing is read from a peer here: the server checks who it
 *	is at accept time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailticket/error.h"
#include "mailticket/lmtp.h"

#define BACKLOG 64

/* The socket's directory keeps others out: it belongs to this user or
 * root, and whoever else may write in it cannot remove or rename this
 * user's files (the sticky bit). Otherwise anyone could put a link, or
 * a socket of their own, where the lock and the socket go. */
static gboolean
check_directory (const char *socket_path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname (socket_path);
	struct stat st;

	if (stat (dir, &st) < 0)
		return mt_error_errno (error, errno, dir);
	if (st.st_uid != geteuid () && st.st_uid != 0)
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG,
			     "%s, the directory of the socket, belongs to user id %u: it must be this user's or root's",
			     dir, (unsigned) st.st_uid);
	else if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG,
			     "%s, the directory of the socket, is writable by every user: chmod o-w it", dir);
	else
		return TRUE;
	return FALSE;
}

/* Held for the server's life: a second server on the same socket fails
 * here. Never through a symbolic link, and only a plain file. */
static int
take_lock (const char *socket_path, GError **error)
{
	g_autofree char *lock = g_strconcat (socket_path, ".lock", NULL);
	int fd = open (lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0660);
	struct stat st;

	if (fd < 0 && errno == ELOOP)
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG,
			     "%s is a symbolic link, which is not followed: remove it", lock);
	else if (fd < 0)
		mt_error_errno (error, errno, lock);
	else if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "%s is not a plain file: remove it", lock);
	else if (flock (fd, LOCK_EX | LOCK_NB) < 0)
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "another server holds %s", lock);
	else
		return fd;
	if (fd >= 0)
		close (fd);
	return -1;
}

/* A socket left by a server that died goes; anything else at its
 * place (a file, a link) is no server's to remove. */
static gboolean
remove_old_socket (const char *socket_path, GError **error)
{
	struct stat st;

	if (lstat (socket_path, &st) < 0)
		return errno == ENOENT || mt_error_errno (error, errno, socket_path);
	if (!S_ISSOCK (st.st_mode)) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "%s is there and is no socket: remove it", socket_path);
		return FALSE;
	}
	return unlink (socket_path) == 0 || errno == ENOENT || mt_error_errno (error, errno, socket_path);
}

static int
bind_socket (const char *socket_path, const struct sockaddr_un *sun, GError **error)
{
	int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* bind() makes the file and never follows a link; nor does the
	 * chmod. Every user may connect (Postfix's lmtp(8) runs as postfix):
	 * who is served the server decides at accept, by SO_PEERCRED. */
	if (fd >= 0 && bind (fd, (const struct sockaddr *) sun, sizeof *sun) == 0 &&
	    fchmodat (AT_FDCWD, socket_path, 0666, AT_SYMLINK_NOFOLLOW) == 0 && listen (fd, BACKLOG) == 0)
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
mt_lmtp_listen_unix (const char *socket_path, int *lock_fd, GError **error)
{
	struct sockaddr_un sun;
	int fd;

	*lock_fd = -1;
	if (!mt_lmtp_unix_address (socket_path, &sun, error) || !check_directory (socket_path, error) ||
	    (*lock_fd = take_lock (socket_path, error)) < 0)
		return -1;
	if (remove_old_socket (socket_path, error) && (fd = bind_socket (socket_path, &sun, error)) >= 0)
		return fd;
	close (*lock_fd);
	*lock_fd = -1;
	return -1;
}

int
mt_lmtp_accept (int listener)
{
	return accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
}

/* host_port as getaddrinfo() takes it: "[::1]:24" and "127.0.0.1:24". */
static gboolean
split_host_port (const char *host_port, char **host, char **port, GError **error)
{
	const char *colon = strrchr (host_port, ':');

	if (colon == NULL || colon[1] == '\0' || colon == host_port) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "listen: HOST:PORT, not %s", host_port);
		return FALSE;
	}
	if (host_port[0] == '[' && colon[-1] == ']')
		*host = g_strndup (host_port + 1, colon - host_port - 2);
	else
		*host = g_strndup (host_port, colon - host_port);
	*port = g_strdup (colon + 1);
	return TRUE;
}

static int
bind_tcp (const struct addrinfo *ai)
{
	int one = 1;
	int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

	if (fd < 0)
		return -1;
	setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind (fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen (fd, BACKLOG) == 0)
		return fd;
	close (fd);
	return -1;
}

int
mt_lmtp_listen_tcp (const char *host_port, GError **error)
{
	g_autofree char *host = NULL;
	g_autofree char *port = NULL;
	struct addrinfo hints = { .ai_flags = AI_PASSIVE, .ai_socktype = SOCK_STREAM }, *found = NULL;
	int rc, fd = -1, errsv = 0;

	if (!split_host_port (host_port, &host, &port, error))
		return -1;
	if ((rc = getaddrinfo (*host ? host : NULL, port, &hints, &found)) != 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "listen %s: %s", host_port, gai_strerror (rc));
		return -1;
	}
	for (struct addrinfo *ai = found; ai != NULL && fd < 0; ai = ai->ai_next)
		if ((fd = bind_tcp (ai)) < 0)
			errsv = errno;
	freeaddrinfo (found);
	if (fd < 0)
		g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "listen %s: %s", host_port, g_strerror (errsv));
	return fd;
}

/* One entry of [deliver] allow: an address and how many of its leading bits count. */
typedef struct {
	int family;
	guint8 bytes[16];
	int bits;
} Network;

struct MtLmtpAllow {
	GArray *networks; /* of Network */
};

static gboolean
parse_network (const char *text, Network *n)
{
	g_autofree char *address = g_strdup (text);
	char *slash = strchr (address, '/');
	gint64 bits = -1;

	if (slash != NULL) {
		*slash++ = '\0';
		if (!g_ascii_string_to_signed (slash, 10, 0, 128, &bits, NULL))
			return FALSE;
	}
	memset (n, 0, sizeof *n);
	if (inet_pton (AF_INET, address, n->bytes) == 1)
		n->family = AF_INET;
	else if (inet_pton (AF_INET6, address, n->bytes) == 1)
		n->family = AF_INET6;
	else
		return FALSE;
	n->bits = bits < 0 ? (n->family == AF_INET ? 32 : 128) : (int) bits;
	return n->family == AF_INET6 || n->bits <= 32;
}

MtLmtpAllow *
mt_lmtp_allow_new (const char *list, GError **error)
{
	MtLmtpAllow *allow = g_new0 (MtLmtpAllow, 1);
	g_auto (GStrv) words = g_strsplit_set (list ? list : "", " \t,;", 0);

	allow->networks = g_array_new (FALSE, FALSE, sizeof (Network));
	for (int i = 0; words[i] != NULL; i++) {
		Network n;

		if (*words[i] == '\0')
			continue;
		if (!parse_network (words[i], &n)) {
			g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "allow: not an address or network: %s",
				     words[i]);
			mt_lmtp_allow_free (allow);
			return NULL;
		}
		g_array_append_val (allow->networks, n);
	}
	return allow;
}

void
mt_lmtp_allow_free (MtLmtpAllow *allow)
{
	if (allow == NULL)
		return;
	g_array_unref (allow->networks);
	g_free (allow);
}

static gboolean
in_network (const Network *n, int family, const guint8 *bytes)
{
	int whole = n->bits / 8, rest = n->bits % 8;

	if (family != n->family || memcmp (bytes, n->bytes, whole) != 0)
		return FALSE;
	return rest == 0 || ((bytes[whole] ^ n->bytes[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

gboolean
mt_lmtp_allow_peer (const MtLmtpAllow *allow, int fd, char **peer)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof ss;
	char text[INET6_ADDRSTRLEN] = "?";
	const guint8 *bytes = NULL;
	int family = 0;

	if (getpeername (fd, (struct sockaddr *) &ss, &len) < 0)
		ss.ss_family = AF_UNSPEC;
	if (ss.ss_family == AF_INET) {
		family = AF_INET;
		bytes = (const guint8 *) &((struct sockaddr_in *) &ss)->sin_addr;
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a6 = &((struct sockaddr_in6 *) &ss)->sin6_addr;

		/* An IPv4 peer on an IPv6 socket is matched as IPv4. */
		family = IN6_IS_ADDR_V4MAPPED (a6) ? AF_INET : AF_INET6;
		bytes = family == AF_INET ? a6->s6_addr + 12 : a6->s6_addr;
	}
	if (bytes != NULL)
		inet_ntop (family, bytes, text, sizeof text);
	*peer = g_strdup (text);
	for (guint i = 0; bytes != NULL && i < allow->networks->len; i++)
		if (in_network (&g_array_index (allow->networks, Network, i), family, bytes))
			return TRUE;
	return FALSE;
}
