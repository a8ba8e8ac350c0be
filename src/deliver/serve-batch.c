/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve-batch.c - the delivery server's messages, several in one transaction
 * DESCRIPTION
 *	Each worker reads and parses its client's message, then waits for
 *	the store, which one thread uses at a time (SQLite has one writer
 *	anyway). The messages that wait for the store while a thread stores
 *	are stored next, by one of their threads, in one transaction: one
 *	sync, and one write of each index page they share, for them all
 *	(mt_store_batch_begin()). Each is delivered as if alone, as one
 *	write of the batch (MtDeliverOptions.batched), and one that fails is
 *	undone alone; the others are answered only when the transaction is
 *	committed, and all of them fail if it is not.
 *
 *	Each is delivered at its client's time when the client's clock is
 *	fixed (--now, passed as XNOW), else at the server's: that time is
 *	passed to its delivery alone, never set as the clock of the process.
 */
#include <sysexits.h>

#include "mailticket/clock.h"
#include "serve.h"

/* The messages stored in one transaction: those that wait for the store
 * while one thread stores, up to this many bytes; a larger one alone. */
#define BATCH_BYTES (4 * 1024 * 1024)

/* Under store_lock: turn's delivery, as one write of the batch when
 * batched, else in a transaction of its own; at the client's time when
 * its clock is fixed (--now, $MAILTICKET_NOW), else at the server's. */
static void
deliver_one (Server *s, Turn *turn, gboolean batched)
{
	const Envelope *e = turn->envelope;
	MtDeliverOptions options = {
		.sender = e->sender,
		.recipient = e->recipient,
		.batched = batched,
		.now = e->fixed ? e->now : mt_clock_now (),
	};

	if ((turn->line = serve_decline_reason (s, e)) != NULL) {
		turn->code = MT_LMTP_DECLINED;
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

	if (!serve_refresh (s, &error) || (together && !mt_store_batch_begin (s->store, &error))) {
		fail_batch (batch, error);
		return;
	}
	serve_set_untidy (s, TRUE);
	for (guint i = 0; i < batch->len; i++)
		deliver_one (s, batch->pdata[i], together);
	if (together && !mt_store_batch_commit (s->store, &error))
		fail_batch (batch, error);
	else if (together)
		g_debug ("%u messages in one transaction", batch->len);
	for (guint i = 0; i < batch->len; i++) {
		Turn *turn = batch->pdata[i];

		const char *id = turn->envelope->queue_id;

		if (turn->log_line != NULL)
			g_message ("%s%s%s", id ? id : "", id ? ": " : "", turn->log_line);
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
void
serve_store_in_turn (Server *s, Turn *turn)
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
