/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	thread.c - which ticket does a message belong to?
 * DESCRIPTION
 *	The threading order of DESIGN.md, as a pure function over the ids a
 *	message carries and the lookups the caller provides. Nothing here
 *	touches a database; tests drive it with tables of their own.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/thread.h"

/* A chain of merges longer than this is a loop. */
#define MAX_MERGE_HOPS 32
#define SECONDS_PER_DAY (24 * 60 * 60)

const char *
mt_thread_via_name (MtVia via)
{
	switch (via) {
	case MT_VIA_TOKEN:
		return "token";
	case MT_VIA_IN_REPLY_TO:
		return "in-reply-to";
	case MT_VIA_REFERENCES:
		return "references";
	case MT_VIA_MESSAGE_ID:
		return "message-id";
	case MT_VIA_SUBJECT:
		return "subject";
	case MT_VIA_NEW:
	default:
		return "new";
	}
}

void
mt_thread_decision_clear (MtThreadDecision *d)
{
	g_clear_pointer (&d->matched, g_free);
	g_clear_pointer (&d->merge, g_array_unref);
	g_clear_pointer (&d->link, g_array_unref);
	memset (d, 0, sizeof *d);
}

/* Follows merged_into from *ticket; *found is FALSE for no such ticket. */
static gboolean
resolve (const MtThreadLookup *lookup, gint64 *ticket, gboolean *found, MtThreadTicket *facts, GError **error)
{
	for (int hops = 0; hops < MAX_MERGE_HOPS; hops++) {
		memset (facts, 0, sizeof *facts);
		if (!lookup->ticket (lookup->data, *ticket, found, facts, error))
			return FALSE;
		if (!*found || facts->merged_into == 0)
			return TRUE;
		*ticket = facts->merged_into;
	}
	g_set_error (error, MT_ERROR, MT_ERROR_INTERNAL, "ticket %" G_GINT64_FORMAT " is merged in a loop", *ticket);
	return FALSE;
}

/* The first of ids (in the order given) known as a message of a ticket. */
static gboolean
find_known (const MtThreadLookup *lookup, GPtrArray *ids, gboolean newest_first, gint64 *ticket, const char **matched,
	    gboolean *referenced, GError **error)
{
	guint n = ids ? ids->len : 0;

	for (guint i = 0; i < n; i++) {
		const char *id = g_ptr_array_index (ids, newest_first ? n - 1 - i : i);
		if (!lookup->message_id (lookup->data, id, ticket, referenced, error))
			return FALSE;
		if (*ticket != 0) {
			*matched = id;
			return TRUE;
		}
	}
	return TRUE;
}

/* Whether any of ids is that of a message stored or sent in ticket. */
static gboolean
has_real_id (const MtThreadLookup *lookup, GPtrArray *ids, gint64 ticket, gboolean *found, GError **error)
{
	for (guint i = 0; ids && i < ids->len && !*found; i++) {
		gint64 other = 0;
		gboolean referenced = FALSE;

		if (!lookup->message_id (lookup->data, g_ptr_array_index (ids, i), &other, &referenced, error))
			return FALSE;
		*found = other == ticket && !referenced;
	}
	return TRUE;
}

/* The ids found d->ticket by one that earlier mail only referenced: is
 * none of the message's ids that of a message of that ticket? */
static gboolean
only_referenced (const MtThreadLookup *lookup, GPtrArray *lists[], guint n, MtThreadDecision *d, GError **error)
{
	gboolean real = FALSE;

	for (guint l = 0; l < n && !real; l++)
		if (!has_real_id (lookup, lists[l], d->ticket, &real, error))
			return FALSE;
	d->referenced_only = !real;
	return TRUE;
}

static gboolean
find_by_ids (const MtThreadInput *in, const MtThreadLookup *lookup, MtThreadDecision *d, GError **error)
{
	const char *matched = NULL;
	gint64 ticket = 0;
	gboolean referenced = FALSE;
	g_autoptr (GPtrArray) own = g_ptr_array_new ();
	GPtrArray *lists[] = { in->in_reply_to, in->references, own };
	static const MtVia vias[] = { MT_VIA_IN_REPLY_TO, MT_VIA_REFERENCES, MT_VIA_MESSAGE_ID };

	if (in->message_id != NULL)
		g_ptr_array_add (own, (gpointer) in->message_id);
	for (guint l = 0; l < G_N_ELEMENTS (lists) && ticket == 0; l++) {
		/* References newest first: the nearest ancestor we know. */
		if (!find_known (lookup, lists[l], l == 1, &ticket, &matched, &referenced, error))
			return FALSE;
		d->via = vias[l];
	}
	d->ticket = ticket;
	if (ticket == 0)
		return TRUE;
	d->matched = g_strdup_printf ("<%s>", matched);
	return !referenced || only_referenced (lookup, lists, G_N_ELEMENTS (lists), d, error);
}

