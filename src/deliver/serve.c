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
 *	a thread to wake up to take it.
 *
 *	The messages that wait for the store while a thread stores are
 *	stored next, by one of their threads, in one transaction: one
 *	sync, and one write of each index page they share, for them all
 *	(mt_store_batch_begin()). Each is delivered as if alone, as one
 *	write of the batch (MtDeliverOptions.batched), and one that fails is
 *	undone alone; the others are answered only when the transaction is
 *	committed, and all of them fail if it is not. Each is delivered at
 *	its client's time when the client's clock is fixed (--now), else at
 *	the server's: the request's time is passed to its delivery alone.
 *
 *	A request for another database or config file is declined, and
 *	its client delivers in its own process. The config file is read
 *	again when it changes, and the database opened again when its file
 *	is replaced, so that neither outlives what the admin put in place.
 *	Only processes of the server's own user (or root) are served.
 *
 *	The server answers a client as soon as its message is committed,
 *	and indexes it for search later (sql/0010,
 *	mt_search_set_index_later()): INDEX_BATCH articles
 *	together while mail keeps coming, the rest once it stops. The WAL,
 *	too, is copied into the database after an answer, once it is full
 *	(mt_store_set_checkpoint_later()), not by the commit that filled it
 *	while its client waits.
 *
 *	When no client has come for IDLE_MS after the last delivery, the
 *	thread waiting for the next client tidies up what deliveries
 *	leave: it indexes the pending articles, merges the search index's
 *	segments a few pages at a time, looking for a client between
 *	steps, and then empties the WAL into the database. So a delivery
 *	in a burst spends less on indexing and merging, a search finds few
 *	segments, and the WAL a reader must look through is empty when
 *	mail is quiet. A client that comes meanwhile waits for one step at
 *	most. None of it changes what is stored, and a crash in the middle
 *	undoes a step at most: the articles it was indexing stay pending.
 *
 *	SIGTERM or SIGINT, which every thread blocks and the main thread
 *	waits for: the clients already taken are served and answered, then
 *	the socket removed. A client still sending holds up the stop until
 *	it is done or CLIENT_TIMEOUT_MS have passed.
 * LOCK ORDER
 *	Four mutexes, taken in this order and never the other way round:
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
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <glib-unix.h>

#include "filter.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/handoff.h"
#include "mailticket/message.h"
#include "mailticket/search.h"

/* A client that stalls this long in sending is dropped; it then delivers itself. */
#define CLIENT_TIMEOUT_MS 30000
/* After a message this large, hand the memory back to the system. */
#define TRIM_AFTER (1024 * 1024)
/* Tidy up when no client has come for this long after a delivery: longer
 * than the gap between the messages of a burst, short enough that the
 * next burst finds the work done. */
#define IDLE_MS 200
/* Pages of the search index merged in one step: a few milliseconds, what
 * a client that comes meanwhile may have to wait. */
#define MERGE_PAGES 64
/* Articles indexed together while clients keep coming: one segment of
 * the search index for them all, instead of one each, and a wait of a
 * few milliseconds for the client that comes meanwhile. */
#define INDEX_BATCH 64
/* Threads taking clients: one storing, the others reading and parsing
 * the next messages, and some to spare for a client slow to send. */
#define WORKERS 4
/* The messages stored in one transaction: those that wait for the store
 * while one thread stores, up to this many bytes; a larger one alone. */
#define BATCH_BYTES (4 * 1024 * 1024)

