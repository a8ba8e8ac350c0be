/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	thread.h - which ticket does a message belong to?
 * DESCRIPTION
 *	mt_thread_decide() is the threading order of DESIGN.md as a pure
 *	function of the ids parsed from a message and three lookups, so that
 *	it is tested without a database. First match wins:
 *
 *	1. a verified reply token (envelope recipient, To or Cc);
 *	2. In-Reply-To, then References newest first, in message_ids;
 *	3. the message's own Message-ID, when an earlier message referenced
 *	   it (a parent arriving after its child) or it is a resend with
 *	   other bytes;
 *	   when 2 or 3 found the ticket only through ids that no message
 *	   stored or sent has, only other mail's references, and the sender
 *	   is no participant, the message joins flagged and foreign: such an
 *	   id could have been referenced in advance to catch it;
 *	4. the subject token, for a ticket that exists; from a sender who is
 *	   not a participant it opens a new ticket linked to the old one, or
 *	   joins flagged, as configured;
 *	5. otherwise a new ticket.
 *
 *	When the ids (In-Reply-To, References, the own remembered Message-ID)
 *	lead to more than one ticket, the message bridges them: it joins the
 *	oldest; each other is merged into it when nobody worked on it (only
 *	mail-created articles) and the sender is its participant, else linked
 *	to it (decision->merge, ->link).
 *
 *	A merged ticket forwards to the ticket it was merged into. A reply
 *	to a ticket closed longer than its queue's grace period opens a new
 *	linked ticket unless the queue says to reopen.
 */
#ifndef MT_THREAD_H
#define MT_THREAD_H

#include <glib.h>

typedef enum {
	MT_VIA_NEW,
	MT_VIA_TOKEN,
	MT_VIA_IN_REPLY_TO,
	MT_VIA_REFERENCES,
	MT_VIA_MESSAGE_ID,
	MT_VIA_SUBJECT,
} MtVia;

typedef enum {
	MT_THREAD_NEW,        /* open a new ticket */
	MT_THREAD_APPEND,     /* append to ticket */
	MT_THREAD_NEW_LINKED, /* open a new ticket linked to ticket */
} MtThreadAction;

typedef struct {
	gint64 token_ticket;            /* from a verified reply token, or 0 */
	const char *message_id;         /* or NULL */
	GPtrArray *in_reply_to;         /* char *, may be NULL */
	GPtrArray *references;          /* char *, oldest first, may be NULL */
	gint64 subject_ticket;          /* from the subject token, or 0 */
	const char *sender;             /* From address, for the participant check */
	gboolean foreign_subject_joins; /* policy for non-participants */
	gint64 now;
} MtThreadInput;

/* What the decision needs to know of a ticket. */
typedef struct {
	gint64 merged_into; /* 0 unless merged */
	gboolean closed;    /* status closed */
	gint64 closed_at;
	int grace_days;            /* of its queue */
	gboolean reopen_closed;    /* the queue reopens closed tickets whatever their age */
	gboolean worked;           /* a person has worked on it: more than mail-created articles */
	gboolean closed_by_import; /* closed, last by mailticket import (deliver.h) */
} MtThreadTicket;

typedef struct {
	/* *ticket = 0 when the id is unknown; *referenced when no message
	 * stored or sent has it, only other mail's In-Reply-To or References. */
	gboolean (*message_id) (gpointer data, const char *id, gint64 *ticket, gboolean *referenced, GError **error);
	/* *found = FALSE when there is no such ticket. */
	gboolean (*ticket) (gpointer data, gint64 id, gboolean *found, MtThreadTicket *out, GError **error);
	gboolean (*participant) (gpointer data, gint64 ticket, const char *address, gboolean *yes, GError **error);
	gpointer data;
	/* *yes when every participant of ticket takes part in into too:
	 * merging it would bring nobody new into into. NULL: never. */
	gboolean (*within) (gpointer data, gint64 ticket, gint64 into, gboolean *yes, GError **error);
	/* *yes when an agent took ticket and other apart (split, unmerge):
	 * a message whose ids lead to both bridges neither. NULL: never. */
	gboolean (*apart) (gpointer data, gint64 ticket, gint64 other, gboolean *yes, GError **error);
} MtThreadLookup;

typedef struct {
	MtThreadAction action;
	gint64 ticket;            /* appended to, or linked to; 0 for NEW */
	MtVia via;                /* the rule that found ticket */
	char *matched;            /* the id or token that matched; owned */
	gint64 merged_from;       /* the ticket found before following merges, or 0 */
	gboolean flagged;         /* joined on a subject token or a referenced id by a non-participant */
	gboolean foreign;         /* the subject token or referenced id is a non-participant's */
	gboolean referenced_only; /* found by ids of no message stored or sent, only referenced */
	gboolean grace_expired;   /* the ticket was closed longer than the grace period */
	/* Other tickets the message's ids lead to (after merges), which it
	 * bridges to ticket: each merged into ticket when nobody worked on
	 * it, else linked to it. ticket is then the oldest unworked one. */
	GArray *merge; /* gint64: merged into ticket; NULL when none */
	GArray *link;  /* gint64: linked to ticket; NULL when none */
} MtThreadDecision;

gboolean mt_thread_decide (const MtThreadInput *input, const MtThreadLookup *lookup, MtThreadDecision *decision,
			   GError **error);
void mt_thread_decision_clear (MtThreadDecision *decision);

/* "new", "token", "in-reply-to", "references", "message-id", "subject" */
const char *mt_thread_via_name (MtVia via);

/* One sentence on the decision, for explain and the log; owned. */
char *mt_thread_describe (const MtThreadDecision *decision);

/* subject without leading reply and forward prefixes of many languages
 * (Re:, AW:, WG:, Fwd:, SV:, VS:, Antw:, RIF:, Odp:, RV:, TR:, 回复: ...,
 * also "Re[2]:") and without our subject tokens [<tag>#<id>]; owned. */
char *mt_thread_strip_prefixes (const char *subject, const char *tag);

#endif
