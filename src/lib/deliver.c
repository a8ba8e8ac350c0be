/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	deliver.c - one message from the MTA into its ticket
 * DESCRIPTION
 *	The whole of a delivery is one transaction: the raw bytes, the
 *	ticket or the article, attachments, message ids and participants
 *	are committed together or not at all, so that an exit 75 leaves
 *	nothing behind for the retry to trip over, and a retry after a
 *	crash finds the same bytes and changes nothing.
 *
 *	Whatever the message alone decides is worked out before that
 *	transaction, so that the write lock is held for the writes only,
 *	whatever the message: its parse (mt_deliver_prepare()), whether it
 *	is automatic or a bounce, the rules' verdict (deliver-examine.c). A
 *	refusal stores nothing and takes no lock. The bytes of a large message are written
 *	ahead, a few MB at a time (mt_store_stage_blob()).
 *
 *	What an agent's mail does (commands, an answer to the customer, a
 *	note) is deliver-agent.c's.
 */
#include <string.h>

#include "mailticket/bounce.h"
#include "mailticket/clock.h"
#include "mailticket/change.h"
#include "mailticket/commands.h"
#include "mailticket/customer.h"
#include "mailticket/deliver.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/notify.h"
#include "mailticket/proof.h"
#include "mailticket/quarantine.h"
#include "mailticket/rules.h"
#include "mailticket/secret.h"
#include "mailticket/ticket.h"
#include "mailticket/token.h"

#include "deliver-private.h"

const char *
mt_deliver_action_name (MtDeliverAction action)
{
	static const char *const names[] = { "new", "append", "duplicate", "quarantine", "refused" };

	return names[action];
}

void
mt_deliver_result_clear (MtDeliverResult *r)
{
	mt_thread_decision_clear (&r->decision);
	g_free (r->message_id);
	g_free (r->reason);
	g_clear_pointer (&r->rules, mt_rule_outcome_free);
	memset (r, 0, sizeof *r);
}

/* The thread module's lookups, answered from the store. */
static gboolean
lookup_message_id (gpointer data, const char *id, gint64 *ticket, gboolean *referenced, GError **error)
{
	return mt_ticket_lookup_message_id (data, id, ticket, referenced, error);
}

static gboolean
lookup_ticket (gpointer data, gint64 id, gboolean *found, MtThreadTicket *facts, GError **error)
{
	return mt_ticket_get_thread_facts (data, id, found, facts, error);
}

/* An import threads old mail into a ticket that an import closed as if
 * open: it was open when that mail came. */
static gboolean
lookup_imported_ticket (gpointer data, gint64 id, gboolean *found, MtThreadTicket *facts, GError **error)
{
	if (!mt_ticket_get_thread_facts (data, id, found, facts, error))
		return FALSE;
	facts->closed = *found && facts->closed && !facts->closed_by_import;
	return TRUE;
}

static gboolean
lookup_participant (gpointer data, gint64 ticket, const char *address, gboolean *yes, GError **error)
{
	return mt_ticket_is_participant (data, ticket, address, yes, error);
}

static gboolean
lookup_within (gpointer data, gint64 ticket, gint64 into, gboolean *yes, GError **error)
{
	return mt_ticket_participants_within (data, ticket, into, yes, error);
}

static gboolean
lookup_apart (gpointer data, gint64 ticket, gint64 other, gboolean *yes, GError **error)
{
	return mt_ticket_apart (data, ticket, other, yes, error);
}

/* The reply token's proof: which ticket, whose token, and whether the
 * mail is an agent's. */
static gboolean
examine (Delivery *d, GError **error)
{
	MtProofInput input = { d->secret, d->message, d->options->sender, d->options->recipient };

	return mt_proof_examine (d->store, d->config, &input, &d->proof, error);
}

static gboolean
decide (Delivery *d, MtThreadDecision *decision, GError **error)
{
	MtMessage *m = d->message;
	MtThreadLookup lookup = { lookup_message_id,  d->options->import ? lookup_imported_ticket : lookup_ticket,
				  lookup_participant, d->store,
				  lookup_within,      lookup_apart };
	MtThreadInput input = {
		.message_id = m->message_id,
		.in_reply_to = m->in_reply_to,
		.references = m->references,
		.sender = m->from_addr ? m->from_addr : d->options->sender,
		.foreign_subject_joins = d->config->foreign_subject == MT_FOREIGN_SUBJECT_JOIN,
		.now = d->now,
	};

	g_autoptr (GPtrArray) returned = NULL;

	/* A bounce answers the message it returns, whatever its headers say. */
	if (d->bounce.message_id != NULL) {
		returned = g_ptr_array_new ();
		g_ptr_array_add (returned, d->bounce.message_id);
		g_ptr_array_extend (returned, m->in_reply_to, NULL, NULL);
		input.in_reply_to = returned;
	}
	if (!examine (d, error))
		return FALSE;
	input.token_ticket = d->proof.ticket;
	mt_token_find_subject (d->config->tag, m->subject, &input.subject_ticket);
	return mt_thread_decide (&input, &lookup, decision, error);
}

