/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve.c - mailticket-deliver --serve: deliveries without start-up
 * DESCRIPTION
 *	Listens on the config's [deliver] socket and delivers each message
 *	a mailticket-deliver process hands over, keeping the database open
 *	between them: the schema read, the statements compiled, the WAL
 *	index mapped. WORKERS threads take the clients in turn, one of
 *	them waiting for the next client at a time: each reads its
 *	client's message, sums and parses it (mt_deliver_prepare()), and
 *	then waits for the store, which one thread uses at a time (SQLite
 *	has one writer anyway). So while one message is stored, the next
 *	is being read and parsed on another core, and no message waits for
 *	a thread to wake up to take it. The messages that wait for the
 *	store meanwhile are stored together, in one transaction
 *	(serve-batch.c); the indexing for search and the copying of the WAL
 *	wait until the client is answered, or mail is quiet (serve-tidy.c).
 *
 *	A request for another database or config file is declined, and
 *	its client delivers in its own process. The config file is read
 *	again when it changes, and the database opened again when its file
 *	is replaced, so that neither outlives what the admin put in place.
 *	Only processes of the server's own user (or root) are served.
 *
 *	SIGTERM or SIGINT, which every thread blocks and the main thread
 *	waits for: the clients already taken are served and answered, then
 *	the socket removed. A client still sending holds up the stop until
 *	it is done or its time is up (serve-tidy.c: CLIENT_TIMEOUT_MS).
 * LOCK ORDER
 *	Four mutexes (serve.h), taken in this order in all three files of
 *	the server, and never the other way round:
 *	accepting, then store_lock, then state; queue_lock is taken alone.
 *
 *	accepting is held by the thread waiting for the next client, which
 *	tidies up meanwhile: it takes store_lock to tidy, and state to ask
 *	whether it is time. store_lock is the store's, and the config's and
 *	database's that come with it: one thread delivers or tidies at a
 *	time, and whoever reads the config again or opens the database
 *	again holds it, and takes state to change what a thread without
 *	store_lock reads. state is the last: nothing is taken while it is
 *	held. queue_lock is over the messages that wait for the store: a
 *	thread holding it takes no other lock, and lets go of it before it
 *	takes store_lock to store a batch, so that the messages that come
 *	meanwhile can join the queue.
 * DIAGNOSTICS
 *	Exit 0 after a signal; 75 with a line on stderr when it cannot
 *	start (no socket configured, another server, database unreadable).
 */
#include <errno.h>
#include <malloc.h>
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

/* After a message this large, hand the memory back to the system. */
#define TRIM_AFTER (1024 * 1024)
/* Threads taking clients: one storing, the others reading and parsing
 * the next messages, and some to spare for a client slow to send. */
#define WORKERS 4

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
	g_mutex_lock (&s->state);
	s->config = config;
	g_free (s->config_file);
	s->config_file = config->file ? g_canonicalize_filename (config->file, NULL) : NULL;
	g_mutex_unlock (&s->state);
	mt_config_free (old);
	memset (&s->config_stat, 0, sizeof s->config_stat);
	if (config->file != NULL)
		stat (config->file, &s->config_stat);
	return TRUE;
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
serve_decline_reason (const Server *s, int fd, const MtHandoffRequest *request)
{
	struct ucred peer;
	socklen_t len = sizeof peer;

	if (getsockopt (fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) < 0)
		return g_strdup_printf ("who is asking: %s", g_strerror (errno));
	if (peer.uid != 0 && peer.uid != getuid ())
		return g_strdup_printf ("uid %u is not served", (unsigned) peer.uid);
	if (g_strcmp0 (request->config, s->config_file) != 0)
		return g_strdup_printf ("this server reads %s", s->config_file ? s->config_file : "no config file");
	if (g_strcmp0 (request->db, s->db_path) != 0)
		return g_strdup_printf ("this server writes %s", s->db_path);
	return NULL;
}

static void
answer (int fd, int code, char *line, char *log_line)
{
	MtHandoffReply reply = { code, line, log_line };
	g_autoptr (GError) error = NULL;

	if (!mt_handoff_write_reply (fd, &reply, &error))
		g_warning ("the client did not wait for its answer: %s", error->message);
	mt_handoff_reply_clear (&reply);
}

/* FALSE, with the answer in *code and *line, when the server cannot or
 * should not deliver the request: whom it declines, it does not parse
 * for. Checked against the config as last read, without waiting for the
 * store; only a request that this declines waits, to be checked again
 * against the config as it is now. Its batch checks it again anyway. */
