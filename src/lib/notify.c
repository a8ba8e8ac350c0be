/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	notify.c - the mail a ticket causes: acknowledgements, replies, notifications
 * DESCRIPTION
 *	One function builds what every message about a ticket shares
 *	(addresses, subject token, thread headers); the kinds differ in
 *	recipients, template and Auto-Submitted. The words come from the
 *	templates (notify-text.c). Nothing here sends:
 *	the outbox row and the article are written in the caller's
 *	transaction, and mailticket-send delivers them later.
 */
#include <string.h>

#include "mailticket/autocleanups.h"
#include "mailticket/compose.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/notify.h"
#include "mailticket/outbox.h"
#include "mailticket/people.h"
#include "mailticket/secret.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"
#include "notify-private.h"

/* References carry the first message of the thread and the latest ones. */
#define MAX_REFERENCES 10

typedef struct {
	MtStore *store;
	const MtConfig *config;
	MtTicketMail *mail;
	char *from;   /* the queue's address */
	char *secret; /* for the reply tokens */
	char *subject;
	GPtrArray *references;
} Letter;

static void
letter_clear (Letter *l)
{
	mt_ticket_mail_free (l->mail);
	g_free (l->from);
	g_free (l->secret);
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
	g_autofree char *token = NULL;

	memset (l, 0, sizeof *l);
	l->store = store;
	l->config = config;
	if (!(l->mail = mt_ticket_mail_facts (store, ticket, error)) ||
	    !(l->secret = mt_secret_get (store, config, error)))
		return FALSE;
	l->from = g_strdup (l->mail->queue_address ? l->mail->queue_address : config->address);
	token = mt_token_subject (config->tag, ticket);
	l->subject = g_strdup_printf ("%s %s", token, l->mail->subject);
	l->references = thread_references (l->mail->thread_ids);
	return TRUE;
}

/* The reply address of the ticket for recipient in role; owned. */
static char *
letter_token (Letter *l, MtTokenRole role, const char *recipient)
{
	return mt_token_reply_address (l->secret, l->from, l->config->delimiter, l->mail->id, l->mail->uuid, role,
				       recipient);
}

char *
mt_notify_reply_address (MtStore *store, const MtConfig *config, gint64 ticket, MtTokenRole role, const char *recipient,
			 GError **error)
{
	g_auto (Letter) l = { 0 };

	if (!letter_init (&l, store, config, ticket, error))
		return NULL;
	return letter_token (&l, role, recipient);
}

/* reply_to is the token the message carries, which is also its envelope
 * sender: a bounce comes back to it. */
