/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket.h - tickets, articles, message ids, participants, links, history
 * DESCRIPTION
 *	The write side of a ticket as mail fills it, in two files:
 *	ticket.c writes tickets, links and history, ticket-article.c
 *	articles, attachments, message ids, participants and the
 *	conversation's Cc. Callers hold a transaction (mt_store_begin)
 *	around a group of calls.
 */
#ifndef MT_TICKET_H
#define MT_TICKET_H

#include <glib.h>
#include "mailticket/store.h"
#include "mailticket/thread.h"
#include "mailticket/message.h"

typedef struct {
	const char *type; /* "mail", "internal", "request" */
	const char *subject;
	gint64 queue;     /* or 0 */
	gint64 requester; /* contact, or 0 */
	gint64 creator;   /* user, or 0 */
	gint64 owner;     /* user, or 0: the queue's default owner */
	gint64 now;
} MtTicketNew;

typedef struct {
	const char *kind; /* "email-in", "email-out", "note", "system" */
	gboolean internal;
	gint64 author;      /* user, or 0 */
	MtMessage *message; /* headers, text, attachments; may be NULL */
	const char *text;   /* used when message is NULL */
	const char *blob;   /* sha256 of the raw bytes, or NULL */
	gint64 size;
	const char *envelope_from;
	const char *envelope_to;
	const char *via;
	gboolean automatic;
	gint64 now;
} MtArticleNew;

gboolean mt_ticket_create (MtStore *store, const MtTicketNew *ticket, gint64 *id, GError **error);

/* Sets the ticket's last change to now, unless it is later already. */
gboolean mt_ticket_touch (MtStore *store, gint64 ticket, gint64 now, GError **error);

/* Adds an article with its attachments; touches the ticket. */
gboolean mt_ticket_add_article (MtStore *store, gint64 ticket, const MtArticleNew *article, gint64 *id, GError **error);

/* Records the id of a message of ticket, received or sent: of article,
 * or of none (0: an acknowledgement, a notification). An id already
 * known keeps its ticket, and is no longer only referenced. */
gboolean mt_ticket_note_message_id (MtStore *store, const char *message_id, gint64 ticket, gint64 article,
				    GError **error);

/* Records an id that a message of ticket referenced (In-Reply-To,
 * References); an id already known stays as it is. */
gboolean mt_ticket_note_reference (MtStore *store, const char *message_id, gint64 ticket, GError **error);

/* The ticket of a known message id, or 0; *referenced when no message
 * stored or sent has the id, only other mail's references. */
gboolean mt_ticket_lookup_message_id (MtStore *store, const char *message_id, gint64 *ticket, gboolean *referenced,
				      GError **error);

/* The incoming article that stored exactly these bytes, or 0s. */
gboolean mt_ticket_find_by_blob (MtStore *store, const char *sha256, gint64 *ticket, gint64 *article, GError **error);

gboolean mt_ticket_get_thread_facts (MtStore *store, gint64 id, gboolean *found, MtThreadTicket *facts, GError **error);

gboolean mt_ticket_exists (MtStore *store, gint64 id, gboolean *found, GError **error);

gboolean mt_ticket_add_participants (MtStore *store, gint64 ticket, GPtrArray *addresses, GError **error);
gboolean mt_ticket_is_participant (MtStore *store, gint64 ticket, const char *address, gboolean *yes, GError **error);
/* *yes when every participant of ticket is one of into too. */
gboolean mt_ticket_participants_within (MtStore *store, gint64 ticket, gint64 into, gboolean *yes, GError **error);

/* Sets the status, stamping resolved/closed times, with a history line;
 * a status other than pending forgets the time it was pending until. */
gboolean mt_ticket_set_status (MtStore *store, gint64 ticket, const char *status, const char *who, gint64 now,
			       GError **error);
/* The current status; owned. */
char *mt_ticket_get_status (MtStore *store, gint64 ticket, GError **error);

/* The statuses a ticket can have, in their order on the way to closed:
 * new, open, pending, resolved, closed; NULL-terminated, static. */
const char *const *mt_ticket_statuses (void);
/* TRUE when status is one of them. */
gboolean mt_ticket_status_known (const char *status);