typedef struct {
	gint64 ticket;
	gboolean real;   /* reached by the id of a message stored or sent */
	gboolean worked; /* a person worked on it */
} Reached;

static void
note_reached (GArray *reached, gint64 ticket, gboolean real, gboolean worked)
{
	for (guint i = 0; i < reached->len; i++) {
		Reached *r = &g_array_index (reached, Reached, i);
		if (r->ticket == ticket) {
			r->real |= real;
			return;
		}
	}
	g_array_append_vals (reached, &(Reached){ ticket, real, worked }, 1);
}

/* Every ticket, after merges, that any of the message's ids leads to. */
static gboolean
reach (const MtThreadLookup *lookup, GPtrArray *lists[], guint n, GArray *reached, GError **error)
{
	for (guint l = 0; l < n; l++)
		for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
			gint64 ticket = 0;
			gboolean referenced = FALSE, found = FALSE;
			MtThreadTicket facts;

			if (!lookup->message_id (lookup->data, g_ptr_array_index (lists[l], i), &ticket, &referenced,
						 error))
				return FALSE;
			if (ticket == 0)
				continue;
			if (!resolve (lookup, &ticket, &found, &facts, error))
				return FALSE;
			if (found)
				note_reached (reached, ticket, !referenced, facts.worked);
		}
	return TRUE;
}

/* Whether ticket may take part in a merge: the sender is its participant.
 * Anyone can put an id in References, or reference in advance the id of
 * a message yet to come: that alone joins no stranger's tickets. */
static gboolean
trusted (const MtThreadInput *in, const MtThreadLookup *lookup, const Reached *r, gboolean *yes, GError **error)
{
	*yes = FALSE;
	if (in->sender == NULL || *in->sender == '\0')
		return TRUE;
	return lookup->participant (lookup->data, r->ticket, in->sender, yes, error);
}

static void
add_to (GArray **list, gint64 ticket)
{
	if (*list == NULL)
		*list = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_val (*list, ticket);
}

/* Leaves out of reached the tickets an agent took apart from ticket, the
 * one the message's own ids found: a reply to an article split off
 * still names the old conversation in its References. */
static gboolean
drop_apart (const MtThreadLookup *lookup, gint64 ticket, GArray *reached, GError **error)
{
	for (guint i = reached->len; lookup->apart != NULL && i-- > 0;) {
		gint64 other = g_array_index (reached, Reached, i).ticket;
		gboolean apart = FALSE;

		if (other != ticket && !lookup->apart (lookup->data, ticket, other, &apart, error))
			return FALSE;
		if (apart)
			g_array_remove_index (reached, i);
	}
	return TRUE;
}

/* The message bridges the tickets its ids lead to: it joins the oldest
 * trusted one; the others are merged into that one when nobody worked on
 * them and they are trusted, or all their people take part in that one
 * already (a late parent that a reply from us referenced: the merge
 * brings nobody new in); else they are linked to it. */
static gboolean
bridge (const MtThreadInput *in, const MtThreadLookup *lookup, MtThreadDecision *d, GError **error)
{
	g_autoptr (GPtrArray) own = g_ptr_array_new ();
	GPtrArray *lists[] = { in->in_reply_to, in->references, own };
	g_autoptr (GArray) reached = g_array_new (FALSE, FALSE, sizeof (Reached));
	g_autofree gboolean *ok = NULL;
	gint64 target = 0;

	if (in->message_id != NULL)
		g_ptr_array_add (own, (gpointer) in->message_id);
	if (!reach (lookup, lists, G_N_ELEMENTS (lists), reached, error) ||
	    !drop_apart (lookup, d->ticket, reached, error))
		return FALSE;
	if (reached->len < 2)
		return TRUE;
	ok = g_new0 (gboolean, reached->len);
	for (guint i = 0; i < reached->len; i++) {
		Reached *r = &g_array_index (reached, Reached, i);
		if (!trusted (in, lookup, r, &ok[i], error))
			return FALSE;
		if (ok[i] && (target == 0 || r->ticket < target))
			target = r->ticket;
	}
	if (target == 0)
		target = d->ticket;
	for (guint i = 0; i < reached->len; i++) {
		Reached *r = &g_array_index (reached, Reached, i);
		gboolean within = FALSE;

		if (r->ticket == target)
			continue;
		if (!ok[i] && lookup->within != NULL &&
		    !lookup->within (lookup->data, r->ticket, target, &within, error))
			return FALSE;
		add_to ((ok[i] || within) && !r->worked ? &d->merge : &d->link, r->ticket);
	}
	d->ticket = target;
	return TRUE;
}

