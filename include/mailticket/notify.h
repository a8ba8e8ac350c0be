/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	notify.h - the mail a ticket causes: acknowledgements, replies, notifications
 * DESCRIPTION
 *	Every message is written from its template (template.h) in the
 *	language of its recipient, composed here (compose.h), queued in the outbox in
 *	the caller's transaction, and its Message-ID recorded for the
 *	ticket, so that an answer to it threads back. Everything we send
 *	comes from the queue's address, with a reply token as Reply-To and
 *	envelope sender (a bounce finds its ticket by it), the subject
 *	token, In-Reply-To and References of the thread, and X-Loop. The
 *	token is bound to the recipient (token.h): an agent's notification
 *	carries the agent's token and names the comment address, anything
 *	to the customer side the requester's or the recipient's own.
 *
 *	Who hears of what: correspondence goes to the requester and the Cc
 *	of the conversation (what the requester's own mail and the agents
 *	put there, and the address watchers); an acknowledgement to whoever wrote a new
 *	ticket, at most ack_limit an hour per address; a notification to
 *	every watcher (people.h) but the author, the requester and our own
 *	addresses, and for an internal article to agents only; an alarm or
 *	an escalation to the agents its caller names (mt_notify_agents).
 */
#ifndef MT_NOTIFY_H
#define MT_NOTIFY_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/message.h"
#include "mailticket/store.h"
#include "mailticket/token.h"

typedef struct {
	gint64 ticket;
	gint64 article;       /* the new article, or 0 */
	const char *template; /* NULL: notify-new for a new ticket, else notify-article */
	const char *who;      /* who did it ({{author}}, {{by}}): a login, "Ann <ann@example.com>" */
	GHashTable *vars;     /* more variables of the template (template.h), or NULL */
	const char *text;     /* the article's text, or NULL */
	gboolean internal;
	const char *author;  /* the author's address, who is not told; or NULL */
	GPtrArray *told;     /* addresses that have the news already, or NULL */
	gboolean new_ticket; /* the queue's group hears of it too ([notify] group) */
	gint64 now;
} MtNotifyEvent;

/* Queues a notification to each watcher; *queued counts them. */
gboolean mt_notify_watchers (MtStore *store, const MtConfig *config, const MtNotifyEvent *event, guint *queued,
			     GError **error);

typedef struct {
	gint64 ticket;
	const char *kind;     /* the outbox kind: "alarm", "escalation" */
	const char *template; /* "alarm", "notify-owner" ... */
	GHashTable *vars;     /* its variables besides the ticket's (template.h), or NULL */
	GPtrArray *to;        /* addresses (char *) */
	gint64 now;
} MtNotifyAgents;

/* Queues a message about the ticket to each address of to (our own
 * addresses and unusable ones left out, each once), Auto-Submitted:
 * auto-generated, Reply-To the ticket; *queued counts them. */
gboolean mt_notify_agents (MtStore *store, const MtConfig *config, const MtNotifyAgents *n, guint *queued,
			   GError **error);

/* Queues the acknowledgement of a new ticket to address, unless the
 * rate limit for that address is reached; *queued says. joined: the
 * mail joined the ticket, which its sender did not open. */
gboolean mt_notify_acknowledge (MtStore *store, const MtConfig *config, gint64 ticket, const char *address,
				gboolean joined, gint64 now, gboolean *queued, GError **error);

typedef struct {
	gint64 ticket;
	const char *text;           /* the agent's words, or NULL with answer */
	const char *answer;         /* a canned answer after them (template answers/NAME), or NULL */
	GPtrArray *cc;              /* more Cc addresses, or NULL */
	GPtrArray *bcc;             /* envelope-only recipients, or NULL */
	GPtrArray *attachments;     /* file paths, or NULL */
	GPtrArray *parts;           /* MtComposePart to attach, or NULL */
	gint64 author;              /* user, or 0 */
	const char *author_address; /* or NULL */
	const char *who;            /* the acting login, for the notifications */
	gboolean quoted;            /* the text quotes as the agent chose (the editor's file): no quote is added */
	gint64 now;
} MtNotifyReply;

/* The last mail of the customer side of ticket, quoted in the
 * requester's language as the reply template's {{article.quote}} holds
 * it (mt_template_quote()); "" when there is none. Owned. */
char *mt_notify_quote_last (MtStore *store, const MtConfig *config, gint64 ticket, GError **error);