static gboolean
admit (Server *s, int fd, const MtHandoffRequest *request, int *code, char **line)
{
	g_autoptr (GError) error = NULL;

	g_mutex_lock (&s->state);
	*line = serve_decline_reason (s, fd, request);
	g_mutex_unlock (&s->state);
	if (*line == NULL)
		return TRUE;
	g_clear_pointer (line, g_free);
	g_mutex_lock (&s->store_lock);
	if (!serve_refresh (s, &error))
		*code = filter_fail (error, NULL, line);
	else if ((*line = serve_decline_reason (s, fd, request)) != NULL)
		*code = MT_HANDOFF_DECLINED;
	g_mutex_unlock (&s->store_lock);
	return *line == NULL;
}

/* One client, from its request to the index. */
static void
serve_one (Server *s, int fd)
{
	MtHandoffRequest request;
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (GError) error = NULL;
	MtDeliverInput input = { 0 };
	char *line, *log_line = NULL;
	guint64 limit;
	int code = EX_TEMPFAIL;

	g_mutex_lock (&s->state);
	limit = s->config->max_message_size;
	g_mutex_unlock (&s->state);
	if (mt_handoff_read_request (fd, limit, &request, &raw, &error)) {
		if (admit (s, fd, &request, &code, &line)) {
			Turn turn = { fd, &request, &input };

			mt_deliver_prepare (&input, raw, limit);
			serve_store_in_turn (s, &turn);
			code = turn.code;
			line = turn.line;
			log_line = turn.log_line;
		}
		answer (fd, code, line, log_line);
		mt_deliver_input_clear (&input);
		mt_handoff_request_clear (&request);
	} else
		g_warning ("dropped a client: %s", error->message);
	close (fd);
	if (raw != NULL && raw->len >= TRIM_AFTER) {
		g_clear_pointer (&raw, g_byte_array_unref);
		malloc_trim (0);
	}
	serve_tidy_after_answer (s);
	g_mutex_lock (&s->state);
	s->quiet_since = g_get_monotonic_time ();
	g_mutex_unlock (&s->state);
	g_atomic_int_add (&s->clients, -1);
}

/* A worker: waits for a client in its turn, then serves it. */
static gpointer
work (gpointer data)
{
	Server *s = data;
	int fd;

	for (;;) {
		g_mutex_lock (&s->accepting);
		if ((fd = serve_next_client (s)) >= 0)
			g_atomic_int_inc (&s->clients);
		g_mutex_unlock (&s->accepting);
		if (fd < 0)
			return NULL;
		serve_one (s, fd);
	}
}

/* Serves until SIGTERM or SIGINT; then lets the workers finish the
 * clients they hold. FALSE when not one worker could start. */
static gboolean
run (Server *s, sigset_t *signals, GError **error)
{
	GThread *workers[WORKERS] = { NULL };
	int sig = 0;

	for (int i = 0; i < WORKERS; i++) {
		g_autoptr (GError) local = NULL;

		if (!(workers[i] = g_thread_try_new ("deliver", work, s, &local))) {
			if (i == 0) {
				g_propagate_error (error, g_steal_pointer (&local));
				return FALSE;
			}
			g_warning ("serving with %d threads: %s", i, local->message);
			break;
		}
	}
	g_message ("serving %s on %s", s->db_path, s->config->deliver_socket);
	sigwait (signals, &sig);
	g_atomic_int_set (&s->stopping, 1);
	if (write (s->wake[1], "", 1) < 0)
		g_warning ("waking the workers: %s", g_strerror (errno));
	for (int i = 0; i < WORKERS && workers[i] != NULL; i++)
		g_thread_join (workers[i]);
	return TRUE;
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
	if (!open_store (s, error))
		return FALSE;
	/* GMime set up once, before the workers use it; and the articles
	 * they store indexed after the answer, not before. */
	mt_message_init ();
	mt_search_set_index_later (TRUE);
	if (!g_unix_open_pipe (s->wake, FD_CLOEXEC, error))
		return FALSE;
	s->listener = mt_handoff_listen (s->config->deliver_socket, lock, error);
	return s->listener >= 0;
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
	Server s = { g_strdup (config_path), g_strdup (db), -1, { -1, -1 } };
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autofree char *socket_path = NULL;
	sigset_t signals;
	int lock = -1, code = EX_OK;

	g_mutex_init (&s.accepting);
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
	g_mutex_clear (&s.accepting);
	g_mutex_clear (&s.queue_lock);
	g_cond_clear (&s.batch_done);
	return code;
}
