/*
 * NAME
 *	notify.h - the mail a ticket causes: acknowledgements, replies, notifications
 * DESCRIPTION
 *	Every message is composed here (compose.h), queued in the outbox in
 *	the caller's transaction, and its Message-ID recorded for the
 *	ticket, so that an answer to it threads back. Everything we send
 *	comes from the queue's address, with the ticket's reply token as
 *	Reply-To and envelope sender (a bounce finds its ticket by it), the
 *	subject token, In-Reply-To and References of the thread, and X-Loop.
 *
 *	Who hears of what: correspondence goes to the requester and the Cc
 *	of the conversation; an acknowledgement to whoever wrote a new
 *	ticket, at most ack_limit an hour per address; a notification to
 *	every watcher (people.h) but the author, the requester and our own
 *	addresses, and for an internal article to agents only; an alarm or
 *	an escalation to the agents its caller names (mt_notify_agents).
 */
#ifndef MT_NOTIFY_H
#define MT_NOTIFY_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

typedef struct {
	gint64 ticket;
	gint64 article;   /* the new article, or 0 */
	const char *what; /* one line: "New mail from Ann <ann@example.com>" */
	const char *text; /* the article's text, or NULL */
	gboolean internal;
	const char *author; /* the author's address, who is not told; or NULL */
	gint64 now;
} MtNotifyEvent;

/* Queues a notification to each watcher; *queued counts them. */
gboolean mt_notify_watchers (MtStore *store, const MtConfig *config, const MtNotifyEvent *event, guint *queued,
			     GError **error);

typedef struct {
	gint64 ticket;
	const char *kind;  /* the outbox kind: "alarm", "escalation" */
	const char *label; /* before the subject and its token: "Alarm" */
	const char *what;  /* one line, before the ticket's facts */
	const char *text;  /* after them, or NULL */
	GPtrArray *to;     /* addresses (char *) */
	gint64 now;
} MtNotifyAgents;

/* Queues a message about the ticket to each address of to (our own
 * addresses and unusable ones left out, each once), Auto-Submitted:
 * auto-generated, Reply-To the ticket; *queued counts them. */
gboolean mt_notify_agents (MtStore *store, const MtConfig *config, const MtNotifyAgents *n, guint *queued,
			   GError **error);

/* Queues the acknowledgement of a new ticket to address, unless the
 * rate limit for that address is reached; *queued says. */
gboolean mt_notify_acknowledge (MtStore *store, const MtConfig *config, gint64 ticket, const char *address, gint64 now,
				gboolean *queued, GError **error);

typedef struct {
	gint64 ticket;
	const char *text;
	GPtrArray *cc;              /* more Cc addresses, or NULL */
	GPtrArray *bcc;             /* envelope-only recipients, or NULL */
	GPtrArray *attachments;     /* file paths, or NULL */
	gint64 author;              /* user, or 0 */
	const char *author_address; /* or NULL */
	const char *who;            /* the acting login, for the notifications */
	gint64 now;
} MtNotifyReply;

/* Composes a reply to the requester and Cc, stores it as an email-out
 * article with the bytes that are sent, queues it and notifies the
 * watchers. MT_ERROR_USAGE when the ticket has no requester. */
gboolean mt_notify_reply (MtStore *store, const MtConfig *config, const MtNotifyReply *reply, gint64 *article,
			  GError **error);

#endif
