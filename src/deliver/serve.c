/*
 * NAME
 *	serve.c - mailticket-deliver --serve: deliveries without start-up
 * DESCRIPTION
 *	Listens on the config's [deliver] socket and delivers each message
 *	a mailticket-deliver process hands over, one at a time (SQLite has
 *	one writer anyway), keeping the database open between them: the
 *	schema read, the statements compiled, the WAL index mapped.
 *
 *	A request for another database or config file is declined, and
 *	its client delivers in its own process. The config file is read
 *	again when it changes, and the database opened again when its file
 *	is replaced, so that neither outlives what the admin put in place.
 *	Only processes of the server's own user (or root) are served.
 *
 *	The server answers a client as soon as its message is committed,
 *	and indexes it for search later (sql/0010): INDEX_BATCH articles
 *	together while mail keeps coming, the rest once it stops.
 *
 *	When no client has come for IDLE_MS after a delivery, the server
 *	tidies up what deliveries leave: it indexes the pending articles,
 *	merges the search index's segments a few pages at a time, looking
 *	for a client between steps, and then empties the WAL into the
 *	database. So a delivery in a burst spends less on indexing and
 *	merging, a search finds few segments, and the WAL a reader must
 *	look through is empty when mail is quiet. None of it changes what
 *	is stored, and a crash in the middle undoes a step at most: the
 *	articles it was indexing stay pending.
 *
 *	SIGTERM or SIGINT: the delivery under way is finished and
 *	answered, then the socket removed.
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

#include "filter.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/handoff.h"
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

typedef struct {
	char *config_path; /* as given: -c, or NULL */
	char *db;          /* as given: --db, or NULL */
	MtConfig *config;
	struct stat config_stat;
	char *config_file; /* canonical, or NULL: built-in defaults */
	char *db_path;     /* canonical */
	MtStore *store;
	struct stat db_stat;
	gboolean untidy; /* delivered since the last tidy_up() finished */
	gint64 pending;  /* articles not yet indexed for search, as far as known */
} Server;

static volatile sig_atomic_t stopping;

static void
on_signal (int sig)
{
	(void) sig;
	stopping = 1;
}

