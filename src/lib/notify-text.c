/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	notify-text.c - the words of the mail a ticket causes
 * DESCRIPTION
 *	The variables of the templates (mailticket-templates(5)) from the
 *	ticket's facts, the language each recipient reads, and the text of
 *	a reply with its signature. The language of a customer's mail is
 *	the contact's own (contact set --lang), else the ticket's (the mail
 *	that opened it: its Content-Language or a guess over its words),
 *	else the queue's lang, else [mail] lang; an agent's is the agent's
 *	own (user set --lang), else the queue's. A reply quotes the
 *	customer's last mail under the agent's words, unless those quote
 *	already.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/token.h"
#include "notify-private.h"

static void
set_int (GHashTable *vars, const char *name, gint64 value)
{
	g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

	mt_template_set (vars, name, text);
}

/* What the queue promises: [queue NAME] response_time, else its SLA
 * written in lang. */
static char *
response_time (const MtConfig *config, const MtTicketMail *m, const char *lang)
{
	const char *promise = mt_config_response_time (config, m->queue);

	if (promise != NULL)
		return g_strdup (promise);
	return m->sla_minutes > 0 ? mt_template_duration (lang, m->sla_minutes) : g_strdup ("");
}

/* ticket.due, and ticket.response_due when it is a first response's,
 * in the time zone of the queue's hours. */
static void
set_due (GHashTable *vars, const MtTicketMail *m, const char *lang)
{
	g_autofree char *due = m->due ? mt_template_date_in (lang, m->due, m->tz) : g_strdup ("");

	mt_template_set (vars, "ticket.due", due);
	mt_template_set (vars, "ticket.response_due", m->response_due ? due : "");
}

/* The extra variables, with a time (name ending in .due) as a date. */
static void
add_extra (GHashTable *vars, GHashTable *extra, const char *lang)
{
	GHashTableIter iter;
	gpointer key, value;

	g_hash_table_iter_init (&iter, extra);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		gint64 when = 0;

		if (g_str_has_suffix (key, ".due") &&
		    g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &when, NULL)) {
			g_autofree char *date = mt_template_date (lang, when);
			mt_template_set (vars, key, date);
		} else {
			mt_template_set (vars, key, value);
		}
	}
}

/* A status change, told in the words of lang: status.name as the
 * customer reads it, status and status.old as an agent's list names
 * them. */
static void
localise_status (GHashTable *vars, const char *lang)
{
	const char *status = g_hash_table_lookup (vars, "status");
	const char *old = g_hash_table_lookup (vars, "status.old");

	if (status != NULL) {
		g_autofree char *code = g_strdup (status);

		mt_template_set (vars, "status.name", mt_template_status_name (lang, code));
		mt_template_set (vars, "status", mt_template_status_word (lang, code));
	}
	if (old != NULL) {
		g_autofree char *code = g_strdup (old);

		mt_template_set (vars, "status.old", mt_template_status_word (lang, code));
	}
}

GHashTable *
mt_notify_vars (const MtConfig *config, const MtTicketMail *m, const char *from, const char *lang, GHashTable *extra,
		gint64 now)
{
	GHashTable *vars = mt_template_vars_new ();
	g_autofree char *token = mt_token_subject (config->tag, m->id);
	g_autofree char *promise = response_time (config, m, lang);
	g_autofree char *date = mt_template_date (lang, now);

	set_int (vars, "ticket.id", m->id);
	set_int (vars, "ticket.priority", m->priority);
	mt_template_set (vars, "ticket.subject", m->subject);
	mt_template_set (vars, "ticket.token", token);
	mt_template_set (vars, "ticket.status", mt_template_status_word (lang, m->status));
	mt_template_set (vars, "ticket.queue", m->queue ? m->queue : "-");
	mt_template_set (vars, "ticket.owner", m->owner ? m->owner : "-");
	mt_template_set (vars, "ticket.requester", m->requester ? m->requester : "-");
	mt_template_set (vars, "queue.name", m->queue ? m->queue : config->queue);
	mt_template_set (vars, "queue.address", from);
	mt_template_set (vars, "queue.response_time", promise);
	set_due (vars, m, lang);
	mt_template_set (vars, "requester.name", m->requester_name ? m->requester_name : m->requester);
	mt_template_set (vars, "requester.address", m->requester);
	mt_template_set (vars, "date", date);
	if (extra != NULL)
		add_extra (vars, extra, lang);
	localise_status (vars, lang);
	return vars;
}

/* lang when it names a language, lower case; else NULL. */
static char *
usable (const char *lang)
{
	return lang && *lang ? mt_template_language_tag (lang) : NULL;
}

char *
mt_notify_customer_lang (const MtConfig *config, const MtTicketMail *m, const char *address)
{
	char *lang = NULL;

	if (address && m->requester && g_ascii_strcasecmp (address, m->requester) == 0)
		lang = usable (m->requester_lang);
	if (lang == NULL)
		lang = usable (m->lang);
	return lang ? lang : g_strdup (mt_config_lang (config, m->queue));
}