typedef struct {
	char *config_path; /* as given: -c, or NULL */
	char *db;          /* as given: --db, or NULL */
	int listener;
	int wake[2];      /* a byte in wake[0] when the server is to stop */
	gint stopping;    /* atomic: set once, when the server is to stop */
	GMutex accepting; /* held by the thread waiting for the next client */
	gint clients;     /* taken and not yet done with; atomic */
	/* Over all that follows but what state and queue_lock are over: the
	 * one thread that stores, or tidies up, at a time. */
	GMutex store_lock;
	MtConfig *config;
	struct stat config_stat;
	char *config_file; /* canonical, or NULL: built-in defaults */
	char *db_path;     /* canonical */
	MtStore *store;
	struct stat db_stat;
	gint64 pending; /* articles not yet indexed for search, as far as known */
	/* Over the next two, and over config, config_file and db_path for
	 * a thread that does not hold store_lock: whoever changes those holds both. */
	GMutex state;
	gboolean untidy;    /* delivered since the last tidy_up() finished */
	gint64 quiet_since; /* monotonic time of the last client done with, or tidy_up() */
	GMutex queue_lock;  /* over the three that follow */
	GQueue waiting;     /* of Turn: prepared, to be stored */
	gboolean storing;   /* a thread is storing a batch */
	GCond batch_done;
} Server;

/* A prepared message on its way to the store, and then its answer. */
typedef struct {
	int fd;
	const MtHandoffRequest *request;
	MtDeliverInput *input;
	gboolean stored; /* code, line and log_line are its answer */
	int code;
	char *line;
	char *log_line;
} Turn;

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

static void
set_untidy (Server *s, gboolean untidy)
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
	if (!(s->store = mt_store_open (s->db_path, s->config->busy_timeout, MT_STORE_CREATE, error)))
		return FALSE;
	mt_store_set_checkpoint_later (s->store, TRUE);
	/* A server that stopped may have left some: tidy_up() finds out. */
	set_untidy (s, TRUE);
	s->pending = 1;
	if (stat (s->db_path, &s->db_stat) < 0)
		return mt_error_errno (error, errno, s->db_path);
	return TRUE;
}

/* Before each delivery: the config as it is now, the database file that is there now. */
static gboolean
refresh (Server *s, GError **error)
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

/* Why the server should not deliver this request, or NULL. */
static char *
decline_reason (const Server *s, int fd, const MtHandoffRequest *request)
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

/* Indexes up to limit pending articles. FALSE when it could not; *busy
 * when that was a CLI writing, to be tried again at the next idle time. */
static gboolean
index_pending (Server *s, int limit, gboolean *busy)
{
	g_autoptr (GError) error = NULL;

	if (mt_search_index_pending (s->store, limit, &s->pending, &error))
		return TRUE;
	g_debug ("indexing for search: %s", error->message);
	*busy = error->code == MT_ERROR_TEMPFAIL;
	return FALSE;
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
	*line = decline_reason (s, fd, request);
	g_mutex_unlock (&s->state);
	if (*line == NULL)
		return TRUE;
	g_clear_pointer (line, g_free);
	g_mutex_lock (&s->store_lock);
	if (!refresh (s, &error))
		*code = filter_fail (error, NULL, line);
	else if ((*line = decline_reason (s, fd, request)) != NULL)
		*code = MT_HANDOFF_DECLINED;
	g_mutex_unlock (&s->store_lock);
	return *line == NULL;
}

/* Under store_lock: turn's delivery, as one write of the batch when
 * batched, else in a transaction of its own; at the client's time when
 * its clock is fixed (--now, $MAILTICKET_NOW), else at the server's. */
static void
deliver_one (Server *s, Turn *turn, gboolean batched)
{
	const MtHandoffRequest *request = turn->request;
	MtDeliverOptions options = {
		.sender = request->sender,
		.recipient = request->recipient,
		.batched = batched,
		.now = request->fixed ? request->now : mt_clock_now (),
	};

	if ((turn->line = decline_reason (s, turn->fd, turn->request)) != NULL) {
		turn->code = MT_HANDOFF_DECLINED;
		return;
	}
	turn->code = filter_deliver (s->store, s->config, turn->input, &options, NULL, &turn->line, &turn->log_line);
	s->pending++;
}

/* Gives every turn of batch the answer for error, and logs it once for
 * each, unless it has a failure of its own. */
static void
fail_batch (GPtrArray *batch, const GError *error)
{
	for (guint i = 0; i < batch->len; i++) {
		Turn *turn = batch->pdata[i];

		if (turn->code != EX_OK)
			continue;
		g_clear_pointer (&turn->log_line, g_free);
		turn->code = filter_fail (error, NULL, &turn->line);
	}
}