static gboolean
open_ticket (Delivery *d, const MtThreadDecision *decision, gint64 *ticket, GError **error)
{
	MtMessage *m = d->message;
	const char *requester = m->from_addr ? m->from_addr : d->options->sender;
	g_autofree char *subject = mt_thread_strip_prefixes (m->subject, d->config->tag);
	MtTicketNew t = { .type = "mail", .subject = subject, .now = d->now };

	if (*subject == '\0') {
		g_free (subject);
		t.subject = subject = g_strdup ("(no subject)");
	}
	if (requester != NULL && *requester != '\0' &&
	    !mt_customer_contact_ensure (d->store, requester, m->from_name, d->now, &t.requester, error))
		return FALSE;
	if (!(t.queue = d->options->queue) &&
	    !mt_directory_queue_for (d->store, d->config, d->recipient, d->now, &t.queue, error))
		return FALSE;
	if (!mt_ticket_create (d->store, &t, ticket, error) ||
	    !mt_ticket_add_history (d->store, *ticket, "mail", "created", NULL, subject, d->now, error))
		return FALSE;
	if (decision->action == MT_THREAD_NEW_LINKED)
		return mt_ticket_link (d->store, *ticket, "relates", decision->ticket, d->now, error);
	return TRUE;
}

/* A person's reply brings a ticket back to the agents; an auto-reply
 * does not, nor old mail imported. */
static gboolean
wake_ticket (Delivery *d, gint64 ticket, gboolean *reopened, GError **error)
{
	g_autofree char *status = mt_ticket_get_status (d->store, ticket, error);
	g_autofree char *who = NULL;

	if (status == NULL)
		return FALSE;
	if (d->automatic || d->agent_mail || d->options->import || strcmp (status, "new") == 0 ||
	    strcmp (status, "open") == 0)
		return TRUE;
	who = g_strdup_printf ("mail:%s", d->message->from_addr ? d->message->from_addr : "unknown");
	*reopened = TRUE;
	return mt_ticket_set_status (d->store, ticket, "open", who, d->now, error);
}

static gboolean
note_ids (Delivery *d, gint64 ticket, gint64 article, GError **error)
{
	MtMessage *m = d->message;
	GPtrArray *lists[] = { m->in_reply_to, m->references };

	if (m->message_id != NULL && !mt_ticket_note_message_id (d->store, m->message_id, ticket, article, error))
		return FALSE;
	for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
		for (guint i = 0; i < lists[l]->len; i++)
			if (!mt_ticket_note_reference (d->store, g_ptr_array_index (lists[l], i), ticket, error))
				return FALSE;
	return TRUE;
}

/* Whose word puts the mail's addresses on the conversation's Cc: the
 * opening mail's and the requester's own are the requester's, an
 * agent's mail the agent's; anything else only proposes them to the
 * agents. The requester's own mail carries the requester's token of
 * this very ticket (not of one merged into it) and comes from the
 * requester's address: everyone Cc'd on a reply holds that token too. */
static MtCcSource
cc_source (Delivery *d, MtDeliverResult *r)
{
	if (d->agent_mail)
		return MT_CC_AGENT;
	if (r->action == MT_DELIVER_NEW)
		return MT_CC_REQUESTER;
	if (d->proof.requester_own && r->decision.via == MT_VIA_TOKEN && d->proof.ticket == r->ticket)
		return MT_CC_REQUESTER;
	return MT_CC_PROPOSED;
}

static gboolean
add_cc (Delivery *d, MtDeliverResult *r, const char *address, MtCcSource source, GError **error)
{
	gboolean ours = FALSE;

	if (!mt_directory_is_ours (d->store, d->config, address, &ours, error))
		return FALSE;
	if (ours)
		return TRUE;
	return mt_ticket_add_cc (d->store, r->ticket, address, source, r->article, d->now, error);
}

/* The conversation's Cc, from the mail's To and Cc less our own
 * addresses; at most MAX_CC_TAKEN of one mail. */
