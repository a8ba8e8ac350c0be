/*
 * NAME
 *	notify.c - the mail a ticket causes: acknowledgements, replies, notifications
 * DESCRIPTION
 *	One function builds what every message about a ticket shares
 *	(addresses, subject token, thread headers); the three kinds differ
 *	only in recipients, text and Auto-Submitted. Nothing here sends:
 *	the outbox row and the article are written in the caller's
 *	transaction, and mailticket-send delivers them later.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/compose.h"
#include "mailticket/deliver.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/notify.h"
#include "mailticket/outbox.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"

/* References carry the first message of the thread and the latest ones. */
#define MAX_REFERENCES 10

typedef struct {
	MtStore *store;
	const MtConfig *config;
	MtTicketMail *mail;
	char *from;     /* the queue's address */
	char *reply_to; /* with the ticket's token */
	char *subject;
	GPtrArray *references;
} Letter;

static void
letter_clear (Letter *l)
{
	mt_ticket_mail_free (l->mail);
	g_free (l->from);
	g_free (l->reply_to);
	g_free (l->subject);
	if (l->references)
		g_ptr_array_unref (l->references);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Letter, letter_clear)

static GPtrArray *
thread_references (GPtrArray *ids)
{
	GPtrArray *refs = g_ptr_array_new ();

	for (guint i = 0; i < ids->len; i++)
		if (i == 0 || i + MAX_REFERENCES - 1 >= ids->len)
			g_ptr_array_add (refs, g_ptr_array_index (ids, i));
	return refs;
}

static gboolean
letter_init (Letter *l, MtStore *store, const MtConfig *config, gint64 ticket, GError **error)
{
	g_autofree char *secret = NULL;
	g_autofree char *token = NULL;

	memset (l, 0, sizeof *l);
	l->store = store;
	l->config = config;
	if (!(l->mail = mt_ticket_mail_facts (store, ticket, error)) ||
	    !(secret = mt_deliver_secret (store, config, error)))
		return FALSE;
	l->from = g_strdup (l->mail->queue_address ? l->mail->queue_address : config->address);
	l->reply_to = mt_token_reply_address (secret, l->from, config->delimiter, ticket);
	token = mt_token_subject (config->tag, ticket);
	l->subject = g_strdup_printf ("%s %s", token, l->mail->subject);
	l->references = thread_references (l->mail->thread_ids);
	return TRUE;
}

static MtCompose
letter_compose (Letter *l, GPtrArray *to, const char *text, gint64 now)
{
	GPtrArray *ids = l->mail->thread_ids;
	MtCompose c = {
		.from_name = l->config->from_name,
		.from_addr = l->from,
		.reply_to = l->reply_to,
		.to = to,
		.subject = l->subject,
		.text = text,
		.domain = l->config->domain,
		.in_reply_to = ids->len ? g_ptr_array_index (ids, ids->len - 1) : NULL,
		.references = l->references,
		.x_loop = l->config->address,
		.now = now,
	};
	return c;
}

/* Queues composed bytes and records their id for the ticket. */
static gboolean
letter_queue (Letter *l, const char *kind, gint64 article, const char *message_id, GPtrArray *rcpts, GBytes *raw,
	      gint64 now, GError **error)
{
	MtOutboxNew o = {
		.ticket = l->mail->id,
		.article = article,
		.kind = kind,
		.message_id = message_id,
		.envelope_from = l->reply_to,
		.recipients = rcpts,
		.raw = raw,
		.now = now,
	};
	gint64 id;

	return mt_outbox_queue (l->store, &o, &id, error) &&
	       mt_ticket_note_message_id (l->store, message_id, l->mail->id, article, error);
}

/* Our own addresses never get our mail: that is how loops start. */
static gboolean
is_ours (Letter *l, const char *address, gboolean *ours, GError **error)
{
	gint64 queue = 0;

	*ours = g_ascii_strcasecmp (address, l->config->address) == 0 || g_ascii_strcasecmp (address, l->from) == 0;
	if (*ours)
		return TRUE;
	if (!mt_directory_queue_lookup (l->store, l->config, address, &queue, error))
		return FALSE;
	*ours = queue != 0;
	return TRUE;
}