/* Under store_lock: the batch's deliveries, in one transaction with one
 * sync for them all when there are several. Each is admitted again, as
 * the config may have changed since its client was, and undone alone
 * when it fails; the others are told they are delivered only once the
 * transaction is committed. */
static void
deliver_batch (Server *s, GPtrArray *batch)
{
	g_autoptr (GError) error = NULL;
	gboolean together = batch->len > 1;

	if (!refresh (s, &error) || (together && !mt_store_batch_begin (s->store, &error))) {
		fail_batch (batch, error);
		return;
	}
	set_untidy (s, TRUE);
	for (guint i = 0; i < batch->len; i++)
		deliver_one (s, batch->pdata[i], together);
	if (together && !mt_store_batch_commit (s->store, &error))
		fail_batch (batch, error);
	else if (together)
		g_debug ("%u messages in one transaction", batch->len);
	for (guint i = 0; i < batch->len; i++) {
		Turn *turn = batch->pdata[i];

		if (turn->log_line != NULL)
			g_message ("%s", turn->log_line);
	}
}

/* Under queue_lock: the turns to store together, oldest first: all that
 * wait, up to BATCH_BYTES of messages, and one at least. */
static GPtrArray *
take_batch (Server *s)
{
	GPtrArray *batch = g_ptr_array_new ();
	gsize bytes = 0;
	Turn *next;

	while ((next = g_queue_peek_head (&s->waiting)) != NULL &&
	       (batch->len == 0 || bytes + next->input->raw->len <= BATCH_BYTES)) {
		bytes += next->input->raw->len;
		g_ptr_array_add (batch, g_queue_pop_head (&s->waiting));
	}
	return batch;
}

/* Returns once turn is delivered: in the batch of the thread storing
 * now or of the one storing next, which may be this one, storing what
 * waits with it. */
static void
store_in_turn (Server *s, Turn *turn)
{
	g_mutex_lock (&s->queue_lock);
	g_queue_push_tail (&s->waiting, turn);
	if (s->storing)
		g_debug ("a message waits while a batch is stored");
	while (!turn->stored) {
		g_autoptr (GPtrArray) batch = NULL;

		if (s->storing) {
			g_cond_wait (&s->batch_done, &s->queue_lock);
			continue;
		}
		s->storing = TRUE;
		batch = take_batch (s);
		g_mutex_unlock (&s->queue_lock);
		g_debug ("storing a batch of %u", batch->len);
		g_mutex_lock (&s->store_lock);
		deliver_batch (s, batch);
		g_mutex_unlock (&s->store_lock);
		g_mutex_lock (&s->queue_lock);
		for (guint i = 0; i < batch->len; i++)
			((Turn *) batch->pdata[i])->stored = TRUE;
		s->storing = FALSE;
		g_cond_broadcast (&s->batch_done);
	}
	g_mutex_unlock (&s->queue_lock);
}

/* Under store_lock, after an answer: a batch, once there is one. */
static void
index_batch (Server *s)
{
	gboolean busy;

	if (s->pending >= INDEX_BATCH)
		index_pending (s, INDEX_BATCH, &busy);
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
			store_in_turn (s, &turn);
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
	/* After the answer, what deliveries leave: while another thread
	 * stores, the next client's end does it, or tidy_up(). */
	if (g_mutex_trylock (&s->store_lock)) {
		if (s->store != NULL) {
			index_batch (s);
			if (mt_store_checkpoint_due (s->store))
				mt_store_checkpoint (s->store);
		}
		g_mutex_unlock (&s->store_lock);
	}
	g_mutex_lock (&s->state);
	s->quiet_since = g_get_monotonic_time ();
	g_mutex_unlock (&s->state);
	g_atomic_int_add (&s->clients, -1);
}

/* TRUE when no client is waiting on listener, nor comes within ms. */
static gboolean
idle_for (int listener, int ms)
{
	struct pollfd p = { listener, POLLIN, 0 };

	return poll (&p, 1, ms) == 0;
}

