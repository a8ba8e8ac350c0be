/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve-tidy.c - what the delivery server does between deliveries
 * DESCRIPTION
 *	The server answers a client as soon as its message is committed,
 *	and indexes it for search later (sql/0010,
 *	mt_search_set_index_later()): INDEX_BATCH articles together while
 *	mail keeps coming, the rest once it stops. The WAL, too, is copied
 *	into the database after an answer, once it is full
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
 */
#include <errno.h>
#include <poll.h>

#include "mailticket/error.h"
#include "mailticket/search.h"
#include "serve.h"

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

/* TRUE when no client is waiting on either listener, nor comes within ms. */
static gboolean
idle_for (Server *s, int ms)
{
	struct pollfd p[2] = { { s->listener, POLLIN, 0 }, { s->tcp, POLLIN, 0 } };

	return poll (p, s->tcp >= 0 ? 2 : 1, ms) == 0;
}

/* No client in hand, none waiting, no signal. */
static gboolean
quiet (Server *s)
{
	return !g_atomic_int_get (&s->stopping) && g_atomic_int_get (&s->clients) == 0 && idle_for (s, 0);
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
			serve_set_untidy (s, busy);
			return;
		}
	if (s->pending > 0)
		return;
	while (more && quiet (s))
		if (!mt_search_merge (s->store, MERGE_PAGES, &more, &error)) {
			g_debug ("merging the search index: %s", error->message);
			serve_set_untidy (s, error->code == MT_ERROR_TEMPFAIL);
			return;
		}
	if (more)
		return;
	if (!mt_store_empty_wal (s->store))
		g_debug ("the WAL is not empty yet: a reader or writer was busy");
	serve_set_untidy (s, FALSE);
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

/* The listener a client is waiting on; -1 after wait_ms (-1: no
 * limit), or when the server is to stop. */
static int
client_waiting (Server *s, int wait_ms)
{
	struct pollfd p[3] = { { s->wake[0], POLLIN, 0 }, { s->listener, POLLIN, 0 }, { s->tcp, POLLIN, 0 } };

	if (poll (p, s->tcp >= 0 ? 3 : 2, wait_ms) <= 0 || g_atomic_int_get (&s->stopping))
		return -1;
	return (p[1].revents & POLLIN) ? s->listener : (p[2].revents & POLLIN) ? s->tcp : -1;
}

/* The next client, tidying up while there is none; -1 when the server stops. */
int
serve_next_client (Server *s, gboolean *tcp)
{
	while (!g_atomic_int_get (&s->stopping)) {
		int fd, wait_ms, listener;

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
		if ((listener = client_waiting (s, wait_ms)) < 0)
			continue;
		*tcp = listener == s->tcp;
		if ((fd = mt_lmtp_accept (listener)) >= 0)
			return fd;
		if (errno != EINTR && errno != ECONNABORTED)
			g_warning ("accept: %s", g_strerror (errno));
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS)
			g_usleep (G_USEC_PER_SEC / 10);
	}
	return -1;
}

void
serve_tidy_after_answer (Server *s)
{
	gboolean busy;

	/* While another thread stores, the next client's end does it, or tidy_up(). */
	if (!g_mutex_trylock (&s->store_lock))
		return;
	if (s->store != NULL && s->pending >= INDEX_BATCH)
		index_pending (s, INDEX_BATCH, &busy);
	if (s->store != NULL && mt_store_checkpoint_due (s->store))
		mt_store_checkpoint (s->store);
	g_mutex_unlock (&s->store_lock);
}