/* A set of lower-case addresses that owns its strings. */
static GHashTable *
address_set_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Adds address to list unless skip holds it (excepted, or seen before:
 * skip then holds it), or it is ours. A set and not a search of the
 * list: a reply to mail with 100,000 addresses in To took minutes. */
static gboolean
add_recipient (Letter *l, GPtrArray *list, GHashTable *skip, const char *address, GError **error)
{
	g_autofree char *lower = g_ascii_strdown (address, -1);
	gboolean ours = FALSE;

	if (!mt_compose_address_ok (lower) || g_hash_table_contains (skip, lower))
		return TRUE;
	g_hash_table_add (skip, g_strdup (lower));
	if (!is_ours (l, lower, &ours, error))
		return FALSE;
	if (!ours)
		g_ptr_array_add (list, g_steal_pointer (&lower));
	return TRUE;
}

/* What happened, the ticket's facts, and the text; for agents (alarms,
 * escalations) whose the ticket is and whom it is for, too. */
static char *
ticket_text (Letter *l, const char *what, const char *text, gboolean for_agents)
{
	MtTicketMail *m = l->mail;
	g_autofree char *whose = for_agents ? g_strdup_printf (", owner %s\nRequester %s", m->owner ? m->owner : "-",
							       m->requester ? m->requester : "-")
					    : g_strdup ("");

	return g_strdup_printf ("%s\n"
				"Ticket #%" G_GINT64_FORMAT ": %s\n"
				"Status %s, priority %d, queue %s%s\n"
				"\n%s%s"
				"-- \n"
				"Reply to this message to add to ticket #%" G_GINT64_FORMAT ".\n",
				what, m->id, m->subject, m->status, m->priority, m->queue ? m->queue : "-", whose,
				text ? text : "", text && *text ? "\n\n" : "", m->id);
}

static gboolean
notify_one (Letter *l, const char *kind, const char *address, const char *text, gint64 now, GError **error)
{
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	g_autofree char *message_id = NULL;
	g_autoptr (GBytes) raw = NULL;
	MtCompose c;

	g_ptr_array_add (to, (char *) address);
	c = letter_compose (l, to, text, now);
	c.auto_submitted = "auto-generated";
	if (!(raw = mt_compose (&c, &message_id, error)))
		return FALSE;
	return letter_queue (l, kind, 0, message_id, to, raw, now, error);
}

gboolean
mt_notify_watchers (MtStore *store, const MtConfig *config, const MtNotifyEvent *e, guint *queued, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) audience = NULL;
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *text = NULL;

	*queued = 0;
	if (!(audience = mt_people_audience (store, e->ticket, e->internal, error)))
		return FALSE;
	/* Most mail has nobody watching yet: compose nothing then. */
	if (audience->len == 0)
		return TRUE;
	if (!letter_init (&l, store, config, e->ticket, error))
		return FALSE;
	if (e->author)
		g_hash_table_add (skip, g_ascii_strdown (e->author, -1));
	if (l.mail->requester)
		g_hash_table_add (skip, g_ascii_strdown (l.mail->requester, -1));
	for (guint i = 0; i < audience->len; i++)
		if (!add_recipient (&l, to, skip, g_ptr_array_index (audience, i), error))
			return FALSE;
	text = ticket_text (&l, e->what, e->text, FALSE);
	for (guint i = 0; i < to->len; i++)
		if (!notify_one (&l, "notification", g_ptr_array_index (to, i), text, e->now, error))
			return FALSE;
	*queued = to->len;
	return TRUE;
}