/* No client in hand, none waiting, no signal. */
static gboolean
quiet (Server *s)
{
	return !g_atomic_int_get (&s->stopping) && g_atomic_int_get (&s->clients) == 0 && idle_for (s->listener, 0);
}

/* Under store_lock: indexes what is pending and merges the search index
 * while the server is quiet, then empties the WAL.
 * A busy database (a CLI writing) is tried again at the next idle time;
 * any other failure, and a WAL a reader still holds on to, wait for the
 * next delivery. */
static void
tidy_up (Server *s)
{
	g_autoptr (GError) error = NULL;
	gboolean more = TRUE, busy;

	/* Not open again yet, after its file was replaced: the next delivery tries. */
	if (s->store == NULL)
		return;
	while (s->pending > 0 && quiet (s))
		if (!index_pending (s, INDEX_BATCH, &busy)) {
			set_untidy (s, busy);
			return;
		}
	if (s->pending > 0)
		return;
	while (more && quiet (s))
		if (!mt_search_merge (s->store, MERGE_PAGES, &more, &error)) {
			g_debug ("merging the search index: %s", error->message);
			set_untidy (s, error->code == MT_ERROR_TEMPFAIL);
			return;
		}
	if (more)
		return;
	if (!mt_store_empty_wal (s->store))
		g_debug ("the WAL is not empty yet: a reader or writer was busy");
	set_untidy (s, FALSE);
}

/* TRUE when it is time to tidy up; else *wait_ms is how long to wait
 * for a client before asking again, -1 for as long as it takes. */
static gboolean
tidy_due (Server *s, int *wait_ms)
{
	gboolean due = FALSE;

	*wait_ms = -1;
	/* A client in hand leaves work to tidy once done with. */
	if (g_atomic_int_get (&s->clients) > 0) {
		*wait_ms = IDLE_MS;
		return FALSE;
	}
	g_mutex_lock (&s->state);
	if (s->untidy) {
		gint64 left = IDLE_MS - (g_get_monotonic_time () - s->quiet_since) / 1000;

		due = left <= 0;
		*wait_ms = (int) MAX (left, 0);
	}
	g_mutex_unlock (&s->state);
	return due;
}

/* TRUE when a client is waiting on the listener; FALSE after wait_ms
 * (-1: no limit), or when the server is to stop. */
static gboolean
client_waiting (Server *s, int wait_ms)
{
	struct pollfd p[2] = { { s->listener, POLLIN, 0 }, { s->wake[0], POLLIN, 0 } };

	return poll (p, 2, wait_ms) > 0 && !g_atomic_int_get (&s->stopping) && (p[0].revents & POLLIN);
}

/* The next client, tidying up while there is none; -1 when the server stops. */
static int
next_client (Server *s)
{
	while (!g_atomic_int_get (&s->stopping)) {
		int fd, wait_ms;

		if (tidy_due (s, &wait_ms)) {
			g_mutex_lock (&s->store_lock);
			tidy_up (s);
			g_mutex_unlock (&s->store_lock);
			/* What is left (a client came, a CLI was writing) waits for the next quiet spell. */
			g_mutex_lock (&s->state);
			s->quiet_since = g_get_monotonic_time ();
			g_mutex_unlock (&s->state);
			continue;
		}
		if (!client_waiting (s, wait_ms))
			continue;
		if ((fd = mt_handoff_accept (s->listener, CLIENT_TIMEOUT_MS)) >= 0)
			return fd;
		if (errno != EINTR && errno != ECONNABORTED)
			g_warning ("accept: %s", g_strerror (errno));
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
			g_usleep (G_USEC_PER_SEC / 10);
	}
	return -1;
}

/* A worker: waits for a client in its turn, then serves it. */
static gpointer
work (gpointer data)
{
	Server *s = data;
	int fd;

	for (;;) {
		g_mutex_lock (&s->accepting);
		if ((fd = next_client (s)) >= 0)
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