/* The fields of a ticket an agent sets (change.h checks the values). */
typedef enum {
	MT_TICKET_PRIORITY,      /* an int64, 1-9 */
	MT_TICKET_OWNER,         /* an int64 user id */
	MT_TICKET_QUEUE,         /* an int64 queue id */
	MT_TICKET_PROJECT,       /* a string */
	MT_TICKET_COLOR,         /* a string */
	MT_TICKET_SUBJECT,       /* a string */
	MT_TICKET_PENDING_UNTIL, /* an int64 time; 0 for none */
	MT_TICKET_REQUESTER,     /* an int64 contact id */
} MtTicketField;

/* Sets field to value (NULL clears it) and touches the ticket. Writes
 * no history: the caller does, naming the value as the agent gave it. */
gboolean mt_ticket_set_field (MtStore *store, gint64 ticket, MtTicketField field, GVariant *value, gint64 now,
			      GError **error);

/* Closes ticket from as merged into into (change.h does the merge),
 * stamping it resolved and closed. */
gboolean mt_ticket_close_merged (MtStore *store, gint64 from, gint64 into, gint64 now, GError **error);

/* Records that ticket's overdue first response (its resolution) was
 * escalated, unless it was already (escalate.h). Opening the ticket
 * again after pending, resolved or closed forgets both. */
gboolean mt_ticket_mark_response_escalated (MtStore *store, gint64 ticket, gint64 now, GError **error);
gboolean mt_ticket_mark_resolution_escalated (MtStore *store, gint64 ticket, gint64 now, GError **error);

/* Service levels (ticket-due.c). The customer waits from the first
 * article that is not automatic (mt_ticket_start_clock: a no-op once
 * started), and again from each time the ticket is opened after
 * pending, resolved or closed. tickets.due is then the queue's
 * first-response target counted in its calendar while no reply went
 * out, else its resolution target; none while pending, resolved,
 * closed or merged, nor without a requester. Status changes, replies,
 * a change of queue and the clock's start refresh it themselves;
 * mt_ticket_refresh_queue_due() does it for the active tickets of a
 * queue whose targets or calendar changed. */
gboolean mt_ticket_start_clock (MtStore *store, gint64 ticket, gint64 now, GError **error);
gboolean mt_ticket_refresh_due (MtStore *store, gint64 ticket, GError **error);
gboolean mt_ticket_refresh_queue_due (MtStore *store, gint64 queue, GError **error);
/* Writes tickets.due (0: none); callers use the refresh functions. */
gboolean mt_ticket_set_due (MtStore *store, gint64 ticket, gint64 due, GError **error);

/* mailticket import brought ticket's mail of date now, at the time at:
 * marked imported (no SLA clock runs on it) unless it is already, and
 * when it is closed, its closing and resolution moved on to now unless
 * they are later. */
gboolean mt_ticket_imported (MtStore *store, gint64 ticket, gint64 at, gint64 now, GError **error);

/* Marks a ticket for an agent's review. */
gboolean mt_ticket_flag (MtStore *store, gint64 ticket, GError **error);

/* Marks a ticket personal (left out of lists unless asked for), with a
 * history line by who. */
gboolean mt_ticket_set_personal (MtStore *store, gint64 ticket, const char *who, gint64 now, GError **error);

/* Links a and b both ways: relates/relates, parent/child, duplicate,
 * merged, split-from/split-into, unmerged. */
gboolean mt_ticket_link (MtStore *store, gint64 a, const char *kind, gint64 b, gint64 now, GError **error);

gboolean mt_ticket_add_history (MtStore *store, gint64 ticket, const char *who, const char *field,
				const char *old_value, const char *new_value, gint64 now, GError **error);

/* A reply went out: stamps the first response, and a new ticket is open. */
gboolean mt_ticket_responded (MtStore *store, gint64 ticket, gint64 now, GError **error);

/* An article that holds a stored message: what db reindex re-reads. */
typedef struct {
	gint64 id, ticket;
	gboolean incoming; /* email-in, whose addresses make participants */
	char *blob;        /* sha256 of the raw message */
	gboolean commands; /* an agent's command lines were taken out of its text */
	gboolean new_text; /* its text is an agent's new text (quote.h) */
} MtStoredArticle;

/* The email-in and email-out articles with a stored message, by ticket
 * and oldest first; an owned array of MtStoredArticle that frees its
 * blobs. */
GArray *mt_ticket_stored_articles (MtStore *store, GError **error);

/* Replaces what was parsed from article's message (headers, text,
 * warnings, attachments) by what message says now. The ticket is not
 * touched: this is an index rebuilt, not news. */
gboolean mt_ticket_rederive_article (MtStore *store, gint64 article, MtMessage *message, GError **error);