#define MAX_CC_TAKEN 200
static gboolean
record_cc (Delivery *d, MtDeliverResult *r, GError **error)
{
	GPtrArray *rcpts = d->message->recipients;
	MtCcSource source = cc_source (d, r);

	if (d->automatic)
		return TRUE;
	for (guint i = 0; i < rcpts->len && i < MAX_CC_TAKEN; i++)
		if (!add_cc (d, r, g_ptr_array_index (rcpts, i), source, error))
			return FALSE;
	return TRUE;
}

/* Joined only through an id that earlier mail referenced, by a sender
 * who is no participant (thread.h): the id may have been referenced to
 * catch this very mail. Its sender is answered as an opener is, with an
 * acknowledgement, and gets the replies, on the conversation's Cc. */
static gboolean
claimed (const MtDeliverResult *r)
{
	return r->action == MT_DELIVER_APPEND && r->decision.referenced_only && r->decision.foreign;
}

static gboolean
add_claimant (Delivery *d, MtDeliverResult *r, GError **error)
{
	const char *sender = d->message->from_addr ? d->message->from_addr : d->options->sender;
	g_autofree char *why = NULL;

	if (!claimed (r) || sender == NULL || *sender == '\0')
		return TRUE;
	why = g_strdup_printf ("%s: joined by %s, which only earlier mail referenced", sender, r->decision.matched);
	return (d->automatic || add_cc (d, r, sender, MT_CC_REQUESTER, error)) &&
	       mt_ticket_add_history (d->store, r->ticket, "mail", "participant", NULL, why, d->now, error);
}

static gboolean
store_article (Delivery *d, MtDeliverResult *r, GError **error)
{
	const MtThreadDecision *decision = &r->decision;
	MtArticleNew a = {
		.kind = "email-in",
		.message = d->message,
		.blob = d->sha256,
		.size = d->raw->len,
		.envelope_from = d->options->sender,
		.envelope_to = d->options->recipient,
		.via = mt_thread_via_name (decision->via),
		.automatic = d->automatic,
		.now = d->now,
		/* What the customer gets of an agent's mail is the reply it
		 * causes: the mail itself, quoted notification and all, is the
		 * agents'. */
		.internal = d->agent_mail,
		.author = d->agent_mail ? d->proof.agent_user : 0,
	};

	if (decision->action == MT_THREAD_APPEND) {
		r->action = MT_DELIVER_APPEND;
		r->ticket = decision->ticket;
		if (!wake_ticket (d, r->ticket, &r->reopened, error))
			return FALSE;
		if (decision->flagged && !mt_ticket_flag (d->store, r->ticket, error))
			return FALSE;
	} else {
		r->action = MT_DELIVER_NEW;
		if (!open_ticket (d, decision, &r->ticket, error))
			return FALSE;
	}
	return mt_ticket_add_article (d->store, r->ticket, &a, &r->article, error) &&
	       (!d->agent_mail || mt_ticket_mark_new_text (d->store, r->article, error)) &&
	       note_ids (d, r->ticket, r->article, error) &&
	       mt_ticket_add_participants (d->store, r->ticket, d->message->addresses, error) &&
	       record_cc (d, r, error) && add_claimant (d, r, error);
}

/* Where an acknowledgement goes: Reply-To if the sender set one. */
static const char *
answer_address (Delivery *d)
{
	InternetAddressList *list = g_mime_message_get_reply_to (d->message->mime);
	InternetAddress *ia =
		list && internet_address_list_length (list) > 0 ? internet_address_list_get_address (list, 0) : NULL;

	if (ia != NULL && INTERNET_ADDRESS_IS_MAILBOX (ia))
		return internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
	return d->message->from_addr;
}

/* Mail from a person is acknowledged when it opens a ticket, and told
 * to the watchers; automatic mail, bounces above all, is only filed:
 * answering it is how loops start. */
static gboolean
tell_people (Delivery *d, MtDeliverResult *r, GError **error)
{
	MtMessage *m = d->message;
	const char *ack_to = answer_address (d);
	MtNotifyEvent e = { .ticket = r->ticket,
			    .article = r->article,
			    .who = *m->from ? m->from : m->from_addr,
			    .text = m->text,
			    .author = m->from_addr,
			    .now = d->now,
			    .new_ticket = r->action == MT_DELIVER_NEW };

	if (d->automatic || r->rules->spam.value != NULL)
		return TRUE;
	if (r->action == MT_DELIVER_NEW && !mt_notify_opening_lang (d->store, r->ticket, m, error))
		return FALSE;
	if ((r->action == MT_DELIVER_NEW || claimed (r)) && d->config->acknowledge && ack_to != NULL &&
	    r->rules->no_ack.value == NULL &&
	    !mt_notify_acknowledge (d->store, d->config, r->ticket, ack_to, r->action != MT_DELIVER_NEW, d->now,
				    &r->acknowledged, error))
		return FALSE;
	return mt_notify_watchers (d->store, d->config, &e, &r->notified, error);
}