/* A subject token names a ticket; for a stranger it is no key to it. */
static gboolean
find_by_subject (const MtThreadInput *in, const MtThreadLookup *lookup, MtThreadDecision *d, GError **error)
{
	gboolean participant = FALSE;

	d->via = MT_VIA_SUBJECT;
	d->ticket = in->subject_ticket;
	d->matched = g_strdup_printf ("#%" G_GINT64_FORMAT, in->subject_ticket);
	if (in->sender != NULL &&
	    !lookup->participant (lookup->data, in->subject_ticket, in->sender, &participant, error))
		return FALSE;
	if (!participant) {
		d->foreign = TRUE;
		d->flagged = in->foreign_subject_joins;
		if (!in->foreign_subject_joins)
			d->action = MT_THREAD_NEW_LINKED;
	}
	return TRUE;
}

static gboolean
grace_expired (const MtThreadTicket *facts, gint64 now)
{
	if (!facts->closed || facts->reopen_closed)
		return FALSE;
	return facts->closed_at + (gint64) facts->grace_days * SECONDS_PER_DAY < now;
}

static gboolean
settle (const MtThreadInput *in, const MtThreadLookup *lookup, MtThreadDecision *d, gboolean *found, GError **error)
{
	MtThreadTicket facts;
	gint64 ticket = d->ticket;

	if (!resolve (lookup, &ticket, found, &facts, error))
		return FALSE;
	if (!*found)
		return TRUE;
	if (ticket != d->ticket)
		d->merged_from = d->ticket;
	d->ticket = ticket;
	if (d->action == MT_THREAD_APPEND && grace_expired (&facts, in->now)) {
		d->grace_expired = TRUE;
		d->action = MT_THREAD_NEW_LINKED;
	}
	return TRUE;
}

/* An id that mail only referenced may have been put there to catch the
 * message that comes with it: its sender, when no participant, joins
 * flagged and is to be answered as the opener of a ticket is. */
static gboolean
check_claim (const MtThreadInput *in, const MtThreadLookup *lookup, MtThreadDecision *d, GError **error)
{
	gboolean participant = FALSE;

	if (!d->referenced_only || d->action != MT_THREAD_APPEND || in->sender == NULL || *in->sender == '\0')
		return TRUE;
	if (!lookup->participant (lookup->data, d->ticket, in->sender, &participant, error))
		return FALSE;
	d->foreign = d->flagged = !participant;
	return TRUE;
}

static void
reset (MtThreadDecision *d)
{
	mt_thread_decision_clear (d);
	d->action = MT_THREAD_APPEND;
}

gboolean
mt_thread_decide (const MtThreadInput *in, const MtThreadLookup *lookup, MtThreadDecision *d, GError **error)
{
	gboolean found = FALSE;

	reset (d);
	if (in->token_ticket > 0) {
		d->via = MT_VIA_TOKEN;
		d->ticket = in->token_ticket;
		d->matched = g_strdup_printf ("token for #%" G_GINT64_FORMAT, in->token_ticket);
		if (!settle (in, lookup, d, &found, error))
			return FALSE;
	}
	if (!found) {
		reset (d);
		if (!find_by_ids (in, lookup, d, error))
			return FALSE;
		if (d->ticket != 0 && !settle (in, lookup, d, &found, error))
			return FALSE;
		if (found && !check_claim (in, lookup, d, error))
			return FALSE;
		if (found && d->action == MT_THREAD_APPEND && !bridge (in, lookup, d, error))
			return FALSE;
	}
	if (!found && in->subject_ticket > 0) {
		gboolean exists = FALSE;
		MtThreadTicket facts;
		gint64 ticket = in->subject_ticket;

		if (!resolve (lookup, &ticket, &exists, &facts, error))
			return FALSE;
		if (exists) {
			reset (d);
			if (!find_by_subject (in, lookup, d, error) || !settle (in, lookup, d, &found, error))
				return FALSE;
		}
	}
	if (!found) {
		mt_thread_decision_clear (d);
		d->action = MT_THREAD_NEW;
		d->via = MT_VIA_NEW;
	}
	return TRUE;
}