gboolean
mt_notify_agents (MtStore *store, const MtConfig *config, const MtNotifyAgents *n, guint *queued, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *text = NULL;
	char *subject;

	*queued = 0;
	if (!letter_init (&l, store, config, n->ticket, error))
		return FALSE;
	text = ticket_text (&l, n->what, n->text, TRUE);
	subject = g_strdup_printf ("%s: %s", n->label, l.subject);
	g_free (l.subject);
	l.subject = subject;
	for (guint i = 0; i < n->to->len; i++)
		if (!add_recipient (&l, to, skip, g_ptr_array_index (n->to, i), error))
			return FALSE;
	for (guint i = 0; i < to->len; i++)
		if (!notify_one (&l, n->kind, g_ptr_array_index (to, i), text, n->now, error))
			return FALSE;
	*queued = to->len;
	return TRUE;
}

static char *
acknowledgement_text (Letter *l)
{
	const char *promise = mt_config_response_time (l->config, l->mail->queue);
	g_autofree char *sla = NULL;
	g_autofree char *token = mt_token_subject (l->config->tag, l->mail->id);

	if (promise == NULL && l->mail->sla_minutes > 0)
		promise = sla = l->mail->sla_minutes % 60
					? g_strdup_printf ("%" G_GINT64_FORMAT " minutes", l->mail->sla_minutes)
					: g_strdup_printf ("%" G_GINT64_FORMAT " hours", l->mail->sla_minutes / 60);
	return g_strdup_printf ("Hello,\n\n"
				"we have received your message and opened ticket #%" G_GINT64_FORMAT ":\n\n"
				"    %s\n\n"
				"%s%s%s"
				"To add to it, reply to this message, or keep %s in the subject\n"
				"of a new one.\n\n"
				"-- \n%s\n",
				l->mail->id, l->mail->subject, promise ? "We will answer within " : "",
				promise ? promise : "", promise ? ".\n\n" : "", token, l->from);
}

static gboolean
store_outgoing (Letter *l, GBytes *raw, gint64 author, gint64 now, gint64 *article, GError **error)
{
	g_autoptr (GByteArray) bytes = g_bytes_unref_to_array (g_bytes_ref (raw));
	g_autoptr (MtMessage) m = mt_message_parse (bytes, error);
	g_autofree char *sha256 = NULL;
	MtArticleNew a = { .kind = "email-out", .author = author, .now = now };

	if (m == NULL || !mt_store_put_blob (l->store, bytes->data, bytes->len, &sha256, error))
		return FALSE;
	a.message = m;
	a.blob = sha256;
	a.size = bytes->len;
	a.envelope_from = l->reply_to;
	return mt_ticket_add_article (l->store, l->mail->id, &a, article, error);
}

gboolean
mt_notify_acknowledge (MtStore *store, const MtConfig *config, gint64 ticket, const char *address, gint64 now,
		       gboolean *queued, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autofree char *text = NULL;
	g_autofree char *message_id = NULL;
	g_autoptr (GBytes) raw = NULL;
	gint64 sent = 0;
	MtCompose c;

	*queued = FALSE;
	if (!letter_init (&l, store, config, ticket, error) || !add_recipient (&l, to, skip, address, error))
		return FALSE;
	if (to->len == 0 || !mt_outbox_count_to (store, "ack", address, now - 3600, &sent, error))
		return to->len == 0;
	if (sent >= config->ack_limit)
		return TRUE;
	text = acknowledgement_text (&l);
	c = letter_compose (&l, to, text, now);
	c.auto_submitted = "auto-replied";
	/* Not an article: the thread is the conversation, and the history
	 * and the outbox say that it was acknowledged. */
	if (!(raw = mt_compose (&c, &message_id, error)) ||
	    !letter_queue (&l, "ack", 0, message_id, to, raw, now, error) ||
	    !mt_ticket_add_history (store, ticket, "mail", "acknowledged", NULL, g_ptr_array_index (to, 0), now, error))
		return FALSE;
	*queued = TRUE;
	return TRUE;
}

/* The Cc of the conversation: the To and Cc of the last mail from a
 * person, less ourselves and the requester, and what the agent added. */