/* What the mail makes happen beyond its ticket: an agent's commands
 * and answer, a bounce's failed recipients, the people told. */
static gboolean
answer (Delivery *d, MtDeliverResult *r, GError **error)
{
	return mt_deliver_apply_commands (d, r, error) && mt_deliver_record_bounce (d, r, error) &&
	       (d->agent_mail ? mt_deliver_agent_answer (d, r, error) : tell_people (d, r, error));
}

static gboolean
quarantine (Delivery *d, MtDeliverResult *r, const char *reason, GError **error)
{
	r->action = MT_DELIVER_QUARANTINE;
	r->reason = g_strdup (reason);
	if (d->options->dry_run)
		return TRUE;
	return mt_quarantine_add (d->store, d->sha256, d->raw->len, d->options->sender, d->options->recipient, reason,
				  d->now, &r->quarantine, error);
}

/* The message bridged tickets (thread.h): the unworked ones are merged
 * into the one it joined, the others linked to it, the history of each
 * naming the message that bridged them, and whoever looks after each
 * told (notify.h). */
static gboolean
apply_bridge (Delivery *d, MtDeliverResult *r, GError **error)
{
	const MtThreadDecision *t = &r->decision;
	g_autofree char *id = g_strdup_printf ("<%s>", d->message->message_id ? d->message->message_id : "");
	MtNotifyLink told = { r->ticket,           0,  *d->message->from ? d->message->from : d->message->from_addr,
			      d->message->subject, id, d->now };

	for (guint i = 0; t->merge && i < t->merge->len; i++)
		if (!mt_change_merge (d->store, g_array_index (t->merge, gint64, i), r->ticket, "mail", d->now, error))
			return FALSE;
	for (guint i = 0; t->link && i < t->link->len; i++) {
		told.linked = g_array_index (t->link, gint64, i);
		if (!mt_ticket_link (d->store, r->ticket, "relates", told.linked, d->now, error) ||
		    !mt_ticket_add_history (d->store, r->ticket, "mail", "bridged", NULL, id, d->now, error) ||
		    !mt_ticket_add_history (d->store, told.linked, "mail", "bridged", NULL, id, d->now, error) ||
		    !mt_notify_link (d->store, d->config, &told, error))
			return FALSE;
	}
	return TRUE;
}

/* Everything after the blob: inside the transaction, or a dry run. */
static gboolean
thread_and_store (Delivery *d, MtDeliverResult *r, GError **error)
{
	if (d->message == NULL)
		return quarantine (d, r, d->parse_error, error);
	if (!mt_ticket_find_by_blob (d->store, d->sha256, &r->ticket, &r->article, error))
		return FALSE;
	if (r->article != 0)
		r->action = MT_DELIVER_DUPLICATE;
	else if (d->options->import && !mt_deliver_import_known (d, r, error))
		return FALSE;
	if (r->action == MT_DELIVER_DUPLICATE)
		return TRUE;
	/* Spam opens a ticket of its own, whatever it answers. */
	if (r->rules->spam.value == NULL && !d->options->no_thread && !decide (d, &r->decision, error))
		return FALSE;
	if (d->options->dry_run) {
		r->action = r->decision.action == MT_THREAD_APPEND ? MT_DELIVER_APPEND : MT_DELIVER_NEW;
		r->ticket = r->decision.action == MT_THREAD_APPEND ? r->decision.ticket : 0;
		return TRUE;
	}
	return mt_deliver_take_commands (d, &r->decision, error) && store_article (d, r, error) &&
	       apply_bridge (d, r, error) &&
	       mt_rules_apply (d->store, d->config, r->rules, r->ticket, r->action == MT_DELIVER_NEW, d->now, error) &&
	       (d->options->import ? mt_deliver_import_settle (d, r, error) : answer (d, r, error));
}

typedef struct {
	Delivery *d;
	MtDeliverResult *r;
} Write;

/* The blob and everything after it, in the transaction that
 * deliver_in_transaction() opened. */
static gboolean
write_delivery (MtStore *store, gpointer data, GError **error)
{
	Write *w = data;

	return mt_store_put_summed_blob (store, w->d->raw->data, w->d->raw->len, w->d->sha256, error) &&
	       thread_and_store (w->d, w->r, error);
}

/* Runs func as one write: of the batch (--serve), or a transaction. */
static gboolean
write_once (Delivery *d, MtStoreFunc func, gpointer data, GError **error)
{
	if (d->options->batched)
		return mt_store_batch_write (d->store, func, data, error);
	if (!mt_store_begin (d->store, error))
		return FALSE;
	if (!func (d->store, data, error)) {
		mt_store_rollback (d->store);
		return FALSE;
	}
	return mt_store_commit (d->store, error);
}