/* Records that article's text is its message's without the leading
 * command lines (commands.h), which were applied: db reindex takes them
 * out again, and never applies them. */
gboolean mt_ticket_mark_commands (MtStore *store, gint64 article, GError **error);

/* Records that article's text is the new text of an agent's mail
 * (quote.h): db reindex cuts the quoted history and signature again. */
gboolean mt_ticket_mark_new_text (MtStore *store, gint64 article, GError **error);

/* The user who wrote article, or 0. */
gboolean mt_ticket_article_author (MtStore *store, gint64 article, gint64 *user, GError **error);

/* The ticket's uuid and its requester's address (NULL when none), both
 * owned; *uuid is NULL when there is no such ticket. */
gboolean mt_ticket_identity (MtStore *store, gint64 id, char **uuid, char **requester, GError **error);

/* Who put an address on the Cc of a ticket's conversation: the
 * requester's own mail, an agent, or any other mail (proposed: shown to
 * agents, mailed only once an agent adds it). */
typedef enum {
	MT_CC_REQUESTER,
	MT_CC_AGENT,
	MT_CC_PROPOSED,
} MtCcSource;

/* Adds address to the conversation's Cc; a proposed address that the
 * requester or an agent names later is theirs from then on. */
gboolean mt_ticket_add_cc (MtStore *store, gint64 ticket, const char *address, MtCcSource source, gint64 article,
			   gint64 now, GError **error);
/* The conversation's Cc (lower case, owned): the addresses a reply goes
 * to besides the requester, or with proposed those it does not. */
GPtrArray *mt_ticket_cc (MtStore *store, gint64 ticket, gboolean proposed, GError **error);

/* Moves the articles and message ids of ticket from to into, whose
 * participants from's become too: a merge (change.h). */
gboolean mt_ticket_move_articles (MtStore *store, gint64 from, gint64 into, GError **error);
/* Erasure (erase.h): a ticket's articles, attachments, message ids,
 * participants and Cc; the tickets merged into ticket (an array of
 * gint64); the ticket's links, history and row, once nothing else
 * points at it. */
gboolean mt_ticket_erase_articles (MtStore *store, gint64 ticket, GError **error);
GArray *mt_ticket_merged_from (MtStore *store, gint64 ticket, GError **error);
/* Up to 100 tickets closed before the time before, not merged (retention). */
GArray *mt_ticket_closed_before (MtStore *store, gint64 before, GError **error);
gboolean mt_ticket_erase (MtStore *store, gint64 ticket, GError **error);
/* A removed user (erase.h) owns, created and wrote nothing any more:
 * the columns become NULL, the articles stay. */
gboolean mt_ticket_forget_user (MtStore *store, gint64 user, GError **error);
gboolean mt_ticket_forget_author (MtStore *store, gint64 user, GError **error);
/* The tickets of a queue (merged and closed ones too), and moving them
 * all to another queue (queue rm --move-to). */
gboolean mt_ticket_count_in_queue (MtStore *store, gint64 queue, gint64 *count, GError **error);
gboolean mt_ticket_move_queue (MtStore *store, gint64 from, gint64 into, GError **error);

/* Forgets the participants of ticket, for db reindex to add them again. */
gboolean mt_ticket_clear_participants (MtStore *store, gint64 ticket, GError **error);

/* The last mail from the customer side: who wrote it, when, its text
 * (owned; all NULL and 0 when there is none). */
gboolean mt_ticket_last_customer_text (MtStore *store, gint64 ticket, char **from, gint64 *when, char **text,
				       GError **error);

/* Sets the language of the ticket's mail: the opening mail's. */
gboolean mt_ticket_set_lang (MtStore *store, gint64 ticket, const char *lang, GError **error);

/* What composing mail about a ticket needs to know. */
typedef struct {
	gint64 id;
	char *uuid;
	char *type, *subject, *status;
	int priority;
	char *queue, *queue_address; /* or NULL */
	char *requester;             /* the requester's address, or NULL */
	char *owner;                 /* the owner's login, or NULL */
	gint64 sla_minutes;          /* 0: none */
	gint64 queue_group;          /* the queue's group, or 0 */
	GPtrArray *thread_ids;       /* message ids of the articles, oldest first */
	char *lang;                  /* the language of the mail that opened it, or NULL */
	char *requester_name;        /* the requester's name, or NULL */
	char *requester_lang;        /* the requester's own language (contact set --lang), or NULL */
	gint64 due;                  /* tickets.due, or 0 */
	gboolean response_due;       /* due is the first response's, counted in business hours */
	char *tz;                    /* the time zone of the queue's hours, or NULL */
} MtTicketMail;

