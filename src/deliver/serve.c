/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve.c - mailticket-deliver --serve: deliveries without start-up
 * DESCRIPTION
 *	Speaks LMTP (RFC 2033, lib/lmtp.c) on the config's [deliver]
 *	socket, and over TCP on [deliver] listen, for Postfix's lmtp(8) and
 *	for the mailticket-deliver processes that pipe(8) or procmail start,
 *	keeping the database open between deliveries: the schema read, the
 *	statements compiled, the WAL index mapped. One thread takes the
 *	clients, and each client gets a thread of its own
 *	(serve-session.c), which reads its messages, sums and parses them
 *	(mt_deliver_prepare()), and then waits for the store, which one
 *	thread uses at a time (SQLite has one writer anyway). So while one
 *	message is stored, the next is being read and parsed on another
 *	core. The messages that wait for the store meanwhile are stored
 *	together, in one transaction (serve-batch.c); the indexing for
 *	search and the copying of the WAL wait until the client is
 *	answered, or mail is quiet (serve-tidy.c).
 *
 *	Who a client is, is known at accept time, before a byte of it is
 *	read: on the socket its user (this server's, root, or one of
 *	[deliver] users), over TCP its address ([deliver] allow). Each
 *	peer has max_per_peer sessions at most and the server
 *	max_connections, so threads are bounded; each session is closed
 *	after idle_timeout without a command and session_timeout in all. A
 *	slow or hostile client holds up itself alone.
 *
 *	mailticket-deliver names the database and config it would deliver
 *	into (lmtp.h: XMAILTICKET); a server that has others declines, and
 *	that process delivers itself. The config file is read again when
 *	it changes, and the database opened again when its file is
 *	replaced, so that neither outlives what the admin put in place;
 *	the listeners, users, allow and limits are those read at start.
 *
 *	SIGTERM or SIGINT, which every thread blocks and the main thread
 *	waits for: no client is taken any more, the sessions waiting for a
 *	command are told 421 and closed, the transactions under way are
 *	answered, then the socket removed.
 * LOCK ORDER
 *	Four mutexes (serve.h), taken in this order in all four files of
 *	the server, and never the other way round: store_lock, then state;
 *	queue_lock and peers_lock are taken alone.
 *
 *	The thread that takes clients tidies up while none comes: it takes
 *	store_lock to tidy, and state to ask whether it is time.
 *	store_lock is the store's, and the config's and database's that
 *	come with it: one thread delivers or tidies at a time, and whoever
 *	reads the config again or opens the database again holds it, and
 *	takes state to change what a thread without store_lock reads.
 *	state is the last: nothing is taken while it is held. queue_lock is
 *	over the messages that wait for the store: a thread holding it
 *	takes no other lock, and lets go of it before it takes store_lock
 *	to store a batch, so that the messages that come meanwhile can join
 *	the queue. peers_lock is over the count of sessions per peer.
 * DIAGNOSTICS
 *	Exit 0 after a signal; 75 with a line on stderr when it cannot
 *	start (no socket configured, another server, database unreadable).
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib-unix.h>

#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/search.h"
#include "serve.h"

/* The signals that stop the server: every thread blocks them, and the
 * main thread waits for them. */
static void
stop_signals (sigset_t *set)
{
	sigemptyset (set);
	sigaddset (set, SIGTERM);
	sigaddset (set, SIGINT);
	pthread_sigmask (SIG_BLOCK, set, NULL);
	signal (SIGPIPE, SIG_IGN);
	/* The config is read again when it changes; a hangup is no reason to stop. */
	signal (SIGHUP, SIG_IGN);
}

