/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	import.c - old mail from mailboxes into tickets
 * DESCRIPTION
 *	Each message is delivered by deliver.c, as historic mail
 *	(MtDeliverOptions.import), as one write of a batch: the batch is
 *	committed after IMPORT_BATCH messages, IMPORT_BATCH_BYTES of them or
 *	IMPORT_BATCH_USEC, whichever comes first, and the write lock is let
 *	go for a moment (mt_store_yield()) before the next, so that a
 *	delivery waits a batch at most, as it does for db reindex. A message
 *	larger than a batch is delivered alone, its bytes written ahead as a
 *	delivery writes them. What a mailbox is and how its messages are
 *	read is import-source.c's.
 */
#include "mailticket/clock.h"
#include "mailticket/deliver.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/import.h"
#include "mailticket/rules.h"

#include "import-private.h"

#define IMPORT_BATCH 200
#define IMPORT_BATCH_BYTES (4 * 1024 * 1024)
#define IMPORT_BATCH_USEC (G_USEC_PER_SEC / 10)
/* A Date this far past the import's clock is a sender's wrong clock. */
#define FUTURE_SLACK (24 * 3600)

static gboolean
batch_commit (MtImporter *im, GError **error)
{
	if (!im->open)
		return TRUE;
	im->open = FALSE;
	if (!mt_store_batch_commit (im->store, error))
		return FALSE;
	if (im->options->progress != NULL)
		im->options->progress (im->stats, im->options->data);
	mt_store_yield ();
	return TRUE;
}

static gboolean
batch_begin (MtImporter *im, GError **error)
{
	if (im->open)
		return TRUE;
	if (!mt_store_batch_begin (im->store, error))
		return FALSE;
	im->open = TRUE;
	im->count = 0;
	im->bytes = 0;
	im->started = g_get_monotonic_time ();
	return TRUE;
}

static gboolean
batch_full (const MtImporter *im)
{
	return im->count >= IMPORT_BATCH || im->bytes >= IMPORT_BATCH_BYTES ||
	       g_get_monotonic_time () - im->started >= IMPORT_BATCH_USEC;
}

/* The Date header, unless it is missing, unreadable or in the future:
 * then fallback (the From_ line's, the file's), or the clock. */
static gint64
message_date (const MtDeliverInput *input, gint64 fallback, gint64 clock)
{
	gint64 date = input->message != NULL ? input->message->date : 0;

	if (date > 0 && date <= clock + FUTURE_SLACK)
		return date;
	return fallback > 0 && fallback <= clock + FUTURE_SLACK ? fallback : clock;
}

static void
count (MtImportStats *stats, MtDeliverAction action)
{
	switch (action) {
	case MT_DELIVER_NEW:
		stats->new_tickets++;
		break;
	case MT_DELIVER_APPEND:
		stats->appended++;
		break;
	case MT_DELIVER_DUPLICATE:
		stats->duplicates++;
		break;
	case MT_DELIVER_QUARANTINE:
		stats->quarantined++;
		break;
	case MT_DELIVER_REFUSED:
		stats->refused++;
		break;
	}
}

gboolean
mt_import_left_out (MtImporter *im, const char *where, const GError *failure)
{
	gboolean refused = failure->domain == MT_RULES_REFUSAL ||
			   (failure->domain == MT_ERROR && failure->code == MT_ERROR_TOO_BIG);

	/* What would fail the next message as well stops the import. */
	if (failure->domain == MT_ERROR && (failure->code == MT_ERROR_TEMPFAIL || failure->code == MT_ERROR_INTERNAL))
		return FALSE;
	if (refused)
		im->stats->refused++;
	else
		im->stats->failed++;
	g_warning ("%s: not imported: %s", where, failure->message);
	return TRUE;
}

gboolean
mt_import_message (MtImporter *im, GByteArray *raw, gint64 fallback, const char *where, GError **error)
{
	MtDeliverOptions o = im->deliver;
	g_autoptr (GError) failure = NULL;
	MtDeliverInput input;
	MtDeliverResult r;
	gboolean ok;

	im->stats->messages++;
	mt_deliver_prepare (&input, raw, im->config->max_message_size);
	o.now = message_date (&input, fallback, im->clock);
	o.batched = raw->len <= IMPORT_BATCH_BYTES;
	if (o.batched ? !batch_begin (im, error) : !batch_commit (im, error)) {
		mt_deliver_input_clear (&input);
		return FALSE;
	}
	ok = mt_deliver_prepared (im->store, im->config, &input, &o, &r, &failure);
	mt_deliver_input_clear (&input);
	if (ok) {
		count (im->stats, r.action);
		mt_deliver_result_clear (&r);
	} else if (!mt_import_left_out (im, where, failure)) {
		g_propagate_error (error, g_steal_pointer (&failure));
		return FALSE;
	}
	im->count++;
	im->bytes += raw->len;
	return !im->open || !batch_full (im) || batch_commit (im, error);
}

static gboolean
find_queue (MtStore *store, gpointer data, GError **error)
{
	MtImporter *im = data;

	return mt_directory_queue_named (store, im->config, im->options->queue, im->clock, &im->deliver.queue, error);
}

static void
log_summary (const MtImportStats *s)
{
	g_message ("import messages=%u new=%u append=%u duplicate=%u quarantine=%u refused=%u failed=%u", s->messages,
		   s->new_tickets, s->appended, s->duplicates, s->quarantined, s->refused, s->failed);
}

gboolean
mt_import (MtStore *store, const MtConfig *config, char **paths, const MtImportOptions *options, MtImportStats *stats,
	   GError **error)
{
	g_autoptr (GPtrArray) sources = NULL;
	MtImporter im = { store, config, options, stats, .clock = mt_clock_now () };
	gboolean ok = TRUE;

	*stats = (MtImportStats){ 0 };
	im.deliver = (MtDeliverOptions){
		.import = TRUE,
		.keep_status = options->keep_status,
		.no_thread = options->no_thread,
		.no_rules = options->no_rules,
	};
	if (!(sources = mt_import_sources (paths, &stats->total, error)))
		return FALSE;
	if (options->queue != NULL && !mt_store_transaction (store, find_queue, &im, error))
		return FALSE;
	for (guint i = 0; ok && i < sources->len; i++)
		ok = mt_import_source (&im, g_ptr_array_index (sources, i), error);
	if (ok && batch_commit (&im, error)) {
		if (options->progress != NULL)
			options->progress (stats, options->data);
		log_summary (stats);
		return TRUE;
	}
	if (im.open)
		mt_store_batch_rollback (store);
	return FALSE;
}