char *
mt_notify_agent_lang (const MtConfig *config, const MtTicketMail *m, const MtPeopleProfile *profile)
{
	char *lang = profile ? usable (profile->lang) : NULL;

	return lang ? lang : g_strdup (mt_config_lang (config, m->queue));
}

/* The agent's own signature, else the queue's template; owned. */
static char *
signature (const MtConfig *config, const MtTicketMail *m, const MtPeopleProfile *agent, GHashTable *vars,
	   const char *lang, GError **error)
{
	g_autoptr (MtTemplateText) t = NULL;

	if (agent && agent->signature)
		return g_strchomp (g_strdup (agent->signature));
	if (!(t = mt_template_render (config, "signature", m->queue, lang, vars, error)))
		return NULL;
	return g_strchomp (g_steal_pointer (&t->body));
}

/* The agent's words: text, then the canned answer; owned. */
static char *
reply_words (const MtConfig *config, const MtTicketMail *m, const char *text, const char *answer, GHashTable *vars,
	     const char *lang, GError **error)
{
	g_autofree char *name = answer ? g_strdup_printf ("answers/%s", answer) : NULL;
	g_autoptr (MtTemplateText) t = NULL;
	g_autofree char *words = g_strchomp (g_strdup (text ? text : ""));

	if (answer == NULL)
		return g_steal_pointer (&words);
	if (strchr (answer, '/') || *answer == '.' || !*answer) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "not the name of an answer: '%s'", answer);
		return NULL;
	}
	if (!(t = mt_template_render (config, name, m->queue, lang, vars, error)))
		return NULL;
	g_strchomp (t->body);
	return *words ? g_strdup_printf ("%s\n\n%s", words, t->body) : g_steal_pointer (&t->body);
}

/* The customer's last mail quoted in lang; "" when none. Owned. */
static char *
quote_last (MtStore *store, const MtTicketMail *m, const char *lang, GError **error)
{
	g_autofree char *from = NULL, *text = NULL;
	gint64 when = 0;

	if (!mt_ticket_last_customer_text (store, m->id, &from, &when, &text, error))
		return NULL;
	if (text == NULL)
		return g_strdup ("");
	return mt_template_quote (lang, when, from ? from : m->requester ? m->requester : "-", text);
}

char *
mt_notify_quote_last (MtStore *store, const MtConfig *config, gint64 ticket, GError **error)
{
	g_autoptr (MtTicketMail) m = mt_ticket_mail_facts (store, ticket, error);
	g_autofree char *lang = m ? mt_notify_customer_lang (config, m, m->requester) : NULL;

	return m ? quote_last (store, m, lang, error) : NULL;
}

/* Whether the agent's words quote already: a line starting with '>'. */
static gboolean
quotes (const char *text)
{
	for (const char *line = text; line != NULL && *line;
	     line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
		if (*line == '>')
			return TRUE;
	return FALSE;
}

char *
mt_notify_reply_quote (MtStore *store, const MtConfig *config, const MtTicketMail *m, const char *text, gboolean quoted,
		       GError **error)
{
	g_autofree char *lang = NULL;

	if (quoted || quotes (text))
		return g_strdup ("");
	lang = mt_notify_customer_lang (config, m, m->requester);
	return quote_last (store, m, lang, error);
}

MtTemplateText *
mt_notify_reply_text (const MtConfig *config, const MtTicketMail *m, const char *from, const MtPeopleProfile *agent,
		      const char *text, const char *answer, const char *quote, gint64 now, GError **error)
{
	g_autofree char *lang = mt_notify_customer_lang (config, m, m->requester);
	g_autoptr (GHashTable) vars = mt_notify_vars (config, m, from, lang, NULL, now);
	g_autofree char *sig = NULL, *words = NULL;

	mt_template_set (vars, "agent.name", agent && agent->name ? agent->name : agent ? agent->login : "");
	mt_template_set (vars, "agent.login", agent ? agent->login : "");
	mt_template_set (vars, "agent.address", agent ? agent->email : "");
	if (!(sig = signature (config, m, agent, vars, lang, error)) ||
	    !(words = reply_words (config, m, text, answer, vars, lang, error)))
		return NULL;
	mt_template_set (vars, "signature", sig);
	mt_template_set (vars, "article.text", words);
	mt_template_set (vars, "article.quote", quote);
	return mt_template_render (config, "reply", m->queue, lang, vars, error);
}

/* The message's Content-Language: GMime keeps the Content-* headers of
 * a message with its top part. */
static const char *
content_language (MtMessage *message)
{
	GMimeObject *top = g_mime_message_get_mime_part (message->mime);
	const char *value = mt_message_header (message, "Content-Language");

	return value ? value : top ? g_mime_object_get_header (top, "Content-Language") : NULL;
}

gboolean
mt_notify_opening_lang (MtStore *store, gint64 ticket, MtMessage *message, GError **error)
{
	g_autofree char *lang = mt_template_language_tag (content_language (message));

	if (lang == NULL && mt_template_guess_language (message->text) != NULL)
		lang = g_strdup (mt_template_guess_language (message->text));
	return lang == NULL || mt_ticket_set_lang (store, ticket, lang, error);
}