static MtCompose
letter_compose (Letter *l, GPtrArray *to, const char *reply_to, const MtTemplateText *t, gint64 now)
{
	GPtrArray *ids = l->mail->thread_ids;
	MtCompose c = {
		.from_name = l->config->from_name,
		.from_addr = l->from,
		.reply_to = reply_to,
		.to = to,
		.subject = t->subject ? t->subject : l->subject,
		.text = t->body,
		.language = t->lang,
		.headers = t->head,
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
letter_queue (Letter *l, const char *kind, gint64 article, const MtCompose *c, const char *message_id, GPtrArray *rcpts,
	      GBytes *raw, GError **error)
{
	gint64 now = c->now;
	MtOutboxNew o = {
		.ticket = l->mail->id,
		.article = article,
		.kind = kind,
		.message_id = message_id,
		.envelope_from = c->reply_to,
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
	*ours = g_ascii_strcasecmp (address, l->from) == 0;
	return *ours || mt_directory_is_ours (l->store, l->config, address, ours, error);
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

/* One message about the ticket to one address, from template name in
 * the recipient's language: an agent's gets the agent's reply address
 * and the comment address, anyone else's a customer-side reply address
 * of their own. */
static gboolean
notify_one (Letter *l, const char *kind, const char *address, const char *name, GHashTable *extra, gint64 now,
	    GError **error)
{
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	g_autoptr (MtPeopleProfile) agent = NULL;
	g_autofree char *reply_to = NULL, *comment = NULL, *lang = NULL, *message_id = NULL;
	g_autoptr (GHashTable) vars = NULL;
	g_autoptr (MtTemplateText) t = NULL;
	g_autoptr (GBytes) raw = NULL;
	MtCompose c;

	if (!mt_people_profile (l->store, 0, address, &agent, error))
		return FALSE;
	reply_to = letter_token (l, agent ? MT_TOKEN_AGENT : MT_TOKEN_CUSTOMER, address);
	comment = agent ? letter_token (l, MT_TOKEN_COMMENT, address) : NULL;
	lang = agent ? mt_notify_agent_lang (l->config, l->mail, agent)
		     : mt_notify_customer_lang (l->config, l->mail, address);
	vars = mt_notify_vars (l->config, l->mail, l->from, lang, extra, now);
	mt_template_set (vars, "recipient.agent", agent ? "yes" : "");
	mt_template_set (vars, "comment.address", comment);
	if (!(t = mt_template_render (l->config, name, l->mail->queue, lang, vars, error)))
		return FALSE;
	g_ptr_array_add (to, (char *) address);
	c = letter_compose (l, to, reply_to, t, now);
	c.auto_submitted = "auto-generated";
	if (!(raw = mt_compose (&c, &message_id, error)))
		return FALSE;
	return letter_queue (l, kind, 0, &c, message_id, to, raw, error);
}

/* The variables of an event's template: the caller's, and who did it
 * with which text; owned. */
static GHashTable *
event_vars (const MtNotifyEvent *e)
{
	GHashTable *vars = mt_template_vars_new ();
	const char *who = e->who ? e->who : e->author ? e->author : "mailticket";
	GHashTableIter iter;
	gpointer key, value;

	mt_template_set (vars, "author", who);
	mt_template_set (vars, "by", who);
	mt_template_set (vars, "article.text", e->text);
	mt_template_set (vars, "article.internal", e->internal ? "yes" : "");
	if (e->vars != NULL) {
		g_hash_table_iter_init (&iter, e->vars);
		while (g_hash_table_iter_next (&iter, &key, &value))
			mt_template_set (vars, key, value);
	}
	return vars;
}

/* A new ticket is told to the queue's group too, when it has one. */
static gboolean
add_queue_group (Letter *l, GPtrArray *audience, GError **error)
{
	g_autoptr (GPtrArray) members = NULL;

	if (!mt_config_notify (l->config, l->mail->queue)->new_ticket || l->mail->queue_group == 0)
		return TRUE;
	if (!(members = mt_people_addresses (l->store, 0, l->mail->queue_group, error)))
		return FALSE;
	for (guint i = 0; i < members->len; i++)
		g_ptr_array_add (audience, g_strdup (g_ptr_array_index (members, i)));
	return TRUE;
}

gboolean
mt_notify_watchers (MtStore *store, const MtConfig *config, const MtNotifyEvent *e, guint *queued, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) audience = NULL;
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) vars = NULL;
	const char *name = e->template ? e->template : e->new_ticket ? "notify-new" : "notify-article";

	*queued = 0;
	if (!(audience = mt_people_audience (store, e->ticket, e->internal, error)))
		return FALSE;
	/* Most mail has nobody watching yet: compose nothing then. */
	if (audience->len == 0 && !e->new_ticket)
		return TRUE;
	if (!letter_init (&l, store, config, e->ticket, error) ||
	    (e->new_ticket && !add_queue_group (&l, audience, error)))
		return FALSE;
	if (e->author)
		g_hash_table_add (skip, g_ascii_strdown (e->author, -1));
	if (l.mail->requester)
		g_hash_table_add (skip, g_ascii_strdown (l.mail->requester, -1));
	for (guint i = 0; e->told && i < e->told->len; i++)
		g_hash_table_add (skip, g_ascii_strdown (g_ptr_array_index (e->told, i), -1));
	for (guint i = 0; i < audience->len; i++)
		if (!add_recipient (&l, to, skip, g_ptr_array_index (audience, i), error))
			return FALSE;
	vars = event_vars (e);
	for (guint i = 0; i < to->len; i++)
		if (!notify_one (&l, "notification", g_ptr_array_index (to, i), name, vars, e->now, error))
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

	*queued = 0;
	if (!letter_init (&l, store, config, n->ticket, error))
		return FALSE;
	for (guint i = 0; i < n->to->len; i++)
		if (!add_recipient (&l, to, skip, g_ptr_array_index (n->to, i), error))
			return FALSE;
	for (guint i = 0; i < to->len; i++)
		if (!notify_one (&l, n->kind, g_ptr_array_index (to, i), n->template, n->vars, n->now, error))
			return FALSE;
	*queued = to->len;
	return TRUE;
}

static gboolean
store_outgoing (Letter *l, const MtCompose *c, GBytes *raw, gint64 author, gint64 *article, GError **error)
{
	g_autoptr (GByteArray) bytes = g_bytes_unref_to_array (g_bytes_ref (raw));
	g_autoptr (MtMessage) m = mt_message_parse (bytes, error);
	g_autofree char *sha256 = NULL;
	MtArticleNew a = { .kind = "email-out", .author = author, .now = c->now };

	if (m == NULL || !mt_store_put_blob (l->store, bytes->data, bytes->len, &sha256, error))
		return FALSE;
	a.message = m;
	a.blob = sha256;
	a.size = bytes->len;
	a.envelope_from = c->reply_to;
	return mt_ticket_add_article (l->store, l->mail->id, &a, article, error);
}

/* A mail to the customer side that is no reply, from template name:
 * the acknowledgement, or a status mail. Not an article: the history
 * and the outbox say it went. */
static gboolean
customer_mail (Letter *l, const char *kind, GPtrArray *to, const char *name, GHashTable *extra,
	       const char *auto_submitted, gint64 now, GError **error)
{
	const char *address = g_ptr_array_index (to, 0);
	g_autofree char *reply_to = letter_token (l, MT_TOKEN_CUSTOMER, address);
	g_autofree char *lang = mt_notify_customer_lang (l->config, l->mail, address);
	g_autoptr (GHashTable) vars = mt_notify_vars (l->config, l->mail, l->from, lang, extra, now);
	g_autoptr (MtTemplateText) t = mt_template_render (l->config, name, l->mail->queue, lang, vars, error);
	g_autofree char *message_id = NULL;
	g_autoptr (GBytes) raw = NULL;
	MtCompose c;

	if (t == NULL)
		return FALSE;
	c = letter_compose (l, to, reply_to, t, now);

	c.auto_submitted = auto_submitted;
	return (raw = mt_compose (&c, &message_id, error)) != NULL &&
	       letter_queue (l, kind, 0, &c, message_id, to, raw, error);
}

gboolean
mt_notify_acknowledge (MtStore *store, const MtConfig *config, gint64 ticket, const char *address, gboolean joined,
		       gint64 now, gboolean *queued, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autoptr (GHashTable) vars = mt_template_vars_new ();
	gint64 sent = 0;

	*queued = FALSE;
	if (!letter_init (&l, store, config, ticket, error) || !add_recipient (&l, to, skip, address, error))
		return FALSE;
	if (to->len == 0 || !mt_outbox_count_to (store, "ack", address, now - 3600, &sent, error))
		return to->len == 0;
	if (sent >= config->ack_limit)
		return TRUE;
	mt_template_set (vars, "ticket.joined", joined ? "yes" : "");
	if (!customer_mail (&l, "ack", to, "ack", vars, "auto-replied", now, error) ||
	    !mt_ticket_add_history (store, ticket, "mail", "acknowledged", NULL, g_ptr_array_index (to, 0), now, error))
		return FALSE;
	*queued = TRUE;
	return TRUE;
}

gboolean
mt_notify_requester (MtStore *store, const MtConfig *config, const MtNotifyRequester *n, gboolean *queued,
		     GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autoptr (GHashTable) vars = mt_template_vars_new ();

	*queued = FALSE;
	if (!letter_init (&l, store, config, n->ticket, error))
		return FALSE;
	if (l.mail->requester == NULL || !add_recipient (&l, to, skip, l.mail->requester, error) || to->len == 0)
		return l.mail->requester == NULL || to->len == 0;
	mt_template_set (vars, "status", n->status);
	mt_template_set (vars, "note", n->text);
	if (!customer_mail (&l, "notification", to, "requester-status", vars, "auto-generated", n->now, error) ||
	    !mt_ticket_add_history (store, n->ticket, "mail", "requester-told", NULL, n->status, n->now, error))
		return FALSE;
	*queued = TRUE;
	return TRUE;
}

/* Adds each address of list (char *) to cc. */
static gboolean
add_all (Letter *l, GPtrArray *cc, GHashTable *skip, GPtrArray *list, GError **error)
{
	for (guint i = 0; list && i < list->len; i++)
		if (!add_recipient (l, cc, skip, g_ptr_array_index (list, i), error))
			return FALSE;
	return TRUE;
}

/* The Cc of the conversation: what the requester's own mail and the
 * agents put there, the address watchers, and what this reply adds,
 * which is remembered for the next one. Never the addresses that other
 * mail named: those are only proposed to the agents. */
static gboolean
reply_cc (Letter *l, const MtNotifyReply *r, GPtrArray *cc, GError **error)
{
	g_autoptr (GHashTable) skip = address_set_new ();
	g_autoptr (GPtrArray) kept = mt_ticket_cc (l->store, r->ticket, FALSE, error);
	g_autoptr (GPtrArray) watching = kept ? mt_people_address_watchers (l->store, r->ticket, error) : NULL;

	if (watching == NULL)
		return FALSE;
	g_hash_table_add (skip, g_ascii_strdown (l->mail->requester, -1));
	if (r->author_address != NULL)
		g_hash_table_add (skip, g_ascii_strdown (r->author_address, -1));
	if (!add_all (l, cc, skip, kept, error) || !add_all (l, cc, skip, watching, error) ||
	    !add_all (l, cc, skip, r->cc, error))
		return FALSE;
	for (guint i = 0; r->cc && i < r->cc->len; i++)
		if (!mt_ticket_add_cc (l->store, r->ticket, g_ptr_array_index (r->cc, i), MT_CC_AGENT, 0, r->now,
				       error))
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
too_many (const MtConfig *config, GPtrArray *rcpts, GError **error)
{
	if (rcpts->len <= (guint) config->max_reply_recipients)
		return FALSE;
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
		     "the reply would go to %u addresses, more than max_reply_recipients (%d); "
		     "remove watchers or Cc, or raise the limit in mailticket.conf",
		     rcpts->len, config->max_reply_recipients);
	return TRUE;
}

static gboolean
reply_notify (Letter *l, const MtNotifyReply *r, gint64 article, GPtrArray *rcpts, GError **error)
{
	MtNotifyEvent e = {
		.ticket = r->ticket,
		.article = article,
		.who = r->who,
		.text = r->text,
		.author = r->author_address,
		.told = rcpts,
		.now = r->now,
	};
	guint queued;

	return mt_notify_watchers (l->store, l->config, &e, &queued, error);
}

static gboolean
reply_recipients (Letter *l, const MtNotifyReply *r, GPtrArray *to, GPtrArray *cc, GError **error)
{
	if (l->mail->requester == NULL || !mt_compose_address_ok (l->mail->requester)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "ticket %" G_GINT64_FORMAT " has no requester to reply to", r->ticket);
		return FALSE;
	}
	g_ptr_array_add (to, l->mail->requester);
	return reply_cc (l, r, cc, error);
}

gboolean
mt_notify_reply (MtStore *store, const MtConfig *config, const MtNotifyReply *r, gint64 *article, GError **error)
{
	g_auto (Letter) l = { 0 };
	g_autoptr (GPtrArray) to = g_ptr_array_new ();
	g_autoptr (GPtrArray) cc = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) rcpts = NULL;
	g_autofree char *message_id = NULL, *reply_to = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (MtPeopleProfile) agent = NULL;
	g_autoptr (MtTemplateText) t = NULL;
	g_autofree char *quote = NULL;
	MtCompose c;

	if (bad_addresses (r->cc, error) || bad_addresses (r->bcc, error) ||
	    !letter_init (&l, store, config, r->ticket, error) || !reply_recipients (&l, r, to, cc, error))
		return FALSE;
	rcpts = envelope (to, cc, r->bcc);
	if (too_many (config, rcpts, error))
		return FALSE;
	/* One message to all: it carries the requester's reply address. */
	reply_to = letter_token (&l, MT_TOKEN_CUSTOMER, l.mail->requester);
	if (!mt_people_profile (store, r->author, NULL, &agent, error) ||
	    !(quote = mt_notify_reply_quote (store, config, l.mail, r->text, r->quoted, error)) ||
	    !(t = mt_notify_reply_text (config, l.mail, l.from, agent, r->text, r->answer, quote, r->now, error)))
		return FALSE;
	c = letter_compose (&l, to, reply_to, t, r->now);
	c.cc = cc;
	c.html = TRUE;
	c.attachments = r->attachments;
	c.parts = r->parts;
	if (!(raw = mt_compose (&c, &message_id, error)) || !store_outgoing (&l, &c, raw, r->author, article, error) ||
	    !letter_queue (&l, "reply", *article, &c, message_id, rcpts, raw, error) ||
	    !mt_ticket_responded (store, r->ticket, r->now, error))
		return FALSE;
	return reply_notify (&l, r, *article, rcpts, error);
}
