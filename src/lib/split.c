/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	split.c - a ticket taken apart: split and unmerge
 * DESCRIPTION
 *	See split.h. What may move is decided here; the moving is the
 *	owners': the ticket module's (articles, message ids, Cc, links,
 *	history, the record of the merge), the customer module's (the new
 *	requester) and people's (watchers).
 */
#include "mailticket/customer.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/split.h"
#include "mailticket/thread.h"
#include "mailticket/ticket.h"

static gboolean
refuse (GError **error, const char *format, gint64 n)
{
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE, format, n);
	return FALSE;
}

static gboolean
holds (GArray *ids, guint n, gint64 id)
{
	for (guint i = 0; i < n; i++)
		if (g_array_index (ids, gint64, i) == id)
			return TRUE;
	return FALSE;
}

/* The articles asked for are some of the ticket's, but not its first:
 * the ticket's subject, requester and age are the first article's. */
static gboolean
may_split (MtStore *store, const MtSplit *s, GError **error)
{
	g_autoptr (GArray) all = mt_ticket_article_ids (store, s->ticket, error);
	guint distinct = 0;

	if (all == NULL)
		return FALSE;
	for (guint i = 0; i < s->articles->len; i++) {
		gint64 id = g_array_index (s->articles, gint64, i);

		if (!holds (all, all->len, id))
			return refuse (error, "split: article %" G_GINT64_FORMAT " is not one of the ticket's", id);
		distinct += !holds (s->articles, i, id);
	}
	if (distinct == all->len)
		return refuse (error,
			       "split: these are all the articles of ticket %" G_GINT64_FORMAT
			       ", which would be left empty",
			       s->ticket);
	if (holds (s->articles, s->articles->len, g_array_index (all, gint64, 0)))
		return refuse (error,
			       "split: article %" G_GINT64_FORMAT
			       " opened the ticket and stays with it (its subject and requester are the ticket's)",
			       g_array_index (all, gint64, 0));
	return TRUE;
}

static gint
by_id (gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

	return x < y ? -1 : x > y;
}

/* The requester of the new ticket: the sender of the oldest incoming
 * mail moved (an agent's reply has the queue's address), else the old
 * ticket's requester. */
static gboolean
requester (MtStore *store, const MtSplit *s, GArray *sorted, gint64 *contact, GError **error)
{
	for (guint i = 0; i < sorted->len; i++) {
		g_auto (MtArticleOrigin) o = { 0 };

		if (!mt_ticket_article_origin (store, g_array_index (sorted, gint64, i), &o, error))
			return FALSE;
		if (o.incoming && *o.address != '\0')
			return mt_customer_contact_ensure (store, o.address, o.name, s->now, contact, error);
	}
	return TRUE;
}

/* The new ticket, in the queue of the old one, with its owner and type,
 * and the subject given or that of the oldest article moved. */
static gboolean
create (MtStore *store, const MtSplit *s, const MtTicketSplitFacts *facts, gint64 *id, GError **error)
{
	g_autoptr (GArray) sorted = g_array_copy (s->articles);
	g_auto (MtArticleOrigin) first = { 0 };
	g_autofree char *stripped = NULL;
	MtTicketNew t = { .type = facts->type,
			  .queue = facts->queue,
			  .creator = s->creator,
			  .owner = facts->owner,
			  .requester = facts->requester,
			  .now = s->now };

	g_array_sort (sorted, by_id);
	if (!mt_ticket_article_origin (store, g_array_index (sorted, gint64, 0), &first, error) ||
	    !requester (store, s, sorted, &t.requester, error))
		return FALSE;
	stripped = mt_thread_strip_prefixes (first.subject, s->tag);
	t.subject = s->subject ? s->subject : *stripped ? stripped : "(no subject)";
	return mt_ticket_create (store, &t, id, error) &&
	       (facts->lang == NULL || mt_ticket_set_lang (store, *id, facts->lang, error)) &&
	       mt_ticket_add_history (store, *id, s->who, "created", NULL, t.subject, s->now, error);
}

gboolean
mt_split_articles (MtStore *store, const MtSplit *s, gint64 *id, GError **error)
{
	g_auto (MtTicketSplitFacts) facts = { 0 };
	g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, s->ticket);
	g_autofree char *into_text = NULL;

	if (!mt_ticket_split_facts (store, s->ticket, &facts, error))
		return FALSE;
	if (facts.merged_into != 0)
		return refuse (error, "split: ticket %" G_GINT64_FORMAT " was merged: split the one it went into",
			       s->ticket);
	if (!may_split (store, s, error) || !create (store, s, &facts, id, error))
		return FALSE;
	for (guint i = 0; i < s->articles->len; i++)
		if (!mt_ticket_move_article (store, g_array_index (s->articles, gint64, i), s->ticket, *id, error))
			return FALSE;
	into_text = g_strdup_printf ("%" G_GINT64_FORMAT, *id);
	return mt_ticket_copy_participants (store, s->ticket, *id, error) &&
	       mt_ticket_link (store, *id, "split-from", s->ticket, s->now, error) &&
	       mt_ticket_touch (store, s->ticket, s->now, error) &&
	       mt_ticket_add_history (store, s->ticket, s->who, "split_into", NULL, into_text, s->now, error) &&
	       mt_ticket_add_history (store, *id, s->who, "split_from", NULL, from_text, s->now, error);
}

/* The merge of ticket, found in its record: ticket was merged into
 * *into, which is not merged in turn. */
static gboolean
find_merge (MtStore *store, gint64 ticket, gint64 *into, gint64 *merge, GError **error)
{
	g_auto (MtTicketSplitFacts) facts = { 0 }, target = { 0 };

	if (!mt_ticket_split_facts (store, ticket, &facts, error))
		return FALSE;
	if ((*into = facts.merged_into) == 0)
		return refuse (error, "unmerge: ticket %" G_GINT64_FORMAT " was not merged into another", ticket);
	if (!mt_ticket_split_facts (store, *into, &target, error))
		return FALSE;
	if (target.merged_into != 0)
		return refuse (error, "unmerge: ticket %" G_GINT64_FORMAT " was merged in turn: unmerge it first",
			       *into);
	if (!mt_ticket_merge_find (store, ticket, *into, merge, error))
		return FALSE;
	if (*merge == 0)
		return refuse (error,
			       "unmerge: the merge of ticket %" G_GINT64_FORMAT
			       " was made before merges were recorded: its articles cannot be told apart",
			       ticket);
	return TRUE;
}

gboolean
mt_split_unmerge (MtStore *store, gint64 ticket, const char *who, gint64 now, gint64 *into, GError **error)
{
	g_autofree char *watchers = NULL, *ticket_text = g_strdup_printf ("%" G_GINT64_FORMAT, ticket);
	g_autofree char *into_text = NULL;
	gint64 merge = 0;

	if (!find_merge (store, ticket, into, &merge, error) ||
	    (watchers = mt_ticket_merge_watchers (store, merge, error)) == NULL)
		return FALSE;
	into_text = g_strdup_printf ("%" G_GINT64_FORMAT, *into);
	return mt_people_restore_watchers (store, ticket, watchers, error) &&
	       mt_ticket_unmerge (store, merge, ticket, *into, now, error) &&
	       mt_ticket_link (store, ticket, "unmerged", *into, now, error) &&
	       mt_ticket_touch (store, *into, now, error) &&
	       mt_ticket_add_history (store, *into, who, "unmerged", NULL, ticket_text, now, error) &&
	       mt_ticket_add_history (store, ticket, who, "unmerged_from", NULL, into_text, now, error);
}