/* No SA_RESTART: accept() returns EINTR and the loop sees the flag. */
static void
catch_signals (void)
{
	struct sigaction sa = { 0 };

	sa.sa_handler = on_signal;
	sigemptyset (&sa.sa_mask);
	sigaction (SIGTERM, &sa, NULL);
	sigaction (SIGINT, &sa, NULL);
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

static gboolean
load_config (Server *s, GError **error)
{
	MtConfig *config = mt_config_load (s->config_path, s->db, error);

	if (config == NULL)
		return FALSE;
	mt_config_free (s->config);
	s->config = config;
	g_free (s->config_file);
	s->config_file = config->file ? g_canonicalize_filename (config->file, NULL) : NULL;
	memset (&s->config_stat, 0, sizeof s->config_stat);
	if (config->file != NULL)
		stat (config->file, &s->config_stat);
	return TRUE;
}

static gboolean
open_store (Server *s, GError **error)
{
	g_clear_pointer (&s->store, mt_store_close);
	g_free (s->db_path);
	s->db_path = g_canonicalize_filename (s->config->db_path, NULL);
	if (!(s->store = mt_store_open (s->db_path, s->config->busy_timeout, MT_STORE_CREATE, error)))
		return FALSE;
	mt_store_set_search_later (s->store, TRUE);
	/* A server that stopped may have left some: tidy_up() finds out. */
	s->untidy = TRUE;
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

static void
deliver (Server *s, int fd, const MtHandoffRequest *request, GByteArray *raw)
{
	MtDeliverOptions options = { request->sender, request->recipient, FALSE };
	MtDeliverInput input;
	char *line = NULL, *log_line = NULL;
	int code;

	mt_deliver_prepare (&input, raw, s->config->max_message_size);
	mt_clock_set (request->fixed, request->now);
	code = filter_deliver (s->store, s->config, &input, &options, NULL, &line, &log_line);
	mt_clock_set (FALSE, 0);
	s->untidy = TRUE;
	s->pending++;
	answer (fd, code, line, log_line);
	/* The parsed message is freed after the answer, not before it. */
	mt_deliver_input_clear (&input);
}

static void
serve_one (Server *s, int fd)
{
	MtHandoffRequest request;
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (GError) error = NULL;
	char *why = NULL;

	if (!mt_handoff_read_request (fd, s->config->max_message_size, &request, &raw, &error)) {
		g_warning ("dropped a client: %s", error->message);
		return;
	}
	if (!refresh (s, &error)) {
		int code = filter_fail (error, NULL, &why);
		answer (fd, code, why, NULL);
	} else if ((why = decline_reason (s, fd, &request)) != NULL)
		answer (fd, MT_HANDOFF_DECLINED, why, NULL);
	else
		deliver (s, fd, &request, raw);
	mt_handoff_request_clear (&request);
	if (raw->len >= TRIM_AFTER) {
		g_clear_pointer (&raw, g_byte_array_unref);
		malloc_trim (0);
	}
}

/* TRUE when no client is waiting on listener, nor comes within ms. */
static gboolean
idle_for (int listener, int ms)
{
	struct pollfd p = { listener, POLLIN, 0 };

	return poll (&p, 1, ms) == 0;
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

/* After an answer: a batch, once there is one. */
static void
index_batch (Server *s)
{
	gboolean busy;

	if (s->pending >= INDEX_BATCH)
		index_pending (s, INDEX_BATCH, &busy);
}

/* Indexes what is pending and merges the search index while no client
 * waits, then empties the WAL.
 * A busy database (a CLI writing) is tried again at the next idle time;
 * any other failure, and a WAL a reader still holds on to, wait for the
 * next delivery. */
static void
tidy_up (Server *s, int listener)
{
	g_autoptr (GError) error = NULL;
	gboolean more = TRUE, busy;

	while (s->pending > 0 && !stopping && idle_for (listener, 0))
		if (!index_pending (s, INDEX_BATCH, &busy)) {
			s->untidy = busy;
			return;
		}
	if (s->pending > 0)
		return;
	while (more && !stopping && idle_for (listener, 0))
		if (!mt_search_merge (s->store, MERGE_PAGES, &more, &error)) {
			g_debug ("merging the search index: %s", error->message);
			s->untidy = error->code == MT_ERROR_TEMPFAIL;
			return;
		}
	if (more)
		return;
	if (!mt_store_empty_wal (s->store))
		g_debug ("the WAL is not empty yet: a reader or writer was busy");
	s->untidy = FALSE;
}

static void
loop (Server *s, int listener)
{
	while (!stopping) {
		int fd;

		if (s->untidy && idle_for (listener, IDLE_MS)) {
			tidy_up (s, listener);
			continue;
		}
		if (stopping)
			break;
		fd = mt_handoff_accept (listener, CLIENT_TIMEOUT_MS);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				g_warning ("accept: %s", g_strerror (errno));
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
				g_usleep (G_USEC_PER_SEC / 10);
			continue;
		}
		serve_one (s, fd);
		close (fd);
		index_batch (s);
	}
}

static gboolean
start (Server *s, int *listener, int *lock, GError **error)
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
	*listener = mt_handoff_listen (s->config->deliver_socket, lock, error);
	return *listener >= 0;
}

int
filter_serve (const char *config_path, const char *db)
{
	Server s = { g_strdup (config_path), g_strdup (db) };
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autofree char *socket_path = NULL;
	int listener = -1, lock = -1, code = EX_OK;

	catch_signals ();
	if (start (&s, &listener, &lock, &error)) {
		socket_path = g_strdup (s.config->deliver_socket);
		g_message ("serving %s on %s", s.db_path, socket_path);
		loop (&s, listener);
		unlink (socket_path);
		g_message ("stopped");
	} else
		code = filter_fail (error, stderr, &line);
	if (listener >= 0)
		close (listener);
	if (lock >= 0)
		close (lock);
	g_clear_pointer (&s.store, mt_store_close);
	mt_config_free (s.config);
	g_free (s.config_path);
	g_free (s.db);
	g_free (s.config_file);
	g_free (s.db_path);
	return code;
}
