/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	reindex.c - rebuild what is derived from the stored messages
 * DESCRIPTION
 *	Each module keeps its own tables: the ticket module re-derives an
 *	article from its parsed message and keeps the participants, the
 *	search module rebuilds its index. This one walks the stored
 *	messages ticket by ticket, a batch of tickets (about REINDEX_BATCH
 *	messages) in each write transaction, so that deliveries wait for
 *	one batch at the most, never for the whole. Between two batches a
 *	ticket is wholly old or wholly new; the search index is emptied
 *	first and built again after, and searches meanwhile find every
 *	article through the pending list (search.h). Reindexing again
 *	after a failure is harmless: it only derives again.
 *
 *	A message that parsed when it arrived but no longer does (a parser
 *	made stricter) keeps what was derived from it then, and its ticket
 *	keeps its participants: reindexing must never lose what the
 *	database knew.
 */
#include "mailticket/commands.h"
#include "mailticket/quote.h"
#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/reindex.h"
#include "mailticket/search.h"
#include "mailticket/ticket.h"

/* An agent's command lines were taken out of the text when the mail
 * came and applied then; they stay out, and are not applied again. */
static void
strip_commands (MtMessage *message)
{
	g_autoptr (MtCommands) commands = mt_commands_parse (message->text);

	if (commands == NULL)
		return;
	g_free (message->text);
	message->text = g_steal_pointer (&commands->rest);
}

/* Re-derives one article; its addresses, if it came in, go to
 * addresses. *readable is FALSE when the message no longer parses. */
static gboolean
reindex_article (MtStore *store, const MtStoredArticle *a, GPtrArray *addresses, gboolean *readable,
		 MtReindexStats *stats, GError **error)
{
	g_autoptr (GBytes) raw = mt_store_get_blob (store, a->blob, error);
	g_autoptr (GByteArray) bytes = NULL;
	g_autoptr (MtMessage) message = NULL;

	if (raw == NULL)
		return FALSE;
	bytes = g_bytes_unref_to_array (g_steal_pointer (&raw));
	if (!(*readable = (message = mt_message_parse (bytes, NULL)) != NULL)) {
		g_warning ("article %" G_GINT64_FORMAT ": the stored message no longer parses; left as it was", a->id);
		stats->unreadable++;
		return TRUE;
	}
	stats->articles++;
	if (a->commands)
		strip_commands (message);
	if (a->new_text) {
		char *text = mt_quote_new_text (message->text);
		g_free (message->text);
		message->text = text;
	}
	stats->attachments += message->attachments->len;
	for (guint i = 0; a->incoming && i < message->addresses->len; i++)
		g_ptr_array_add (addresses, g_strdup (g_ptr_array_index (message->addresses, i)));
	return mt_ticket_rederive_article (store, a->id, message, error);
}

/* The n stored articles of one ticket, then its participants: the
 * addresses of the mail it received, when all of it could be read. */
static gboolean
reindex_ticket (MtStore *store, const MtStoredArticle *articles, guint n, MtReindexStats *stats, GError **error)
{
	g_autoptr (GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
	gboolean complete = TRUE, received = FALSE;

	for (guint i = 0; i < n; i++) {
		gboolean readable;

		if (!reindex_article (store, &articles[i], addresses, &readable, stats, error))
			return FALSE;
		complete = complete && (readable || !articles[i].incoming);
		received = received || articles[i].incoming;
	}
	if (complete && received && !mt_ticket_clear_participants (store, articles[0].ticket, error))
		return FALSE;
	return mt_ticket_add_participants (store, articles[0].ticket, addresses, error);
}

/* Stored messages re-derived in one transaction: some hundredths of a
 * second of parsing and writing on a small machine. */
#define REINDEX_BATCH 64

typedef struct {
	const MtStoredArticle *a; /* the articles of whole tickets */
	guint n;
	MtReindexStats *stats;
} Batch;

static gboolean
reindex_batch (MtStore *store, gpointer data, GError **error)
{
	Batch *b = data;
	guint i = 0, n;

	for (; i < b->n; i += n) {
		for (n = 1; i + n < b->n && b->a[i + n].ticket == b->a[i].ticket; n++)
			;
		if (!reindex_ticket (store, b->a + i, n, b->stats, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
forget_search (MtStore *store, gpointer data, GError **error)
{
	return mt_search_forget_all (store, error);
}

gboolean
mt_reindex (MtStore *store, MtReindexProgress progress, gpointer data, MtReindexStats *stats, GError **error)
{
	g_autoptr (GArray) articles = NULL;
	const MtStoredArticle *a;
	guint i = 0;

	*stats = (MtReindexStats){ 0 };
	if (!(articles = mt_ticket_stored_articles (store, error)) ||
	    !mt_store_transaction (store, forget_search, NULL, error))
		return FALSE;
	a = (const MtStoredArticle *) (gconstpointer) articles->data;
	while (i < articles->len) {
		Batch b = { a + i, MIN (REINDEX_BATCH, articles->len - i), stats };

		/* whole tickets: the batch ends where a ticket does */
		while (i + b.n < articles->len && a[i + b.n].ticket == a[i + b.n - 1].ticket)
			b.n++;
		if (!mt_store_transaction (store, reindex_batch, &b, error))
			return FALSE;
		i += b.n;
		if (progress != NULL)
			progress (i, articles->len, data);
		mt_store_yield ();
	}
	return mt_search_index_all (store, error);
}