static gboolean
same_file (const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

void
serve_set_untidy (Server *s, gboolean untidy)
{
	g_mutex_lock (&s->state);
	s->untidy = untidy;
	g_mutex_unlock (&s->state);
}

static gboolean
load_config (Server *s, GError **error)
{
	MtConfig *config = mt_config_load (s->config_path, s->db, error);
	MtConfig *old = s->config;

	if (config == NULL)
		return FALSE;
	for (guint i = 0; i < config->warnings->len; i++)
		g_warning ("%s", (const char *) config->warnings->pdata[i]);
	mt_message_set_limits (config->max_parts, config->max_depth);
	mt_message_set_fallback_charsets ((const char *const *) config->fallback_charsets);
	g_mutex_lock (&s->state);
	s->config = config;
	g_free (s->config_file);
	s->config_file = config->file ? g_canonicalize_filename (config->file, NULL) : NULL;
	memset (&s->config_stat, 0, sizeof s->config_stat);
	if (config->file != NULL)
		stat (config->file, &s->config_stat);
	g_mutex_unlock (&s->state);
	mt_config_free (old);
	return TRUE;
}

gboolean
serve_config_changed (Server *s)
{
	struct stat st;
	gboolean changed;

	g_mutex_lock (&s->state);
	changed = s->config->file != NULL && (stat (s->config->file, &st) < 0 || !same_file (&st, &s->config_stat));
	g_mutex_unlock (&s->state);
	return changed;
}

static gboolean
open_store (Server *s, GError **error)
{
	g_clear_pointer (&s->store, mt_store_close);
	g_mutex_lock (&s->state);
	g_free (s->db_path);
	s->db_path = g_canonicalize_filename (s->config->db_path, NULL);
	g_mutex_unlock (&s->state);
	if (!(s->store = mt_store_open (s->db_path, s->config->busy_timeout, MT_STORE_EXISTING, error)))
		return FALSE;
	mt_store_set_checkpoint_later (s->store, TRUE);
	/* A server that stopped may have left some: tidy_up() finds out. */
	serve_set_untidy (s, TRUE);
	s->pending = 1;
	if (stat (s->db_path, &s->db_stat) < 0)
		return mt_error_errno (error, errno, s->db_path);
	return TRUE;
}

gboolean
serve_refresh (Server *s, GError **error)
{
	struct stat st;
	g_autofree char *db_path = NULL;

	if (s->config->file != NULL && (stat (s->config->file, &st) < 0 || !same_file (&st, &s->config_stat))) {
		if (!load_config (s, error))
			return FALSE;
		g_message ("config %s read again", s->config->file);
	}
	db_path = g_canonicalize_filename (s->config->db_path, NULL);
	if (s->store != NULL && strcmp (db_path, s->db_path) == 0 && stat (db_path, &st) == 0 &&
	    st.st_dev == s->db_stat.st_dev && st.st_ino == s->db_stat.st_ino)
		return TRUE;
	g_message ("opening %s again: its file was replaced or the config names another", db_path);
	return open_store (s, error);
}

char *
serve_decline_reason (const Server *s, const Envelope *envelope)
{
	/* Mail from the MTA goes to this server's database; mailticket-deliver's where it says. */
	if (envelope->db == NULL)
		return NULL;
	if (g_strcmp0 (envelope->config, s->config_file) != 0)
		return g_strdup_printf ("this server reads %s", s->config_file ? s->config_file : "no config file");
	if (g_strcmp0 (envelope->db, s->db_path) != 0)
		return g_strdup_printf ("this server writes %s", s->db_path);
	return NULL;
}

/* Checked against the config as last read, without waiting for the
 * store; only an envelope that this declines waits, to be checked again
 * against the config as it is now. Its batch checks it again anyway. */
gboolean
serve_admit (Server *s, const Envelope *envelope, int *code, char **line)
{
	g_autoptr (GError) error = NULL;

	g_mutex_lock (&s->state);
	*line = serve_decline_reason (s, envelope);
	g_mutex_unlock (&s->state);
	if (*line == NULL)
		return TRUE;
	g_clear_pointer (line, g_free);
	g_mutex_lock (&s->store_lock);
	if (!serve_refresh (s, &error))
		*code = filter_fail (error, NULL, line);
	else if ((*line = serve_decline_reason (s, envelope)) != NULL)
		*code = MT_LMTP_DECLINED;
	g_mutex_unlock (&s->store_lock);
	return *line == NULL;
}

void
serve_answered (Server *s)
{
	serve_tidy_after_answer (s);
	g_mutex_lock (&s->state);
	s->quiet_since = g_get_monotonic_time ();
	g_mutex_unlock (&s->state);
}

/* Who the peer on fd is, as counted against max_per_peer: "uid N" on
 * the socket, "address A" over TCP; NULL, with why in *why, when it is
 * not served at all. Nothing is read from it. */
static char *
peer_key (Server *s, int fd, gboolean tcp, char **why)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	g_autofree char *address = NULL;

	if (tcp) {
		if (mt_lmtp_allow_peer (s->allow, fd, &address))
			return g_strdup_printf ("address %s", address);
		*why = g_strdup_printf ("%s is not in [deliver] allow", address);
		return NULL;
	}
	if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		*why = g_strdup_printf ("who is asking: %s", g_strerror (errno));
		return NULL;
	}
	for (guint i = 0; i < s->uids->len; i++)
		if (g_array_index (s->uids, uid_t, i) == cred.uid)
			return g_strdup_printf ("uid %u", (unsigned) cred.uid);
	*why = g_strdup_printf ("uid %u is not served", (unsigned) cred.uid);
	return NULL;
}