/* MT_ERROR_NOT_FOUND when there is no such ticket. */
MtTicketMail *mt_ticket_mail_facts (MtStore *store, gint64 id, GError **error);
void mt_ticket_mail_free (MtTicketMail *mail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtTicketMail, mt_ticket_mail_free)

/* Split and unmerge (ticket-split.c; split.h decides what may move). */
/* Records what merging from into into moves, before it moves (change.h). */
gboolean mt_ticket_merge_note (MtStore *store, gint64 from, gint64 into, gint64 now, GError **error);
/* The last recorded merge of from into into, or 0 (a merge made before
 * merges were recorded). */
gboolean mt_ticket_merge_find (MtStore *store, gint64 from, gint64 into, gint64 *merge, GError **error);
/* The watchers from had when merge moved them, a JSON array (owned). */
char *mt_ticket_merge_watchers (MtStore *store, gint64 merge, GError **error);
/* Moves back what merge moved and is still in into (articles, their
 * message ids and the others of from, its Cc), restores from's status
 * and forgets the merge and its link. */
gboolean mt_ticket_unmerge (MtStore *store, gint64 merge, gint64 from, gint64 into, gint64 now, GError **error);
/* Forgets the merges ticket took part in (erasure). */
gboolean mt_ticket_erase_merges (MtStore *store, gint64 ticket, GError **error);
/* The ids of ticket's articles, oldest first (an owned array of gint64). */
GArray *mt_ticket_article_ids (MtStore *store, gint64 ticket, GError **error);
/* Where an article came from: its sender's address ('' for none),
 * name (or NULL) and subject, owned, and whether it is incoming mail.
 * MT_ERROR_NOT_FOUND for no such article. */
typedef struct {
	char *address, *name, *subject;
	gboolean incoming;
} MtArticleOrigin;
gboolean mt_ticket_article_origin (MtStore *store, gint64 article, MtArticleOrigin *origin, GError **error);
void mt_ticket_article_origin_clear (MtArticleOrigin *origin);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MtArticleOrigin, mt_ticket_article_origin_clear)
/* What a split copies from the ticket split. */
typedef struct {
	gint64 queue, owner, merged_into, requester; /* or 0 */
	char *type, *lang;                           /* owned; lang may be NULL */
} MtTicketSplitFacts;
gboolean mt_ticket_split_facts (MtStore *store, gint64 ticket, MtTicketSplitFacts *facts, GError **error);
void mt_ticket_split_facts_clear (MtTicketSplitFacts *facts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MtTicketSplitFacts, mt_ticket_split_facts_clear)
/* Moves one article of from, with its message ids, to into. */
gboolean mt_ticket_move_article (MtStore *store, gint64 article, gint64 from, gint64 into, GError **error);
/* The participants of from take part in into too. */
gboolean mt_ticket_copy_participants (MtStore *store, gint64 from, gint64 into, GError **error);
/* *yes when an agent took a and b apart (a split or an unmerge links
 * them): mail that leads to both bridges neither into the other. */
gboolean mt_ticket_apart (MtStore *store, gint64 a, gint64 b, gboolean *yes, GError **error);

const char *const *mt_ticket_queries (void);
const char *const *mt_ticket_article_queries (void);
const char *const *mt_ticket_mail_queries (void);
const char *const *mt_ticket_due_queries (void);
const char *const *mt_ticket_split_queries (void);
const char *const *mt_ticket_forget_queries (void);

/* Contact forget (ticket-forget.c, erase.h). *known when address has a
 * contact, mail or a place in a ticket's people. */
gboolean mt_ticket_forget_known (MtStore *store, const char *address, gboolean *known, GError **error);
/* The tickets whose every article address sent (an owned gint64 array). */
GArray *mt_ticket_forget_whole (MtStore *store, const char *address, GError **error);
/* Deletes the articles address sent, their attachments and message ids,
 * puts "(erased)" for the address (and the contact's name in headers)
 * in other articles and history, drops the raw message of an article
 * that named it, takes address out of participants, Cc and requesters;
 * each ticket touched has a history line by who that says an erasure
 * took place, without the address. *articles counts those deleted. */
gboolean mt_ticket_forget_sender (MtStore *store, const char *address, const char *who, gint64 now, guint *articles,
				  GError **error);

#endif