/* Composes a reply to the requester and the Cc of the conversation
 * (with the cc given, remembered for later replies), stores it as an
 * email-out article with the bytes that are sent, queues it and
 * notifies the watchers. MT_ERROR_USAGE when the ticket has no
 * requester, or the reply would go to more than max_reply_recipients.
 * The customer's last mail is quoted under the text ({{article.quote}})
 * unless the text quotes already (a line that starts with '>') or
 * reply->quoted says so. */
gboolean mt_notify_reply (MtStore *store, const MtConfig *config, const MtNotifyReply *reply, gint64 *article,
			  GError **error);

typedef struct {
	gint64 ticket;
	const char *status; /* the status the mail tells of */
	const char *text;   /* an agent's words after it, or NULL */
	gint64 now;
} MtNotifyRequester;

/* Queues a status mail to the requester (Auto-Submitted: auto-generated,
 * the requester's reply address); *queued says whether there was one. */
gboolean mt_notify_requester (MtStore *store, const MtConfig *config, const MtNotifyRequester *n, gboolean *queued,
			      GError **error);

typedef enum {
	MT_ASSIGNED_OWNER,    /* made the owner of the ticket */
	MT_ASSIGNED_TASK,     /* given a task on it */
	MT_ASSIGNED_APPROVAL, /* asked to approve */
} MtAssigned;

typedef struct {
	gint64 ticket;
	MtAssigned kind;
	gint64 user;            /* the agent assigned; 0: nobody, nothing is sent */
	const char *by;         /* the login that did it */
	const char *by_address; /* its address: an agent is not told what they did; or NULL */
	const char *text;       /* the task's title, the note to the approver, or NULL */
	gint64 now;
} MtNotifyAssigned;

/* Tells an agent that the ticket, a task or an approval is now theirs,
 * as [notify] owner, task and approval say for the ticket's queue. */
gboolean mt_notify_assigned (MtStore *store, const MtConfig *config, const MtNotifyAssigned *assigned, GError **error);

/* Tells the agent who wrote a reply that it bounced, with the reason,
 * as [notify] bounce says. */
gboolean mt_notify_bounce (MtStore *store, const MtConfig *config, gint64 ticket, gint64 author, const char *reason,
			   gint64 now, GError **error);

typedef struct {
	gint64 ticket;          /* the ticket the bridging message joined */
	gint64 linked;          /* the ticket linked to it */
	const char *from;       /* the bridging message's From, Subject and Message-ID ("<id>") */
	const char *subject;    /* or NULL */
	const char *message_id; /* or NULL */
	gint64 now;
} MtNotifyLink;

/* A message bridged two tickets that were linked, not merged: each
 * one's owner, or when it has none the queue's group as a new ticket's
 * ([notify] new_ticket), is told, once, of both tickets, the message
 * and the command that merges them (template notify-link). */
gboolean mt_notify_link (MtStore *store, const MtConfig *config, const MtNotifyLink *link, GError **error);

typedef enum {
	MT_NOTIFY_DEFAULT, /* as [notify] requester_resolved and requester_pending say */
	MT_NOTIFY_ALWAYS,  /* set --notify */
	MT_NOTIFY_QUIET,   /* set --quiet */
} MtNotifyMode;

typedef struct {
	gint64 ticket;
	const char *status; /* the new status */
	const char *note;   /* the agent's words to the requester, or NULL */
	MtNotifyMode mode;
	gint64 now;
} MtNotifyStatus;

/* The requester's status mail after a change of status: by default
 * when the ticket is resolved (or closed), and when it is set pending
 * with a note. */
gboolean mt_notify_status (MtStore *store, const MtConfig *config, const MtNotifyStatus *status, gboolean *queued,
			   GError **error);

/* Remembers the language of the mail that opened ticket: its
 * Content-Language, else a guess over its words among the shipped
 * languages (template.h); nothing when neither tells. */
gboolean mt_notify_opening_lang (MtStore *store, gint64 ticket, MtMessage *message, GError **error);

/* The reply address (token.h) of ticket for recipient in role, made as
 * the ticket's mail makes it: on its queue's address, or [mail]
 * address for a ticket without one; owned. */
char *mt_notify_reply_address (MtStore *store, const MtConfig *config, gint64 ticket, MtTokenRole role,
			       const char *recipient, GError **error);

#endif