/* Counts the peer's session in; FALSE, with why, over a limit. */
static gboolean
count_in (Server *s, const char *key, char **why)
{
	guint n;

	g_mutex_lock (&s->peers_lock);
	n = GPOINTER_TO_UINT (g_hash_table_lookup (s->peers, key));
	if (n >= s->max_per_peer)
		*why = g_strdup_printf ("%s has %u sessions, max_per_peer", key, n);
	else if ((guint) g_atomic_int_get (&s->sessions) >= s->max_connections)
		*why = g_strdup_printf ("%u sessions, max_connections", s->max_connections);
	else {
		g_hash_table_insert (s->peers, g_strdup (key), GUINT_TO_POINTER (n + 1));
		g_atomic_int_inc (&s->sessions);
	}
	g_mutex_unlock (&s->peers_lock);
	return *why == NULL;
}

static void
count_out (Server *s, const char *key)
{
	guint n;

	g_mutex_lock (&s->peers_lock);
	n = GPOINTER_TO_UINT (g_hash_table_lookup (s->peers, key));
	if (n <= 1)
		g_hash_table_remove (s->peers, key);
	else
		g_hash_table_insert (s->peers, g_strdup (key), GUINT_TO_POINTER (n - 1));
	g_atomic_int_add (&s->sessions, -1);
	g_mutex_unlock (&s->peers_lock);
}

typedef struct {
	Server *s;
	int fd;
	gboolean tcp;
	char *key;
} Client;

/* A client's thread: its session, then its count out. */
static gpointer
serve_client (gpointer data)
{
	Client *c = data;

	serve_session (c->s, c->fd, c->tcp);
	close (c->fd);
	count_out (c->s, c->key);
	g_free (c->key);
	g_free (c);
	return NULL;
}

/* Says no to a client in one line, if it listens, and hangs up. What
 * it sent already is dropped unread, without waiting: closed with it
 * unread, the socket would be reset, the line lost. */