static gboolean
reply_cc (Letter *l, const MtNotifyReply *r, GPtrArray *cc, GError **error)
{
	const char *lists[] = { l->mail->last_to, l->mail->last_cc };
	g_autoptr (GHashTable) skip = address_set_new ();

	g_hash_table_add (skip, g_ascii_strdown (l->mail->requester, -1));
	for (guint i = 0; i < G_N_ELEMENTS (lists); i++) {
		g_autoptr (InternetAddressList) list = lists[i] ? internet_address_list_parse (NULL, lists[i]) : NULL;

		for (int j = 0; list && j < internet_address_list_length (list); j++) {
			InternetAddress *ia = internet_address_list_get_address (list, j);
			if (INTERNET_ADDRESS_IS_MAILBOX (ia) &&
			    !add_recipient (l, cc, skip,
					    internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia)), error))
				return FALSE;
		}
	}
	for (guint i = 0; r->cc && i < r->cc->len; i++)
		if (!add_recipient (l, cc, skip, g_ptr_array_index (r->cc, i), error))
			return FALSE;
	return TRUE;
}

static gboolean
bad_addresses (GPtrArray *list, GError **error)
{
	for (guint i = 0; list && i < list->len; i++)
		if (!mt_compose_address_ok (g_ptr_array_index (list, i))) {
			g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "not a usable mail address: '%s'",
				     (char *) g_ptr_array_index (list, i));
			return TRUE;
		}
	return FALSE;
}

static GPtrArray *
envelope (GPtrArray *to, GPtrArray *cc, GPtrArray *bcc)
{
	GPtrArray *lists[] = { to, cc, bcc };
	GPtrArray *all = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = address_set_new ();

	for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
		for (guint j = 0; lists[i] && j < lists[i]->len; j++) {
			char *lower = g_ascii_strdown (g_ptr_array_index (lists[i], j), -1);
			if (g_hash_table_contains (seen, lower)) {
				g_free (lower);
				continue;
			}
			g_hash_table_add (seen, g_strdup (lower));
			g_ptr_array_add (all, lower);
		}
	return all;
}

static gboolean
reply_notify (Letter *l, const MtNotifyReply *r, gint64 article, GError **error)
{
	g_autofree char *what = g_strdup_printf ("Reply by %s to %s", r->who, l->mail->requester);
	MtNotifyEvent e = {
		.ticket = r->ticket,
		.article = article,
		.what = what,
		.text = r->text,
		.author = r->author_address,
		.now = r->now,
	};
	guint queued;

	return mt_notify_watchers (l->store, l->config, &e, &queued, error);
}

gboolean
mt_notify_reply (MtStore *store, const MtConfig *config, const MtNotifyReply *r, gint64 *article, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	g_autoptr (GPtrArray) cc = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) rcpts = NULL;
	g_autofree char *message_id = NULL;
	g_autoptr (GBytes) raw = NULL;
	MtCompose c;

	if (bad_addresses (r->cc, error) || bad_addresses (r->bcc, error) ||
	    !letter_init (&l, store, config, r->ticket, error))
		return FALSE;
	if (l.mail->requester == NULL || !mt_compose_address_ok (l.mail->requester)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "ticket %" G_GINT64_FORMAT " has no requester to reply to", r->ticket);
		return FALSE;
	}
	g_ptr_array_add (to, l.mail->requester);
	if (!reply_cc (&l, r, cc, error))
		return FALSE;
	c = letter_compose (&l, to, r->text, r->now);
	c.cc = cc;
	c.html = TRUE;
	c.attachments = r->attachments;
	rcpts = envelope (to, cc, r->bcc);
	if (!(raw = mt_compose (&c, &message_id, error)) ||
	    !store_outgoing (&l, raw, r->author, r->now, article, error) ||
	    !letter_queue (&l, "reply", *article, message_id, rcpts, raw, r->now, error) ||
	    !mt_ticket_responded (store, r->ticket, r->now, error))
		return FALSE;
	return reply_notify (&l, r, *article, error);
}