char *
mt_thread_describe (const MtThreadDecision *d)
{
	g_autoptr (GString) s = g_string_new (NULL);

	if (d->action == MT_THREAD_NEW)
		return g_strdup ("opens a new ticket: no reply token, known message id or subject token matched");
	if (d->action == MT_THREAD_APPEND)
		g_string_printf (s, "joins ticket %" G_GINT64_FORMAT " by %s %s", d->ticket,
				 mt_thread_via_name (d->via), d->matched);
	else
		g_string_printf (s, "opens a new ticket linked to ticket %" G_GINT64_FORMAT " (found by %s %s)",
				 d->ticket, mt_thread_via_name (d->via), d->matched);
	if (d->merged_from)
		g_string_append_printf (s, "; ticket %" G_GINT64_FORMAT " was merged into it", d->merged_from);
	if (d->referenced_only)
		g_string_append (s, "; no message stored or sent has that id, only earlier mail referenced it");
	if (d->foreign)
		g_string_append (s, "; the sender is not a participant of that ticket");
	if (d->flagged)
		g_string_append (s, "; flagged for review");
	if (d->grace_expired)
		g_string_append (s, "; that ticket was closed longer than its queue's grace period");
	for (guint i = 0; d->merge && i < d->merge->len; i++)
		g_string_append_printf (s,
					"; bridges ticket %" G_GINT64_FORMAT ", merged into it (nobody worked on it)",
					g_array_index (d->merge, gint64, i));
	for (guint i = 0; d->link && i < d->link->len; i++)
		g_string_append_printf (s, "; bridges ticket %" G_GINT64_FORMAT ", linked to it",
					g_array_index (d->link, gint64, i));
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* A prefix is looked for in this many bytes at most. */
#define PREFIX_WINDOW 256

/* The length of the reply prefix or subject token at the start of text,
 * or 0. The regex sees a window of whole characters: given the whole
 * subject, it checks all of it as UTF-8 on every call. */
static gint
prefix_length (GRegex *regex, const char *text)
{
	gssize len = (gssize) strnlen (text, PREFIX_WINDOW);
	g_autoptr (GMatchInfo) match = NULL;
	gint end = 0;

	while (len > 0 && text[len] != '\0' && ((guchar) text[len] & 0xc0) == 0x80)
		len--;
	if (!g_regex_match_full (regex, text, len, 0, 0, &match, NULL) ||
	    !g_match_info_fetch_pos (match, 0, NULL, &end))
		return 0;
	return end;
}

/* Compiled once per process and tag (borrowed): a delivery server strips
 * the subject of every message, and the compile costs more than the match. */
static GRegex *
prefix_regex (const char *tag)
{
	static const char prefixes[] = "re|fwd?|aw|wg|sv|vs|antw|antwort|rif|r|odp|pd|rv|tr|enc|res|fs|vb|ynt|atb|"
				       "回复|回覆|答复|转发|轉寄|返信|転送|답장|전달|ΑΠ|ΣΧΕΤ|ПРВ|НА|ответ";
	static GRegex *regex;
	static char *compiled_for;

	if (regex != NULL && strcmp (compiled_for, tag) == 0)
		return regex;
	g_autofree char *escaped = g_regex_escape_string (tag, -1);
	g_autofree char *pattern =
		g_strdup_printf ("\\s*(?:(?:%s)\\s*(?:\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]|\\[\\s*%s\\s*#\\s*\\d+\\s*\\])",
				 prefixes, escaped);
	g_clear_pointer (&regex, g_regex_unref);
	g_free (compiled_for);
	compiled_for = g_strdup (tag);
	regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_ANCHORED, 0, NULL);
	return regex;
}

char *
mt_thread_strip_prefixes (const char *subject, const char *tag)
{
	GRegex *regex = prefix_regex (tag ? tag : "Ticket");
	gsize pos = 0;
	gint n;

	if (subject == NULL)
		return g_strdup ("");
	if (regex == NULL)
		return g_strdup (subject);
	/* One prefix at a time: a pattern that repeats a group keeps a
	 * backtracking frame per repetition, and a subject of 250,000
	 * "Re: " took 370 MB. */
	while ((n = prefix_length (regex, subject + pos)) > 0)
		pos += (gsize) n;
	while (pos > 0 && g_ascii_isspace (subject[pos]))
		pos++;
	return g_strdup (subject + pos);
}