static void
turn_away (int fd, const char *why)
{
	g_autofree char *line = g_strdup_printf ("421 4.7.0 not served: %s\r\n", why);
	char drop[4096];

	g_message ("a client turned away: %s", why);
	if (send (fd, line, strlen (line), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		g_debug ("turning a client away: %s", g_strerror (errno));
	shutdown (fd, SHUT_WR);
	for (int i = 0; i < 16 && recv (fd, drop, sizeof drop, MSG_DONTWAIT) > 0; i++)
		;
	close (fd);
}

/* Takes one client: who it is and whether it is within the limits,
 * known before a byte of it is read; then a thread of its own. */
static void
take (Server *s, int fd, gboolean tcp)
{
	g_autofree char *why = NULL;
	g_autoptr (GError) error = NULL;
	Client *c = g_new0 (Client, 1);
	GThread *thread;

	c->s = s;
	c->fd = fd;
	c->tcp = tcp;
	if ((c->key = peer_key (s, fd, tcp, &why)) == NULL || !count_in (s, c->key, &why)) {
		turn_away (fd, why);
		g_free (c->key);
		g_free (c);
		return;
	}
	if ((thread = g_thread_try_new ("lmtp", serve_client, c, &error)) == NULL) {
		count_out (s, c->key);
		turn_away (fd, error->message);
		g_free (c->key);
		g_free (c);
		return;
	}
	g_thread_unref (thread);
}

/* The thread that takes the clients, until the server stops. */
static gpointer
accept_clients (gpointer data)
{
	Server *s = data;
	gboolean tcp;
	int fd;

	while ((fd = serve_next_client (s, &tcp)) >= 0)
		take (s, fd, tcp);
	return NULL;
}

/* Serves until SIGTERM or SIGINT; then lets the sessions finish. */
static gboolean
run (Server *s, sigset_t *signals, GError **error)
{
	GThread *acceptor = g_thread_try_new ("accept", accept_clients, s, error);
	int sig = 0;

	if (acceptor == NULL)
		return FALSE;
	g_message ("serving %s on %s%s%s", s->db_path, s->config->deliver_socket, s->tcp >= 0 ? " and " : "",
		   s->tcp >= 0 ? s->config->deliver_listen : "");
	sigwait (signals, &sig);
	g_atomic_int_set (&s->stopping, 1);
	if (write (s->wake[1], "", 1) < 0)
		g_warning ("waking the sessions: %s", g_strerror (errno));
	g_thread_join (acceptor);
	while (g_atomic_int_get (&s->sessions) > 0)
		g_usleep (G_USEC_PER_SEC / 50);
	return TRUE;
}

/* The uids served on the socket: this user's, root's, and [deliver] users'. */
static gboolean
served_uids (Server *s, GError **error)
{
	g_auto (GStrv) names = g_strsplit_set (s->config->deliver_users ? s->config->deliver_users : "", " \t,;", 0);
	uid_t uid = getuid (), root = 0;

	s->uids = g_array_new (FALSE, FALSE, sizeof (uid_t));
	g_array_append_val (s->uids, uid);
	g_array_append_val (s->uids, root);
	for (int i = 0; names[i] != NULL; i++) {
		struct passwd *pw;

		if (*names[i] == '\0')
			continue;
		if ((pw = getpwnam (names[i])) == NULL) {
			g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "[deliver] users: no user %s", names[i]);
			return FALSE;
		}
		g_array_append_val (s->uids, pw->pw_uid);
	}
	return TRUE;
}

/* The limits and peers of the config read at start. */
static gboolean
start_limits (Server *s, GError **error)
{
	s->max_per_peer = s->config->deliver_max_per_peer;
	s->max_connections = s->config->deliver_max_connections;
	s->idle_ms = s->config->deliver_idle_timeout * 1000;
	s->session_ms = s->config->deliver_session_timeout * 1000;
	s->hostname = g_strdup (g_get_host_name ());
	return served_uids (s, error) && (s->allow = mt_lmtp_allow_new (s->config->deliver_allow, error)) != NULL;
}

static gboolean
start (Server *s, int *lock, GError **error)
{
	if (!load_config (s, error))
		return FALSE;
	if (s->config->deliver_socket == NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "--serve: no [deliver] socket in %s",
			     s->config->file ? s->config->file : "the config (none read)");
		return FALSE;
	}
	if (!start_limits (s, error) || !open_store (s, error))
		return FALSE;
	/* GMime set up once, before the sessions use it; and the articles
	 * they store indexed after the answer, not before. */
	mt_message_init ();
	mt_search_set_index_later (TRUE);
	if (!g_unix_open_pipe (s->wake, FD_CLOEXEC, error))
		return FALSE;
	if ((s->listener = mt_lmtp_listen_unix (s->config->deliver_socket, lock, error)) < 0)
		return FALSE;
	return s->config->deliver_listen == NULL ||
	       (s->tcp = mt_lmtp_listen_tcp (s->config->deliver_listen, error)) >= 0;
}

static void
close_fd (int fd)
{
	if (fd >= 0)
		close (fd);
}

int
filter_serve (const char *config_path, const char *db)
{
	Server s = { g_strdup (config_path), g_strdup (db), -1, -1, { -1, -1 } };
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autofree char *socket_path = NULL;
	sigset_t signals;
	int lock = -1, code = EX_OK;

	g_mutex_init (&s.peers_lock);
	s.peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_mutex_init (&s.store_lock);
	g_mutex_init (&s.state);
	g_mutex_init (&s.queue_lock);
	g_cond_init (&s.batch_done);
	g_queue_init (&s.waiting);
	stop_signals (&signals);
	if (start (&s, &lock, &error)) {
		socket_path = g_strdup (s.config->deliver_socket);
		if (run (&s, &signals, &error))
			g_message ("stopped");
		unlink (socket_path);
	}
	if (error != NULL)
		code = filter_fail (error, stderr, &line);
	close_fd (s.listener);
	close_fd (s.tcp);
	close_fd (s.wake[0]);
	close_fd (s.wake[1]);
	close_fd (lock);
	g_clear_pointer (&s.store, mt_store_close);
	mt_config_free (s.config);
	g_free (s.config_path);
	g_free (s.db);
	g_free (s.config_file);
	g_free (s.db_path);
	g_mutex_clear (&s.store_lock);
	g_mutex_clear (&s.state);
	g_mutex_clear (&s.peers_lock);
	g_hash_table_unref (s.peers);
	if (s.uids != NULL)
		g_array_unref (s.uids);
	mt_lmtp_allow_free (s.allow);
	g_free (s.hostname);
	g_mutex_clear (&s.queue_lock);
	g_cond_clear (&s.batch_done);
	return code;
}