static gboolean
deliver_in_transaction (Delivery *d, MtDeliverResult *r, GError **error)
{
	Write w = { d, r };

	return write_once (d, write_delivery, &w, error);
}

static gboolean
write_rule_errors (MtStore *store, gpointer data, GError **error)
{
	Write *w = data;

	return mt_rules_count_errors (store, w->r->rules, w->d->now, error);
}

/* A refusal stores nothing, but the rules that could not be evaluated
 * on the way to it are counted all the same, in a write of their own;
 * failing to count them changes no refusal. */
static void
count_refused_rule_errors (Delivery *d, MtDeliverResult *r, const GError *refusal)
{
	g_autoptr (GError) error = NULL;
	Write w = { d, r };

	if (refusal == NULL || refusal->domain != MT_RULES_REFUSAL || r->rules == NULL || r->rules->errors->len == 0)
		return;
	if (!write_once (d, write_rule_errors, &w, &error))
		g_warning ("the rules that could not be evaluated are not counted: %s", error->message);
}

/* The message examined, then stored in one transaction (or, for a dry
 * run, what would be done). */
static gboolean
deliver_message (Delivery *d, MtDeliverResult *r, GError **error)
{
	if (!mt_deliver_examine (d, r, error))
		return FALSE;
	if (r->action == MT_DELIVER_REFUSED)
		return mt_deliver_refuse (d, r, error);
	if (d->options->dry_run)
		return thread_and_store (d, r, error);
	/* A batch is small, whatever it holds (serve-batch.c). */
	if (!d->options->batched && !mt_store_stage_blob (d->store, d->raw->data, d->raw->len, d->sha256, error))
		return FALSE;
	return deliver_in_transaction (d, r, error);
}

void
mt_deliver_prepare (MtDeliverInput *input, GByteArray *raw, guint64 limit)
{
	memset (input, 0, sizeof *input);
	input->raw = raw;
	if (raw->len > limit)
		return;
	input->sha256 = mt_store_blob_sum (raw->data, raw->len);
	input->message = mt_message_parse (raw, &input->parse_error);
}

void
mt_deliver_input_clear (MtDeliverInput *input)
{
	g_free (input->sha256);
	g_clear_pointer (&input->message, mt_message_free);
	g_clear_error (&input->parse_error);
	memset (input, 0, sizeof *input);
}

gboolean
mt_deliver_prepared (MtStore *store, const MtConfig *config, MtDeliverInput *input, const MtDeliverOptions *options,
		     MtDeliverResult *result, GError **error)
{
	Delivery d = {
		.store = store, .config = config, .options = options, .raw = input->raw, .now = mt_clock_now ()
	};
	gboolean ok;

	if (options->now != 0)
		d.now = options->now;
	memset (result, 0, sizeof *result);
	result->size = input->raw->len;
	if (input->raw->len > config->max_message_size)
		return mt_deliver_refuse_size (error, input->raw->len, config->max_message_size);
	/* Not prepared: over the limit it was prepared under, not over the config's. */
	if (input->sha256 == NULL)
		mt_deliver_prepare (input, input->raw, G_MAXUINT64);
	d.message = input->message;
	d.sha256 = input->sha256;
	d.parse_error = input->parse_error ? input->parse_error->message : NULL;
	if (!(d.secret = mt_secret_get (store, config, error)) || !mt_deliver_find_recipient (&d, error)) {
		g_free (d.secret);
		return FALSE;
	}
	ok = deliver_message (&d, result, error);
	if (!ok && !options->dry_run)
		count_refused_rule_errors (&d, result, error ? *error : NULL);
	mt_bounce_clear (&d.bounce);
	mt_commands_free (d.commands);
	mt_proof_clear (&d.proof);
	g_free (d.secret);
	g_free (d.recipient);
	/* A failure can come as late as the COMMIT (a full disk), after the
	 * result was filled; the callers clear it only after success. */
	if (!ok)
		mt_deliver_result_clear (result);
	return ok;
}

gboolean
mt_deliver (MtStore *store, const MtConfig *config, GByteArray *raw, const MtDeliverOptions *options,
	    MtDeliverResult *result, GError **error)
{
	MtDeliverInput input;
	gboolean ok;

	mt_deliver_prepare (&input, raw, config->max_message_size);
	ok = mt_deliver_prepared (store, config, &input, options, result, error);
	mt_deliver_input_clear (&input);
	return ok;
}
